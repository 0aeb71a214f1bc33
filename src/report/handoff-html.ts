/**
 * `handoff --html`: the sheet a designer sends with the package — one self-contained page (no script,
 * no outside resource; a Content-Security-Policy says so to the browser), the brief drawn from its
 * Markdown with every character escaped (./markdown.ts), the problems first, then the package.
 */
import { fpsText, type HandoffRun } from '../handoff/handoff.js';
import type { LoudnessFigures } from '../render/premix.js';
import { dubstageVersion } from '../version.js';
import { escapeHtml as esc, markdownToHtml } from './markdown.js';

const v = (x: number | null) => (x === null ? '-inf' : x.toFixed(1));
const opt = (x: number | null | undefined, unit = '') => (x === null || x === undefined ? '—' : `${x}${unit}`);

function cells(l: LoudnessFigures): string {
  return [l.integratedLufs, l.shortTermMaxLufs, l.loudnessRangeLu, l.truePeakDbtp].map((x, i) => `<td class="n">${i === 2 && x === null ? 'n/a' : v(x)}</td>`).join('');
}

const HEAD = '<th>I LUFS</th><th>S max</th><th>LRA LU</th><th>TP dBTP</th>';
const W = 900;

function sceneBars(run: HandoffRun): string {
  const r = run.result;
  if (r.scenes.length === 0) return '';
  const span = Math.max(1e-9, r.session.durationSeconds);
  const x = (s: number) => (Math.max(0, Math.min(span, s)) / span) * W;
  const bars = r.scenes
    .map((s, i) => {
      const cls = s.dialogueLufs === null ? 'none' : run.premix.sceneProblems.includes(i) ? 'bad' : 'ok';
      const x0 = x(s.startSeconds);
      const dev = s.deviationLu === null ? 'no dialogue' : `${s.deviationLu > 0 ? '+' : ''}${s.deviationLu.toFixed(1)} LU`;
      return `<rect x="${x0.toFixed(1)}" y="2" width="${Math.max(1, x(s.endSeconds) - x0).toFixed(1)}" height="24" class="${cls}"><title>${esc(s.name)} ${esc(s.startTimecode)}: ${v(s.dialogueLufs)} LUFS (${dev})</title></rect>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${W} 28" width="${W}" height="28" role="img" aria-label="scenes by dialogue deviation">${bars}</svg>`;
}

export function handoffHtml(run: HandoffRun, when: Date = new Date()): string {
  const r = run.result;
  const s = r.session;
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  const warnings = r.problems.filter((p) => p.severity === 'warning').length;
  const mediaName = new Map(r.media.map((m) => [m.id, m.name]));
  const problems = r.problems
    .map((p) => `<tr class="${p.severity}"><td>${p.severity}</td><td><code>${esc(p.code)}</code></td><td>${esc(p.startTimecode ?? '')}</td><td>${esc(p.track ?? '')}</td><td>${esc(p.clip ?? '')}</td><td>${esc(p.media ? (mediaName.get(p.media) ?? p.media) : '')}</td><td class="msg">${esc(p.message)}</td></tr>`)
    .join('');
  const tracks = r.tracks.map((t) => `<tr><td>${esc(t.name)}</td><td>${esc(t.role)}</td><td class="n">${t.channels}</td><td class="n">${t.clips}</td>${cells(t.loudness)}<td>${t.muted ? 'muted' : ''}</td></tr>`).join('');
  const groups = r.groups.map((g) => `<tr><td>${esc(g.name)}</td><td class="n">${g.channels}</td><td>${esc(g.tracks.join(', '))}</td>${cells(g.loudness)}</tr>`).join('');
  const media = r.media
    .map(
      (m) =>
        `<tr class="${m.status === 'ok' ? '' : 'error'}"><td>${esc(m.name)}</td><td>${m.status}</td><td class="n">${opt(m.sampleRate)}</td><td class="n">${opt(m.bitDepth)}</td><td class="n">${opt(m.channels)}</td><td class="n">${m.durationSeconds === null ? '—' : m.durationSeconds.toFixed(3)}</td><td class="n">${m.clips}</td><td class="path">${esc(m.resolvedPath ?? m.path ?? '')}</td></tr>`,
    )
    .join('');
  const markers = r.markers.map((m) => `<tr><td>${esc(m.timecode)}</td><td>${esc(m.name)}</td></tr>`).join('');
  const scenes = r.scenes
    .map((sc, i) => `<tr class="${run.premix.sceneProblems.includes(i) ? 'warning' : ''}"><td>${esc(sc.name)}</td><td>${esc(sc.startTimecode)}</td><td>${esc(sc.endTimecode)}</td><td class="n">${v(sc.dialogueLufs)}</td><td class="n">${sc.deviationLu === null ? '' : `${sc.deviationLu > 0 ? '+' : ''}${sc.deviationLu.toFixed(1)}`}</td></tr>`)
    .join('');
  const date = `${when.toISOString().slice(0, 10)} ${when.toISOString().slice(11, 19)} UTC`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Handoff: ${esc(s.name)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}h1 small{font-weight:normal;color:#666}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.path{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}td.msg{max-width:520px}
tr.error td{background:#fde4e4}tr.warning td{background:#fff4d6}tr.info td{background:#eef4fb}
.verdict{display:inline-block;padding:4px 12px;border-radius:4px;color:#fff;font-weight:bold}.ready{background:#2e7d32}.not-ready{background:#c62828}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#666}dd{margin:0}
.brief{border-left:4px solid #90a4ae;padding:.2em 1em;background:#f7f9fa;white-space:normal}.brief pre{background:#eceff1;padding:.5em;overflow:auto}.brief blockquote{border-left:3px solid #cfd8dc;margin:.5em 0;padding:0 1em;color:#455a64}td code{white-space:nowrap}
svg{background:#fafafa;border:1px solid #ddd;display:block}rect{stroke:#fff;stroke-width:1}rect.ok{fill:#7cb342}rect.bad{fill:#e53935}rect.none{fill:#bbb}
footer{color:#888;font-size:12px;margin-top:2em}</style></head><body>
<h1>Handoff: ${esc(s.name)} <small>${esc(s.format)}</small></h1>
<p><span class="verdict ${r.verdict}">${r.verdict === 'ready' ? 'READY' : 'NOT READY'}</span> ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${r.problems.length - errors - warnings} info</p>
<dl>${run.writer ? `<dt>Written by</dt><dd>${esc(run.writer)}</dd>` : ''}<dt>Sample rate</dt><dd>${s.sampleRate} Hz</dd><dt>Frame rate</dt><dd>${esc(fpsText(s))} (${s.frameRate.num}/${s.frameRate.den})</dd><dt>Start</dt><dd>${esc(s.startTimecode)}</dd><dt>Length</dt><dd>${s.durationSeconds.toFixed(3)} s</dd>
<dt>Package</dt><dd>${r.tracks.length} tracks, ${r.media.length} media files, ${r.markers.length} markers, ${r.scenes.length} scenes</dd>${run.spec ? `<dt>Spec</dt><dd>${esc(run.spec.name)} (${esc(run.spec.id)}, ${esc(run.spec.version)})</dd>` : ''}</dl>
${r.brief !== null ? `<h2>Creative brief</h2><div class="brief">${markdownToHtml(r.brief)}</div>` : ''}
<h2>Problems</h2>${r.problems.length === 0 ? '<p>None.</p>' : `<table><tr><th>severity</th><th>code</th><th>timecode</th><th>track</th><th>clip</th><th>media</th><th>problem</th></tr>${problems}</table>`}
<h2>Tracks</h2><table><tr><th>track</th><th>role</th><th>ch</th><th>clips</th>${HEAD}<th></th></tr>${tracks}</table>
${groups ? `<h2>Premix groups</h2><table><tr><th>group</th><th>ch</th><th>tracks</th>${HEAD}</tr>${groups}</table>` : ''}
<h2>Media</h2><table><tr><th>file</th><th>status</th><th>Hz</th><th>bits</th><th>ch</th><th>seconds</th><th>clips</th><th>found at</th></tr>${media}</table>
${markers ? `<h2>Markers</h2><table><tr><th>timecode</th><th>name</th></tr>${markers}</table>` : ''}
${scenes ? `<h2>Scenes: dialogue by scene</h2>${sceneBars(run)}<table><tr><th>scene</th><th>start</th><th>end</th><th>dialogue LUFS</th><th>deviation LU</th></tr>${scenes}</table>` : ''}
${run.notes.length > 0 ? `<h2>Notes</h2><ul>${run.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<footer>dubstage ${esc(dubstageVersion())} handoff, ${date}. Loudness per ITU-R BS.1770 on the session's own render (clip gain × track volume, fades; pan not applied).</footer>
</body></html>
`;
}

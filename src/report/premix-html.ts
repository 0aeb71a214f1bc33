/**
 * `premix --html`: the terminal's tables as one self-contained page, with each group's short-term
 * loudness over the session (inline SVG) and the scenes as bars coloured by their dialogue deviation.
 */
import type { LoudnessFigures, PremixRun } from '../render/premix.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const v = (x: number | null) => (x === null ? '-inf' : x.toFixed(1));

function cells(l: LoudnessFigures): string {
  return [l.integratedLufs, l.momentaryMaxLufs, l.shortTermMaxLufs, l.loudnessRangeLu, l.truePeakDbtp, l.samplePeakDbfs]
    .map((x, i) => `<td>${i === 3 && x === null ? 'n/a' : v(x)}</td>`)
    .join('');
}

const HEAD = '<th>I LUFS</th><th>M max</th><th>S max</th><th>LRA LU</th><th>TP dBTP</th><th>SP dBFS</th>';
const W = 900;
const H = 160;
const TOP = -10;
const BOTTOM = -60;

/** Short-term loudness at 10 Hz over the session, x in seconds on the session clock. */
function chart(name: string, st: Array<number | null>, startSeconds: number, endSeconds: number, scenes: PremixRun['result']['scenes']): string {
  const span = Math.max(1e-9, endSeconds - startSeconds);
  const x = (s: number) => (((s - startSeconds) / span) * W).toFixed(1);
  const y = (l: number) => (((TOP - Math.max(BOTTOM, Math.min(TOP, l))) / (TOP - BOTTOM)) * H).toFixed(1);
  // one path, broken where the window is silent; decimated to at most ~2 points per pixel
  const step = Math.max(1, Math.floor(st.length / (2 * W)));
  let d = '';
  let pen = false;
  for (let i = 0; i < st.length; i += step) {
    const l = st[i];
    if (l === null || l === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(startSeconds + (i + 1) * 0.1)},${y(l)}`;
    pen = true;
  }
  const grid = [-20, -30, -40, -50].map((l) => `<line x1="0" x2="${W}" y1="${y(l)}" y2="${y(l)}" class="grid"/><text x="2" y="${Number(y(l)) - 2}" class="lab">${l}</text>`).join('');
  const marks = scenes.map((s) => `<line x1="${x(s.startSeconds)}" x2="${x(s.startSeconds)}" y1="0" y2="${H}" class="scene"/>`).join('');
  return `<h3>${esc(name)}: short-term loudness (LUFS)</h3><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(name)} short-term loudness">${grid}${marks}<path d="${d}" class="st"/></svg>`;
}

function sceneBars(run: PremixRun, startSeconds: number, endSeconds: number): string {
  const scenes = run.result.scenes;
  if (scenes.length === 0) return '';
  const span = Math.max(1e-9, endSeconds - startSeconds);
  const x = (s: number) => ((Math.max(0, s - startSeconds) / span) * W);
  const bars = scenes.map((s, i) => {
    const problem = run.sceneProblems.includes(i);
    const cls = s.dialogueLufs === null ? 'none' : problem ? 'bad' : 'ok';
    const x0 = x(s.startSeconds);
    const w = Math.max(1, x(s.endSeconds) - x0);
    const dev = s.deviationLu === null ? 'no dialogue' : `${s.deviationLu > 0 ? '+' : ''}${s.deviationLu.toFixed(1)} LU`;
    return `<rect x="${x0.toFixed(1)}" y="4" width="${w.toFixed(1)}" height="28" class="${cls}"><title>${esc(s.name)} ${s.startTimecode}-${s.endTimecode}: ${v(s.dialogueLufs)} LUFS (${dev})</title></rect>`;
  }).join('');
  return `<h2>Scenes: dialogue deviation from the median (beyond ±${run.toleranceLu} LU in red)</h2><svg viewBox="0 0 ${W} 36" width="${W}" height="36">${bars}</svg>`;
}

export function premixHtml(run: PremixRun): string {
  const r = run.result;
  const start = run.renderStartSeconds;
  const end = Math.max(start, r.session.durationSeconds);
  const tracks = r.tracks.map((t) => `<tr><td>${esc(t.name)}</td><td>${t.channels}</td><td>${esc(t.role)}</td><td>${t.clips}</td><td>${t.missingClips}</td>${cells(t.loudness)}<td>${t.muted ? 'muted' : ''}</td></tr>`).join('');
  const groups = r.groups.map((g) => `<tr><td>${esc(g.name)}</td><td>${g.channels}</td><td>${esc(g.tracks.join(', '))}</td>${cells(g.loudness)}</tr>`).join('');
  const scenes = r.scenes.map((s, i) => `<tr class="${run.sceneProblems.includes(i) ? 'bad' : ''}"><td>${esc(s.name)}</td><td>${s.startTimecode}</td><td>${s.endTimecode}</td><td>${v(s.dialogueLufs)}</td><td>${s.deviationLu === null ? '' : s.deviationLu.toFixed(1)}</td></tr>`).join('');
  const charts = r.groups.map((g) => {
    const series = run.groupSeries.get(g.name);
    return series ? chart(g.name, series.shortTermLufs, start, end, r.scenes) : '';
  }).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dubstage premix: ${esc(r.session.name)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
tr.bad td{background:#fdd}svg{background:#fafafa;border:1px solid #ddd;display:block}.st{fill:none;stroke:#1565c0;stroke-width:1.2}.grid{stroke:#ddd}.lab{font-size:10px;fill:#888}.scene{stroke:#e0a000;stroke-dasharray:3 3}
rect.ok{fill:#7cb342}rect.bad{fill:#e53935}rect.none{fill:#bbb}</style></head><body>
<h1>${esc(r.session.name)} <small>(${esc(r.session.format)}, ${r.session.sampleRate} Hz, start ${esc(r.session.startTimecode)}, ${r.session.durationSeconds.toFixed(3)} s)</small></h1>
<h2>Tracks</h2><table><tr><th>track</th><th>ch</th><th>role</th><th>clips</th><th>missing</th>${HEAD}<th></th></tr>${tracks}</table>
<h2>Premix groups</h2><table><tr><th>group</th><th>ch</th><th>tracks</th>${HEAD}</tr>${groups}</table>
${charts}
${sceneBars(run, start, end)}
${scenes ? `<table><tr><th>scene</th><th>start</th><th>end</th><th>dialogue LUFS</th><th>deviation LU</th></tr>${scenes}</table>` : ''}
${r.warnings.length ? `<h2>Warnings</h2><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}

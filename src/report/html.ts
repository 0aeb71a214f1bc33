/**
 * `--html FILE`: one self-contained page a client can receive (no network, no external assets): the
 * verdict with the spec and its version, the date and time of the run and the dubstage version; every
 * input file with its size, duration, format, MD5 and SHA-256; the evidence of every check (per rule and
 * deliverable: passed, failed or not applicable, with its key figure even when it passed); the findings
 * with their timecodes; and a loudness-over-time chart per deliverable (momentary and short-term on a LUFS
 * axis with the target band; below it, on its own dBTP axis, the true-peak limit and the places that
 * reach it) as inline SVG that scales to the page.
 */
import path from 'node:path';
import type { PeakOversResult } from '../analyzers/peak-overs.js';
import type { QcRun } from '../qc/pipeline.js';
import type { CheckedDeliverable, Finding } from '../qc/types.js';
import { secondsToTimecode } from '../session/time.js';
import { dubstageVersion } from '../version.js';
import { ruleEvidence, type EvidenceStatus } from './evidence.js';
import { xmlEscape as esc } from './junit.js';

const SEV_COLOR = { error: '#c62828', warning: '#b35c00', info: '#1f5f9f' } as const;
const STATUS: Record<EvidenceStatus, { text: string; color: string }> = {
  pass: { text: 'pass', color: '#2e7d32' },
  fail: { text: 'FAIL', color: '#c62828' },
  warning: { text: 'warning', color: '#b35c00' },
  'not-applicable': { text: 'n/a', color: '#8a8a8a' },
  'not-checked': { text: 'not checked', color: '#8a8a8a' },
};

function n(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/** Timeline seconds of the file's first sample (BWF TimeReference). */
function startOf(d: CheckedDeliverable): number {
  const rate = d.measurement?.format?.sampleRate;
  return d.timeReferenceSamples !== null && rate ? d.timeReferenceSamples / rate : 0;
}

function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = size / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]} <span class="why">(${size.toLocaleString('en-US')} bytes)</span>`;
}

// Chart geometry in viewBox units; the SVG scales to the page width.
const W = 960;
const L = 64;
const R = 24;
const LOUD_T = 16;
const LOUD_H = 200;
const TP_T = LOUD_T + LOUD_H + 40;
const TP_H = 84;
const H = TP_T + TP_H + 68;

function chart(run: QcRun, d: CheckedDeliverable, findings: Finding[]): string {
  const s = d.measurement?.series;
  const dur = d.measurement?.format?.durationSeconds ?? 0;
  if (!s || dur <= 0) return '';
  const loud = run.spec.loudness;
  const lo = Math.min(-60, (loud?.targetLufs ?? -23) - 25);
  const hi = 0;
  const x = (sec: number) => L + ((W - L - R) * Math.max(0, Math.min(dur, sec))) / dur;
  const y = (lufs: number) => LOUD_T + (LOUD_H * (hi - Math.max(lo, Math.min(hi, lufs)))) / (hi - lo);
  // the true-peak panel: its own dBTP axis around the limit, wide enough for the file's own peak
  const tpMax = loud?.maxTruePeakDbtp;
  const fileTp = d.measurement?.loudness?.truePeakDbtp ?? null;
  const tpHi = Math.max(2, Math.ceil((fileTp ?? -Infinity) + 1));
  const tpLo = Math.min((tpMax ?? -1) - 10, Math.floor((fileTp ?? 0) - 2), -12);
  const ytp = (db: number) => TP_T + (TP_H * (tpHi - Math.max(tpLo, Math.min(tpHi, db)))) / (tpHi - tpLo);
  const trace = (values: Array<number | null>) => {
    let out = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      out += `${pen ? 'L' : 'M'}${x((i + 1) * s.intervalSeconds).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return out;
  };
  const parts: string[] = [];
  const plotW = W - L - R;
  // ---- loudness panel (LUFS)
  parts.push(`<rect x="${L}" y="${LOUD_T}" width="${plotW}" height="${LOUD_H}" fill="#fbfbfb" stroke="#bbb"/>`);
  for (let v = Math.ceil(lo / 10) * 10; v <= hi; v += 10) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e6e6e6"/><text x="${L - 8}" y="${y(v) + 4}" text-anchor="end" class="tick">${v}</text>`);
  }
  parts.push(axisTitle('LUFS', LOUD_T + LOUD_H / 2));
  // Target and tolerance band (and the fallback target, dashed): printmasters only, the files judged.
  const legend: string[] = [];
  if (loud && d.role === 'printmaster') {
    const top = y(loud.targetLufs + loud.toleranceLu);
    const bottom = y(loud.targetLufs - loud.toleranceLu);
    parts.push(`<rect x="${L}" y="${top}" width="${plotW}" height="${bottom - top}" fill="#2e7d32" opacity="0.13"/>`);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(loud.targetLufs)}" y2="${y(loud.targetLufs)}" stroke="#2e7d32" stroke-width="1.5"/>`);
    legend.push(`<rect x="0" y="-9" width="24" height="10" fill="#2e7d32" opacity="0.25"/><line x1="0" x2="24" y1="-4" y2="-4" stroke="#2e7d32" stroke-width="1.5"/><text x="30" y="0" class="label">target ${loud.targetLufs} LUFS ±${loud.toleranceLu} LU (${esc(loud.mode)})</text>`);
    if (loud.fallback) {
      parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(loud.fallback.targetLufs)}" y2="${y(loud.fallback.targetLufs)}" stroke="#2e7d32" stroke-dasharray="6 4"/>`);
      legend.push(`<line x1="0" x2="24" y1="-4" y2="-4" stroke="#2e7d32" stroke-dasharray="6 4"/><text x="30" y="0" class="label">programme fallback ${loud.fallback.targetLufs} LUFS</text>`);
    }
  }
  // Timed findings (not true peak) as shaded spans over the loudness panel.
  for (const f of findings) {
    if (f.startSeconds === null || f.endSeconds === null || f.rule === 'loudness/true-peak') continue;
    if (f.endSeconds - f.startSeconds >= dur * 0.98) continue;
    const x0 = x(f.startSeconds);
    const x1 = Math.max(x0 + 2, x(f.endSeconds));
    parts.push(`<rect x="${x0}" y="${LOUD_T}" width="${x1 - x0}" height="${LOUD_H}" fill="${SEV_COLOR[f.severity]}" opacity="0.16"><title>${esc(`${f.rule}: ${f.message} ${f.startTimecode}–${f.endTimecode}`)}</title></rect>`);
  }
  parts.push(`<path d="${trace(s.momentaryLufs)}" fill="none" stroke="#8fbfe0" stroke-width="1"/>`);
  parts.push(`<path d="${trace(s.shortTermLufs)}" fill="none" stroke="#0b4f9c" stroke-width="2"/>`);
  // legend under the loudness panel
  legend.unshift(
    `<line x1="0" x2="24" y1="-4" y2="-4" stroke="#8fbfe0" stroke-width="2"/><text x="30" y="0" class="label">momentary (400 ms)</text>`,
    `<line x1="0" x2="24" y1="-4" y2="-4" stroke="#0b4f9c" stroke-width="2"/><text x="30" y="0" class="label">short-term (3 s)</text>`,
  );
  parts.push(legendRow(legend, [170, 150, 300, 220], LOUD_T + LOUD_H + 22));
  // ---- true-peak panel (dBTP): the limit on its own axis
  parts.push(`<rect x="${L}" y="${TP_T}" width="${plotW}" height="${TP_H}" fill="#fbfbfb" stroke="#bbb"/>`);
  const step = [3, 6, 12, 24].find((st) => (tpHi - tpLo) / st <= 5) ?? 24;
  for (let v = Math.ceil(tpLo / step) * step; v <= tpHi; v += step) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${ytp(v)}" y2="${ytp(v)}" stroke="#e6e6e6"/><text x="${L - 8}" y="${ytp(v) + 4}" text-anchor="end" class="tick">${v}</text>`);
  }
  parts.push(axisTitle('dBTP', TP_T + TP_H / 2));
  const tpLegend: string[] = [];
  if (tpMax !== undefined) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${ytp(tpMax)}" y2="${ytp(tpMax)}" stroke="#c62828" stroke-dasharray="4 3" stroke-width="1.5"/>`);
    tpLegend.push(`<line x1="0" x2="24" y1="-4" y2="-4" stroke="#c62828" stroke-dasharray="4 3" stroke-width="1.5"/><text x="30" y="0" class="label">true-peak maximum ${tpMax} dBTP</text>`);
  }
  tpLegend.push(`<circle cx="12" cy="-4" r="4.5" fill="#c62828"/><text x="30" y="0" class="label">true peak over it</text>`);
  tpLegend.push(`<path d="M7,-9 L17,-9 L12,0 Z" fill="#c62828"/><text x="30" y="0" class="label">samples at the limit</text>`);
  if (fileTp !== null) tpLegend.push(`<text x="0" y="0" class="label">file true peak ${fileTp.toFixed(1)} dBTP</text>`);
  // true-peak findings at their place and level; every place the samples reach the limit as a tick
  for (const f of findings) {
    if (f.rule !== 'loudness/true-peak' || f.startSeconds === null || f.endSeconds === null) continue;
    const level = typeof f.measured === 'number' ? f.measured : tpHi;
    const cx = f.endSeconds - f.startSeconds >= dur * 0.98 ? W - R - 12 : x((f.startSeconds + f.endSeconds) / 2);
    parts.push(`<circle cx="${cx}" cy="${ytp(level)}" r="4.5" fill="${SEV_COLOR[f.severity]}"><title>${esc(f.message)}</title></circle>`);
  }
  const overs = (d.measurement?.analyzers?.['peak-overs'] as PeakOversResult | undefined)?.runs ?? [];
  for (const o of overs) {
    const cx = x(o.startSeconds);
    parts.push(`<path d="M${cx - 5},${TP_T - 10} L${cx + 5},${TP_T - 10} L${cx},${TP_T - 1} Z" fill="#c62828"><title>${esc(`${o.label} ${o.peakDbfs} dBFS at ${secondsToTimecode(startOf(d) + o.startSeconds, run.fps, run.dropFrame)}`)}</title></path>`);
  }
  // ---- time axis in timecode, under both panels
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const sec = (dur * i) / ticks;
    const tx = x(sec);
    const anchor = i === 0 ? 'start' : i === ticks ? 'end' : 'middle';
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${TP_T + TP_H}" y2="${TP_T + TP_H + 4}" stroke="#888"/>`);
    parts.push(`<text x="${tx}" y="${TP_T + TP_H + 18}" text-anchor="${anchor}" class="tick">${secondsToTimecode(startOf(d) + sec, run.fps, run.dropFrame)}</text>`);
    // faint time grid through both panels
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${LOUD_T}" y2="${LOUD_T + LOUD_H}" stroke="#eee"/><line x1="${tx}" x2="${tx}" y1="${TP_T}" y2="${TP_T + TP_H}" stroke="#eee"/>`);
  }
  parts.push(`<text x="${W - R}" y="${TP_T + TP_H + 36}" text-anchor="end" class="label">timecode at ${(run.fps.num / run.fps.den).toFixed(3)} fps</text>`);
  parts.push(legendRow(tpLegend, [230, 150, 170, 200], TP_T + TP_H + 60));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" class="chart" role="img" aria-label="loudness over time, ${esc(d.id)}"><style>.tick{font-size:12px;fill:#444}.label{font-size:12px;fill:#333}</style>${parts.join('')}</svg>`;
}

/** Legend entries side by side from the plot's left edge, each `widths[i]` wide. */
function legendRow(entries: string[], widths: number[], baseline: number): string {
  let at = L;
  return entries
    .map((e, i) => {
      const g = `<g transform="translate(${at} ${baseline})">${e}</g>`;
      at += widths[i] ?? 200;
      return g;
    })
    .join('');
}

function axisTitle(text: string, cy: number): string {
  return `<text x="16" y="${cy}" class="label" transform="rotate(-90 16 ${cy})" text-anchor="middle">${text}</text>`;
}

/** Every input file: the deliverable it belongs to, size, duration, format, checksums (or why it could not be read). */
function fileRows(run: QcRun): string {
  const rows: string[] = [];
  const listed = new Set<string>();
  for (const d of run.deliverables) {
    const m = d.measurement;
    const f = m?.format;
    d.files.forEach((file, i) => {
      listed.add(path.resolve(file));
      const sums = m?.checksums?.find((c) => path.resolve(c.path) === path.resolve(file));
      const member = d.damf
        ? `Dolby Atmos master set: ${['root (.atmos)', 'metadata (.atmos.metadata)', `audio (.atmos.audio, ${f ? f.channels : '?'} ch)`][i] ?? 'file'}`
        : d.files.length > 1 ? `mono, channel ${i + 1} of ${d.files.length} (${esc(f?.channelLabels[i] ?? '')})` : null;
      const format = f
        ? `${esc(f.container.toUpperCase())} · ${f.sampleRate} Hz · ${f.bitDepth}-bit ${f.sampleFormat === 'float' ? 'float' : 'PCM'} · ${member ?? `${f.channels} ch (${esc(f.channelLabels.join(' '))})`}`
        : `<span class="bad">unreadable: ${esc(m?.error?.message ?? run.inputErrors.find((e) => e.path && path.resolve(e.path) === path.resolve(file))?.message ?? 'not read')}</span>`;
      const duration = f ? `${f.durationSeconds.toFixed(3)} s<br><span class="why">${f.frames.toLocaleString('en-US')} samples · ${secondsToTimecode(startOf(d), run.fps, run.dropFrame)} – ${secondsToTimecode(startOf(d) + f.durationSeconds, run.fps, run.dropFrame)}</span>` : '—';
      rows.push(
        `<tr><td>${esc(path.basename(file))}<br><span class="why">${esc(d.id)}</span></td><td class="num">${sums ? bytes(sums.sizeBytes) : '—'}</td><td>${duration}</td><td>${format}</td><td class="hash">${sums ? `MD5&nbsp;${sums.md5}<br>SHA-256&nbsp;${sums.sha256}` : '—'}</td></tr>`,
      );
    });
  }
  for (const e of run.inputErrors) {
    if (!e.path || listed.has(path.resolve(e.path))) continue;
    rows.push(`<tr><td>${esc(path.basename(e.path))}</td><td>—</td><td>—</td><td><span class="bad">unreadable: ${esc(e.message)}</span></td><td>—</td></tr>`);
  }
  return rows.join('\n');
}

/** The evidence table: per deliverable, every rule with its result and key figure. */
function evidenceRows(run: QcRun): string {
  const all = ruleEvidence(run);
  const groups = [...run.deliverables.map((d) => d.id as string | null), null];
  const rows: string[] = [];
  for (const g of groups) {
    const mine = all.filter((e) => e.deliverable === g);
    if (mine.length === 0) continue;
    rows.push(`<tr class="group"><th colspan="3">${esc(g ?? 'delivery as a whole')}</th></tr>`);
    for (const e of mine) {
      if (e.status === 'not-applicable') continue;
      const st = STATUS[e.status];
      const notChecked = e.status === 'not-checked';
      const issues = e.findings.filter((f) => f.severity !== 'info').length;
      const notes = e.findings.length - issues;
      const more = [issues > 0 ? `${issues} finding${issues > 1 ? 's' : ''} below` : '', notes > 0 ? `${notes} note${notes > 1 ? 's' : ''} below` : ''].filter(Boolean).join(', ');
      const detail = notChecked ? esc(e.reason ?? '') : [esc(e.figure ?? ''), more].filter(Boolean).join(' · ');
      rows.push(`<tr${notChecked ? ' class="na"' : ''}><td><code>${esc(e.rule)}</code></td><td><span class="status" style="background:${st.color}">${st.text}</span></td><td>${detail}</td></tr>`);
    }
    // the rules that do not apply, in one line: said, not counted as passes
    const na = mine.filter((e) => e.status === 'not-applicable');
    if (na.length > 0) {
      rows.push(`<tr class="na"><td colspan="2"><span class="status" style="background:${STATUS['not-applicable'].color}">${STATUS['not-applicable'].text}</span></td><td>${na.map((e) => `<code>${esc(e.rule)}</code> (${esc(e.reason ?? '')})`).join('; ')}</td></tr>`);
    }
  }
  return rows.join('\n');
}

/** How the dialogue-gated figures were made, said once under the table (every report that shows one says so). */
function methodNotes(run: QcRun): string {
  const notes = [...new Set(run.deliverables.map((d) => d.measurement?.loudness?.dialogue).filter((x) => x?.note).map((x) => `${x!.method}: ${x!.note}`))];
  return notes.length > 0 ? `<p class="why">Dialogue loudness — ${notes.map(esc).join('<br>')}</p>` : '';
}

export function qcHtml(run: QcRun): string {
  const v = run.outcome.verdict;
  const count = (sev: string) => run.outcome.findings.filter((f) => f.severity === sev).length;
  const when = new Date(run.startedAt ?? Date.now());
  const date = `${when.toISOString().slice(0, 10)} ${when.toISOString().slice(11, 19)} UTC`;
  const rows = run.deliverables
    .map((d) => {
      const m = d.measurement;
      const l = m?.loudness;
      const f = m?.format;
      return `<tr><td>${esc(d.id)}</td><td>${f ? `${f.channels} ch · ${f.sampleRate} Hz · ${f.bitDepth}-bit` : m?.error || !m ? '<span class="bad">unreadable</span>' : '—'}</td><td class="num">${n(l?.integratedLufs)}</td><td class="dlg">${l?.dialogue ? `${n(l.dialogue.gatedLufs)}<br><span class="why">${esc(l.dialogue.method === 'stem' ? 'gated by the dialogue stem' : 'speech detector')}, ${n(l.dialogue.speechPercent)} % speech</span>` : '—'}</td><td class="num">${n(l?.truePeakDbtp)}</td><td class="num">${n(l?.loudnessRangeLu)}</td><td class="num">${n(l?.shortTermMaxLufs)}</td><td class="why">${esc(d.reasons.join('; '))}</td></tr>`;
    })
    .join('\n');
  const charts = run.deliverables
    .map((d) => {
      const svg = chart(run, d, run.outcome.findings.filter((f) => f.deliverable === d.id));
      return svg ? `<section class="chartbox"><h3>${esc(d.id)}</h3>${svg}</section>` : '';
    })
    .join('\n');
  const findings = run.outcome.findings
    .map(
      (f) =>
        `<tr><td><span class="status" style="background:${SEV_COLOR[f.severity]}">${f.severity}</span></td><td><code>${esc(f.rule)}</code></td><td>${esc(f.message)}</td><td>${esc(f.deliverable ?? '—')}</td><td>${esc(f.channel ?? '')}</td><td class="tc">${esc(f.startTimecode ?? '')}${f.endTimecode ? `<br>${esc(f.endTimecode)}` : ''}</td><td class="num">${esc(String(f.measured ?? ''))}</td><td class="num">${esc(String(f.limit ?? ''))}</td></tr>`,
    )
    .join('\n');
  const notes = [...run.inputErrors.map((e) => `unreadable: ${e.path ?? ''}: ${e.message}`), ...run.warnings];
  const title = `Delivery QC — ${run.spec.name} — ${v.toUpperCase()}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;padding:24px;max-width:1180px;color:#1d1d1d}
h1{margin:0 0 8px;font-size:24px}h2{margin:28px 0 6px;font-size:18px;border-bottom:2px solid #ddd;padding-bottom:3px}h3{margin:10px 0 4px;font-size:14px}
.verdict{display:inline-block;padding:3px 14px;border-radius:4px;color:#fff;font-weight:700;background:${v === 'pass' ? '#2e7d32' : '#c62828'};vertical-align:middle}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.meta dt{color:#555}dl.meta dd{margin:0}
table{border-collapse:collapse;margin:6px 0 16px;width:100%;table-layout:auto}td,th{border-bottom:1px solid #e2e2e2;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600}tr.group th{background:#e9eef5}tr.na td{color:#777}
td.num{text-align:right;white-space:nowrap}td.dlg{text-align:right;min-width:9em}td.tc{white-space:nowrap;font-variant-numeric:tabular-nums}
td.hash{font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;word-break:break-all;min-width:22em}
.why{color:#666;font-size:12px}.bad{color:#c62828}.status{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
code{font-size:13px;white-space:nowrap}.chartbox{margin:8px 0 18px}svg.chart{width:100%;height:auto;display:block}.notes{color:#555}
@media print{body{padding:0;max-width:none}h2{break-after:avoid}section.chartbox,tr{break-inside:avoid}}
</style></head><body>
<h1>Delivery QC report <span class="verdict">${v.toUpperCase()}</span></h1>
<dl class="meta">
<dt>Spec</dt><dd>${esc(run.spec.name)} (<code>${esc(run.spec.id)}</code>), version ${esc(run.spec.version)}</dd>
<dt>Checked</dt><dd>${esc(date)}</dd>
<dt>Tool</dt><dd>dubstage ${esc(dubstageVersion())}</dd>
<dt>Result</dt><dd>${count('error')} errors · ${count('warning')} warnings · ${count('info')} info · ${run.deliverables.length} deliverables${run.inputErrors.length > 0 ? ` · <span class="bad">${run.inputErrors.length} unreadable</span>` : ''}</dd>
<dt>Timecode</dt><dd>${(run.fps.num / run.fps.den).toFixed(3)} fps${run.dropFrame ? ' drop-frame' : ''} (${esc(run.fpsSource)})</dd>
</dl>
<h2>Input files</h2>
<table><tr><th>file</th><th>size</th><th>duration</th><th>format</th><th>checksums</th></tr>
${fileRows(run)}</table>
<h2>Deliverables</h2>
<table><tr><th>deliverable</th><th>format</th><th>integrated LUFS</th><th>dialogue LUFS</th><th>true peak dBTP</th><th>LRA LU</th><th>max short-term LUFS</th><th>why this role</th></tr>
${rows}</table>
${methodNotes(run)}
<h2>Checks</h2>
<p class="why">Every rule the spec turns on, for every deliverable: the result and the figure it was judged on; n/a where the rule does not apply.</p>
<table><tr><th>rule</th><th>result</th><th>evidence</th></tr>
${evidenceRows(run)}</table>
<h2>Findings</h2>
<table><tr><th>severity</th><th>rule</th><th>message</th><th>deliverable</th><th>channel</th><th>start / end</th><th>measured</th><th>limit</th></tr>
${findings || '<tr><td colspan="8">No findings.</td></tr>'}</table>
<h2>Loudness and true peak over time</h2>
${charts || '<p class="notes">No loudness series.</p>'}
${notes.length ? `<h2>Notes</h2><ul class="notes">${notes.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}

/**
 * `--html FILE`: one self-contained page (no network, no external assets): the verdict, the
 * deliverables table, a loudness-over-time chart per deliverable with a series (momentary and
 * short-term, the target and tolerance band, true-peak overs and timed findings marked) as inline
 * SVG, and the findings with their timecodes.
 */
import path from 'node:path';
import type { PeakOversResult } from '../analyzers/peak-overs.js';
import type { QcRun } from '../qc/pipeline.js';
import type { CheckedDeliverable, Finding } from '../qc/types.js';
import { secondsToTimecode } from '../session/time.js';
import { xmlEscape as esc } from './junit.js';

const SEV_COLOR = { error: '#d62728', warning: '#ff8c00', info: '#1f77b4' } as const;

function n(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/** Timeline seconds of the file's first sample (BWF TimeReference). */
function startOf(d: CheckedDeliverable): number {
  const rate = d.measurement?.format?.sampleRate;
  return d.timeReferenceSamples !== null && rate ? d.timeReferenceSamples / rate : 0;
}

function chart(run: QcRun, d: CheckedDeliverable, findings: Finding[]): string {
  const s = d.measurement?.series;
  const dur = d.measurement?.format?.durationSeconds ?? 0;
  if (!s || dur <= 0) return '';
  const W = 900;
  const H = 240;
  const L = 56;
  const R = 44;
  const T = 22;
  const B = 34;
  const loud = run.spec.loudness;
  const lo = Math.min(-60, (loud?.targetLufs ?? -23) - 25);
  const hi = 0;
  const x = (sec: number) => L + ((W - L - R) * sec) / dur;
  const y = (lufs: number) => T + ((H - T - B) * (hi - Math.max(lo, Math.min(hi, lufs)))) / (hi - lo);
  const path = (values: Array<number | null>) => {
    let dStr = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      dStr += `${pen ? 'L' : 'M'}${x((i + 1) * s.intervalSeconds).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return dStr;
  };
  const parts: string[] = [];
  parts.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#ccc"/>`);
  // Grid every 10 LU.
  for (let v = Math.ceil(lo / 10) * 10; v <= hi; v += 10) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e4e4"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v}</text>`);
  }
  // Target and tolerance band (and the fallback target, dashed): printmasters only, the files judged.
  if (loud && d.role === 'printmaster') {
    const top = y(loud.targetLufs + loud.toleranceLu);
    const bottom = y(loud.targetLufs - loud.toleranceLu);
    parts.push(`<rect x="${L}" y="${top}" width="${W - L - R}" height="${bottom - top}" fill="#2ca02c" opacity="0.15"/>`);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(loud.targetLufs)}" y2="${y(loud.targetLufs)}" stroke="#2ca02c" stroke-width="1.5"/>`);
    parts.push(`<text x="${W - R - 4}" y="${y(loud.targetLufs) - 4}" text-anchor="end" font-size="11" fill="#2ca02c">target ${loud.targetLufs} ±${loud.toleranceLu} (${loud.mode})</text>`);
    if (loud.fallback) {
      parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(loud.fallback.targetLufs)}" y2="${y(loud.fallback.targetLufs)}" stroke="#2ca02c" stroke-dasharray="5 4"/>`);
      parts.push(`<text x="${W - R - 4}" y="${y(loud.fallback.targetLufs) - 4}" text-anchor="end" font-size="11" fill="#2ca02c">programme fallback ${loud.fallback.targetLufs}</text>`);
    }
  }
  const tpMax = loud?.maxTruePeakDbtp;
  if (tpMax !== undefined) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(tpMax)}" y2="${y(tpMax)}" stroke="#d62728" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${L + 4}" y="${y(tpMax) - 4}" font-size="11" fill="#d62728">true-peak max ${tpMax} dBTP</text>`);
  }
  // Timed findings as shaded spans; true-peak overs as a red bar on top with the level.
  for (const f of findings) {
    if (f.startSeconds === null || f.endSeconds === null) continue;
    const x0 = x(f.startSeconds);
    const x1 = Math.max(x0 + 2, x(f.endSeconds));
    if (f.rule === 'loudness/true-peak') {
      // The over's level at its place (first over), or a bar along the top when it has no place.
      const level = typeof f.measured === 'number' ? f.measured : 0;
      if (f.endSeconds - f.startSeconds >= dur * 0.98) {
        parts.push(`<rect x="${x0}" y="${T - 12}" width="${x1 - x0}" height="4" fill="${SEV_COLOR[f.severity]}" opacity="0.5"><title>${esc(f.message)}</title></rect>`);
      }
      parts.push(`<circle cx="${(x0 + x1) / 2}" cy="${y(level)}" r="4" fill="${SEV_COLOR[f.severity]}"><title>${esc(f.message)}</title></circle>`);
    } else if (f.endSeconds - f.startSeconds < dur * 0.98) {
      parts.push(`<rect x="${x0}" y="${T}" width="${x1 - x0}" height="${H - T - B}" fill="${SEV_COLOR[f.severity]}" opacity="0.18"><title>${esc(`${f.rule}: ${f.message} ${f.startTimecode}–${f.endTimecode}`)}</title></rect>`);
    }
  }
  // Every place the samples reach the true-peak limit: a red tick on the top edge.
  const overs = (d.measurement?.analyzers?.['peak-overs'] as PeakOversResult | undefined)?.runs ?? [];
  for (const o of overs) {
    const cx = x(o.startSeconds);
    parts.push(`<path d="M${cx - 5},${T - 12} L${cx + 5},${T - 12} L${cx},${T - 2} Z" fill="#d62728"><title>${esc(`${o.label} ${o.peakDbfs} dBFS at ${secondsToTimecode(startOf(d) + o.startSeconds, run.fps, run.dropFrame)}`)}</title></path>`);
  }
  parts.push(`<path d="${path(s.momentaryLufs)}" fill="none" stroke="#9ecae1" stroke-width="1"/>`);
  parts.push(`<path d="${path(s.shortTermLufs)}" fill="none" stroke="#08519c" stroke-width="2"/>`);
  // Time axis in timecode.
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const sec = (dur * i) / ticks;
    parts.push(`<text x="${x(sec)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${secondsToTimecode(startOf(d) + sec, run.fps, run.dropFrame)}</text>`);
  }
  parts.push(`<text x="14" y="${T + (H - T - B) / 2}" font-size="11" transform="rotate(-90 14 ${T + (H - T - B) / 2})" text-anchor="middle">LUFS</text>`);
  parts.push(`<text x="${L}" y="${H - 4}" font-size="11"><tspan fill="#9ecae1">━ momentary</tspan>  <tspan fill="#08519c">━ short-term</tspan></text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="loudness over time, ${esc(d.id)}">${parts.join('')}</svg>`;
}

export function qcHtml(run: QcRun): string {
  const v = run.outcome.verdict;
  const count = (sev: string) => run.outcome.findings.filter((f) => f.severity === sev).length;
  const rows = run.deliverables
    .map((d) => {
      const m = d.measurement;
      const l = m?.loudness;
      const f = m?.format;
      return `<tr><td>${esc(d.id)}</td><td>${d.files.map((p) => esc(path.basename(p))).join('<br>')}</td><td>${f ? `${f.channels} ch · ${f.sampleRate} Hz · ${f.bitDepth}-bit` : m?.error ? 'unreadable' : '—'}</td><td>${n(l?.integratedLufs)}</td><td>${l?.dialogue ? `${n(l.dialogue.gatedLufs)}<br><span class="why">${esc(l.dialogue.method)}: ${esc(l.dialogue.note ?? '')}</span>` : '—'}</td><td>${n(l?.truePeakDbtp)}</td><td>${n(l?.loudnessRangeLu)}</td><td>${n(l?.shortTermMaxLufs)}</td><td class="why">${esc(d.reasons.join('; '))}</td></tr>`;
    })
    .join('\n');
  const charts = run.deliverables
    .map((d) => {
      const svg = chart(run, d, run.outcome.findings.filter((f) => f.deliverable === d.id));
      return svg ? `<section><h3>${esc(d.id)}</h3>${svg}</section>` : '';
    })
    .join('\n');
  const findings = run.outcome.findings
    .map(
      (f) =>
        `<tr class="${f.severity}"><td><span class="sev" style="background:${SEV_COLOR[f.severity]}">${f.severity}</span></td><td><code>${esc(f.rule)}</code></td><td>${esc(f.message)}</td><td>${esc(f.deliverable ?? '—')}</td><td>${esc(f.channel ?? '')}</td><td>${esc(f.startTimecode ?? '')}</td><td>${esc(f.endTimecode ?? '')}</td><td>${esc(String(f.measured ?? ''))}</td><td>${esc(String(f.limit ?? ''))}</td></tr>`,
    )
    .join('\n');
  const notes = [...run.inputErrors.map((e) => `unreadable: ${e.path ?? ''}: ${e.message}`), ...run.warnings];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dubstage qc — ${esc(run.spec.name)} — ${v.toUpperCase()}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222}
h1{margin:0 0 4px}.verdict{display:inline-block;padding:4px 14px;border-radius:4px;color:#fff;font-weight:700;background:${v === 'pass' ? '#2ca02c' : '#d62728'}}
table{border-collapse:collapse;margin:8px 0 20px;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}.why{color:#666;font-size:12px}.sev{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
section{margin:12px 0}h3{margin:8px 0 2px;font-size:14px}.notes{color:#666}
</style></head><body>
<h1>dubstage qc <span class="verdict">${v.toUpperCase()}</span></h1>
<p>${esc(run.spec.name)} — ${esc(run.spec.version)} · ${count('error')} errors · ${count('warning')} warnings · ${count('info')} info · timecode at ${(run.fps.num / run.fps.den).toFixed(3)} fps (${esc(run.fpsSource)})</p>
<h2>Deliverables</h2>
<table><tr><th>deliverable</th><th>files</th><th>format</th><th>integrated LUFS</th><th>dialogue LUFS</th><th>true peak dBTP</th><th>LRA LU</th><th>max short-term</th><th>why this role</th></tr>
${rows}</table>
<h2>Loudness over time</h2>
${charts || '<p class="notes">No loudness series.</p>'}
<h2>Findings</h2>
<table><tr><th>severity</th><th>rule</th><th>message</th><th>deliverable</th><th>channel</th><th>start</th><th>end</th><th>measured</th><th>limit</th></tr>
${findings || '<tr><td colspan="9">No findings.</td></tr>'}</table>
${notes.length ? `<h2>Notes</h2><ul class="notes">${notes.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}

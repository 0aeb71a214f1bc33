/** The terminal summary: verdict, a table of deliverables with their key numbers, findings by severity. */
import path from 'node:path';
import type { QcDeliveriesRun, QcRun } from '../qc/pipeline.js';
import type { Finding, Severity } from '../qc/types.js';

function num(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

function where(f: Finding): string {
  const tc = f.startTimecode ? (f.endTimecode && f.endTimecode !== f.startTimecode ? `${f.startTimecode}–${f.endTimecode}` : f.startTimecode) : '';
  return [f.deliverable, f.channel, tc].filter(Boolean).join(' · ');
}

/** Findings listed per rule and severity before "and N more". */
export const FINDINGS_PER_RULE = 5;

/** Several deliveries: one overall line, then each delivery's own report under its name. */
export function qcDeliveriesTerminal(runs: QcDeliveriesRun): string {
  const verdict = (r: QcRun) => (r.inputErrors.length > 0 && r.deliverables.every((d) => !d.measurement) ? 'UNREADABLE' : r.outcome.verdict === 'pass' ? 'PASS' : 'FAIL');
  const head = `${runs.verdict === 'pass' ? 'PASS' : 'FAIL'} — ${runs.spec.name} (${runs.spec.version}): ${runs.deliveries.length} deliveries, each checked on its own`;
  const list = runs.deliveries.map((r, i) => `  ${verdict(r)}  ${r.delivery?.name ?? `delivery ${i + 1}`}`);
  const each = runs.deliveries.map((r, i) => `${'='.repeat(8)} ${r.delivery?.name ?? `delivery ${i + 1}`} (${(r.delivery?.paths ?? []).join(', ')})\n${qcTerminal(r)}`);
  return `${[head, ...list].join('\n')}\n\n${each.join('\n')}`;
}

export function qcTerminal(run: QcRun): string {
  const lines: string[] = [];
  const errors = run.outcome.findings.filter((f) => f.severity === 'error').length;
  const warnings = run.outcome.findings.filter((f) => f.severity === 'warning').length;
  lines.push(
    `${run.outcome.verdict === 'pass' ? 'PASS' : 'FAIL'} — ${run.spec.name} (${run.spec.version}): ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  const fpsText = run.fps.den === 1 ? `${run.fps.num}` : (run.fps.num / run.fps.den).toFixed(3);
  lines.push(`timecode at ${fpsText} fps${run.dropFrame ? ' DF' : ''} (${run.fpsSource})`, '');
  const rows = [['deliverable', 'files', 'ch', 'rate', 'bits', 'integrated', 'dialogue', 'TP dBTP', 'LRA', 'duration s']];
  for (const d of run.deliverables) {
    const m = d.measurement;
    const f = m?.format;
    const l = m?.loudness;
    rows.push([
      d.id,
      d.files.length > 1 ? `${path.basename(d.files[0]!)} +${d.files.length - 1}` : path.basename(d.files[0] ?? ''),
      f ? String(f.channels) : '—',
      f ? String(f.sampleRate) : '—',
      f ? String(f.bitDepth) : '—',
      m?.error ? 'unreadable' : num(l?.integratedLufs),
      l?.dialogue ? `${num(l.dialogue.gatedLufs)} (${l.dialogue.method})` : '—',
      num(l?.truePeakDbtp),
      num(l?.loudnessRangeLu),
      num(f?.durationSeconds, 3),
    ]);
  }
  lines.push(table(rows), '');
  for (const d of run.deliverables) lines.push(`  ${d.id}: ${d.reasons.join('; ')}`);
  // every dialogue-gated figure says how it was made, and that it is not Dolby's detector
  const methods = new Map<string, string>();
  for (const d of run.deliverables) {
    const dl = d.measurement?.loudness?.dialogue;
    if (dl?.note) methods.set(dl.method, dl.note);
  }
  for (const [method, note] of methods) lines.push(`  dialogue (${method}): ${note}`);
  for (const sev of ['error', 'warning', 'info'] as Severity[]) {
    const list = run.outcome.findings.filter((f) => f.severity === sev);
    if (list.length === 0) continue;
    lines.push('', `${sev.toUpperCase()}S (${list.length})`);
    // at most a few per rule: the rest are counted, and all of them are in --json and the HTML
    const shown = new Map<string, number>();
    for (const f of list) {
      const n = shown.get(f.rule) ?? 0;
      shown.set(f.rule, n + 1);
      if (n < FINDINGS_PER_RULE) lines.push(`  ${f.rule}  ${f.message}${where(f) ? `  [${where(f)}]` : ''}`);
      else if (n === FINDINGS_PER_RULE) {
        const more = list.filter((x) => x.rule === f.rule).length - FINDINGS_PER_RULE;
        lines.push(`  ${f.rule}  and ${more} more`);
      }
    }
  }
  if (run.inputErrors.length > 0) {
    lines.push('', `UNREADABLE INPUT (${run.inputErrors.length})`);
    for (const e of run.inputErrors) lines.push(`  ${e.path ?? ''}: ${e.message}`);
  }
  if (run.warnings.length > 0) {
    lines.push('', 'NOTES');
    for (const w of run.warnings) lines.push(`  ${w}`);
  }
  if (run.discovery) {
    lines.push('', 'DISCOVERY');
    for (const l of run.discovery.links) lines.push(`  followed link ${l.path} -> ${l.target}`);
    for (const i of run.discovery.ignored) lines.push(`  ignored ${i.path}: ${i.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `dubstage fix` for a terminal: the gain per family, before and after per file, what was written or why not. */
import path from 'node:path';
import type { LoudnessSummary } from '../analysis/results.js';
import type { FixRun } from '../fix/types.js';

const db = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '-inf' : v.toFixed(digits));
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

function loud(l: LoudnessSummary | null): string {
  if (!l) return 'not measured';
  const dlg = l.dialogue?.gatedLufs;
  return `I ${db(l.integratedLufs)}${dlg !== undefined && dlg !== null ? ` (dialogue ${db(dlg)})` : ''} LUFS, TP ${db(l.truePeakDbtp)} dBTP, LRA ${l.loudnessRangeLu === null ? 'n/a' : `${l.loudnessRangeLu.toFixed(1)} LU`}`;
}

export function fixTerminal(run: FixRun): string {
  const lines: string[] = [];
  const target = run.targetLufs !== null ? `--target ${run.targetLufs} LUFS` : 'the spec\'s target';
  lines.push(`dubstage fix: ${run.spec.name} (${run.spec.id}), to ${target}${run.dryRun ? ' — dry run, nothing written' : ''}`);
  lines.push('');
  lines.push('families (one gain each):');
  for (const f of run.families) {
    if (f.leftAlone || f.gainDb === null) {
      lines.push(`  ${f.layout.padEnd(6)} ${(f.leftAlone ? 'left alone' : 'no gain').padEnd(15)} ${f.deliverables.join(', ')}`);
      continue;
    }
    const judged = f.judgedBy ? `${f.judgedBy} ${db(f.beforeLufs, 2)} -> ${f.afterLufs !== null ? db(f.afterLufs, 2) : run.written ? '?' : `${db(f.targetLufs, 2)} (target)`} LUFS` : 'nothing judged';
    lines.push(`  ${f.layout.padEnd(6)} ${`${signed(f.gainDb)} dB`.padEnd(15)} ${judged}; ${f.deliverables.join(', ')}`);
  }
  lines.push('');
  lines.push('files:');
  for (const f of run.files) {
    lines.push(`  ${path.basename(f.input)} (${f.deliverable})${f.gainDb !== null ? ` ${signed(f.gainDb)} dB` : f.output ? '' : ' left alone'}`);
    lines.push(`    before: ${loud(f.before)}`);
    if (f.after) lines.push(`    after:  ${loud(f.after)}`);
    if (f.output && !run.refusal) lines.push(`    ${run.written ? 'written' : 'would be written'}: ${f.output}${f.md5 ? ` (md5 ${f.md5})` : ''}`);
  }
  if (run.notes.length > 0) {
    lines.push('');
    lines.push('notes:');
    for (const n of run.notes) lines.push(`  ${n}`);
  }
  lines.push('');
  if (run.refusal) {
    const r = run.refusal;
    lines.push(`REFUSED (${r.code}): ${r.message}`);
    if (r.file) lines.push(`  file: ${r.file}${r.timecode ? ` at ${r.timecode}` : ''}${r.headroomDb !== null ? `, headroom after the gain ${r.headroomDb.toFixed(2)} dB` : ''}`);
  } else if (run.written) {
    lines.push(`written: ${run.files.filter((f) => f.output).length} files and ${path.basename(run.checksumsFile!)} into ${run.outDir}`);
  } else {
    lines.push(`dry run: ${run.files.filter((f) => f.output).length} files would be written into ${run.outDir}`);
  }
  return `${lines.join('\n')}\n`;
}

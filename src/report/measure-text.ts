/**
 * The readable `dubstage measure` table. Values to one decimal as meters show them; silence is "-inf".
 */
import type { FileMeasurement } from '../analysis/results.js';

const fmt = (v: number | null | undefined, unit: string, digits = 1): string =>
  v === null || v === undefined ? `-inf ${unit}` : `${v.toFixed(digits)} ${unit}`;

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padL = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function renderMeasureText(files: FileMeasurement[]): string {
  const lines: string[] = [];
  for (const m of files) {
    lines.push(m.files ? `${m.path}  (multi-mono set: ${m.files.length} files)` : m.path);
    if (m.error) {
      lines.push(`  ERROR ${m.error.code}: ${m.error.message}`);
      lines.push('');
      continue;
    }
    const f = m.format!;
    const labelNote = m.channelLabelSource === 'assumed-by-count' ? ', assumed by channel count' : m.channelLabelSource ? `, from ${m.channelLabelSource}` : '';
    lines.push(
      `  ${f.container} ${f.sampleRate} Hz ${f.bitDepth}-bit ${f.sampleFormat}, ${f.channels} ch (${f.channelLabels.join(' ')}${labelNote}), ${f.durationSeconds.toFixed(3)} s`,
    );
    const l = m.loudness!;
    lines.push(
      `  Integrated ${fmt(l.integratedLufs, 'LUFS')}   LRA ${l.loudnessRangeLu === null ? 'n/a' : fmt(l.loudnessRangeLu, 'LU')}   True peak ${fmt(l.truePeakDbtp, 'dBTP')}   Sample peak ${fmt(l.samplePeakDbfs, 'dBFS')}`,
    );
    lines.push(
      `  Momentary max ${fmt(l.momentaryMaxLufs, 'LUFS')}   Short-term max ${fmt(l.shortTermMaxLufs, 'LUFS')}   PLR ${l.plrLu === null ? 'n/a' : fmt(l.plrLu, 'LU')}`,
    );
    if (l.dialogue) {
      const d = l.dialogue;
      lines.push(
        `  Dialogue (${d.method}${d.detector ? `: ${d.detector}` : ''}) ${fmt(d.gatedLufs, 'LUFS')}   speech ${d.speechPercent.toFixed(1)} %${d.fallbackUsed ? '   below threshold: programme loudness applies' : ''}${d.stemLufs !== undefined ? `   stem ${fmt(d.stemLufs, 'LUFS')}` : ''}`,
      );
      if (d.method === 'stem' && d.detectorGatedLufs !== undefined) {
        const diff = d.detectorDifferenceLu;
        lines.push(`    speech detector on the printmaster: ${fmt(d.detectorGatedLufs, 'LUFS')}${diff === null || diff === undefined ? '' : ` (${diff >= 0 ? '+' : ''}${diff.toFixed(1)} LU from the stem-gated figure)`}`);
      }
      if (d.note) lines.push(`    ${d.note}`);
    }
    lines.push(`  ${pad('Channel', 8)}${padL('TP dBTP', 10)}${padL('SP dBFS', 10)}${padL('RMS dBFS', 10)}`);
    for (const c of m.channels ?? []) {
      const v = (x: number | null) => (x === null ? '-inf' : x.toFixed(1));
      lines.push(`  ${pad(c.label, 8)}${padL(v(c.truePeakDbtp), 10)}${padL(v(c.samplePeakDbfs), 10)}${padL(v(c.rmsDbfs), 10)}`);
    }
    for (const w of m.warnings) lines.push(`  warning: ${w}`);
    lines.push('');
  }
  return lines.join('\n');
}

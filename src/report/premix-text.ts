/**
 * The readable `dubstage premix` tables: tracks, premix groups, scenes, warnings. Values to one decimal
 * as meters show them; silence is "-inf".
 */
import type { LoudnessFigures, PremixRun } from '../render/premix.js';

const v = (x: number | null): string => (x === null ? '-inf' : x.toFixed(1));
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padL = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

const FIGURE_HEAD = `${padL('I LUFS', 8)}${padL('M max', 8)}${padL('S max', 8)}${padL('LRA LU', 8)}${padL('TP dBTP', 9)}${padL('SP dBFS', 9)}`;

function figureCells(l: LoudnessFigures): string {
  return `${padL(v(l.integratedLufs), 8)}${padL(v(l.momentaryMaxLufs), 8)}${padL(v(l.shortTermMaxLufs), 8)}${padL(l.loudnessRangeLu === null ? 'n/a' : l.loudnessRangeLu.toFixed(1), 8)}${padL(v(l.truePeakDbtp), 9)}${padL(v(l.samplePeakDbfs), 9)}`;
}

export function renderPremixText(run: PremixRun): string {
  const r = run.result;
  const s = r.session;
  const lines: string[] = [];
  lines.push(`${s.name} (${s.format}), ${s.sampleRate} Hz, start ${s.startTimecode}, ${s.durationSeconds.toFixed(3)} s to the end of the last clip`);
  lines.push('');
  const nameWidth = Math.min(32, Math.max(12, ...r.tracks.map((t) => t.name.length + 2), ...r.groups.map((g) => g.name.length + 2)));
  lines.push(`${pad('Track', nameWidth)}${padL('ch', 3)} ${pad('role', 9)}${padL('clips', 6)}${padL('miss', 5)} ${FIGURE_HEAD}`);
  for (const t of r.tracks) {
    lines.push(`${pad(t.name.slice(0, nameWidth - 1), nameWidth)}${padL(String(t.channels), 3)} ${pad(t.role, 9)}${padL(String(t.clips), 6)}${padL(String(t.missingClips), 5)} ${figureCells(t.loudness)}${t.muted ? '  (muted: in no group)' : ''}`);
  }
  lines.push('');
  if (r.groups.length === 0) lines.push('No premix groups (no track names a premix; use --group NAME=TRACK,...).');
  else {
    lines.push(`${pad('Group', nameWidth)}${padL('ch', 3)} ${padL('tracks', 6)}    ${FIGURE_HEAD}`);
    for (const g of r.groups) {
      lines.push(`${pad(g.name.slice(0, nameWidth - 1), nameWidth)}${padL(String(g.channels), 3)} ${padL(String(g.tracks.length), 6)}    ${figureCells(g.loudness)}`);
    }
  }
  if (r.scenes.length > 0) {
    lines.push('');
    lines.push(`${pad('Scene', nameWidth)}${pad('start', 13)}${pad('end', 13)}${padL('DX LUFS', 9)}${padL('dev LU', 8)}`);
    r.scenes.forEach((sc, i) => {
      const dev = sc.deviationLu === null ? '' : `${sc.deviationLu > 0 ? '+' : ''}${sc.deviationLu.toFixed(1)}`;
      const flag = run.sceneProblems.includes(i) ? `  beyond ±${run.toleranceLu} LU` : '';
      lines.push(`${pad(sc.name.slice(0, nameWidth - 1), nameWidth)}${pad(sc.startTimecode, 13)}${pad(sc.endTimecode, 13)}${padL(v(sc.dialogueLufs), 9)}${padL(dev, 8)}${flag}`);
    });
  }
  if (r.warnings.length > 0) {
    lines.push('');
    for (const w of r.warnings) lines.push(`warning: ${w}`);
  }
  lines.push('');
  return lines.join('\n');
}

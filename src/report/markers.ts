/**
 * `--markers FILE`: findings as a REAPER Region/Marker Manager CSV (`#,Name,Start,End,Length,Color`),
 * regions for findings with a stretch of time, markers for an instant. Times are timecode at the
 * delivery's rate from the files' start timecode, so set REAPER's ruler to Hours:Minutes:Seconds:Frames
 * at that rate (and the project start to the delivery's start, e.g. 01:00:00:00) before importing.
 */
import type { QcRun } from '../qc/pipeline.js';
import { secondsToTimecode } from '../session/time.js';

const COLORS = { error: 'FF0000', warning: 'FFA500', info: '4080FF' } as const;

function csv(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function qcMarkers(run: QcRun): string {
  const rows = ['#,Name,Start,End,Length,Color'];
  let m = 0;
  let r = 0;
  const timed = run.outcome.findings.filter((f) => f.startTimecode !== null && f.startSeconds !== null);
  for (const f of timed) {
    const name = `${f.severity.toUpperCase()} ${f.rule}: ${f.message}${f.deliverable ? ` (${f.deliverable}${f.channel ? ` ${f.channel}` : ''})` : ''}`;
    const length = (f.endSeconds ?? f.startSeconds!) - f.startSeconds!;
    if (length > 0 && f.endTimecode !== f.startTimecode) {
      rows.push(
        [`R${++r}`, csv(name), f.startTimecode!, f.endTimecode!, secondsToTimecode(length, run.fps, false), COLORS[f.severity]].join(','),
      );
    } else {
      rows.push([`M${++m}`, csv(name), f.startTimecode!, '', '', COLORS[f.severity]].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

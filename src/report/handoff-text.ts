/**
 * `dubstage handoff` on a terminal: the sheet, short — the session in one line, a line per track, the
 * media that are not ok, the scenes, every problem, the verdict. The whole sheet is --json and --html.
 */
import { fpsText, type HandoffRun } from '../handoff/handoff.js';

const v = (x: number | null): string => (x === null ? '-inf' : x.toFixed(1));
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padL = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function renderHandoffText(run: HandoffRun): string {
  const r = run.result;
  const s = r.session;
  const lines: string[] = [];
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const notOk = r.media.filter((m) => m.status !== 'ok');
  lines.push(`${s.name} (${s.format}${run.writer ? `, written by ${run.writer}` : ''}), ${s.sampleRate} Hz, ${fpsText(s)}, start ${s.startTimecode}, ${s.durationSeconds.toFixed(3)} s`);
  lines.push(
    `${count(r.tracks.length, 'track')}, ${count(r.groups.length, 'group')}, ${count(r.media.length, 'media file')} (${notOk.length} not ok), ${count(r.markers.length, 'marker')}, ${count(r.scenes.length, 'scene')}${r.brief !== null ? ', brief attached' : ''}${run.spec ? `, spec ${run.spec.id}` : ''}`,
  );
  lines.push('');
  const width = Math.min(28, Math.max(8, ...r.tracks.map((t) => t.name.length + 2), ...r.groups.map((g) => g.name.length + 4)));
  lines.push(`${pad('Track', width)}${pad('role', 10)}${padL('ch', 3)}${padL('clips', 6)}${padL('I LUFS', 8)}${padL('TP dBTP', 9)}`);
  for (const t of r.tracks) {
    lines.push(`${pad(t.name.slice(0, width - 1), width)}${pad(t.role, 10)}${padL(String(t.channels), 3)}${padL(String(t.clips), 6)}${padL(v(t.loudness.integratedLufs), 8)}${padL(v(t.loudness.truePeakDbtp), 9)}${t.muted ? '  muted' : ''}`);
  }
  for (const g of r.groups) {
    lines.push(`${pad(`[${g.name}]`.slice(0, width - 1), width)}${pad('group', 10)}${padL(String(g.channels), 3)}${padL(String(g.tracks.length), 6)}${padL(v(g.loudness.integratedLufs), 8)}${padL(v(g.loudness.truePeakDbtp), 9)}`);
  }
  if (notOk.length > 0) {
    lines.push('');
    for (const m of notOk) lines.push(`media ${pad(m.status, 11)}${m.name}${m.path && m.path !== m.name ? ` (${m.path})` : ''}, ${count(m.clips, 'clip')}`);
  }
  if (r.scenes.length > 0) {
    lines.push('');
    const sceneWidth = Math.min(28, Math.max(8, ...r.scenes.map((sc) => sc.name.length + 2)));
    for (const sc of r.scenes) {
      const dev = sc.deviationLu === null ? '' : ` (${sc.deviationLu > 0 ? '+' : ''}${sc.deviationLu.toFixed(1)} LU)`;
      lines.push(`scene ${pad(sc.name.slice(0, sceneWidth - 1), sceneWidth)}${sc.startTimecode}  dialogue ${v(sc.dialogueLufs)} LUFS${dev}`);
    }
  }
  lines.push('');
  if (r.problems.length === 0) lines.push('No problems.');
  for (const p of r.problems) lines.push(`${pad(p.severity, 8)}${pad(p.code, 28)}${p.startTimecode ? `${p.startTimecode}  ` : ''}${p.message}`);
  const by = (sev: string) => r.problems.filter((p) => p.severity === sev).length;
  lines.push('');
  lines.push(`${r.verdict === 'ready' ? 'READY' : 'NOT READY'}: ${count(by('error'), 'error')}, ${count(by('warning'), 'warning')}, ${by('info')} info`);
  lines.push('');
  return lines.join('\n');
}

/**
 * The readable summary of a Session for `dubstage session`: tracks, clip counts, duration, start
 * TC, rate, what media is missing or offline and which clips use it, and the adapter's warnings.
 */
import type { MediaProblem, MediaReport } from '../session/media.js';
import type { Session } from '../session/model.js';
import { startTimecodeFrames } from '../session/json.js';
import {
  addTime,
  compareTime,
  formatTimecode,
  rateToNumber,
  timeToFrames,
  toSeconds,
  type RationalTime,
} from '../session/time.js';

/** The end of the last clip or marker, from the timeline start (0 for an empty session). */
export function sessionExtent(session: Session): RationalTime {
  let end: RationalTime = { value: 0, rate: session.frameRate };
  for (const track of session.tracks) {
    for (const clip of track.clips) {
      const e = addTime(clip.start, clip.duration);
      if (compareTime(e, end) > 0) end = e;
    }
  }
  return end;
}

/** A track as the text shows it: its name, or "(unnamed track N)" (1-based) when the session names none. */
export function trackLabel(name: string, index: number): string {
  return name.trim() === '' ? `(unnamed track ${index + 1})` : name;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function rateText(session: Session): string {
  const r = session.frameRate;
  const fps = r.den === 1 ? String(r.num) : rateToNumber(r).toFixed(3).replace(/0+$/, '');
  return `${fps} fps ${session.dropFrame ? 'drop-frame' : 'non-drop'}`;
}

function tcAt(session: Session, t: RationalTime): string {
  const frames = startTimecodeFrames(session) + timeToFrames(t, session.frameRate);
  return formatTimecode(frames, session.frameRate, session.dropFrame);
}

function durationText(session: Session, t: RationalTime): string {
  const seconds = toSeconds(t);
  return `${formatTimecode(timeToFrames(t, session.frameRate), session.frameRate, session.dropFrame)} (${seconds.toFixed(3)} s)`;
}

function problemLines(problems: MediaProblem[], limit = 20): string[] {
  const out: string[] = [];
  for (const p of problems.slice(0, limit)) {
    const where = p.media.path && p.media.path !== p.media.name ? ` — ${p.media.path}` : '';
    out.push(`  ${p.media.name}${where}`);
    if (p.clips.length === 0) out.push('      used by no clip on the exported tracks');
    // grouped by track: a reel used 40 times on A1 is one line, not forty
    const byTrack = new Map<string, string[]>();
    for (const use of p.clips) {
      let names = byTrack.get(use.track);
      if (!names) byTrack.set(use.track, (names = []));
      names.push(use.clip);
    }
    for (const [track, names] of byTrack) {
      const distinct = [...new Set(names)];
      const shown = distinct.slice(0, 3).map((n) => `'${n}'`).join(', ') + (distinct.length > 3 ? ', …' : '');
      out.push(`      ${track}: ${names.length} clip${names.length === 1 ? '' : 's'} (${shown})`);
    }
  }
  if (problems.length > limit) out.push(`  … and ${problems.length - limit} more`);
  return out;
}

export function formatSessionSummary(session: Session, media: MediaReport): string {
  const lines: string[] = [];
  const clipCount = session.tracks.reduce((n, t) => n + t.clips.length, 0);
  const extent = sessionExtent(session);
  lines.push(`${session.name}  (${session.format})`);
  lines.push(`  file         ${session.path}`);
  lines.push(`  frame rate   ${rateText(session)}`);
  lines.push(`  sample rate  ${session.sampleRate !== null ? `${session.sampleRate} Hz` : 'not stated'}`);
  lines.push(`  start TC     ${session.startTimecode}`);
  lines.push(`  duration     ${durationText(session, extent)}, ends ${tcAt(session, extent)}`);
  lines.push(`  tracks       ${session.tracks.length} audio, ${clipCount} clips`);
  const labels = session.tracks.map((t, i) => trackLabel(t.name, i));
  const nameWidth = Math.min(32, Math.max(5, ...labels.map((l) => l.length)));
  for (const [index, track] of session.tracks.entries()) {
    const flags = [track.muted ? 'muted' : '', track.clips.some((c) => c.muted) ? plural(track.clips.filter((c) => c.muted).length, 'muted clip') : '']
      .filter(Boolean)
      .join(', ');
    let span = '';
    if (track.clips.length > 0) {
      let first = track.clips[0]!.start;
      let last = addTime(track.clips[0]!.start, track.clips[0]!.duration);
      for (const c of track.clips) {
        if (compareTime(c.start, first) < 0) first = c.start;
        const e = addTime(c.start, c.duration);
        if (compareTime(e, last) > 0) last = e;
      }
      span = `  ${tcAt(session, first)} – ${tcAt(session, last)}`;
    }
    const ch = track.channels === 1 ? 'mono' : `${track.channels} ch`;
    lines.push(`    ${labels[index]!.padEnd(nameWidth)}  ${ch.padEnd(5)}  ${plural(track.clips.length, 'clip').padStart(11)}${span}${flags ? `  (${flags})` : ''}`);
  }
  const embedded = session.media.filter((m) => m.embedded).length;
  const found = session.media.filter((m) => m.resolvedPath !== null).length;
  lines.push(
    `  media        ${session.media.length} referenced: ${found} found${embedded ? `, ${embedded} embedded` : ''}, ${media.missing.length} missing, ${media.offline.length} offline in the session`,
  );
  lines.push(`  markers      ${session.markers.length}`);
  if (media.missing.length > 0) {
    lines.push('', `Missing media (${media.missing.length}):`, ...problemLines(media.missing));
  }
  if (media.offline.length > 0) {
    lines.push('', `Offline in the session (${media.offline.length}):`, ...problemLines(media.offline));
  }
  if (session.warnings.length > 0) {
    lines.push('', `Warnings (${session.warnings.length}):`);
    for (const w of session.warnings.slice(0, 50)) lines.push(`  - ${w}`);
    if (session.warnings.length > 50) lines.push(`  … and ${session.warnings.length - 50} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}

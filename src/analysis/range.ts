/**
 * --from / --to: seconds ("12.5", "90s") from the file's start, or timecode ("01:00:00:00") on the
 * file's own clock: a BWF file stamped 00:59:52:00 (bext TimeReference) measured --from 01:00:00:00
 * starts 8 s in. Without a time reference, timecode counts from the file's first sample.
 */
import type { AudioHeader } from '../audio/types.js';
import { DubstageError } from '../errors.js';
import { parseTimecode, timecodeToFrames, dropFrameAllowed, framesToSeconds, type Rational } from '../session/time.js';

export function fileStartSeconds(header: AudioHeader): number {
  const ref = header.bext?.timeReferenceSamples ?? 0;
  return ref > 0 ? ref / header.format.sampleRate : 0;
}

/** Resolve one bound to seconds from the file's start. */
export function rangeBoundSeconds(text: string, header: AudioHeader, fps: Rational, option: string): number {
  const t = text.trim();
  const secs = /^(\d+(?:\.\d+)?)s?$/.exec(t);
  if (secs) return Number(secs[1]);
  const tc = parseTimecode(t);
  if (!tc) {
    throw new DubstageError({ code: 'usage', message: `${option} '${text}': expected seconds (12.5) or timecode (HH:MM:SS:FF)` });
  }
  const df = tc.dropFrameMarked && dropFrameAllowed(fps);
  const absolute = framesToSeconds(timecodeToFrames(tc, fps, df), fps);
  const start = fileStartSeconds(header);
  if (start > 0 && absolute < start) {
    throw new DubstageError({
      code: 'usage',
      message: `${header.path}: ${option} ${text} is before the file's start timecode (${start.toFixed(3)} s after midnight from bext TimeReference)`,
      path: header.path,
    });
  }
  return absolute - start;
}

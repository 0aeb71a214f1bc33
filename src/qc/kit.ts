/** Small helpers the rules share: findings with their time range as timecode, thresholds with defaults. */
import { secondsToTimecode } from '../session/time.js';
import type { CheckedDeliverable, QcContext, RuleFinding } from './types.js';

/** Seconds from the file's first sample → timecode at the delivery's rate, offset by the file's start. */
export function timecodeAt(ctx: QcContext, d: CheckedDeliverable, seconds: number): string {
  const rate = d.measurement?.format?.sampleRate;
  const startSeconds = d.timeReferenceSamples !== null && rate ? d.timeReferenceSamples / rate : 0;
  return secondsToTimecode(startSeconds + seconds, ctx.fps, ctx.dropFrame);
}

export function durationSeconds(d: CheckedDeliverable): number | null {
  return d.measurement?.format?.durationSeconds ?? null;
}

export interface FindingFields {
  message: string;
  channel?: string | null;
  /** Which member file (multi-mono); defaults to the deliverable's first file. */
  file?: string;
  measured?: number | string | null;
  limit?: number | string | null;
  severity?: RuleFinding['severity'];
  /** What one finding merges (regions, channels, other deliverables): kept in the JSON, not as findings. */
  details?: Record<string, unknown>;
}

/** A finding over a stretch of one deliverable. */
export function findingAt(
  ctx: QcContext,
  d: CheckedDeliverable,
  startSeconds: number,
  endSeconds: number,
  f: FindingFields,
): RuleFinding {
  const out: RuleFinding = {
    message: f.message,
    deliverable: d.id,
    file: f.file ?? d.files[0] ?? null,
    channel: f.channel ?? null,
    startSeconds,
    endSeconds,
    startTimecode: timecodeAt(ctx, d, startSeconds),
    endTimecode: timecodeAt(ctx, d, endSeconds),
    measured: f.measured ?? null,
    limit: f.limit ?? null,
  };
  if (f.severity) out.severity = f.severity;
  if (f.details) out.details = f.details;
  return out;
}

/** A finding about the whole file (integrated loudness, format). */
export function findingWhole(ctx: QcContext, d: CheckedDeliverable, f: FindingFields): RuleFinding {
  return findingAt(ctx, d, 0, durationSeconds(d) ?? 0, f);
}

/** A finding about the delivery as a whole (a deliverable that is not there). */
export function findingDelivery(f: FindingFields): RuleFinding {
  const out: RuleFinding = {
    message: f.message,
    deliverable: null,
    file: f.file ?? null,
    channel: f.channel ?? null,
    startSeconds: null,
    endSeconds: null,
    startTimecode: null,
    endTimecode: null,
    measured: f.measured ?? null,
    limit: f.limit ?? null,
  };
  if (f.severity) out.severity = f.severity;
  if (f.details) out.details = f.details;
  return out;
}

/** Member file carrying channel `index` of a multi-mono set (a Dolby Atmos master set's .atmos.audio; else the one file). */
export function fileForChannel(d: CheckedDeliverable, index: number): string {
  if (d.damf) return d.files[2] ?? d.files[0]!;
  return d.files.length > 1 ? (d.files[index] ?? d.files[0]!) : d.files[0]!;
}

/** An extra analyzer's result from the measuring pass, typed by the rule that reads it. */
export function analyzerResult<T>(d: CheckedDeliverable, id: string): T | null {
  const r = d.measurement?.analyzers?.[id];
  return r === undefined || r === null ? null : (r as T);
}

export function readable(ctx: QcContext): CheckedDeliverable[] {
  return ctx.deliverables.filter((d) => d.measurement !== null && !d.measurement.error && d.measurement.format);
}

export function fmtDb(v: number | null | undefined, unit: string): string {
  return v === null || v === undefined ? `-inf ${unit}` : `${v.toFixed(1)} ${unit}`;
}

/** A stretch of one or more channels: what merged findings list in `details.regions`. */
export interface Stretch {
  startSeconds: number;
  endSeconds: number;
  channels: string[];
  /** The pieces merged into it. */
  pieces: number;
}

/**
 * Pieces (per channel, in any order) merged into stretches: pieces that overlap or lie within `gapSeconds`
 * of each other are one event, whatever their channels. Channels keep the order of `channelOrder`.
 */
export function mergeStretches<T extends { startSeconds: number; endSeconds: number; channel: string }>(
  pieces: T[],
  gapSeconds: number,
  channelOrder: string[] = [],
): Array<Stretch & { members: T[] }> {
  const sorted = [...pieces].sort((a, b) => a.startSeconds - b.startSeconds);
  const out: Array<Stretch & { members: T[] }> = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && p.startSeconds <= last.endSeconds + gapSeconds) {
      last.endSeconds = Math.max(last.endSeconds, p.endSeconds);
      if (!last.channels.includes(p.channel)) last.channels.push(p.channel);
      last.pieces++;
      last.members.push(p);
    } else {
      out.push({ startSeconds: p.startSeconds, endSeconds: p.endSeconds, channels: [p.channel], pieces: 1, members: [p] });
    }
  }
  const rank = (c: string) => (channelOrder.includes(c) ? channelOrder.indexOf(c) : channelOrder.length);
  for (const s of out) s.channels.sort((a, b) => rank(a) - rank(b));
  return out;
}

/** A stretch for the JSON: seconds and timecodes, channels, pieces. */
export function stretchDetail(ctx: QcContext, d: CheckedDeliverable, s: Stretch, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startSeconds: round3(s.startSeconds),
    endSeconds: round3(s.endSeconds),
    startTimecode: timecodeAt(ctx, d, s.startSeconds),
    endTimecode: timecodeAt(ctx, d, s.endSeconds),
    channels: s.channels,
    pieces: s.pieces,
    ...extra,
  };
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

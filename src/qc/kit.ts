/** Small helpers the rules share: findings with their time range as timecode, thresholds with defaults. */
import { secondsToTimecode } from '../session/time.js';
import type { Thresholds } from '../specs/schema.js';
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
  return out;
}

/** Member file carrying channel `index` of a multi-mono set (else the one file). */
export function fileForChannel(d: CheckedDeliverable, index: number): string {
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

/**
 * Defaults for the signal rules when a profile does not set them: the starting thresholds of
 * qc-tools.md (§1.1-1.6, [P] unless noted) and Netflix's clipping inspector (§1.5, [V]).
 */
export const DEFAULT_THRESHOLDS = {
  stems: { residualRmsMaxDbfs: -60, sustainMs: 100, nullDepthMinDb: 40, limiterMarginDb: 1 },
  me: { residualRmsMaxDbfs: -60, speechPercentMax: 1 },
  lfe: { cutoffHz: 120, maxAboveCutoffDb: -6 },
  phase: { minCorrelation: -0.3 },
  clipping: { ceilingDbfs: -0.45, maxRuns: 10, maxFullScalePercent: 0.01 },
  silence: { dropoutMinMs: 10 },
  dcOffset: { maxDbfs: -40 },
  twoPop: { syncToleranceMs: 1 },
} as const;

type Defaults = typeof DEFAULT_THRESHOLDS;
type Widen<T> = { [K in keyof T]: number };

export function thresholds<K extends keyof Defaults>(ctx: QcContext, key: K): Widen<Defaults[K]> {
  const own = (ctx.spec.thresholds as Thresholds | undefined)?.[key] ?? {};
  const merged: Record<string, number> = { ...DEFAULT_THRESHOLDS[key] };
  for (const [k, v] of Object.entries(own)) if (typeof v === 'number') merged[k] = v;
  return merged as Widen<Defaults[K]>;
}

export function fmtDb(v: number | null | undefined, unit: string): string {
  return v === null || v === undefined ? `-inf ${unit}` : `${v.toFixed(1)} ${unit}`;
}

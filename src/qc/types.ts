/**
 * The QC rule engine's values. A rule owns its metadata in its own file, in the manner of ESLint's
 * `meta`: description, default severity, its options with their defaults, and `needs`: the analyzers
 * (with options derived from the spec) its check reads. Rules are pure: they read measurements the
 * pipeline made from those needs and return findings.
 */
import type { AnalyzerNeed } from '../analyzers/types.js';
import type { FileMeasurement } from '../analysis/results.js';
import type { AdmSummary, Deliverable } from '../delivery/types.js';
import type { Rational } from '../session/time.js';
import type { Spec } from '../specs/schema.js';
import type { RuleId, Severity } from './ids.js';

export type { AdmSummary, RuleId, Severity };

export interface Finding {
  /** A built-in RuleId or a plugin rule's id. */
  rule: RuleId | (string & {});
  severity: Severity;
  message: string;
  /** The deliverable's id (null for delivery-wide findings such as a missing deliverable). */
  deliverable: string | null;
  file: string | null;
  channel: string | null;
  /** Seconds from the file's first sample (null when the finding has no place in time). */
  startSeconds: number | null;
  endSeconds: number | null;
  /** The same range as timecode at the delivery's frame rate, from the file's start timecode. */
  startTimecode: string | null;
  endTimecode: string | null;
  measured: number | string | null;
  limit: number | string | null;
  /**
   * The detail of one finding that stands for one defect: the stretches merged into it (`regions`), the
   * other deliverables carrying the same fault (`alsoIn`), the figures behind it. Plain JSON.
   */
  details?: Record<string, unknown>;
}

/** A deliverable with what the pipeline learnt about it. */
export interface CheckedDeliverable extends Deliverable {
  /** null when the file could not be read (the error is in `error`). */
  measurement: FileMeasurement | null;
  /** Samples since midnight of the first sample (BWF TimeReference); null when the file does not say. */
  timeReferenceSamples: number | null;
  /** Atmos master: what its ADM says. */
  adm?: AdmSummary;
}

/** Results the pipeline gets from engines that read several files at once (stems, M&E). */
export interface CrossFileResults {
  stems: StemsSumCheck[];
  me: MeMatchCheck[];
}

/** One stems-sum-to-printmaster comparison. */
export interface StemsSumCheck {
  printmaster: string;
  stems: string[];
  /** The engine's verdict values; `error` when it could not run. */
  result: StemsNullResult | null;
  error?: string;
}

/** One M&E vs music + effects (+ foley) stems comparison. */
export interface MeMatchCheck {
  me: string;
  stems: string[];
  /** The foley stem among `stems`, when the delivery has one (a filled M&E carries it). */
  foley?: string;
  result: StemsNullResult | null;
  error?: string;
}

/**
 * What a null test reports (qc-tools.md §1.1): the alignment found, and per channel the residual
 * after subtracting the printmaster (or M&E) from the sum of the stems.
 */
export interface StemsNullResult {
  /** Lag of the stems sum against the reference found by cross-correlation (positive: stems late). */
  offsetSamples: number;
  channels: NullChannel[];
  /** A stem that nulls better when inverted or re-gained: polarity or gain mismatch; or not in the reference at all. */
  stemIssues: Array<{ stem: string; kind: 'polarity' | 'gain' | 'missing'; gainDb: number | null }>;
  /** Each part's own offset when it differs from zero (a stem one frame late). */
  partOffsets?: Array<{ stem: string; offsetSamples: number }>;
  /** The M&E test read again with the dialogue stem as a probe: what it explained (me/dialogue-leak). */
  probe?: { name: string; matchedSeconds: number; gainDb: number | null };
}

export interface NullChannel {
  label: string;
  residualPeakDbfs: number | null;
  residualRmsDbfs: number | null;
  /** RMS(reference) - RMS(residual), dB; null when both are silent. */
  nullDepthDb: number | null;
  /**
   * Stretches where the residual stays above the threshold: limiter-like ones are tolerated; those with
   * `probeGainDb` are the probe (the dialogue stem in the M&E) at that gain.
   */
  regions: Array<{ startSeconds: number; endSeconds: number; residualRmsDbfs: number; limiterLike: boolean; probeGainDb?: number | null }>;
}

export interface QcContext {
  spec: Spec;
  deliverables: CheckedDeliverable[];
  /** The delivery's frame rate (timecodes, the one-frame tolerance) and where it came from. */
  fps: Rational;
  dropFrame: boolean;
  cross: CrossFileResults;
}

/** One option of a rule: a number a profile may set under `thresholds.<section>.<name>`. */
export interface RuleOption {
  default: number;
  unit: string;
  description: string;
}

/** A rule's options by `thresholds` section, then name (sections may be shared by rules that read one engine). */
export type RuleOptions = Record<string, Record<string, RuleOption>>;

/** The values a rule gets: each option from the profile, else its default. */
export type OptionValues<O extends RuleOptions> = { [S in keyof O]: { [K in keyof O[S]]: number } };

export interface RuleMeta<O extends RuleOptions = RuleOptions> {
  description: string;
  defaultSeverity: Severity;
  options: O;
}

/** What a rule's `needs` knows about one deliverable before it is measured. */
export interface PlannedFile {
  id: string;
  role: string | null;
  stem: string | null;
  layout: string | null;
  channels: number;
  sampleRate: number;
  durationSeconds: number;
  /** Printmaster gated by the dialogue stem's activity (no speech detector pass needed). */
  dialogueAnchored: boolean;
}

export interface PlanContext {
  spec: Spec;
  fps: Rational;
}

export interface Rule<O extends RuleOptions = RuleOptions> {
  id: RuleId | (string & {});
  meta: RuleMeta<O>;
  /** The same as meta.description and meta.defaultSeverity (the catalog reads either). */
  description: string;
  defaultSeverity: Severity;
  /** The analyzers this rule reads on one deliverable, with options from the profile; none when absent. */
  needs?(file: PlannedFile, options: OptionValues<O>, plan: PlanContext): AnalyzerNeed[];
  check(ctx: QcContext, options: OptionValues<O>): RuleFinding[];
}

/**
 * What a rule returns: a finding without its final severity (the profile's setting for the rule)
 * unless the rule lowers it (a warning inside Netflix's QC window); the engine never raises it.
 */
export type RuleFinding = Omit<Finding, 'severity' | 'rule'> & { severity?: Severity };

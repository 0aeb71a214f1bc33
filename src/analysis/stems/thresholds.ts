/** The null engine's thresholds (qc-tools.md §1.1 [P]) and the options that override them, resolved once. */
import type { NullTestOptions } from './types.js';

/** qc-tools.md §1.1 [P]: a residual above this RMS (dBFS) ... */
export const RESIDUAL_LIMIT_DBFS = -60;
/** ... sustained this long outside limiter regions fails the null. */
export const RESIDUAL_SUSTAIN_SECONDS = 0.1;
/** qc-tools.md §1.1 [P]: warn when the overall null depth is shallower than this. */
export const NULL_DEPTH_WARN_DB = 40;
/** qc-tools.md §1.1 [P]: the limiter acts where the printmaster is within ~1 dB of its ceiling. */
export const LIMITER_CEILING_MARGIN_DB = 1;
/**
 * Our choice [P]: residual up to this long after a near-ceiling window may still be the limiter releasing
 * (bus limiters release over tens to hundreds of ms). Safe to be generous: the sign test below still
 * has to pass, and a missing or extra sound fails it.
 */
export const LIMITER_HOLD_SECONDS = 0.5;
/** Share of a window's residual energy that must have the reference's sign to be gain reduction. */
export const LIMITER_SIGN_AGREEMENT = 0.9;
/** Residual classification window. */
export const RESIDUAL_WINDOW_SECONDS = 0.01;
/** Alignment search range either side of zero (a misaligned stem is usually frames, not seconds, out). */
export const MAX_OFFSET_SECONDS = 1;
/** Excerpt cross-correlated for alignment. */
export const ALIGN_EXCERPT_SECONDS = 8;
export const SERIES_SECONDS = 0.5;
/**
 * Our choice [P]: a residual window is the probe at some gain when the probe explains this share of its
 * energy ((Σ e·p)² / (Σ e² · Σ p²), the squared correlation). A leaked stem gives ~1; music or effects
 * that merely overlap the dialogue stay far below.
 */
export const PROBE_MATCH = 0.8;
/** Residual runs of each kind kept in a result (counts go on past it). */
export const MAX_EVENTS = 1000;

/** What the residual is judged by: the options, else the constants above. */
export interface ResidualSettings {
  residualLimitDbfs: number;
  sustainSeconds: number;
  ceilingMarginDb: number;
  limiterHoldSeconds: number;
  windowSeconds: number;
  seriesSeconds: number;
  maxEvents: number;
  probeMatch: number;
}

export function residualSettings(options: NullTestOptions): ResidualSettings {
  return {
    residualLimitDbfs: options.residualLimitDbfs ?? RESIDUAL_LIMIT_DBFS,
    sustainSeconds: options.sustainSeconds ?? RESIDUAL_SUSTAIN_SECONDS,
    ceilingMarginDb: options.ceilingMarginDb ?? LIMITER_CEILING_MARGIN_DB,
    limiterHoldSeconds: options.limiterHoldSeconds ?? LIMITER_HOLD_SECONDS,
    windowSeconds: options.windowSeconds ?? RESIDUAL_WINDOW_SECONDS,
    seriesSeconds: options.seriesSeconds ?? SERIES_SECONDS,
    maxEvents: options.maxEvents ?? MAX_EVENTS,
    probeMatch: options.probeMatch ?? PROBE_MATCH,
  };
}

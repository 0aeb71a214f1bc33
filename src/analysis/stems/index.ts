/**
 * The stems / M&E null engine: does a set of parts (DX/MX/FX stems, or MX+FX for an M&E) sum to the
 * reference (the printmaster, or the M&E)?
 *
 * Method (qc-tools.md §1.1 [P], thresholds as named constants in ./thresholds.ts):
 * 1. Align (./align.ts): each part is cross-correlated (FFT, on a decimated mono excerpt where that part
 *    is loudest) against the reference, then refined sample-exactly at full rate. The offset is reported
 *    per part and compensated in the null, so a late stem shows as an offset, and any other fault still shows.
 * 2. One streaming pass over every file in lockstep (./lockstep.ts; flat memory: one block per file): per
 *    channel, residual = Σ parts − reference; its peak and RMS, the null depth (reference RMS − residual
 *    RMS), and the least-squares gain of each part in the reference (./gains.ts; −1: polarity inverted;
 *    0.89: stem printed 1 dB hot). The sums run in a WASM SIMD kernel (../../dsp/null-sums.ts) with the
 *    plain-JS loops' exact numbers, the loops as the fallback.
 * 3. Residual in 10 ms windows (./classify.ts): above −60 dBFS a window is "limiter" near the reference's
 *    ceiling when the residual has the reference's sign, else a content difference; content runs of
 *    100 ms or more are `sustained` — the reference's fail condition.
 * 4. A coarse residual-vs-time series (./residual.ts; per channel, every `seriesSeconds`) so a rule can
 *    line the residual up with other evidence (speech detected in an M&E = dialogue leak).
 * 5. nullTest (./null-test.ts) composes these into a NullTestResult (./types.ts); summarizeNullTest
 *    (./summary.ts) gives the compact result the QC rules read.
 *
 * Memory: one block per file, the alignment excerpts (seconds), the events kept, and the series
 * (2 numbers per channel per `seriesSeconds`: about 0.3 MB for two hours of 5.1). Synchronous: the
 * readers are; `onProgress` reports the lockstep pass.
 */
export {
  ALIGN_EXCERPT_SECONDS,
  LIMITER_CEILING_MARGIN_DB,
  LIMITER_HOLD_SECONDS,
  LIMITER_SIGN_AGREEMENT,
  MAX_OFFSET_SECONDS,
  NULL_DEPTH_WARN_DB,
  PROBE_MATCH,
  RESIDUAL_LIMIT_DBFS,
  RESIDUAL_SUSTAIN_SECONDS,
  RESIDUAL_WINDOW_SECONDS,
  SERIES_SECONDS,
} from './thresholds.js';
export type { ChannelNull, NamedSource, NullTestOptions, NullTestResult, PartAlignment, PartGain, ProbeResult, ResidualRun, ResidualSeries } from './types.js';
export { checkMeAgainstStems, checkStemsSum, nullTest, nullTestFiles } from './null-test.js';
export { STEM_GAIN_TOLERANCE_DB, summarizeNullTest, type NullSummary } from './summary.js';

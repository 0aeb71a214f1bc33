/** Analyzer needs that several rules share (the same id and options, so the pass runs each once). */
import type { AnalyzerNeed } from '../analyzers/types.js';
import type { Rational } from '../session/time.js';
import type { Spec } from '../specs/schema.js';

/** Programme this long or longer gets its channel-identity check sampled (one block in four). */
export const CHANNEL_ORDER_SAMPLE_FROM_SECONDS = 300;

/** Where the samples reach the profile's true-peak limit, and the file's sample peak (the null tests' ceiling). */
export function peakOvers(spec: Spec): AnalyzerNeed[] {
  const limit = spec.loudness?.maxTruePeakDbtp;
  return limit === undefined ? [] : [{ id: 'peak-overs', options: { limitDbfs: limit } }];
}

/** The 2-pop and FFOA at the delivery's frame rate. */
export function twoPopNeed(fps: Rational): AnalyzerNeed {
  return { id: 'two-pop', options: { fps: fps.num / fps.den } };
}

/**
 * Fade curves of the timeline renderer: amplitude gain as a function of how far into the fade a sample
 * sits. A fade of n samples evaluates its curve at the sample's centre, x = (k + 0.5) / n for the k-th
 * sample of a fade-in and x = (samples left − 0.5) / n for a fade-out, so two linear fades of one length
 * overlapping exactly (a crossfade) sum to unity at every sample.
 *
 * The shapes the session model names (README "premix" lists which adapter gives which):
 *   linear       x                      (amplitude linear: the default when a format says nothing)
 *   equal-power  sin(x·π/2)             (+3 dB crossfade: Avid's "equal power", FCP's "+3dB")
 *   s-curve      (1 − cos(x·π)) / 2     (FCPXML "ease")
 *   exponential  x²                     (slow start; AAF "Exp" interpolation)
 *   logarithmic  1 − (1 − x)²           (fast start; AAF "Log" interpolation)
 *   other        x, with a warning      (a curve the format names but we have not verified: REAPER shapes 1–7)
 */
import type { FadeShape } from '../session/model.js';

export type FadeCurve = (x: number) => number;

const CURVES: Record<FadeShape, FadeCurve> = {
  linear: (x) => x,
  'equal-power': (x) => Math.sin((x * Math.PI) / 2),
  's-curve': (x) => (1 - Math.cos(x * Math.PI)) / 2,
  exponential: (x) => x * x,
  logarithmic: (x) => 1 - (1 - x) * (1 - x),
  other: (x) => x,
};

export function fadeCurve(shape: FadeShape | undefined): FadeCurve {
  return CURVES[shape ?? 'linear'];
}

/** Whether the renderer plays this shape as named (else: linear, said in a warning). */
export function isRenderedAsNamed(shape: FadeShape | undefined): boolean {
  return shape !== 'other';
}

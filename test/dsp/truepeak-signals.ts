/** Signals for the true-peak fast-path tests: each is built so that what it stresses is known. */
import { designInterpolator, oversamplingFactor, TruePeakMeter, type TruePeakOptions } from '../../src/dsp/truepeak.js';

export const RATES = [44100, 48000, 88200, 96000, 176400, 192000];

export function random(n: number, seed: number, amp = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = amp * ((s / 4294967296) * 2 - 1);
  }
  return x;
}

/** Full-scale square wave of the given period in samples (period 2: ±1 alternating at Nyquist). */
export function square(n: number, period: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % period < period / 2 ? 1 : -1;
  return x;
}

export function constant(n: number, value: number): Float32Array {
  return new Float32Array(n).fill(value);
}

/**
 * A sine at fs/4 sampled 45° off its crests (samples ±0.7071 × amp, true peak amp) for `cycles` cycles
 * starting at sample `at`, silence elsewhere: an inter-sample peak placed where we choose.
 */
export function offCrestBurst(n: number, at: number, cycles: number, amp = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < 4 * cycles && at + i < n; i++) x[at + i] = amp * Math.sin((Math.PI / 2) * i + Math.PI / 4);
  return x;
}

/**
 * The worst case of the skip bound: 16 samples whose signs follow the taps of the phase with the largest
 * Σ|taps|, so that phase's output at `end` equals amp × worstCaseGain (up to rounding). Written into x.
 */
export function writeWorstCase(x: Float32Array, sampleRate: number, end: number, amp: number): void {
  const ip = designInterpolator(oversamplingFactor(sampleRate));
  let worst = ip.phases[0];
  let gain = -1;
  for (const taps of ip.phases) {
    const g = taps.reduce((a, c) => a + Math.abs(c), 0);
    if (g > gain) [gain, worst] = [g, taps];
  }
  if (!worst) return;
  for (let k = 0; k < worst.length; k++) if (end - k >= 0) x[end - k] = worst[k]! >= 0 ? amp : -amp;
}

export interface Measured {
  truePeak: number;
  samplePeak: number;
  oversampled: number;
  skipped: number;
  usingWasm: boolean;
}

/** Feed x in blocks of the given sizes (cycled), then flush, as the loudness analyzer does. */
export function measure(x: Float32Array, sampleRate: number, blocks: number[], skip: boolean, options: TruePeakOptions): Measured {
  const m = new TruePeakMeter(sampleRate, options);
  m.skipEnabled = skip;
  let pos = 0;
  for (let b = 0; pos < x.length; b++) {
    const end = Math.min(x.length, pos + blocks[b % blocks.length]!);
    m.process(x, pos, end);
    pos = end;
  }
  m.flush();
  return { truePeak: m.truePeak, samplePeak: m.samplePeak, oversampled: m.oversampled, skipped: m.skipped, usingWasm: m.usingWasm };
}

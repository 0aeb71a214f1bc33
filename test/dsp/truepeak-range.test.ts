import { describe, expect, it } from 'vitest';
import {
  compileKernel,
  defaultTruePeakWasm,
  designInterpolator,
  oversamplingFactor,
  TruePeakMeter,
  wasmOversampler,
  type TruePeakOptions,
} from '../../src/dsp/truepeak.js';
import { constant, measure, offCrestBurst, random, RATES, square } from './truepeak-signals.js';

// The signed-range skip bound: every tap's input lies in [bottom, top], so each phase's output lies in
// [P·bottom - N·top, P·top - N·bottom]; tested per stretch, then per sub-stretch inside a stretch that
// may beat the maximum. Skipping by it must give the no-skip true peak exactly (toBe), with either
// kernel, any stretch and sub-stretch lengths, and the WASM and JS twins must make the same decisions.

const n = 40000;

/** Feed with rangeBound on or off and the given stretch length; same blocks as the analyzers' and odd ones. */
function run(x: Float32Array, rate: number, blocks: number[], options: TruePeakOptions & { skip?: boolean; rangeBound?: boolean }) {
  const m = new TruePeakMeter(rate, options);
  m.skipEnabled = options.skip ?? true;
  m.rangeBound = options.rangeBound ?? true;
  let pos = 0;
  for (let b = 0; pos < x.length; b++) {
    const end = Math.min(x.length, pos + blocks[b % blocks.length]!);
    m.process(x, pos, end);
    pos = end;
  }
  m.flush();
  return { truePeak: m.truePeak, samplePeak: m.samplePeak, oversampled: m.oversampled, skipped: m.skipped };
}

/**
 * Writes, ending at `end`, the 16 values in {top, bottom} that drive the output of one phase to its range
 * bound: P·top - N·bottom (top where the tap is positive) or -(N·top - P·bottom) (bottom there), the larger.
 */
function writeRangeWorstCase(x: Float32Array, rate: number, end: number, top: number, bottom: number): void {
  const ip = designInterpolator(oversamplingFactor(rate));
  let best = -1;
  let worst = ip.phases[0];
  let positive = true;
  ip.phases.forEach((taps, p) => {
    const [P, N] = ip.rangeGains[p]!;
    if (P * top - N * bottom > best) [best, worst, positive] = [P * top - N * bottom, taps, true];
    if (N * top - P * bottom > best) [best, worst, positive] = [N * top - P * bottom, taps, false];
  });
  if (!worst) return;
  for (let k = 0; k < worst.length; k++) if (end - k >= 0) x[end - k] = worst[k]! > 0 === positive ? top : bottom;
}

function bass(len: number, hz: number, rate: number, amp: number, offset = 0): Float32Array {
  return Float32Array.from({ length: len }, (_, i) => offset + amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

const adversarial: Array<[string, (rate: number) => Float32Array]> = [
  ['random full scale', () => random(n, 31)],
  ['random quiet', () => random(n, 32, 1e-4)],
  ['silence', () => constant(n, 0)],
  ['DC +1', () => constant(n, 1)],
  ['DC -0.7', () => constant(n, -0.7)],
  ['square fs/2', () => square(n, 2)],
  ['square period 256', () => square(n, 256)],
  ['square period 17', () => square(n, 17)],
  ['bass 40 Hz full scale', (rate) => bass(n, 40, rate, 0.999)],
  ['bass 60 Hz on DC', (rate) => bass(n, 60, rate, 0.4, 0.5)],
  ['crescendo', (rate) => Float32Array.from(random(n, 33), (v, i) => v * 0.01 * 10 ** ((40 * i) / n / 20))],
  ['crescendo of bass', (rate) => Float32Array.from(bass(n, 50, rate, 1), (v, i) => v * 10 ** ((-30 + (30 * i) / n) / 20))],
  ['one loud click late', () => {
    const x = random(n, 34, 0.05);
    x[n - 200] = 0.9;
    x[n - 199] = -0.9;
    return x;
  }],
  ['off-crest bursts across stretch and chunk edges', () => {
    const x = random(n, 35, 0.02);
    for (const at of [62, 126, 254, 478, 16254, 16368, 32510, n - 3]) x.set(offCrestBurst(8, 0, 2, 0.3 + at / (2 * n)).subarray(0, Math.min(8, n - at)), at);
    return x;
  }],
  ['one-polarity patterns at the range bound after a loud passage', (rate) => {
    const x = bass(n, 50, rate, 0.5, 0.3);
    for (let i = 8000; i < n; i++) x[i] = 0.05 * x[i]!;
    // top, bottom both positive, then straddling zero, each near the level the first part reached
    writeRangeWorstCase(x, rate, 12000, 0.79, 0.3);
    writeRangeWorstCase(x, rate, 16255, 0.8, 0.01);
    writeRangeWorstCase(x, rate, 20000, 0.7, -0.2);
    writeRangeWorstCase(x, rate, 24063, -0.05, -0.81);
    return x;
  }],
];

describe('true-peak signed-range skip bound', () => {
  for (const rate of RATES.filter((r) => oversamplingFactor(r) > 1)) {
    it(`${rate} Hz: skip on = skip off, bit for bit, WASM = JS decisions, stretch and sub-stretch lengths`, () => {
      for (const [name, make] of adversarial) {
        const x = make(rate);
        const plain = run(x, rate, [48000], { skip: false, useWasm: false });
        for (const blocks of [[48000], [16256], [1000, 3, 129]]) {
          for (const [stretchSamples, subStretchSamples] of [[128, 32], [128, 128], [128, 16], [64, 7], [32, 32], [7, 3]]) {
            for (const rangeBound of [true, false]) {
              const label = `${name} blocks ${blocks} stretch ${stretchSamples}/${subStretchSamples} range ${rangeBound}`;
              const options = { stretchSamples, subStretchSamples, rangeBound };
              const js = run(x, rate, blocks, { useWasm: false, ...options });
              const wasm = run(x, rate, blocks, { useWasm: true, ...options });
              expect(js.truePeak, label).toBe(plain.truePeak);
              expect(js.samplePeak, label).toBe(plain.samplePeak);
              expect(wasm, label).toEqual(js);
            }
          }
        }
      }
    });
  }

  it('the adversarial pattern reaches the range bound: amplitudes just under, on and just over the running maximum', () => {
    const rate = 48000;
    const ip = designInterpolator(4);
    const loud = bass(4096, 50, rate, 0.6);
    const reference = run(loud, rate, [48000], { skip: false, useWasm: false }).truePeak;
    let skipped = 0;
    for (const [top, bottom] of [[1, 0.4], [1, -0.1], [0.3, -1]] as const) {
      // the largest range bound of any phase for [top, bottom], scaled to land on the reference
      const bound = Math.max(...ip.rangeGains.map(([P, N]) => Math.max(P * top - N * bottom, N * top - P * bottom)));
      for (const end of [8191, 8197]) {
        const skippedAt = new Map<number, number>();
        for (const eps of [-1e-3, -1e-6, 0, 1e-6, 1e-3]) {
          const scale = (reference / bound) * (1 + eps);
          const hi = Math.fround(top * scale);
          const lo = Math.fround(bottom * scale);
          const x = new Float32Array(12000);
          x.set(loud);
          // the stretches around the pattern hold only values in [lo, hi], so their range is exactly that
          x.fill(Math.fround((hi + lo) / 2), 7900, 8400);
          writeRangeWorstCase(x, rate, end, hi, lo);
          const off = run(x, rate, [480], { skip: false, useWasm: false });
          // the pattern's output is the bound (to f32 rounding of hi, lo): above the loud start when eps > 0
          if (eps > 0) expect(off.truePeak).toBeGreaterThan(reference);
          else if (eps < 0) expect(off.truePeak).toBe(reference);
          for (const useWasm of [false, true]) {
            const on = run(x, rate, [480], { useWasm });
            expect(on.truePeak, `${top} ${bottom} end ${end} eps ${eps}`).toBe(off.truePeak);
            skipped += on.skipped;
            skippedAt.set(eps, on.skipped);
          }
        }
        // just under the running maximum the pattern's stretch is skipped, just over it is not
        expect(skippedAt.get(-1e-6)!, `${top} ${bottom} end ${end}`).toBeGreaterThan(skippedAt.get(1e-6)!);
      }
    }
    expect(skipped).toBeGreaterThan(0);
  });

  it('never skips less than worstCaseGain × max |x| (the running maximum is the same under any exact rule)', () => {
    for (const [name, make] of adversarial) {
      const x = make(48000);
      const range = run(x, 48000, [48000], { useWasm: true });
      const peak = run(x, 48000, [48000], { useWasm: true, rangeBound: false });
      expect(range.skipped, name).toBeGreaterThanOrEqual(peak.skipped);
    }
    // and strictly more on a bass line, where stretches stay near one polarity, and more again with sub-stretches
    const b = bass(48000, 40, 48000, 0.9);
    const skippedShare = (options: TruePeakOptions & { rangeBound?: boolean }) => {
      const r = run(b, 48000, [48000], { useWasm: true, ...options });
      return r.skipped / (r.skipped + r.oversampled);
    };
    const old = skippedShare({ rangeBound: false, subStretchSamples: 128 });
    const range = skippedShare({ subStretchSamples: 128 });
    expect(range).toBeGreaterThan(old);
    expect(skippedShare({})).toBeGreaterThan(range);
  });

  it('rangeGains: P - N is each phase\'s unity DC gain and P + N its Σ|taps|, the largest being worstCaseGain', () => {
    for (const factor of [2, 4, 8]) {
      const ip = designInterpolator(factor);
      const sums = ip.rangeGains.map(([P, N]) => P + N);
      ip.rangeGains.forEach(([P, N]) => expect(P - N).toBeCloseTo(1, 12));
      expect(Math.max(...sums)).toBeCloseTo(ip.worstCaseGain, 12);
    }
  });
});

describe('WASM screen: central half of the taps first, the rest bounded by tailGain × input peak', () => {
  const wasm = defaultTruePeakWasm();
  const designs = [designInterpolator(4), designInterpolator(2), designInterpolator(8), designInterpolator(4, 12), designInterpolator(2, 32)];
  for (const ip of designs) {
    it(`factor ${ip.factor}, ${ip.tapsPerPhase} taps: tail-heavy and central-heavy patterns, running maximum just below and above`, () => {
      expect(wasm).not.toBeNull();
      const js = compileKernel(ip);
      const screened = wasmOversampler(wasm!, ip)!.screened;
      const T = ip.tapsPerPhase;
      const H = T - 1;
      const quarter = Math.floor(T / 4);
      let checked = 0;
      for (const count of [8, 16, 32, 33, 128]) {
        for (const [p, taps] of ip.phases.entries()) {
          for (const part of ['tail', 'central', 'all'] as const) {
            for (const at of [H, H + Math.floor(count / 2), H + count - 1]) {
              // the taps of one part of phase p, sign-aligned, so that output `at` of that phase is that part's Σ|taps|
              const ext = random(H + count, 40 + p + at, 0.01);
              for (let k = 0; k < T; k++) {
                const inTail = k < quarter || k >= T - quarter;
                if (part === 'all' || (part === 'tail') === inTail) ext[at - k] = taps[k]! >= 0 ? 0.9 : -0.9;
                else ext[at - k] = 0;
              }
              let inputPeak = 0;
              for (const v of ext) inputPeak = Math.max(inputPeak, Math.abs(v));
              const want = js(ext, count, 0, inputPeak);
              for (const runningMax of [0, want * (1 - 1e-3), want * (1 - 1e-6), want * (1 - 1e-9), want, want * (1 + 1e-9), want * 1.2]) {
                const got = screened(ext, count, runningMax, inputPeak);
                if (want > runningMax) expect(got, `${part} p ${p} count ${count} at ${at}`).toBe(want);
                else expect(got).toBeLessThanOrEqual(runningMax);
                checked++;
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

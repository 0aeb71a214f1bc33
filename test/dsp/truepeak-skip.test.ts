import { describe, expect, it } from 'vitest';
import { designInterpolator, oversamplingFactor } from '../../src/dsp/truepeak.js';
import { measure, offCrestBurst, random, RATES, square, writeWorstCase } from './truepeak-signals.js';

// Exact skipping: a stretch whose bound (by default the signed-range bound, never above max |x| ×
// worstCaseGain; see truepeak-range.test.ts) cannot beat the running maximum is not oversampled.
// Skipping on and off must give bit-identical true peaks (toBe), with either kernel.

const kernels = [{ useWasm: false }, { useWasm: true }];
const blockings = [[480], [128], [1000, 3, 129]];

function expectSkipExact(x: Float32Array, rate: number, label: string): number {
  let skipped = 0;
  for (const options of kernels) {
    for (const blocks of blockings) {
      const off = measure(x, rate, blocks, false, options);
      const on = measure(x, rate, blocks, true, options);
      expect(off.skipped).toBe(0);
      expect(on.truePeak, `${label} ${rate} Hz wasm ${options.useWasm} blocks ${blocks}`).toBe(off.truePeak);
      skipped += on.skipped;
    }
  }
  return skipped;
}

describe('true-peak skipping is exact', () => {
  for (const rate of RATES.filter((r) => oversamplingFactor(r) > 1)) {
    it(`${rate} Hz: the worst-case pattern at the skip bound, after a loud passage`, () => {
      const gain = designInterpolator(oversamplingFactor(rate)).worstCaseGain;
      const n = 8192;
      const loud = random(n, 11, 0.25);
      const reference = measure(loud.subarray(0, 2048), rate, [480], false, { useWasm: false }).truePeak;
      let skipped = 0;
      // amplitudes whose worst-case output lands just under, on and just over the running maximum
      for (const eps of [-1e-3, -1e-7, 0, 1e-7, 1e-3]) {
        const amp = Math.fround((reference / gain) * (1 + eps));
        for (const end of [2048 + 127, 2048 + 128, 2048 + 480, 4095, n - 1]) {
          const x = new Float32Array(n);
          x.set(loud.subarray(0, 2048));
          writeWorstCase(x, rate, end, amp);
          skipped += expectSkipExact(x, rate, `eps ${eps} end ${end}`);
        }
      }
      expect(skipped).toBeGreaterThan(0);
    });

    it(`${rate} Hz: inter-sample peaks just after a stretch edge, carried only by the history`, () => {
      const n = 4096;
      let skipped = 0;
      for (const at of [124, 125, 126, 127, 477, 478, 479, 1023]) {
        // a loud start, silence, then a lone full-scale sample or off-crest pair ending on the edge
        const x = new Float32Array(n);
        x.set(random(256, 7, 0.3).subarray(0, 100));
        x[at] = 0.95;
        skipped += expectSkipExact(x, rate, `impulse at ${at}`);
        const y = offCrestBurst(n, at - 2, 1, 0.5);
        y.set(random(100, 8, 0.3));
        skipped += expectSkipExact(y, rate, `off-crest at ${at}`);
      }
      expect(skipped).toBeGreaterThan(0);
    });

    it(`${rate} Hz: square waves, silence then a louder tail`, () => {
      const n = 6000;
      const x = square(n, 2);
      for (let i = 1000; i < 5000; i++) x[i] = 0;
      for (let i = 5000; i < n; i++) x[i] = i % 8 < 4 ? 0.6 : -0.6;
      expectSkipExact(x, rate, 'squares');
      expectSkipExact(square(n, 7), rate, 'square period 7');
    });
  }
});

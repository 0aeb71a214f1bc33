import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileKernel,
  defaultTruePeakWasm,
  defaultWasmPath,
  designInterpolator,
  loadTruePeakWasm,
  oversamplingFactor,
  wasmOversampler,
} from '../../src/dsp/truepeak.js';
import { constant, measure, offCrestBurst, random, RATES, square, writeWorstCase } from './truepeak-signals.js';

// The WASM SIMD kernel sums every output tap by tap in double, in the plain-JS kernel's order:
// every comparison here is bit-identical (toBe), not a tolerance.

const wasm = defaultTruePeakWasm();

describe('WASM true-peak kernel build', () => {
  it('is built by npm prepare (npm run build:wasm) and loads', () => {
    expect(wasm, `no WASM kernel at ${defaultWasmPath()}: run npm run build:wasm`).not.toBeNull();
  });

  it('falls back to the plain-JS kernel, without error, when the file is missing or not WASM', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-tp-'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const missing = defaultWasmPath(path.join(dir, 'src', 'dsp'));
    expect(missing).toBe(path.join(dir, 'dist', 'wasm', 'truepeak.wasm'));
    expect(loadTruePeakWasm(missing)).toBeNull();
    const garbage = path.join(dir, 'garbage.wasm');
    writeFileSync(garbage, 'not a wasm module');
    expect(loadTruePeakWasm(garbage)).toBeNull();

    const x = offCrestBurst(4800, 1000, 10);
    const plain = measure(x, 48000, [480], true, { wasm: loadTruePeakWasm(missing) });
    expect(plain.usingWasm).toBe(false);
    // the fs/4 sine sampled 45° off its crests: samples at 0.7071, crests at 1 between them (the burst's
    // abrupt onset adds a small overshoot, so 1 to +0.2 dB)
    expect(plain.samplePeak).toBeCloseTo(Math.SQRT1_2, 6);
    expect(20 * Math.log10(plain.truePeak)).toBeGreaterThan(-0.03);
    expect(20 * Math.log10(plain.truePeak)).toBeLessThan(0.2);
    expect(measure(x, 48000, [480], true, { useWasm: false }).usingWasm).toBe(false);
  });
});

function absPeak(ext: Float32Array, length: number): number {
  let p = 0;
  for (let i = 0; i < length; i++) p = Math.max(p, Math.abs(ext[i]!));
  return p;
}

describe('WASM kernel = JS kernel, stretch by stretch', () => {
  // factor 4 (3 phases) and 2 (1 phase) are the specialised paths; 8 (7 phases) and 12 taps the generic one
  const designs = [designInterpolator(4), designInterpolator(2), designInterpolator(8), designInterpolator(4, 12), designInterpolator(2, 32)];
  for (const ip of designs) {
    it(`factor ${ip.factor}, ${ip.tapsPerPhase} taps: every count 1..40, 128, 1000 and past the wasm buffer`, () => {
      const js = compileKernel(ip);
      const exact = wasmOversampler(wasm!, ip)!.exact;
      const screened = wasmOversampler(wasm!, ip)!.screened;
      expect(exact).not.toBeNull();
      const H = ip.tapsPerPhase - 1;
      const counts = [...Array.from({ length: 40 }, (_, i) => i + 1), 127, 128, 129, 1000, 40000];
      for (const [s, count] of counts.entries()) {
        const signals = [random(H + count, 17 + s), random(H + count, 99 + s, 1e-30), square(H + count, 2), square(H + count, 5), constant(H + count, -1)];
        for (const ext of signals) {
          const inputPeak = absPeak(ext, H + count);
          const want = js(ext, count, 0, inputPeak);
          expect(exact(ext, count, 0, inputPeak)).toBe(want);
          // the f32 screen: exact whenever the result beats the running maximum, never above it otherwise
          for (const runningMax of [-1, 0, want * (1 - 1e-5), want * (1 - 1e-7), want * (1 - 1e-9), want, want * (1 + 1e-9), want * 1.5]) {
            const got = screened(ext, count, runningMax, inputPeak);
            if (want > runningMax) expect(got).toBe(want);
            else expect(got).toBeLessThanOrEqual(runningMax);
          }
        }
      }
    });
  }

  it('an isolated full-scale sample at every position of a stretch (the last output lanes and the overlap)', () => {
    const ip = designInterpolator(4);
    const js = compileKernel(ip);
    const exact = wasmOversampler(wasm!, ip)!.exact;
    const screened = wasmOversampler(wasm!, ip)!.screened;
    const H = ip.tapsPerPhase - 1;
    for (const count of [5, 9, 128]) {
      for (let at = 0; at < H + count; at++) {
        const ext = new Float32Array(H + count);
        ext[at] = at % 2 ? -1 : 1;
        const want = js(ext, count, 0, 1);
        expect(exact(ext, count, 0, 1)).toBe(want);
        expect(screened(ext, count, 0, 1)).toBe(want);
      }
    }
  });
});

describe('TruePeakMeter: WASM path = plain path', () => {
  const n = 6000;
  const signals: Array<[string, (rate: number) => Float32Array]> = [
    ['random full scale', () => random(n, 3)],
    ['random quiet', () => random(n, 4, 0.001)],
    ['square fs/2', () => square(n, 2)],
    ['square period 6', () => square(n, 6)],
    ['square period 100', () => square(n, 100)],
    ['silence', () => constant(n, 0)],
    ['DC +1', () => constant(n, 1)],
    ['DC -0.5', () => constant(n, -0.5)],
    ['off-crest burst across the 128 edge', () => offCrestBurst(n, 126, 1)],
    ['off-crest burst across the 480 edge', () => offCrestBurst(n, 478, 1)],
    ['off-crest burst on the last samples', () => offCrestBurst(n, n - 3, 1)],
    ['worst case ending on a stretch edge', (rate) => {
      const x = random(n, 5, 0.2);
      writeWorstCase(x, rate, 1023, 0.9);
      return x;
    }],
  ];
  const blockings = [[480], [441], [1], [7, 300, 1000, 13], [n]];
  for (const rate of RATES) {
    it(`${rate} Hz (x${oversamplingFactor(rate)}): every signal and blocking, skipping on and off`, () => {
      for (const [name, make] of signals) {
        const x = make(rate);
        for (const blocks of blockings) {
          for (const skip of [false, true]) {
            const plain = measure(x, rate, blocks, skip, { useWasm: false });
            const fast = measure(x, rate, blocks, skip, { useWasm: true });
            expect(fast.usingWasm, name).toBe(oversamplingFactor(rate) > 1);
            expect(fast.truePeak, `${name} ${rate} Hz blocks ${blocks} skip ${skip}`).toBe(plain.truePeak);
            expect(fast.samplePeak).toBe(plain.samplePeak);
            expect([fast.oversampled, fast.skipped]).toEqual([plain.oversampled, plain.skipped]);
          }
        }
      }
    });
  }

  it('blocks longer than the WASM input buffer (several meter() calls per block), every rate', () => {
    const n = 100000;
    const x = random(n, 21, 0.3);
    writeWorstCase(x, 48000, 16255, 0.6);
    x.set(offCrestBurst(8, 0, 2, 0.9), 16250);
    x.set(offCrestBurst(8, 0, 2, 0.95), 32510);
    for (const rate of RATES) {
      for (const blocks of [[n], [48000], [16256], [16257, 5]]) {
        for (const skip of [false, true]) {
          const plain = measure(x, rate, blocks, skip, { useWasm: false });
          const fast = measure(x, rate, blocks, skip, { useWasm: true });
          expect(fast.truePeak, `${rate} Hz blocks ${blocks} skip ${skip}`).toBe(plain.truePeak);
          expect([fast.samplePeak, fast.oversampled, fast.skipped]).toEqual([plain.samplePeak, plain.oversampled, plain.skipped]);
        }
      }
    }
  });
});

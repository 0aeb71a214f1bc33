import { describe, expect, it } from 'vitest';
import { KWeightingFilters, kWeightingCoefficients, kWeightSumSquares } from '../../src/dsp/kweighting.js';
import { defaultWasm, loadWasm, wasmPath } from '../../src/dsp/wasm/load.js';
import { constant, random, RATES, square } from './truepeak-signals.js';

// The WASM filters run kWeightSumSquares' exact operations two channels per vector: K-weighted and plain
// sums and states are compared bit for bit (toEqual on the numbers), never with a tolerance.

function sine(n: number, rate: number, hz: number, amp: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

interface Run {
  sums: number[][];
  /** Unweighted Σx² per call and channel. */
  plainSums: number[][];
  states: Float64Array[];
}

/** The plain path: kWeightSumSquares and a Σx² loop per channel over the same calls. */
function plain(channels: Float32Array[], rate: number, calls: number[]): Run {
  const k = kWeightingCoefficients(rate);
  const states = channels.map(() => new Float64Array(8));
  const sums: number[][] = [];
  const plainSums: number[][] = [];
  let pos = 0;
  for (let b = 0; pos < channels[0]!.length; b++) {
    const end = Math.min(channels[0]!.length, pos + calls[b % calls.length]!);
    sums.push(channels.map((x, c) => kWeightSumSquares(x, pos, end, k, states[c]!)));
    plainSums.push(
      channels.map((x) => {
        let ss = 0;
        for (let j = pos; j < end; j++) ss += x[j]! * x[j]!;
        return ss;
      }),
    );
    pos = end;
  }
  return { sums, plainSums, states };
}

function bank(channels: Float32Array[], rate: number, calls: number[], useWasm: boolean): Run & { usingWasm: boolean } {
  const f = new KWeightingFilters(rate, channels.length, { useWasm });
  const out = new Float64Array(channels.length);
  const plainOut = new Float64Array(channels.length);
  const sums: number[][] = [];
  const plainSums: number[][] = [];
  let pos = 0;
  for (let b = 0; pos < channels[0]!.length; b++) {
    const end = Math.min(channels[0]!.length, pos + calls[b % calls.length]!);
    f.sumSquares(channels, pos, end, out, plainOut);
    sums.push(Array.from(out));
    plainSums.push(Array.from(plainOut));
    pos = end;
  }
  return { sums, plainSums, states: f.states, usingWasm: f.usingWasm };
}

describe('K-weighting: WASM filters = kWeightSumSquares per channel', () => {
  it('the WASM build is there (npm run build:wasm) and a missing or bad file falls back silently', () => {
    expect(defaultWasm('kweighting'), `no WASM K-weighting at ${wasmPath('kweighting')}: run npm run build:wasm`).not.toBeNull();
    expect(loadWasm('/nonexistent/kweighting.wasm')).toBeNull();
    const x = [random(3000, 1, 0.5)];
    const fallback = bank(x, 48000, [480], false);
    expect(fallback.usingWasm).toBe(false);
    expect(new KWeightingFilters(48000, 1, { wasm: loadWasm('/nonexistent/kweighting.wasm') }).usingWasm).toBe(false);
    const want = plain(x, 48000, [480]);
    expect([fallback.sums, fallback.plainSums, fallback.states]).toEqual([want.sums, want.plainSums, want.states]);
  });

  for (const rate of RATES) {
    it(`${rate} Hz: 1..9 channels of mixed signals, 10 ms calls and uneven ones`, () => {
      const n = 9000;
      const all = [
        random(n, 2, 0.9),
        sine(n, rate, 997, 0.5),
        square(n, 2),
        constant(n, 1),
        constant(n, 0),
        sine(n, rate, 25, 1),
        random(n, 3, 1e-6),
        square(n, 37),
        random(n, 4, 0.2),
      ];
      for (let count = 1; count <= all.length; count++) {
        const channels = all.slice(0, count);
        for (const calls of [[Math.round(rate / 100)], [1, 7, 4097, 4095]]) {
          const want = plain(channels, rate, calls);
          const got = bank(channels, rate, calls, true);
          expect(got.usingWasm).toBe(true);
          expect(got.sums, `${count} ch calls ${calls}`).toEqual(want.sums);
          expect(got.plainSums).toEqual(want.plainSums);
          expect(got.states).toEqual(want.states);
        }
      }
    });
  }

  it('more channels than one WASM call takes, calls longer than its buffer, and the denormal flush after silence', () => {
    const n = 20000;
    const channels = Array.from({ length: 35 }, (_, c) => {
      const x = random(n, 10 + c, 0.5);
      // a burst then silence: the state decays through the subnormal range and is flushed to 0
      if (c % 3 === 0) x.fill(0, 2000);
      return x;
    });
    for (const calls of [[n], [480], [12000, 8000]]) {
      const want = plain(channels, 48000, calls);
      const got = bank(channels, 48000, calls, true);
      expect(got.sums).toEqual(want.sums);
      expect(got.plainSums).toEqual(want.plainSums);
      expect(got.states).toEqual(want.states);
    }
    expect(plain(channels, 48000, [480]).states[0]![7]).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { BiquadCascade } from '../../src/dsp/biquad.js';
import { BiquadLanes, butterworthCoefficients, type LaneCascade } from '../../src/dsp/biquad-lanes.js';
import { defaultWasm, loadWasm, wasmPath } from '../../src/dsp/wasm/load.js';
import { constant, random, square } from './truepeak-signals.js';

// Every lane of the WASM kernel runs BiquadCascade.process's operations in its order: the sums are
// compared with BiquadCascade's own loop bit for bit (toEqual on numbers, never a tolerance).

/** BiquadCascade over the same calls: per call, Σy² of each cascade and Σx² of its input, from 0. */
function plain(channels: Float32Array[], cascades: LaneCascade[], calls: number[], resetAt: Set<number> = new Set()): number[][] {
  const filters = cascades.map((c) => {
    const co = c.coefficients;
    const sections = Array.from({ length: co.length / 5 }, (_, s) => ({ b0: co[s * 5]!, b1: co[s * 5 + 1]!, b2: co[s * 5 + 2]!, a1: co[s * 5 + 3]!, a2: co[s * 5 + 4]! }));
    return new BiquadCascade(sections);
  });
  const out: number[][] = [];
  for (let pos = 0, b = 0; pos < channels[0]!.length; b++) {
    const end = Math.min(channels[0]!.length, pos + calls[b % calls.length]!);
    if (resetAt.has(b)) filters.forEach((f) => f.reset());
    const row: number[] = [];
    cascades.forEach((c, k) => {
      const x = channels[c.channel]!;
      let sum = 0;
      let plainSum = 0;
      for (let i = pos; i < end; i++) {
        const y = filters[k]!.process(x[i]!);
        sum += y * y;
        plainSum += x[i]! * x[i]!;
      }
      row.push(sum, plainSum);
    });
    out.push(row);
    pos = end;
  }
  return out;
}

function lanes(channels: Float32Array[], cascades: LaneCascade[], calls: number[], resetAt: Set<number> = new Set()): number[][] {
  const bank = BiquadLanes.create(cascades);
  expect(bank).not.toBeNull();
  const out: number[][] = [];
  for (let pos = 0, b = 0; pos < channels[0]!.length; b++) {
    const end = Math.min(channels[0]!.length, pos + calls[b % calls.length]!);
    if (resetAt.has(b)) bank!.reset();
    bank!.clearSums();
    bank!.filter(channels, pos, end);
    out.push(cascades.flatMap((_, k) => [bank!.sums[k]!, bank!.inputSums[k]!]));
    pos = end;
  }
  return out;
}

describe('biquad cascades in WASM lanes = BiquadCascade per cascade', () => {
  it('the WASM build is there (npm run build:wasm); no module, a missing file, useWasm false or too many sections give null', () => {
    expect(defaultWasm('biquad-lanes'), `no WASM biquad kernel at ${wasmPath('biquad-lanes')}: run npm run build:wasm`).not.toBeNull();
    const one = [{ channel: 0, coefficients: butterworthCoefficients('highpass', 48000, 120, 8) }];
    expect(BiquadLanes.create(one)).not.toBeNull();
    expect(BiquadLanes.create(one, { useWasm: false })).toBeNull();
    expect(BiquadLanes.create(one, { wasm: null })).toBeNull();
    expect(BiquadLanes.create(one, { wasm: loadWasm('/nonexistent/biquad-lanes.wasm') })).toBeNull();
    expect(BiquadLanes.create([])).toBeNull();
    expect(BiquadLanes.create([{ channel: 0, coefficients: butterworthCoefficients('highpass', 48000, 120, 18) }])).toBeNull();
    // unequal section counts cannot share one call
    expect(BiquadLanes.create([...one, { channel: 0, coefficients: butterworthCoefficients('lowpass', 48000, 120, 4) }])).toBeNull();
  });

  it('butterworthCoefficients are the sections BiquadCascade.butterworth filters with', () => {
    const x = random(5000, 9, 0.8);
    for (const [kind, hz, order] of [['highpass', 120, 8], ['lowpass', 3400, 4], ['highpass', 300, 2]] as const) {
      const a = BiquadCascade.butterworth(kind, 44100, hz, order);
      const co = butterworthCoefficients(kind, 44100, hz, order);
      const b = new BiquadCascade(Array.from({ length: order / 2 }, (_, s) => ({ b0: co[s * 5]!, b1: co[s * 5 + 1]!, b2: co[s * 5 + 2]!, a1: co[s * 5 + 3]!, a2: co[s * 5 + 4]! })));
      for (const v of x) expect(Object.is(a.process(v), b.process(v))).toBe(true);
    }
  });

  for (const order of [2, 4, 6, 8, 10, 16]) {
    it(`order ${order}: 1 to 7 cascades over shared and separate channels, calls across the kernel's buffer, resets`, () => {
      const n = 13000;
      const channels = [random(n, 1, 0.9), square(n, 2), constant(n, 0), random(n, 2, 1e-7), square(n, 37), constant(n, 1)];
      channels[0]!.fill(0, 6000, 9000);
      const designs = [
        (rate: number) => butterworthCoefficients('highpass', rate, 120, order),
        (rate: number) => butterworthCoefficients('lowpass', rate, 3400, order),
        (rate: number) => butterworthCoefficients('highpass', rate, 150, order),
      ];
      for (const rate of [44100, 48000, 96000]) {
        for (let count = 1; count <= 7; count++) {
          const cascades = Array.from({ length: count }, (_, k) => ({ channel: (k * 5) % channels.length, coefficients: designs[k % 3]!(rate) }));
          for (const calls of [[4800], [1, 7, 4097, 4095, 8192]]) {
            const resets = new Set([3, 5]);
            expect(lanes(channels, cascades, calls, resets), `${rate} Hz ${count} cascades calls ${calls}`).toEqual(plain(channels, cascades, calls, resets));
          }
        }
      }
    });
  }

  it('digital silence into filters at rest is skipped with the same sums: leading zeros (and -0), a reset, one channel live', () => {
    const n = 40000;
    const quiet = new Float32Array(n);
    for (let i = 0; i < n; i += 3) quiet[i] = -0;
    const live = random(n, 4, 0.7);
    live.fill(0, 0, 9000);
    live.fill(-0, 30000);
    const tiny = new Float32Array(n);
    tiny.fill(1e-40, 20000, 20001);
    const channels = [quiet, live, tiny];
    for (const order of [4, 8]) {
      for (const rate of [44100, 48000]) {
        const designs = [butterworthCoefficients('highpass', rate, 120, order), butterworthCoefficients('lowpass', rate, 3400, order)];
        for (const cascades of [
          [{ channel: 0, coefficients: designs[0]! }],
          [{ channel: 1, coefficients: designs[0]! }],
          [{ channel: 1, coefficients: designs[0]! }, { channel: 1, coefficients: designs[1]! }, { channel: 0, coefficients: designs[1]! }],
          [{ channel: 2, coefficients: designs[1]! }],
          [{ channel: 0, coefficients: designs[0]! }, { channel: 1, coefficients: designs[1]! }],
        ]) {
          for (const calls of [[4096], [4800, 1, 12000]]) {
            const resets = new Set([6]);
            expect(lanes(channels, cascades, calls, resets)).toEqual(plain(channels, cascades, calls, resets));
          }
        }
      }
    }
  });
});

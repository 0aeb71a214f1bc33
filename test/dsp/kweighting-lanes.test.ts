import { describe, expect, it } from 'vitest';
import { KWeightingFilters, kWeightingCoefficients, kWeightSumSquares } from '../../src/dsp/kweighting.js';
import { defaultWasm } from '../../src/dsp/wasm/load.js';
import { constant, random, square } from './truepeak-signals.js';

// The WASM kernel runs channels six, four or two at a time (three, two or one f64x2 vectors), loads four
// samples per channel at once with a scalar tail, and keeps a bank's filter states in wasm memory between
// calls while no other bank of the thread uses the instance. Every split, tail and hand-over is compared
// bit for bit (toEqual on the numbers) with kWeightSumSquares and a plain Σx² loop per channel.

const rate = 48000;
const capacity = 4096;

/** Adversarial channels by index: full-scale squares and Nyquist, DC, silence, tiny and huge dynamics, bursts. */
function channel(c: number, n: number): Float32Array {
  switch (c % 8) {
    case 0:
      return random(n, 100 + c, 1);
    case 1:
      return square(n, 2);
    case 2:
      return constant(n, -1);
    case 3:
      return constant(n, 0);
    case 4:
      return random(n, 200 + c, 1e-7);
    case 5: {
      // a full-scale burst, then silence long enough for the state to go subnormal and be flushed
      const x = random(n, 300 + c, 1);
      x.fill(0, Math.min(n, 700));
      return x;
    }
    case 6:
      return square(n, 3 + c);
    default:
      return Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 1 : -1e-3 * ((i * 7919) % 13)));
  }
}

interface Sums {
  sums: number[][];
  plainSums: number[][];
}

function reference(channels: Float32Array[], calls: number[], states = channels.map(() => new Float64Array(8))): Sums & { states: Float64Array[] } {
  const k = kWeightingCoefficients(rate);
  const sums: number[][] = [];
  const plainSums: number[][] = [];
  let pos = 0;
  for (const len of calls) {
    const end = pos + len;
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

function call(f: KWeightingFilters, channels: Float32Array[], from: number, to: number, into: Sums): void {
  const out = new Float64Array(channels.length);
  const plainOut = new Float64Array(channels.length);
  f.sumSquares(channels, from, to, out, plainOut);
  into.sums.push(Array.from(out));
  into.plainSums.push(Array.from(plainOut));
}

describe('K-weighting WASM lanes: every channel split, sample tail and state hand-over = kWeightSumSquares', () => {
  it('is built', () => {
    expect(defaultWasm('kweighting')).not.toBeNull();
    expect(new KWeightingFilters(rate, 6).usingWasm).toBe(true);
  });

  it('1..16 channels, odd call lengths, empty calls, calls spanning the kernel capacity', () => {
    const calls = [1, 2, 3, 5, 480, 0, 481, 4095, 4096, 4097, 9000, 7, 2 * capacity + 3];
    const n = calls.reduce((a, b) => a + b, 0);
    const all = Array.from({ length: 16 }, (_, c) => channel(c, n));
    for (let count = 1; count <= 16; count++) {
      const channels = all.slice(0, count);
      const want = reference(channels, calls);
      const f = new KWeightingFilters(rate, count);
      const got: Sums = { sums: [], plainSums: [] };
      let pos = 0;
      for (const len of calls) {
        call(f, channels, pos, pos + len, got);
        pos += len;
      }
      expect(got.sums, `${count} ch`).toEqual(want.sums);
      expect(got.plainSums, `${count} ch`).toEqual(want.plainSums);
      expect(f.states, `${count} ch`).toEqual(want.states);
    }
  });

  it('banks of different channel counts taking turns on the shared instance, states read and changed mid-stream', () => {
    const n = 6000;
    const a = Array.from({ length: 6 }, (_, c) => channel(c, n));
    const b = Array.from({ length: 3 }, (_, c) => channel(c + 5, n));
    const wantA = reference(a, [480, 480, 1000, 40, 4000]);
    const wantB = reference(b, [333, 4097, 1570]);
    const fa = new KWeightingFilters(rate, 6);
    const fb = new KWeightingFilters(rate, 3);
    const gotA: Sums = { sums: [], plainSums: [] };
    const gotB: Sums = { sums: [], plainSums: [] };
    call(fa, a, 0, 480, gotA);
    call(fa, a, 480, 960, gotA);
    call(fb, b, 0, 333, gotB);
    call(fa, a, 960, 1960, gotA);
    // reading a bank's states mid-stream gives the JS states at that point
    expect(fa.states).toEqual(reference(a, [480, 480, 1000]).states);
    call(fa, a, 1960, 2000, gotA);
    call(fb, b, 333, 4430, gotB);
    call(fa, a, 2000, 6000, gotA);
    call(fb, b, 4430, 6000, gotB);
    expect([gotA, fa.states]).toEqual([{ sums: wantA.sums, plainSums: wantA.plainSums }, wantA.states]);
    expect([gotB, fb.states]).toEqual([{ sums: wantB.sums, plainSums: wantB.plainSums }, wantB.states]);

    // a state changed through `states` is the one the next call starts from, as in JS
    const f = new KWeightingFilters(rate, 2);
    const two = a.slice(0, 2);
    call(f, two, 0, 100, { sums: [], plainSums: [] });
    f.states[0]![2] = 0.25;
    f.states[1]!.fill(0);
    const states = f.states.map((s) => Float64Array.from(s));
    const want = reference(two.map((x) => x.subarray(100)), [900], states);
    const got: Sums = { sums: [], plainSums: [] };
    call(f, two, 100, 1000, got);
    expect([got.sums, got.plainSums, f.states]).toEqual([want.sums, want.plainSums, want.states]);
  });

  it('more channels than one run takes (groups of 32), mixed with a small bank', () => {
    const n = 5000;
    const many = Array.from({ length: 37 }, (_, c) => channel(c, n));
    const few = many.slice(0, 5);
    const calls = [480, 4097, 423];
    const wantMany = reference(many, calls);
    const wantFew = reference(few, calls);
    const fm = new KWeightingFilters(rate, 37);
    const ff = new KWeightingFilters(rate, 5);
    const gotMany: Sums = { sums: [], plainSums: [] };
    const gotFew: Sums = { sums: [], plainSums: [] };
    let pos = 0;
    for (const len of calls) {
      call(ff, few, pos, pos + len, gotFew);
      call(fm, many, pos, pos + len, gotMany);
      pos += len;
    }
    expect([gotMany, fm.states]).toEqual([{ sums: wantMany.sums, plainSums: wantMany.plainSums }, wantMany.states]);
    expect([gotFew, ff.states]).toEqual([{ sums: wantFew.sums, plainSums: wantFew.plainSums }, wantFew.states]);
  });

  it('the plain path (useWasm: false) gives the same', () => {
    const channels = Array.from({ length: 7 }, (_, c) => channel(c, 3000));
    const want = reference(channels, [1, 480, 2519]);
    const f = new KWeightingFilters(rate, 7, { useWasm: false });
    expect(f.usingWasm).toBe(false);
    const got: Sums = { sums: [], plainSums: [] };
    call(f, channels, 0, 1, got);
    call(f, channels, 1, 481, got);
    call(f, channels, 481, 3000, got);
    expect([got.sums, got.plainSums, f.states]).toEqual([want.sums, want.plainSums, want.states]);
  });

  it('sumSquaresSegments = one sumSquares call per segment (1..16 channels, sub-block lengths, odd starts, over capacity)', () => {
    const n = 12000;
    const all = Array.from({ length: 16 }, (_, c) => channel(c, n));
    // [from, to, firstLength, length]: 48/44.1/192 kHz sub-blocks joined mid-way, odd and one-sample
    // segments (unaligned kernel offsets), segments just under, at and over the kernel's capacity
    const shapes: Array<[number, number, number, number]> = [
      [0, 9600, 480, 480],
      [0, 9600, 123, 480],
      [5, 8826, 441, 441],
      [3, 11003, 1920, 1920],
      [1, 200, 1, 1],
      [7, 7, 480, 480],
      [0, 11000, 17, 4095],
      [0, 11000, 4096, 4096],
      [0, 11000, 4097, 4097],
      [0, 11000, 300, 4097],
    ];
    for (let count = 1; count <= 16; count++) {
      const channels = all.slice(0, count);
      for (const useWasm of [true, false]) {
        const f = new KWeightingFilters(rate, count, { useWasm });
        // the reference: the same ranges one sumSquares call each on the JS path
        const g = new KWeightingFilters(rate, count, { useWasm: false });
        for (const [from, to, first, length] of shapes) {
          const ends: number[] = [];
          for (let at = from, len = first; at < to; at += len, len = length) ends.push(Math.min(to, at + len));
          const want = new Float64Array(ends.length * count);
          const wantPlain = new Float64Array(ends.length * count);
          const one = new Float64Array(count);
          const onePlain = new Float64Array(count);
          ends.forEach((end, s) => {
            g.sumSquares(channels, s === 0 ? from : ends[s - 1]!, end, one, onePlain);
            want.set(one, s * count);
            wantPlain.set(onePlain, s * count);
          });
          const got = new Float64Array(ends.length * count);
          const gotPlain = new Float64Array(ends.length * count);
          const segments = f.sumSquaresSegments(channels, from, to, first, length, got, gotPlain);
          const what = `${count} ch ${useWasm ? 'wasm' : 'js'} [${from}, ${to}) ${first}/${length}`;
          expect(segments, what).toBe(ends.length);
          expect(got, what).toEqual(want);
          expect(gotPlain, what).toEqual(wantPlain);
          // and a plain call after it carries on from the same state
          const next = new Float64Array(count);
          const nextPlain = new Float64Array(count);
          f.sumSquares(channels, to, Math.min(n, to + 100), one, onePlain);
          g.sumSquares(channels, to, Math.min(n, to + 100), next, nextPlain);
          expect([one, onePlain], what).toEqual([next, nextPlain]);
        }
        expect(f.states).toEqual(g.states);
      }
    }
  });
});

/**
 * The null engine's WASM SIMD sums (src/dsp/wasm/null-sums.as.ts) against its plain-JS loops: the
 * whole NullTestResult must be the same numbers (toEqual on the objects: no tolerance, +0 ≠ −0), on
 * random and adversarial signals, 1-4 parts, 1-8 channels, odd block lengths and windows straddling blocks.
 */
import { describe, expect, it } from 'vitest';
import { defaultNullSumsWasm } from '../../src/dsp/null-sums.js';
import { nullTest, type NullTestOptions, type NullTestResult } from '../../src/analysis/stems/index.js';
import { loadWasm, wasmPath } from '../../src/dsp/wasm/load.js';
import { memorySource, signedRng } from '../helpers/memory-source.js';

const SR = 48000;

type Signal = Float32Array[];
interface Case {
  ref: Signal;
  parts: Signal[];
  options: NullTestOptions;
}

function planar(channels: number, frames: number, f: (c: number, i: number) => number): Signal {
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) x[i] = f(c, i);
    return x;
  });
}

/** Σ parts with each part's gain (−1: printed inverted), a missing burst and a limited stretch in the reference. */
function mix(parts: Signal[], gains: number[], frames: number, faults: boolean): Signal {
  return planar(parts[0]!.length, frames, (c, i) => {
    let v = 0;
    parts.forEach((p, k) => (v += gains[k]! * p[c]![i]!));
    if (faults && i > frames * 0.2 && i < frames * 0.45) v += 0.2 * Math.sin(i / (7 + c)); // an effect missing from the stems
    if (faults && i > frames * 0.6 && i < frames * 0.75) v = Math.max(-0.15, Math.min(0.15, 1.4 * v)); // limited
    return v;
  });
}

/** The signals: random programme with faults, full-scale squares, silence, an inverted part, tiny and hot values. */
function cases(channels: number, K: number, frames = 24011 /* odd: the last block is short whatever the block size */): Array<[string, Case]> {
  const out: Array<[string, Case]> = [];
  const noise = (seed: number, level: number): Signal => {
    const r = signedRng(seed);
    return planar(channels, frames, (c, i) => level * r() * (0.5 + 0.5 * Math.sin((2 * Math.PI * i) / (SR * (0.1 + 0.03 * c)))));
  };
  const random = Array.from({ length: K }, (_, k) => noise(11 * (k + 1) + channels, 0.3 / (k + 1)));
  out.push(['random with faults', { ref: mix(random, random.map(() => 1), frames, true), parts: random, options: {} }]);
  out.push(['random, odd blocks, windows and series straddling them', {
    ref: mix(random, random.map((_, k) => 1 + 0.01 * k), frames, true),
    parts: random,
    options: { blockFrames: 777, seriesSeconds: 0.05, fromSeconds: 0.0101 },
  }]);
  const squares = Array.from({ length: K }, (_, k) => planar(channels, frames, (c, i) => (Math.floor(i / (40 + 7 * k + c)) % 2 === 0 ? 1 : -1)));
  out.push(['full-scale squares, clipped sum', {
    ref: planar(channels, frames, (c, i) => Math.max(-1, Math.min(1, squares.reduce((s, p) => s + p[c]![i]!, 0)))),
    parts: squares,
    options: { blockFrames: 4097, offsetsFrames: squares.map(() => 0) },
  }]);
  const silent = Array.from({ length: K }, () => planar(channels, frames, () => 0));
  out.push(['silence', { ref: planar(channels, frames, () => 0), parts: silent, options: { offsetsFrames: silent.map(() => 0) } }]);
  // silent channels and parts amid programme, a part inverted, values past full scale and subnormal
  const odd = random.map((p, k) => (k === K - 1 && K > 1 ? planar(channels, frames, () => 0) : p.map((ch, c) => (c === 0 ? new Float32Array(frames) : ch))));
  const r = signedRng(99);
  odd[0] = odd[0]!.map((ch, c) => (c === channels - 1 ? ch.map((v, i) => (i % 3 === 0 ? 4 * Math.sign(r()) : v * 1e-39)) : ch));
  out.push(['a part inverted, silent parts and channels, hot and subnormal samples', {
    ref: mix(odd, odd.map((_, k) => (k === 0 ? -1 : 1)), frames, false),
    parts: odd,
    options: { blockFrames: 1000, offsetsFrames: odd.map(() => 0) },
  }]);
  // at the ceiling, a residual with the reference's sign on its samples and more of it where the reference
  // is digital zero: only the sign test (e·ref > 0, not ≥ 0) tells limiter from content here
  const zeros = planar(channels, frames, (c, i) => (i % 2 === 1 ? 0 : Math.floor(i / (40 + c)) % 2 === 0 ? 1 : -1));
  const hotPart = zeros.map((ch) => ch.map((v, i) => (i % 2 === 1 ? (Math.floor(i / 40) % 2 === 0 ? 0.3 : -0.3) : 1.05 * v)));
  const zeroParts = Array.from({ length: K }, (_, k) => (k === 0 ? hotPart : planar(channels, frames, () => 0)));
  out.push(['residual where the reference is digital zero, at its ceiling', { ref: zeros, parts: zeroParts, options: { offsetsFrames: zeroParts.map(() => 0) } }]);
  // a part far below the ulp of the next one, which cancels the reference exactly: the residual's sum order shows
  const faint = random.map((p, k) => (k === 0 ? p.map((ch) => ch.map((v) => v * 1e-20)) : k === 1 ? p : planar(channels, frames, () => 0)));
  out.push(['a faint part under a part that cancels the reference', {
    ref: mix(faint, faint.map((_, k) => (k === 1 ? 1 : 0)), frames, false),
    parts: faint,
    options: { offsetsFrames: faint.map(() => 0) },
  }]);
  // a part late by 7 frames and one early by 5 (lead zeros), found by the alignment or given
  const shifted = random.map((p, k) => p.map((ch) => {
    const s = new Float32Array(frames);
    if (k === 0) s.set(ch.subarray(0, frames - 7), 7);
    else if (k === 1) s.set(ch.subarray(5), 0);
    else s.set(ch);
    return s;
  }));
  out.push(['a part late, a part early', { ref: mix(random, random.map(() => 1), frames, false), parts: shifted, options: { blockFrames: 2048 } }]);
  out.push(['a part late, a part early, offsets given, from 0.3 s', {
    ref: mix(random, random.map(() => 1), frames, true),
    parts: shifted,
    options: { offsetsFrames: shifted.map((_, k) => (k === 0 ? 7 : k === 1 ? -5 : 0)), fromSeconds: 0.3, blockFrames: 3333, windowSeconds: 0.007 },
  }]);
  return out;
}

function run(c: Case, options: NullTestOptions): { result: NullTestResult; loops: string } {
  let loops = '';
  const result = nullTest(
    { name: 'ref', source: memorySource('ref.wav', c.ref) },
    c.parts.map((p, k) => ({ name: `part${k}`, source: memorySource(`part${k}.wav`, p) })),
    { ...c.options, ...options, onLoops: (l) => (loops = l) },
  );
  return { result, loops };
}

describe('null engine: the WASM sums equal the plain-JS loops', () => {
  it('the WASM build is there (npm run build:wasm) and a missing module falls back to the JS loops', () => {
    expect(defaultNullSumsWasm(), `no WASM null kernel at ${wasmPath('null-sums')}: run npm run build:wasm`).not.toBeNull();
    const c = cases(2, 2)[0]![1];
    expect(run(c, { wasm: loadWasm('/nonexistent/null-sums.wasm') }).loops).toBe('one-pass');
    expect(run(c, { useWasm: false }).loops).toBe('one-pass');
    expect(run(c, { generalLoops: true }).loops).toBe('general');
    // a block larger than the kernel's memory: the JS loops, same numbers
    const big = run(c, { blockFrames: 10000 });
    expect(big.loops).toBe('one-pass');
    expect(big.result).toEqual(run(c, { blockFrames: 10000, generalLoops: true }).result);
  });

  for (const channels of [1, 2, 5, 6, 8]) {
    for (const K of [1, 2, 3, 4]) {
      it(`${channels} channels, ${K} part${K > 1 ? 's' : ''}`, () => {
        for (const [name, c] of cases(channels, K)) {
          const wasm = run(c, {});
          expect(wasm.loops, name).toBe('wasm');
          const js = run(c, { useWasm: false });
          expect(js.loops, name).toBe(K === 2 || K === 3 ? 'one-pass' : 'general');
          expect(wasm.result, name).toEqual(js.result);
        }
      });
    }
  }

  it('at the kernel\'s limits: 16 channels, 8 parts; 15 channels, 5 parts', () => {
    for (const [channels, K] of [[16, 8], [15, 5]] as const) {
      for (const [name, c] of cases(channels, K, 9001).slice(0, 2)) {
        const wasm = run(c, {});
        expect(wasm.loops, name).toBe('wasm');
        expect(wasm.result, name).toEqual(run(c, { useWasm: false }).result);
      }
    }
  });

  it('the faults show (the comparison is not between two empty results)', () => {
    const six = cases(6, 3);
    const { result } = run(six[0]![1], {});
    expect(result.runs.some((r) => r.kind === 'content' && r.sustained)).toBe(true);
    expect(result.runs.some((r) => r.kind === 'limiter')).toBe(true);
    expect(result.nulls).toBe(false);
    const inverted = run(six[4]![1], {}).result;
    expect(inverted.partGains[0]!.polarityInverted).toBe(true);
    const late = run(six[7]![1], {}).result;
    expect(late.parts.map((p) => p.offsetFrames)).toEqual([7, -5, 0]);
  });
});

import { describe, expect, it } from 'vitest';
import { F64Chunks, LoudnessWindows, summarizeLoudness } from '../../src/analyzers/loudness.js';

/**
 * The whole-sequence loop the streaming windows replaced (kept here as the reference): running window
 * sums re-summed from the sequence every 100 sub-blocks, blocks and short-term values every 10.
 */
function wholeSequence(sub: Float64Array): { blocks: number[]; shortTerm: number[]; mMax: number; sMax: number } {
  const blocks: number[] = [];
  const shortTerm: number[] = [];
  let sumM = 0;
  let sumS = 0;
  let mMax = 0;
  let sMax = 0;
  for (let j = 0; j < sub.length; j++) {
    const count = j + 1;
    if (count % 100 === 0) {
      sumM = 0;
      sumS = 0;
      for (let q = Math.max(0, count - 40); q < count; q++) sumM += sub[q]!;
      for (let q = Math.max(0, count - 300); q < count; q++) sumS += sub[q]!;
    } else {
      sumM += sub[j]! - (count > 40 ? sub[j - 40]! : 0);
      sumS += sub[j]! - (count > 300 ? sub[j - 300]! : 0);
    }
    const m = count >= 40 ? Math.max(0, sumM / 40) : -1;
    const s = count >= 300 ? Math.max(0, sumS / 300) : -1;
    if (m > mMax) mMax = m;
    if (s > sMax) sMax = s;
    if (count % 10 === 0) {
      if (m >= 0) blocks.push(m);
      if (s >= 0) shortTerm.push(s);
    }
  }
  return { blocks, shortTerm, mMax, sMax };
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const energyToLufs = (e: number): number | null => (e > 0 ? -0.691 + 10 * Math.log10(e) : null);

describe('LoudnessWindows (streaming windowed half)', () => {
  const lengths = [0, 1, 39, 40, 41, 99, 100, 101, 299, 300, 301, 599, 600, 1234, 7001];
  it.each(lengths)('gives the whole-sequence loop its numbers bit for bit (%i sub-blocks)', (n) => {
    const r = rng(n + 1);
    // programme with loud and silent stretches and wide dynamics, so running sums would drift if misordered
    const sub = Float64Array.from({ length: n }, (_, j) => ((j / 137) % 3 < 1 ? 0 : r() ** 6 * 10 ** (-r() * 8)));
    const ref = wholeSequence(sub);
    const w = new LoudnessWindows(48000);
    for (const e of sub) w.push(e);
    const out = w.finish({ labels: ['C'], channels: [{ samplePeak: 0.5, truePeak: 0.5, sumSquares: 1 }], frames: n * 480 });
    expect(Array.from(out.blockEnergies)).toEqual(ref.blocks);
    expect(Array.from(out.shortTermEnergies)).toEqual(ref.shortTerm);
    const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
    expect(out.loudness.momentaryMaxLufs).toBe(round3(energyToLufs(ref.mMax)));
    expect(out.loudness.shortTermMaxLufs).toBe(round3(energyToLufs(ref.sMax)));
    expect(out.gatingBlocks).toBe(ref.blocks.length);
  });

  it('summarizes a sequence given as consecutive segments exactly as in one piece', () => {
    const r = rng(7);
    const sub = Float64Array.from({ length: 5000 }, () => r() * 1e-3);
    const input = { sampleRate: 48000, labels: ['L', 'R'] as const, channels: [{ samplePeak: 0.1, truePeak: 0.1, sumSquares: 1 }, { samplePeak: 0.2, truePeak: 0.2, sumSquares: 2 }], frames: 5000 * 480 };
    const whole = summarizeLoudness({ ...input, labels: [...input.labels], subBlocks: sub }, { series: true });
    const pieces = summarizeLoudness({ ...input, labels: [...input.labels], subBlocks: [sub.subarray(0, 1), sub.subarray(1, 2345), sub.subarray(2345, 2345), sub.subarray(2345)] }, { series: true });
    expect(pieces).toEqual(whole);
  });
});

describe('F64Chunks (a worker segment\'s sub-block energies)', () => {
  it.each([0, 1, 65535, 65536, 65537, 200000])('gives back %i values in order, in chunks of 64 Ki', (n) => {
    const list = new F64Chunks();
    for (let i = 0; i < n; i++) list.push(i * 0.5);
    expect(list.length).toBe(n);
    const chunks = list.chunks();
    expect(chunks.every((c) => c.length <= F64Chunks.CHUNK && c.length > 0)).toBe(true);
    const all = chunks.flatMap((c) => Array.from(c));
    expect(all.length).toBe(n);
    expect(all.every((v, i) => v === i * 0.5)).toBe(true);
  });
});

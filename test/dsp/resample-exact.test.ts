import { describe, expect, it } from 'vitest';
import { StreamingResampler } from '../../src/dsp/resample.js';

/** Deterministic uniform noise in [-1, 1) (mulberry32), so failures reproduce. */
function noise(n: number, seed: number, amp = 1): Float32Array {
  let a = seed >>> 0;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    x[i] = amp * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return x;
}

/**
 * The plain formulation, one output at a time over the whole input: y[n] = Σ_i h[i]·x[idx − K + i]
 * summed in order i = 0..K in doubles, with zeros before frame 0 and after the end (as the streaming
 * history and flush supply), rounded to float once.
 */
function reference(r: StreamingResampler, x: Float32Array): Float32Array {
  const inner = r as unknown as { phases: Float32Array[]; centre: number };
  const K = r.tapsPerPhase;
  const L = r.up;
  const M = r.down;
  const total = Math.ceil((x.length * L) / M);
  const y = new Float32Array(total);
  for (let n = 0; n < total; n++) {
    const u = n * M + inner.centre;
    const idx = Math.floor(u / L);
    const h = inner.phases[u - idx * L]!;
    let acc = 0;
    for (let i = 0; i <= K; i++) {
      const j = idx - K + i;
      acc += h[i]! * (j >= 0 && j < x.length ? x[j]! : 0);
    }
    y[n] = acc;
  }
  return y;
}

function stream(r: StreamingResampler, x: Float32Array, chunks: number[]): Float32Array {
  const parts: number[] = [];
  let pos = 0;
  let c = 0;
  while (pos < x.length) {
    const n = Math.min(chunks[c++ % chunks.length]!, x.length - pos);
    const out = new Float32Array(r.maxOutputFrames(n));
    const w = r.push(x.subarray(pos, pos + n), n, out);
    for (let i = 0; i < w; i++) parts.push(out[i]!);
    pos += n;
  }
  const out = new Float32Array(r.maxOutputFrames(0));
  const w = r.flush(out);
  for (let i = 0; i < w; i++) parts.push(out[i]!);
  return Float32Array.from(parts);
}

function expectBitIdentical(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let firstDiff = -1;
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) {
      firstDiff = i;
      break;
    }
  }
  expect(firstDiff).toBe(-1);
}

function square(n: number, period: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.floor((2 * i) / period) % 2 === 0 ? 1 : -1;
  return x;
}

describe('StreamingResampler four-outputs-per-pass loop', () => {
  const signals: [string, (n: number) => Float32Array][] = [
    ['random full scale', (n) => noise(n, 12345)],
    ['random quiet', (n) => noise(n, 777, 1e-6)],
    ['full-scale square', (n) => square(n, 7)],
    ['silence', (n) => new Float32Array(n)],
    ['DC', (n) => new Float32Array(n).fill(-0.75)],
    ['subnormals', (n) => new Float32Array(n).fill(1e-40)],
  ];
  const rates: [number, number][] = [
    [48000, 16000],
    [44100, 16000],
    [96000, 16000],
    [22050, 16000],
    [8000, 16000],
    [16000, 16000],
  ];
  for (const [from, to] of rates) {
    for (const [name, make] of signals) {
      it(`equals the one-output formulation bit for bit: ${name}, ${from} -> ${to} Hz`, () => {
        const x = make(Math.round(from * 0.37) + 5);
        const want = reference(new StreamingResampler(from, to), x);
        // Chunkings that leave 0-3 outputs over at each push, single frames, and one big block.
        for (const chunks of [[4096], [1], [3, 5, 7, 11], [1000, 1, 2, 3], [x.length]]) {
          expectBitIdentical(stream(new StreamingResampler(from, to), x, chunks), want);
        }
      });
    }
  }

  it('handles inputs shorter than four outputs', () => {
    for (const n of [0, 1, 2, 3, 5, 8, 11, 13]) {
      const x = noise(n, n + 1);
      expectBitIdentical(stream(new StreamingResampler(48000, 16000), x, [1]), reference(new StreamingResampler(48000, 16000), x));
    }
  });
});

import { describe, expect, it, vi } from 'vitest';
import { StreamingResampler } from '../../src/dsp/resample.js';
import { loadWasm } from '../../src/dsp/wasm/load.js';
import { constant, random, square } from './truepeak-signals.js';

// Whole-number decimation in WASM (src/dsp/wasm/resample.as.ts) against the plain-JS loops of the same
// resampler (useWasm: false): every output sample compared bit for bit.

function stream(r: StreamingResampler, x: Float32Array, chunks: number[]): Float32Array {
  const all = new Float32Array(r.maxOutputFrames(x.length) + 4);
  let written = 0;
  let pos = 0;
  for (let c = 0; pos < x.length; c++) {
    const n = Math.min(chunks[c % chunks.length]!, x.length - pos);
    const out = new Float32Array(r.maxOutputFrames(n));
    const w = r.push(x.subarray(pos, pos + n), n, out);
    all.set(out.subarray(0, w), written);
    written += w;
    pos += n;
  }
  const out = new Float32Array(r.maxOutputFrames(0));
  const w = r.flush(out);
  all.set(out.subarray(0, w), written);
  return all.subarray(0, written + w);
}

/** What compare() gives for a bit-identical output. */
function identicalTo(x: Float32Array): { length: number; firstDiff: number } {
  return { length: x.length, firstDiff: -1 };
}

/** Length and the first sample whose bits differ (-1: none), so a failure says where. */
function compare(got: Float32Array, want: Float32Array): { length: number; firstDiff: number } {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let firstDiff = -1;
  for (let i = 0; i < Math.min(g.length, w.length); i++) {
    if (g[i] !== w[i]) {
      firstDiff = i;
      break;
    }
  }
  return { length: got.length, firstDiff };
}

describe('StreamingResampler: WASM decimation = the plain-JS loops', () => {
  it('runs for whole-number ratios only, and not when told not to or the module is missing', () => {
    expect(new StreamingResampler(48000, 16000).usingWasm).toBe(true);
    expect(new StreamingResampler(96000, 16000).usingWasm).toBe(true);
    expect(new StreamingResampler(44100, 16000).usingWasm).toBe(false);
    expect(new StreamingResampler(8000, 16000).usingWasm).toBe(false);
    expect(new StreamingResampler(48000, 16000, { useWasm: false }).usingWasm).toBe(false);
    expect(new StreamingResampler(48000, 16000, { wasm: loadWasm('/nonexistent/resample.wasm') }).usingWasm).toBe(false);
  });

  for (const [from, to] of [[48000, 16000], [96000, 16000], [192000, 16000], [32000, 16000], [16000, 16000], [48000, 24000]] as const) {
    it(`${from} -> ${to} Hz: noise, full-scale squares, silence, DC, subnormals; pushes of odd sizes and longer than the kernel's buffers`, () => {
      const n = 80000 + 17;
      const signals = [random(n, 5, 1), square(n, 7), constant(n, 0), constant(n, -1), constant(n, 1e-40)];
      for (const x of signals) {
        const want = stream(new StreamingResampler(from, to, { useWasm: false }), x, [4096]);
        for (const chunks of [[48000], [1, 2, 3, 4093], [n], [from / 100 + 1, 70000]]) {
          const r = new StreamingResampler(from, to);
          expect(r.usingWasm).toBe(true);
          expect(compare(stream(r, x, chunks), want), `chunks ${chunks}`).toEqual(identicalTo(want));
        }
      }
    });
  }

  it('the largest factors the kernel takes (63, 64), with calls that fill its input buffer', () => {
    for (const m of [63, 64]) {
      const options = { passbandHz: 2000 };
      const x = random(200000, m, 0.9);
      const want = stream(new StreamingResampler(m * 16000, 16000, { ...options, useWasm: false }), x, [4096]);
      for (const chunks of [[70000], [65536, 3], [200000]]) {
        const r = new StreamingResampler(m * 16000, 16000, options);
        expect(r.usingWasm).toBe(true);
        expect(compare(stream(r, x, chunks), want), `factor ${m} chunks ${chunks}`).toEqual(identicalTo(want));
      }
    }
    // beyond the kernel's factor: the JS loops
    expect(new StreamingResampler(65 * 16000, 16000, { passbandHz: 2000 }).usingWasm).toBe(false);
  });

  it('inputs shorter than one kernel group (16 outputs), down to nothing', () => {
    for (const n of [0, 1, 2, 3, 5, 8, 11, 13, 47, 48, 49, 50, 100]) {
      const x = random(n, n + 1, 0.9);
      const want = stream(new StreamingResampler(48000, 16000, { useWasm: false }), x, [1]);
      for (const chunks of [[1], [n + 1], [2, 5]]) expect(compare(stream(new StreamingResampler(48000, 16000), x, chunks), want)).toEqual(identicalTo(want));
    }
  });

  it('DUBSTAGE_WASM=0 runs the plain-JS loops', async () => {
    const saved = process.env.DUBSTAGE_WASM;
    process.env.DUBSTAGE_WASM = '0';
    try {
      vi.resetModules();
      const m = await import('../../src/dsp/resample.js');
      const r = new m.StreamingResampler(48000, 16000);
      expect(r.usingWasm).toBe(false);
      const x = random(10000, 3, 0.5);
      const want = stream(new StreamingResampler(48000, 16000), x, [4800]);
      expect(compare(stream(r, x, [4800]), want)).toEqual(identicalTo(want));
    } finally {
      if (saved === undefined) delete process.env.DUBSTAGE_WASM;
      else process.env.DUBSTAGE_WASM = saved;
      vi.resetModules();
    }
  });
});

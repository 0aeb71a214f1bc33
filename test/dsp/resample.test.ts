import { describe, expect, it } from 'vitest';
import { StreamingResampler } from '../../src/dsp/resample.js';

function sine(rate: number, hz: number, seconds: number, amp = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

/** Resample in chunks of the given sizes (cycled), then flush. */
function run(r: StreamingResampler, x: Float32Array, chunks: number[]): Float32Array {
  const parts: number[] = [];
  let pos = 0;
  let c = 0;
  while (pos < x.length) {
    const n = Math.min(chunks[c++ % chunks.length], x.length - pos);
    const out = new Float32Array(r.maxOutputFrames(n));
    const w = r.push(x.subarray(pos, pos + n), n, out);
    for (let i = 0; i < w; i++) parts.push(out[i]);
    pos += n;
  }
  const out = new Float32Array(r.maxOutputFrames(0));
  const w = r.flush(out);
  for (let i = 0; i < w; i++) parts.push(out[i]);
  return Float32Array.from(parts);
}

function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

describe('StreamingResampler', () => {
  for (const rate of [44100, 48000, 96000, 22050, 8000]) {
    it(`keeps a 1 kHz tone's level, frequency and timing from ${rate} Hz to 16 kHz`, () => {
      const x = sine(rate, 1000, 1.0);
      const y = run(new StreamingResampler(rate, 16000), x, [4096]);
      expect(y.length).toBe(Math.ceil((x.length * 16000) / rate));
      // Away from the edges, the output is the same tone sampled at 16 kHz with no delay.
      let maxErr = 0;
      for (let n = 2000; n < y.length - 2000; n++) {
        maxErr = Math.max(maxErr, Math.abs(y[n] - 0.5 * Math.sin((2 * Math.PI * 1000 * n) / 16000)));
      }
      expect(maxErr).toBeLessThan(1e-3);
    });
  }

  it('passes the speech band flat to 6 kHz', () => {
    for (const hz of [100, 3000, 6000]) {
      const y = run(new StreamingResampler(48000, 16000), sine(48000, hz, 1.0), [4096]);
      const gainDb = 20 * Math.log10(rms(y, 2000, y.length - 2000) / (0.5 / Math.SQRT2));
      expect(Math.abs(gainDb)).toBeLessThan(0.1);
    }
  });

  it('removes content above 8 kHz instead of folding it back (anti-alias)', () => {
    for (const [rate, hz] of [[48000, 10000], [44100, 8400], [96000, 20000]] as const) {
      const y = run(new StreamingResampler(rate, 16000), sine(rate, hz, 1.0), [4096]);
      const level = rms(y, 2000, y.length - 2000) / (0.5 / Math.SQRT2);
      expect(20 * Math.log10(level)).toBeLessThan(-68);
    }
  });

  it('gives the same samples whatever the block sizes', () => {
    const x = sine(44100, 440, 0.7);
    for (let i = 0; i < x.length; i += 997) x[i] += 0.3; // clicks, so the content is not periodic
    const a = run(new StreamingResampler(44100, 16000), x, [x.length]);
    const b = run(new StreamingResampler(44100, 16000), x, [1, 17, 4410, 333, 8192]);
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBe(0);
  });

  it('refuses a ratio that would need an absurd filter bank, with a clear message', () => {
    expect(() => new StreamingResampler(47999, 16000)).toThrow(/47999 Hz to 16000 Hz/);
  });
});

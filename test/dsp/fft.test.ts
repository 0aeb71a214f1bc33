import { describe, expect, it } from 'vitest';
import { crossCorrelate, nextPowerOfTwo, RealFft } from '../../src/dsp/fft.js';

function noise(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

describe('fft wrapper', () => {
  it('rounds sizes up to a power of two', () => {
    expect(nextPowerOfTwo(1)).toBe(4);
    expect(nextPowerOfTwo(1000)).toBe(1024);
    expect(nextPowerOfTwo(1024)).toBe(1024);
  });

  it('puts a sine in its bin and inverts back to the input', () => {
    const fft = new RealFft(64);
    const x = new Float64Array(64);
    for (let i = 0; i < 64; i++) x[i] = Math.cos((2 * Math.PI * 5 * i) / 64);
    const spec = fft.createSpectrum();
    fft.forward(x, spec);
    expect(spec[2 * 5]).toBeCloseTo(32, 9);
    expect(spec[2 * 59]).toBeCloseTo(32, 9);
    expect(Math.abs(spec[2 * 6]!)).toBeLessThan(1e-9);
    const back = fft.createSpectrum();
    fft.inverse(spec, back);
    for (let i = 0; i < 64; i++) expect(back[2 * i]).toBeCloseTo(x[i]!, 12);
  });

  it('finds a positive and a negative lag, and the polarity', () => {
    const ref = noise(5000, 7);
    const late = new Float64Array(5000);
    for (let i = 37; i < 5000; i++) late[i] = ref[i - 37]!;
    const r = crossCorrelate(ref, late, 100);
    expect(r.lag).toBe(37);
    expect(r.value).toBeGreaterThan(0);

    const early = new Float64Array(5000);
    for (let i = 0; i < 5000 - 12; i++) early[i] = -ref[i + 12]!;
    const e = crossCorrelate(ref, early, 100);
    expect(e.lag).toBe(-12);
    expect(e.value).toBeLessThan(0);
    expect(e.values.length).toBe(201);
  });
});

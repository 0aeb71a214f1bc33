// The timeline mixer: the WASM SIMD kernel and its plain-JS twin give the same bits, on every operation,
// at every offset and length (lengths not a multiple of four run the kernel's scalar tail).
import { describe, expect, it } from 'vitest';
import { createTimelineMixer, JsTimelineMixer, type TimelineMixer } from '../../src/render/mix.js';

function fill(a: Float32Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 31 - 1) * 0.9;
  }
}

function run(m: TimelineMixer): Float32Array[] {
  const n = m.chunk;
  m.media.forEach((ch, i) => fill(ch, 100 + i));
  for (let b = 0; b < m.bus.length; b++) m.zero(b, n);
  m.mixGain(0, 0, 0, n, 0.7071);
  m.mixGain(0, 3, 1, n - 3, 1.9953);
  m.mixGain(1, 5, 0, 1001, 0.5);
  for (let k = 0; k < n; k++) m.envelope[k] = (k + 0.5) / n;
  m.mixEnvelope(1, 0, 1, 4093);
  m.mixEnvelope(2, 7, 0, n - 7);
  m.add(3, 0, n);
  m.add(3, 1, n - 1);
  m.add(3, 2, 13);
  return m.bus.map((b) => b.slice());
}

describe('timeline mixer', () => {
  it('the WASM kernel is built and matches the JS twin bit for bit', () => {
    const wasm = createTimelineMixer(8192, 4, 2);
    expect(wasm).not.toBeInstanceOf(JsTimelineMixer);
    const a = run(wasm);
    const b = run(new JsTimelineMixer(8192, 4, 2));
    for (let c = 0; c < 4; c++) expect(Buffer.from(a[c]!.buffer).equals(Buffer.from(b[c]!.buffer)), `bus ${c}`).toBe(true);
    // and the sums are what they say: bus 3 = bus 0 + bus 1 (+ bus 2 over 13 frames)
    expect(a[3]![100]).toBe(Math.fround(a[0]![100]! + a[1]![100]!));
    expect(a[3]![10]).toBe(Math.fround(Math.fround(a[0]![10]! + a[1]![10]!) + a[2]![10]!));
    expect(a[0]![0]).toBe(Math.fround(Math.fround(0.7071) * wasm.media[0]![0]!));
  });

  it('a zeroed bus is silent; zero only touches the frames asked for', () => {
    const m = createTimelineMixer(64, 1, 1);
    m.media[0]!.fill(1);
    m.zero(0, 64);
    m.mixGain(0, 0, 0, 64, 1);
    m.zero(0, 10);
    expect([...m.bus[0]!.subarray(0, 12)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });
});

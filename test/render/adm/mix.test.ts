/**
 * The mixing kernel (WASM SIMD) and its plain-JS twin give the same bits over spans of any length, with
 * holds and ramps, silent and -0 inputs, outputs a group leaves alone; and both compute the renderer's
 * formula: out[o][i] += x * (g0 + d * (p0 + k * dp)) to single precision.
 */
import { describe, expect, it } from 'vitest';
import { createMixer, entryFloats, JsMixer, setEntryInto, type Mixer } from '../../../src/render/adm/mix.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

interface Entry {
  slot: number;
  p0: number;
  dp: number;
  g0: number[];
  d: number[];
}

function write(m: Mixer, entries: Entry[]): void {
  entries.forEach((e, k) => {
    const coefficients = new Float32Array(2 * m.paddedOutputs);
    let mask = 0;
    e.g0.forEach((g, o) => {
      coefficients[2 * o] = g;
      coefficients[2 * o + 1] = e.d[o]!;
      if (g !== 0 || e.d[o] !== 0) mask |= 1 << (o >> 2);
    });
    setEntryInto(m.table, k, e.slot, e.p0, e.dp, coefficients, mask, m.paddedOutputs);
  });
}

describe('ADM mixer: WASM kernel equals the JS twin', () => {
  for (const outputs of [8, 10]) {
    it(`${outputs} outputs: spans of odd lengths, holds and ramps, silent and -0 slots, bit for bit`, () => {
      const frames = 8192;
      const slots = 7;
      const wasm = createMixer(slots, outputs, frames);
      expect(wasm).not.toBeInstanceOf(JsMixer); // the kernel is built by `npm run build`
      const js = new JsMixer(slots, outputs, frames);
      expect(wasm.paddedOutputs).toBe(js.paddedOutputs);
      expect(entryFloats(wasm.paddedOutputs)).toBe(12 + 8 * wasm.paddedOutputs);
      const rand = rng(outputs);
      for (let s = 0; s < slots; s++) {
        const x = Float32Array.from({ length: frames }, rand);
        if (s === 2) x.fill(0); // digital silence: never mixed
        if (s === 3) x.fill(0).fill(-0, 100, 101); // a -0 has a bit set: mixed, adds nothing
        if (s === 4) x.fill(0, 0, 4000); // silent for the first spans only
        wasm.inputs[s]!.set(x);
        js.inputs[s]!.set(x);
      }
      for (const m of [wasm, js]) for (const o of m.outputs) o.fill(0);
      const spans: Array<[number, number]> = [[0, 1], [1, 7], [7, 1000], [1000, 4003], [4003, 4004], [4004, 8192]];
      for (const [i0, i1] of spans) {
        const entries: Entry[] = Array.from({ length: slots }, (_, s) => {
          const ramp = (s + i0) % 2 === 0;
          const span = (i1 - i0) * (1 + s / 3);
          const g0 = Array.from({ length: outputs }, (_, o) => (o % 4 === s % 4 ? 0 : rand() + 0.5));
          // entry 5 sends nothing to the second group of outputs (its mask bit is clear)
          if (s === 5) for (let o = 4; o < 8 && o < outputs; o++) g0[o] = 0;
          const d = Array.from({ length: outputs }, (_, o) => (ramp && g0[o] !== 0 ? rand() : 0));
          return { slot: s, p0: ramp ? 0.25 * s : 0, dp: ramp ? 1 / span : 0, g0, d };
        });
        for (const m of [wasm, js]) {
          write(m, entries);
          m.mix(entries.length, i0, i1);
        }
      }
      for (let o = 0; o < wasm.paddedOutputs; o++) expect(Array.from(wasm.outputs[o]!.subarray(0, frames))).toEqual(Array.from(js.outputs[o]!));
      expect(wasm.outputs[0]!.some((v) => v !== 0)).toBe(true);
    });
  }

  it('computes x * (g0 + d * (p0 + k * dp)) summed over the entries (to single precision)', () => {
    const frames = 4801;
    const m = createMixer(2, 6, frames);
    const rand = rng(3);
    const x = [Float32Array.from({ length: frames }, rand), Float32Array.from({ length: frames }, rand)];
    x.forEach((v, s) => m.inputs[s]!.set(v));
    for (const o of m.outputs) o.fill(0);
    const entries: Entry[] = [
      { slot: 0, p0: 0.1, dp: 1 / 9600, g0: [0.5, 0, 0.25, 0, 0, 1], d: [0.5, 0, -0.25, 0, 0, -1] },
      { slot: 1, p0: 0, dp: 0, g0: [0, 0.7, 0.3, 0, 0, 0], d: [0, 0, 0, 0, 0, 0] },
    ];
    write(m, entries);
    m.mix(2, 0, frames);
    for (let o = 0; o < 6; o++) {
      for (const i of [0, 1, 2, 3, 4, 1001, 4800]) {
        let want = 0;
        for (const e of entries) want += x[e.slot]![i]! * (e.g0[o]! + e.d[o]! * (e.p0 + i * e.dp));
        expect(m.outputs[o]![i]).toBeCloseTo(want, 6);
      }
    }
  });
});

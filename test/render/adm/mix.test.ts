/** The mixing kernel (WASM SIMD) and its plain-JS twin give the same bits, held and ramped, at any slice. */
import { describe, expect, it } from 'vitest';
import { createMixer, JsMixer } from '../../../src/render/adm/mix.js';

describe('ADM mixer: WASM kernel equals the JS twin', () => {
  it('hold and ramp over odd slices, bit for bit', () => {
    const frames = 4801;
    const wasm = createMixer(3, frames);
    expect(wasm).not.toBeInstanceOf(JsMixer); // the kernel is built by `npm run build`
    const js = new JsMixer(3, frames);
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 4294967296 - 0.5;
    };
    for (let item = 0; item < 5; item++) {
      const track = Float32Array.from({ length: frames }, rand);
      for (const m of [wasm, js]) {
        m.load(track, frames);
        m.hold(item % 3, 0.3 + item / 7, 3, 2999);
        m.ramp((item + 1) % 3, 0.1 * item, -0.37, (3 - 1.25) / 4800, 1 / 4800, 1, frames);
        m.ramp((item + 2) % 3, 0.9, 0.05, 0.5, 1 / 96000, 17, 18);
      }
    }
    for (let c = 0; c < 3; c++) expect(Array.from(wasm.outputs[c]!.subarray(0, frames))).toEqual(Array.from(js.outputs[c]!));
  });

  it('holdMany and rampMany (runs of frames, the input read once) equal one hold or ramp per output, bit for bit', () => {
    const frames = 4801;
    const wasm = createMixer(8, frames);
    const js = new JsMixer(8, frames);
    const single = new JsMixer(8, frames);
    let seed = 11;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 4294967296 - 0.5;
    };
    for (let item = 0; item < 6; item++) {
      const track = Float32Array.from({ length: frames }, rand);
      // outputs 0..7: even ones ramp, odd ones hold (d = 0), over a slice that is not a multiple of the runs
      const entries = Array.from({ length: 8 }, (_, o) => [o, 0.1 + o / 9 + item / 13, o % 2 ? 0 : -0.2 + o / 17] as const);
      const [i0, i1, p0, dp] = item % 2 ? [5, 4799, 0.25, 1 / 7000] : [0, frames, 0, 0];
      for (const m of [wasm, js]) {
        m.load(track, frames);
        entries.forEach(([o, g, d], t) => m.table.set([o, g, d], 3 * t));
        if (item % 2) m.rampMany(8, p0, dp, i0, i1);
        else m.holdMany(8, i0, i1);
      }
      single.load(track);
      for (const [o, g, d] of entries) {
        const [g32, d32] = [Math.fround(g), Math.fround(d)];
        if (item % 2 && d32 !== 0) single.ramp(o, g32, d32, p0, dp, i0, i1);
        else single.hold(o, g32, i0, i1);
      }
    }
    for (let c = 0; c < 8; c++) {
      expect(Array.from(wasm.outputs[c]!.subarray(0, frames))).toEqual(Array.from(js.outputs[c]!));
      expect(Array.from(js.outputs[c]!)).toEqual(Array.from(single.outputs[c]!));
    }
  });
});

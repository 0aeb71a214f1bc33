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
});

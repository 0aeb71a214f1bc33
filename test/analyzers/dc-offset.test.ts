import { describe, expect, it } from 'vitest';
import { DcOffsetAnalyzer } from '../../src/analyzers/dc-offset.js';

const SR = 48000;

describe('dc-offset analyzer', () => {
  it('measures a planted offset of known size over the whole file, and none on a clean tone', () => {
    const frames = 3 * SR;
    const clean = new Float32Array(frames);
    const offset = new Float32Array(frames);
    const dc = 10 ** (-40 / 20); // -40 dBFS
    for (let i = 0; i < frames; i++) {
      // Whole cycles of 100 Hz over 3 s: the tone itself has zero mean.
      clean[i] = 0.5 * Math.sin((2 * Math.PI * 100 * i) / SR);
      offset[i] = clean[i]! + dc;
    }
    const a = new DcOffsetAnalyzer();
    a.start({ sampleRate: SR, channelCount: 2, channelLabels: ['L', 'R'], frames });
    const bl = new Float32Array(1024);
    const br = new Float32Array(1024);
    for (let off = 0; off < frames; off += 1024) {
      const n = Math.min(1024, frames - off);
      bl.set(clean.subarray(off, off + n));
      br.set(offset.subarray(off, off + n));
      a.process({ channels: [bl, br], frames: n, frameOffset: off });
    }
    const r = a.finish();
    expect(r.channels[1]!.label).toBe('R');
    expect(r.channels[1]!.meanDbfs).toBeCloseTo(-40, 2);
    expect(r.channels[1]!.mean).toBeGreaterThan(0);
    expect(Math.abs(r.channels[0]!.mean)).toBeLessThan(1e-6);
    expect(r.worstChannel).toBe(1);
    expect(r.channels[0]!.frames).toBe(frames);
  });
});

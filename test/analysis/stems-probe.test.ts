/**
 * The null engine's probe (NullTestOptions.probe): a source read in lockstep and never summed, so residual
 * that is that source at some gain (the dialogue stem left in an M&E) is named as such, with the gain,
 * and everything else stays a content difference.
 */
import { describe, expect, it } from 'vitest';
import { nullTest, summarizeNullTest } from '../../src/analysis/stems/index.js';
import { memorySource, signedRng } from '../helpers/memory-source.js';

const SR = 48000;
const N = SR * 4;

function noise(seed: number, gain: number, from = 0, to = 4): Float32Array[] {
  const r = signedRng(seed);
  return [0, 1].map(() => {
    const x = new Float32Array(N);
    for (let i = Math.round(from * SR); i < Math.round(to * SR); i++) x[i] = gain * r();
    return x;
  });
}
const sum = (...ps: Float32Array[][]) => [0, 1].map((c) => ps.reduce((acc, p) => acc.map((v, i) => v + p[c]![i]!), new Float32Array(N)));
const src = (name: string, x: Float32Array[]) => ({ name, source: memorySource(`/m/${name}.wav`, x, { labels: ['L', 'R'] }) });

describe('the null engine with a probe', () => {
  const mx = noise(1, 0.1);
  const fx = noise(2, 0.1);
  const dx = noise(3, 0.2, 1, 2.5);
  const door = noise(4, 0.1, 3, 3.3);

  it('residual that is the probe at -12 dB is probe runs with that gain; a door is still content', () => {
    const gain = 10 ** (-12 / 20);
    const me = sum(mx, fx, dx.map((ch) => ch.map((v) => v * gain)), door);
    const r = nullTest(src('me', me), [src('mx', mx), src('fx', fx)], { probe: src('dx', dx) });
    const probeRuns = r.runs.filter((x) => x.kind === 'probe');
    expect(probeRuns.length).toBeGreaterThan(0);
    for (const x of probeRuns) {
      expect(x.startSeconds).toBeGreaterThanOrEqual(0.99);
      expect(x.endSeconds).toBeLessThanOrEqual(2.51);
      expect(20 * Math.log10(x.probeGain!)).toBeCloseTo(-12, 1);
    }
    expect(r.probe).toMatchObject({ name: 'dx', offsetFrames: 0 });
    expect(r.probe!.gainDb!).toBeCloseTo(-12, 1);
    expect(r.probe!.matchedSeconds).toBeGreaterThan(2 * 1.4);
    // the door is a sustained content difference on both channels, at 3.0-3.3 s
    const content = r.runs.filter((x) => x.kind === 'content' && x.sustained);
    expect(content.map((x) => [x.label, Math.round(x.startSeconds * 10) / 10, Math.round(x.endSeconds * 10) / 10])).toEqual([
      ['L', 3, 3.3],
      ['R', 3, 3.3],
    ]);
    const summary = summarizeNullTest(r);
    expect(summary.probe!.gainDb!).toBeCloseTo(-12, 1);
    expect(summary.channels[0]!.regions.filter((x) => x.probeGainDb !== undefined).length).toBeGreaterThan(0);
  });

  it('without the probe the same residual is all content; with it and no leak nothing changes', () => {
    const leaky = sum(mx, fx, dx.map((ch) => ch.map((v) => v * 0.25)));
    const plain = nullTest(src('me', leaky), [src('mx', mx), src('fx', fx)]);
    expect(plain.runs.every((x) => x.kind === 'content')).toBe(true);
    expect(plain.probe).toBeUndefined();
    const clean = sum(mx, fx);
    const probed = nullTest(src('me', clean), [src('mx', mx), src('fx', fx)], { probe: src('dx', dx) });
    expect(probed.runs).toEqual([]);
    expect(probed.probe).toMatchObject({ matchedSeconds: 0, gain: null });
    // the probe pass (plain-JS loops) gives the same residual figures as the kernel's pass without it
    const kernel = nullTest(src('me', clean), [src('mx', mx), src('fx', fx)]);
    expect(probed.channels.map((c) => [c.residualRmsDbfs, c.nullDepthDb])).toEqual(kernel.channels.map((c) => [c.residualRmsDbfs, c.nullDepthDb]));
  });
});

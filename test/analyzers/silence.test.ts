import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import { SilenceAnalyzer } from '../../src/analyzers/silence.js';

const SR = 48000;

function run<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames = 4096): R {
  return runAnalyzer(analyzer, channels, labels, blockFrames, SR);
}

/** Programme between `from` and `to` seconds (a -20 dBFS tone plus a little noise), digital zero elsewhere. */
function programme(seconds: number, from: number, to: number, hz: number, seed = 1): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  let s = seed;
  for (let i = Math.round(from * SR); i < Math.round(to * SR); i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = 0.1 * Math.sin((2 * Math.PI * hz * i) / SR) + 0.01 * (s / 2 ** 32 - 0.5);
  }
  return x;
}

const LABELS_51: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

describe('silence analyzer', () => {
  it('finds a dropout inside programme and calls an empty LFE silent, not a dropout', () => {
    const chans = [0, 1, 2, 3, 4, 5].map((c) => (c === 3 ? new Float32Array(4 * SR) : programme(4, 0.5, 3.75, 200 + 50 * c, c + 1)));
    const dropStart = Math.round(2 * SR);
    chans[2]!.fill(0, dropStart, dropStart + 480); // 10 ms of digital zero on C
    chans[0]!.fill(0, SR, SR + 20); // 20 samples (< 1 ms) on L: not a dropout
    const r = run(new SilenceAnalyzer(), chans, LABELS_51);
    expect(r.dropouts).toHaveLength(1);
    expect(r.dropouts[0]).toMatchObject({ channel: 2, label: 'C', startFrame: dropStart, lengthSamples: 480, otherChannelsActive: true });
    expect(r.dropouts[0]!.startSeconds).toBeCloseTo(2, 9);
    expect(r.dropouts[0]!.endSeconds).toBeCloseTo(2.01, 9);
    const lfe = r.channels[3]!;
    expect(lfe).toMatchObject({ label: 'LFE', silentThroughout: true, digitalZeroThroughout: true, dropoutCount: 0, silenceRunCount: 0 });
    expect(r.channels[2]!.dropoutCount).toBe(1);
    expect(r.channels[0]!.dropoutCount).toBe(0);
    // Head and tail digital zero are leading/trailing silence, not dropouts.
    expect(r.leadingSilenceSeconds).toBeCloseTo(0.5, 3);
    expect(r.trailingSilenceSeconds).toBeCloseTo(0.25, 3);
  });

  it('reports nothing on clean continuous programme', () => {
    const chans = [programme(3, 0, 3, 300, 3), programme(3, 0, 3, 500, 4)];
    const r = run(new SilenceAnalyzer(), chans, ['L', 'R']);
    expect(r.dropouts).toEqual([]);
    expect(r.silences).toEqual([]);
    expect(r.channels.every((c) => !c.silentThroughout)).toBe(true);
    expect(r.leadingSilenceSeconds).toBeCloseTo(0, 3);
  });

  it('does not call a zero run after a fade-out a dropout, but reports a long near-silence', () => {
    const x = programme(8, 0, 8, 300, 9);
    // A 1 s fade of 80 dB (dB-linear) ending at 2 s, 4 s of digital zero, then programme again.
    for (let i = SR; i < 2 * SR; i++) x[i]! *= 10 ** ((-80 * (i - SR)) / SR / 20);
    x.fill(0, 2 * SR, 6 * SR);
    const r = run(new SilenceAnalyzer(), [x], ['M']);
    expect(r.dropouts).toEqual([]);
    expect(r.silences).toHaveLength(1);
    const s = r.silences[0]!;
    expect(s.leading).toBe(false);
    expect(s.trailing).toBe(false);
    // The programme (-20 dBFS) passes -60 dBFS 40 dB into the fade: 1.5 s.
    expect(s.startSeconds).toBeGreaterThan(1.49);
    expect(s.startSeconds).toBeLessThan(1.52);
    expect(s.endSeconds).toBeCloseTo(6, 6);
  });

  it('calls a hole in every channel a dropout only when short; a longer one is a gap', () => {
    const chans = [programme(4, 0, 4, 300, 5), programme(4, 0, 4, 410, 6)];
    for (const x of chans) {
      x.fill(0, SR, SR + 960); // 20 ms in both channels at 1 s: nobody does that on purpose
      x.fill(0, 2 * SR, 3 * SR); // 1 s in both channels at 2 s: a cut to silence
    }
    const r = run(new SilenceAnalyzer(), chans, ['L', 'R']);
    expect(r.dropouts.map((d) => [d.label, d.startSeconds, d.lengthSamples])).toEqual([['L', 1, 960], ['R', 1, 960]]);
    expect(r.dropouts.every((d) => !d.otherChannelsActive)).toBe(true);
    expect(r.gaps.map((d) => [d.label, d.startSeconds, d.endSeconds])).toEqual([['L', 2, 3], ['R', 2, 3]]);
    expect(r.channels[0]!.gapCount).toBe(1);
    // A mono file follows the same rule.
    const mono = run(new SilenceAnalyzer(), [chans[0]!], ['M']);
    expect(mono.dropouts).toHaveLength(1);
    expect(mono.gaps).toHaveLength(1);
  });
});

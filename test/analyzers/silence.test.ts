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

  describe('stems printed with digital zero between events are not dropouts', () => {
    /** A hard-cut event (no fade: active right up to the zero) from `from` to `to` s. */
    const event = (x: Float32Array, from: number, to: number, hz: number, amp = 0.3) => {
      for (let i = Math.round(from * SR); i < Math.round(to * SR); i++) x[i] = amp * Math.sin((2 * Math.PI * hz * (i + 17)) / SR) + 0.05;
    };

    it("an effects stem's LFE silent for 21 s between explosions, its surrounds playing throughout", () => {
      const n = 26 * SR;
      const chans: Float32Array[] = LABELS_51.map(() => new Float32Array(n));
      event(chans[3]!, 0.5, 2.5, 40); // explosion, hard tail
      event(chans[3]!, 23.5, 25.5, 45); // the next one 21 s later
      chans[4] = programme(26, 0, 26, 300, 4); // ambience in the surrounds
      chans[5] = programme(26, 0, 26, 340, 5);
      for (const [sizes, useWasm] of [[4096, true], [48000, false], [1000, true]] as const) {
        const r = run(new SilenceAnalyzer({ useWasm }), chans, LABELS_51, sizes);
        expect(r.dropouts).toEqual([]);
        expect(r.gaps.map((g) => [g.label, g.startSeconds, g.endSeconds])).toEqual([['LFE', 2.5, 23.5]]);
        expect(r.channels[3]!.gapCount).toBe(1);
      }
    });

    it('music that enters after 8 s, and a dialogue stem whose L/R are zero between lines', () => {
      const music = [programme(20, 8, 20, 220, 1), programme(20, 8, 20, 330, 2)];
      expect(run(new SilenceAnalyzer(), music, ['L', 'R']).dropouts).toEqual([]);
      // DX 5.1: lines in C with room tone between them; the reverb sends in L/R cut hard to zero between lines.
      const n = 12 * SR;
      const dx: Float32Array[] = LABELS_51.map(() => new Float32Array(n));
      dx[2] = programme(12, 0, 12, 180, 3);
      for (const [from, to] of [[0.5, 2.2], [3.1, 5.0], [5.8, 9.4], [10.2, 11.5]]) {
        event(dx[0]!, from!, to!, 500, 0.05);
        event(dx[1]!, from!, to!, 520, 0.05);
      }
      const r = run(new SilenceAnalyzer(), dx, LABELS_51);
      expect(r.dropouts).toEqual([]);
      expect(r.gaps.filter((g) => g.label === 'L').map((g) => [g.startSeconds, g.endSeconds])).toEqual([[2.2, 3.1], [5.0, 5.8], [9.4, 10.2]]);
    });

    it('a 2-pop next to a channel carrying DC: the space to FFOA is a gap, not a 1958 ms dropout', () => {
      const n = 6 * SR;
      const chans = LABELS_51.map((_, c) => {
        const x = new Float32Array(n);
        for (let i = SR; i < SR + SR / 24; i++) x[i] = 0.1 * Math.sin((2 * Math.PI * 1000 * (i - SR)) / SR); // the pop, one frame at 1 s
        if (c !== 4) event(x, 3, 6, 60 + 50 * c); // FFOA at 3 s
        return x;
      });
      chans[4]!.fill(0.004); // Ls carries DC (-48 dBFS) from the first sample to the last
      for (const useWasm of [true, false]) {
        const r = run(new SilenceAnalyzer({ useWasm }), chans, LABELS_51);
        expect(r.dropouts).toEqual([]);
        expect(r.gaps).toHaveLength(5);
        expect(r.gaps.every((g) => g.startSeconds === 1 + 1 / 24 && g.endSeconds === 3)).toBe(true);
      }
    });

    it('finds a 40 ms hole in every channel of a printmaster, and a 300 ms hole in one channel while the others play', () => {
      const chans = LABELS_51.map((_, c) => programme(6, 0, 6, 150 + 60 * c, c + 1));
      for (const x of chans) x.fill(0, 2 * SR, 2 * SR + 1920);
      chans[2]!.fill(0, 4 * SR, Math.round(4.3 * SR));
      const r = run(new SilenceAnalyzer(), chans, LABELS_51);
      expect(r.dropouts.filter((d) => d.startSeconds === 2).map((d) => d.label)).toEqual(LABELS_51);
      expect(r.dropouts.every((d) => d.startSeconds !== 2 || d.lengthSamples === 1920)).toBe(true);
      expect(r.dropouts.filter((d) => d.startSeconds === 4)).toMatchObject([{ label: 'C', lengthSamples: 0.3 * SR, otherChannelsActive: true }]);
      expect(r.gaps).toEqual([]);
      // Longer than maxDropoutSeconds (0.5 s): a gap between events, even while the others play.
      chans[2]!.fill(0, 4 * SR, Math.round(4.6 * SR));
      const longer = run(new SilenceAnalyzer(), chans, LABELS_51);
      expect(longer.dropouts.some((d) => d.startSeconds === 4)).toBe(false);
      expect(longer.gaps.map((g) => [g.label, g.startSeconds, g.endSeconds])).toEqual([['C', 4, 4.6]]);
      expect(longer.maxDropoutSeconds).toBe(0.5);
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import { LfeBandAnalyzer } from '../../src/analyzers/lfe-band.js';
import { BiquadCascade } from '../../src/dsp/biquad.js';
import { LFE_ABOVE_BAND_LIMIT_DB } from '../../src/analyzers/lfe-band.js';
import { lowpass } from '../helpers/lowpass.js';
import { explosions, pinkNoise, rumble, subHits, whiteNoise } from '../helpers/lfe-content.js';

const SR = 48000;

function run<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames = 4800): R {
  return runAnalyzer(analyzer, channels, labels, blockFrames, SR);
}

function noise(frames: number, seed: number, amp = 0.3): Float32Array {
  const x = new Float32Array(frames);
  let s = seed;
  for (let i = 0; i < frames; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = amp * (2 * (s / 2 ** 32) - 1);
  }
  return x;
}

/** An LFE as the specs want it: low-passed at 120 Hz, 24 dB/oct (Amazon Studios). */
function bandLimited(x: Float32Array): Float32Array {
  const lp = BiquadCascade.butterworth('lowpass', SR, 120, 4);
  return x.map((v) => lp.process(v));
}

const LABELS: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

function layout(lfe: Float32Array): Float32Array[] {
  return LABELS.map((l, c) => (l === 'LFE' ? lfe : noise(lfe.length, c + 1)));
}

describe('lfe-band analyzer', () => {
  it('passes a correctly band-limited LFE (even the worst case, white noise at 120 Hz 24 dB/oct)', () => {
    const r = run(new LfeBandAnalyzer(), layout(bandLimited(noise(3 * SR, 42))), LABELS);
    expect(r.channels).toHaveLength(1);
    const lfe = r.channels[0]!;
    expect(lfe.label).toBe('LFE');
    expect(lfe.channel).toBe(3);
    expect(lfe.judgedWindows).toBe(3);
    for (const cut of lfe.cutoffs) {
      expect(cut.aboveBandDb!).toBeLessThan(-8);
      expect(cut.overLimitRuns).toEqual([]);
    }
    expect(lfe.cutoffs[1]!.aboveBandDb!).toBeLessThan(lfe.cutoffs[0]!.aboveBandDb!);
  });

  it('finds a full-band burst in the LFE with its window and time', () => {
    const lfe = bandLimited(noise(4 * SR, 7));
    const burst = noise(SR, 99, 0.2);
    lfe.set(burst, 2 * SR); // full band from 2 s to 3 s
    const r = run(new LfeBandAnalyzer(), layout(lfe), LABELS);
    const at120 = r.channels[0]!.cutoffs[0]!;
    expect(at120.cutoffHz).toBe(120);
    expect(at120.worstWindow!.aboveBandDb).toBeGreaterThan(-0.5);
    expect(at120.worstWindow!.startSeconds).toBeCloseTo(2, 9);
    expect(at120.worstWindow!.endSeconds).toBeCloseTo(3, 9);
    expect(at120.overLimitRuns).toHaveLength(1);
    expect(at120.overLimitRuns[0]).toMatchObject({ label: 'LFE', channel: 3, cutoffHz: 120, startSeconds: 2, endSeconds: 3 });
  });

  it('has nothing to say without an LFE, and calls a silent LFE silent', () => {
    expect(run(new LfeBandAnalyzer(), [noise(SR, 1), noise(SR, 2)], ['L', 'R']).channels).toEqual([]);
    const silent = run(new LfeBandAnalyzer(), layout(new Float32Array(SR)), LABELS).channels[0]!;
    expect(silent.rmsDbfs).toBeNull();
    expect(silent.judgedWindows).toBe(0);
    expect(silent.cutoffs[0]!.aboveBandDb).toBeNull();
  });

  describe('measures what a 120 Hz low-pass would not have left', () => {
    const seconds = 10;
    const frames = seconds * SR;
    const contents: Record<string, () => Float32Array> = {
      'white noise': () => whiteNoise(frames, 7),
      'pink noise': () => pinkNoise(frames, 8),
      'brown rumble': () => rumble(frames, 9),
      'sub hits': () => subHits(frames, SR, 10),
      explosions: () => explosions(frames, SR, 11, [0.5, 3.2, 6.1, 8.4]),
    };
    const legal = [
      ['Butterworth 12 dB/oct', (x: Float32Array) => lowpass(x, SR, 120, 12)],
      ['Butterworth 24 dB/oct', (x: Float32Array) => lowpass(x, SR, 120, 24)],
      ['Linkwitz-Riley 24 dB/oct', (x: Float32Array) => lowpass(x, SR, 120, 24, 'linkwitz-riley')],
      ['Butterworth 48 dB/oct', (x: Float32Array) => lowpass(x, SR, 120, 48)],
      ['Linkwitz-Riley 48 dB/oct', (x: Float32Array) => lowpass(x, SR, 120, 48, 'linkwitz-riley')],
    ] as const;

    for (const [name, make] of Object.entries(contents)) {
      for (const [filterName, lp] of legal) {
        it(`passes ${name} low-passed at 120 Hz, ${filterName}`, () => {
          const r = run(new LfeBandAnalyzer({ cutoffsHz: [120] }), layout(lp(make())), LABELS);
          const cut = r.channels[0]!.cutoffs[0]!;
          expect(cut).toMatchObject({ cutoffHz: 120, bandFromHz: 60, aboveFromHz: 240, overLimitRuns: [], overLimitSeconds: 0 });
          expect(cut.judgedSeconds).toBeGreaterThan(0);
          expect(cut.aboveBandDb!).toBeLessThan(LFE_ABOVE_BAND_LIMIT_DB - 2);
          expect(cut.worstWindow!.aboveBandDb).toBeLessThan(LFE_ABOVE_BAND_LIMIT_DB - 1);
        });
      }
    }

    it('orders the legal filters by slope: 12 dB/oct reads about -9.7 dB on white noise, 24 about -26, 48 about -52', () => {
      const x = whiteNoise(frames, 7);
      const at = (slope: 12 | 24 | 48) => run(new LfeBandAnalyzer({ cutoffsHz: [120] }), layout(lowpass(x, SR, 120, slope)), LABELS).channels[0]!.cutoffs[0]!.aboveBandDb!;
      expect(at(12)).toBeCloseTo(-9.7, 1);
      expect(at(24)).toBeCloseTo(-25.6, 1);
      expect(at(48)).toBeCloseTo(-51.8, 1);
    });

    const illegal: Array<[string, () => Float32Array]> = [
      ['unfiltered white noise', () => whiteNoise(frames, 7)],
      ['unfiltered pink noise', () => pinkNoise(frames, 8)],
      ['unfiltered explosions', () => explosions(frames, SR, 11, [0.5, 3.2, 6.1, 8.4])],
      ['white noise low-passed at 300 Hz, 24 dB/oct', () => lowpass(whiteNoise(frames, 7), SR, 300, 24)],
      ['pink noise low-passed at 300 Hz, 24 dB/oct', () => lowpass(pinkNoise(frames, 8), SR, 300, 24)],
      ['pink noise low-passed at 300 Hz, 12 dB/oct', () => lowpass(pinkNoise(frames, 8), SR, 300, 12)],
    ];
    for (const [name, make] of illegal) {
      it(`fails ${name}`, () => {
        const cut = run(new LfeBandAnalyzer({ cutoffsHz: [120] }), layout(make()), LABELS).channels[0]!.cutoffs[0]!;
        expect(cut.aboveBandDb!).toBeGreaterThan(LFE_ABOVE_BAND_LIMIT_DB + 1.5);
        expect(cut.overLimitRuns.length).toBeGreaterThan(0);
        expect(cut.overLimitSeconds).toBeGreaterThan(0);
      });
    }

    it('gives each stretch over the limit its own figure, and one stretch across quiet seconds', () => {
      // A legal LFE (pink noise, 24 dB/oct) with two unfiltered stretches of different strength, the
      // second broken by a digital-zero second (not judged: it does not split the stretch).
      const lfe = lowpass(pinkNoise(frames, 8), SR, 120, 24);
      const strong = whiteNoise(2 * SR, 21, 0.3);
      const weak = lowpass(pinkNoise(3 * SR, 22), SR, 300, 24);
      lfe.set(strong, 2 * SR); // 2-4 s
      lfe.set(weak, 6 * SR); // 6-9 s
      lfe.fill(0, 7 * SR, 8 * SR);
      const cut = run(new LfeBandAnalyzer({ cutoffsHz: [120] }), layout(lfe), LABELS).channels[0]!.cutoffs[0]!;
      expect(cut.overLimitRuns.map((g) => [g.startSeconds, g.endSeconds])).toEqual([[2, 4], [6, 9]]);
      const [a, b] = cut.overLimitRuns as [typeof cut.overLimitRuns[0], typeof cut.overLimitRuns[0]];
      expect(a.aboveBandDb).toBeGreaterThan(15);
      expect(b.aboveBandDb).toBeGreaterThan(LFE_ABOVE_BAND_LIMIT_DB);
      expect(b.aboveBandDb).toBeLessThan(5);
      expect(b.maxAboveBandDb).toBeGreaterThanOrEqual(b.aboveBandDb);
      // Each stretch's figure is its own, not the file's.
      expect(a.aboveBandDb).not.toBeCloseTo(cut.aboveBandDb!, 0);
      expect(b.aboveBandDb).not.toBeCloseTo(cut.aboveBandDb!, 0);
      expect(cut.overLimitSeconds).toBe(4);
      expect(cut.judgedSeconds).toBe(9);
      // The stretch's figure is its energies summed: the same stretch measured alone reads within a dB
      // (alone, the filters start at rest; in the file, the band-pass still rings with what came before).
      const alone = run(new LfeBandAnalyzer({ cutoffsHz: [120] }), layout(lfe.slice(2 * SR, 4 * SR)), LABELS).channels[0]!.cutoffs[0]!;
      expect(Math.abs(a.aboveBandDb - alone.aboveBandDb!)).toBeLessThan(1);
    });
  });
});

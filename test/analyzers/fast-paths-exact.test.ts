import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { absPeak, ClippingAnalyzer } from '../../src/analyzers/clipping.js';
import { DcOffsetAnalyzer } from '../../src/analyzers/dc-offset.js';
import { PhaseAnalyzer } from '../../src/analyzers/phase.js';
import { LfeBandAnalyzer } from '../../src/analyzers/lfe-band.js';
import { SilenceAnalyzer } from '../../src/analyzers/silence.js';
import { PeakOversAnalyzer } from '../../src/analyzers/peak-overs.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';

const SR = 48000;
const LABELS_51: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Programme with digital-zero holes (some in one channel while others play, some in all), quiet room tone, silent LFE. */
function delivery(seconds: number, seed: number): Float32Array[] {
  const rnd = lcg(seed);
  const n = Math.round(seconds * SR);
  const chans = LABELS_51.map((_, c) => {
    const x = new Float32Array(n);
    if (c === 3) return x;
    for (let i = 0; i < n; i++) x[i] = 0.2 * Math.sin((2 * Math.PI * (150 + 40 * c) * i) / SR) + 0.05 * (rnd() - 0.5);
    return x;
  });
  for (let h = 0; h < 40; h++) {
    const start = Math.floor(rnd() * (n - 5000));
    const len = 1 + Math.floor(rnd() * 4000);
    if (h % 5 === 0) for (const x of chans) x.fill(0, start, start + len);
    else chans[Math.floor(rnd() * chans.length)]!.fill(0, start, start + len);
  }
  // Room tone under the activity level, then digital zero to the end on one channel.
  for (let i = Math.round(0.6 * n); i < Math.round(0.7 * n); i++) chans[4]![i] = 1e-5 * (rnd() - 0.5);
  chans[5]!.fill(0, Math.round(0.9 * n));
  // A zero run on R under room tone everywhere else (no channel active), until L comes back mid-run.
  for (let i = Math.round(0.3 * n); i < Math.round(0.36 * n); i++) {
    for (const c of [0, 2, 4, 5]) chans[c]![i] = i >= Math.round(0.33 * n) && c === 0 ? 0.2 : 1e-5 * (rnd() - 0.5);
    chans[1]![i] = 0;
  }
  return chans;
}

describe('analyzer fast paths equal the one-sample-at-a-time formulation', () => {
  it('absPeak equals the plain |x| maximum on random and edge inputs', () => {
    const rnd = lcg(7);
    const plain = (x: Float32Array, n: number): number => {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v > m) m = v;
        else if (-v > m) m = -v;
      }
      return m;
    };
    const cases: Float32Array[] = [
      new Float32Array(0),
      Float32Array.from([-0]),
      Float32Array.from([NaN, -0.5, NaN]),
      Float32Array.from([0, 0, 0, 0, -1]),
      Float32Array.from([-Infinity, 0.25]),
      Float32Array.from([NaN, NaN, NaN, NaN, NaN]),
      new Float32Array(17).fill(-1e-40),
    ];
    for (const len of [1, 2, 3, 4, 5, 7, 8, 1023, 4096]) {
      const x = new Float32Array(len);
      for (let i = 0; i < len; i++) x[i] = (rnd() - 0.5) * 2;
      cases.push(x);
    }
    for (const x of cases) {
      for (let n = 0; n <= Math.min(x.length, 9); n++) expect(Object.is(absPeak(x, n), plain(x, n))).toBe(true);
      expect(Object.is(absPeak(x, x.length), plain(x, x.length))).toBe(true);
    }
  });

  it('silence: long blocks (zero runs skipped in one scan) equal one-frame blocks', () => {
    for (const seed of [1, 2, 3]) {
      const chans = delivery(3, seed);
      const reference = runAnalyzer(new SilenceAnalyzer({ minSilenceSeconds: 0.05 }), chans, LABELS_51, [1]);
      expect(reference.dropouts.length + reference.gaps.length).toBeGreaterThan(0);
      for (const sizes of [[4096], [48000], [1000, 3, 17]]) {
        expect(runAnalyzer(new SilenceAnalyzer({ minSilenceSeconds: 0.05 }), chans, LABELS_51, sizes)).toEqual(reference);
      }
    }
  });

  it('clipping and peak overs: long blocks equal one-frame blocks, with clipped runs and silence', () => {
    const chans = delivery(2, 9);
    for (let i = 30000; i < 30020; i++) chans[0]![i] = 1;
    for (let i = 50000; i < 50003; i++) chans[2]![i] = -0.9999;
    chans[1]![70000] = 0.999;
    for (const make of [() => new ClippingAnalyzer(), () => new PeakOversAnalyzer(-1)] as Array<() => Analyzer<unknown>>) {
      const reference = runAnalyzer(make(), chans, LABELS_51, [1]);
      for (const sizes of [[4096], [5, 4099]]) expect(runAnalyzer(make(), chans, LABELS_51, sizes)).toEqual(reference);
    }
  });

  it('dc offset: channels summed four and two at a time equal each channel summed alone', () => {
    const chans = delivery(2, 11);
    for (let c = 0; c < chans.length; c++) for (let i = 0; i < chans[c]!.length; i++) chans[c]![i]! += 1e-3 * (c - 2);
    for (const count of [1, 2, 3, 4, 5, 6]) {
      const labels = LABELS_51.slice(0, count);
      const together = runAnalyzer(new DcOffsetAnalyzer(), chans.slice(0, count), labels, [4096, 13]);
      for (let c = 0; c < count; c++) {
        const alone = runAnalyzer(new DcOffsetAnalyzer(), [chans[c]!], [labels[c]!], [4096, 13]);
        expect(Object.is(together.channels[c]!.sum, alone.channels[0]!.sum)).toBe(true);
        expect(Object.is(together.channels[c]!.mean, alone.channels[0]!.mean)).toBe(true);
      }
    }
  });

  it('phase: two pairs per loop equal each pair measured alone', () => {
    const chans = delivery(6, 13);
    // Ls/Rs in antiphase for a stretch (negative correlation runs), Lss/Rss identical (dual mono).
    for (let i = 2 * SR; i < 4 * SR; i++) chans[5]![i] = -chans[4]![i]!;
    const labels: ChannelLabel[] = [...LABELS_51, 'Lss', 'Rss'];
    const side = delivery(6, 14)[0]!;
    const all = [...chans, side, side.slice()];
    const together = runAnalyzer(new PhaseAnalyzer(), all, labels, [4096, 9]);
    expect(together.pairs).toHaveLength(3);
    expect(together.pairs.some((p) => p.negativeRuns.length > 0)).toBe(true);
    const pairsOf: Array<[number, number]> = [[0, 1], [4, 5], [6, 7]];
    pairsOf.forEach(([a, b], k) => {
      const alone = runAnalyzer(new PhaseAnalyzer(), [all[a]!, all[b]!], [labels[a]!, labels[b]!], [4096, 9]);
      // Channel indices differ by construction (a, b vs 0, 1); every measured value must not.
      expect({ ...together.pairs[k]!, channels: null }).toEqual({ ...alone.pairs[0]!, channels: null });
      expect(together.pairs[k]!.channels).toEqual([a, b]);
    });
  });

  it('lfe band: the default pair of cutoffs equals each cutoff filtered on its own', () => {
    const rnd = lcg(5);
    const n = 12 * SR;
    const chans = LABELS_51.map(() => new Float32Array(n));
    // LFE: a 40 Hz rumble with bursts of broadband noise (over the limit in some windows), then silence.
    const lfe = chans[3]!;
    for (let i = 0; i < 10 * SR; i++) {
      const burst = Math.floor(i / SR) % 4 === 2 ? 1.2 * (rnd() - 0.5) : 0;
      lfe[i] = 0.3 * Math.sin((2 * Math.PI * 40 * i) / SR) + burst;
    }
    for (const sizes of [[4800], [4096, 7]]) {
      const pair = runAnalyzer(new LfeBandAnalyzer(), chans, LABELS_51, sizes);
      expect(pair.channels).toHaveLength(1);
      expect(pair.channels[0]!.cutoffs.some((c) => c.overLimitRuns.length > 0)).toBe(true);
      const cutoffs = pair.channels[0]!.cutoffs.map((c) => c.cutoffHz);
      expect(cutoffs).toHaveLength(2);
      cutoffs.forEach((hz, k) => {
        const single = runAnalyzer(new LfeBandAnalyzer({ cutoffsHz: [hz] }), chans, LABELS_51, sizes);
        expect(pair.channels[0]!.cutoffs[k]).toEqual(single.channels[0]!.cutoffs[0]);
        expect(pair.channels[0]!.rmsDbfs).toBe(single.channels[0]!.rmsDbfs);
        expect(pair.channels[0]!.judgedWindows).toBe(single.channels[0]!.judgedWindows);
      });
    }
  });
});

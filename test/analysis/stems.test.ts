import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import { checkMeAgainstStems, checkStemsSum, summarizeNullTest, type NullTestResult } from '../../src/analysis/stems/index.js';
import { DubstageError } from '../../src/errors.js';
import { memorySource as memorySourceOf, signedRng } from '../helpers/memory-source.js';

/** Stereo (or the given labels) over planar arrays, read in odd-sized pieces. */
const memorySource = (path: string, channels: Float32Array[], labels: ChannelLabel[] = ['L', 'R']) => memorySourceOf(path, channels, { labels });

const SR = 48000;
const SECONDS = 4;
const N = SR * SECONDS;
const FRAME = SR / 24;

/** Stereo stem content between `from` and `to` seconds. */
function stem(kind: 'dx' | 'mx' | 'fx', seed: number, from = 0, to = SECONDS): Float32Array[] {
  const r = signedRng(seed);
  return [0, 1].map((c) => {
    const x = new Float32Array(N);
    for (let i = Math.round(from * SR); i < Math.round(to * SR); i++) {
      const t = i / SR;
      if (kind === 'dx') x[i] = 0.12 * r() * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t + c)); // syllabic noise
      else if (kind === 'mx') x[i] = 0.1 * Math.sin(2 * Math.PI * (220 + 110 * c) * t) + 0.05 * Math.sin(2 * Math.PI * 659 * t);
      else x[i] = 0.08 * r();
    }
    return x;
  });
}

function sum(...parts: Float32Array[][]): Float32Array[] {
  return [0, 1].map((c) => {
    const out = new Float32Array(N);
    for (const p of parts) for (let i = 0; i < N; i++) out[i]! += p[c]![i]!;
    return out;
  });
}

function scaled(x: Float32Array[], gain: number): Float32Array[] {
  return x.map((ch) => ch.map((v) => v * gain));
}

const DX = stem('dx', 1);
const MX = stem('mx', 2, 0.5, 3.5);
const FX = stem('fx', 3);

function run(pm: Float32Array[], dx: Float32Array[], mx: Float32Array[], fx: Float32Array[]): NullTestResult {
  return checkStemsSum(memorySource('PM.wav', pm), [
    { name: 'DX', source: memorySource('DX.wav', dx) },
    { name: 'MX', source: memorySource('MX.wav', mx) },
    { name: 'FX', source: memorySource('FX.wav', fx) },
  ]);
}

describe('stems null test', () => {
  it('an exact sum nulls below -90 dBFS with zero offsets and unity gains', () => {
    const progress: number[] = [];
    const r = checkStemsSum(memorySource('PM.wav', sum(DX, MX, FX)), [
      { name: 'DX', source: memorySource('DX.wav', DX) },
      { name: 'MX', source: memorySource('MX.wav', MX) },
      { name: 'FX', source: memorySource('FX.wav', FX) },
    ], { onProgress: (done, total) => progress.push(done / total) });
    expect(progress[progress.length - 1]).toBe(1);
    expect(r.parts.map((p) => p.offsetFrames)).toEqual([0, 0, 0]);
    for (const p of r.parts) expect(p.correlation!).toBeGreaterThan(0.2);
    for (const ch of r.channels) {
      expect(ch.residualPeakDbfs === null || ch.residualPeakDbfs < -90).toBe(true);
      expect(ch.nullDepthDb === null || ch.nullDepthDb > 90).toBe(true);
    }
    for (const g of r.partGains) expect(g.stemExcessDb!).toBeCloseTo(0, 3);
    expect(r.runs).toEqual([]);
    expect(r.nulls).toBe(true);
    expect(r.framesCompared).toBe(N);
    expect(r.series.channels[0]!.residualRmsDbfs).toHaveLength(8);
    expect(r.warnings).toEqual([]);
  });

  it('measures a stem printed 1 dB hot', () => {
    const r = run(sum(DX, MX, FX), DX, MX, scaled(FX, 10 ** (1 / 20)));
    const fx = r.partGains.find((g) => g.name === 'FX')!;
    expect(fx.stemExcessDb!).toBeCloseTo(1, 2);
    expect(fx.polarityInverted).toBe(false);
    expect(r.partGains.find((g) => g.name === 'DX')!.stemExcessDb!).toBeCloseTo(0, 2);
    for (const ch of r.channels) expect(ch.parts.find((p) => p.name === 'FX')!.stemExcessDb!).toBeCloseTo(1, 2);
    expect(r.nulls).toBe(false);
    const summary = summarizeNullTest(r);
    expect(summary.stemIssues).toHaveLength(1);
    expect(summary.stemIssues[0]!.stem).toBe('FX');
    expect(summary.stemIssues[0]!.kind).toBe('gain');
    expect(summary.stemIssues[0]!.gainDb!).toBeCloseTo(1, 2);
    expect(summary.channels[0]!.regions.some((g) => !g.limiterLike)).toBe(true);
    expect(r.runs.some((x) => x.kind === 'content' && x.sustained)).toBe(true);
  });

  it('finds a stem one frame late and nulls once it is aligned', () => {
    const late = MX.map((ch) => {
      const x = new Float32Array(N);
      x.set(ch.subarray(0, N - FRAME), FRAME);
      return x;
    });
    const r = run(sum(DX, MX, FX), DX, late, FX);
    const mx = r.parts.find((p) => p.name === 'MX')!;
    expect(mx.offsetFrames).toBe(FRAME);
    expect(mx.offsetPictureFrames).toBeCloseTo(1, 9);
    expect(r.parts.find((p) => p.name === 'DX')!.offsetFrames).toBe(0);
    expect(summarizeNullTest(r).offsetSamples).toBe(FRAME);
    for (const ch of r.channels) expect(ch.residualPeakDbfs === null || ch.residualPeakDbfs < -90).toBe(true);
    expect(r.nulls).toBe(true);
  });

  it('finds a stem one frame early as a negative offset', () => {
    const early = FX.map((ch) => {
      const x = new Float32Array(N);
      x.set(ch.subarray(FRAME));
      return x;
    });
    const r = run(sum(DX, MX, FX), DX, MX, early);
    expect(r.parts.find((p) => p.name === 'FX')!.offsetFrames).toBe(-FRAME);
  });

  it('flags a stem with inverted polarity', () => {
    const r = run(sum(DX, MX, FX), scaled(DX, -1), MX, FX);
    const dx = r.partGains.find((g) => g.name === 'DX')!;
    expect(dx.polarityInverted).toBe(true);
    expect(dx.gain!).toBeCloseTo(-1, 3);
    expect(summarizeNullTest(r).stemIssues).toEqual([{ stem: 'DX', kind: 'polarity', gainDb: expect.closeTo(0, 3) }]);
    expect(r.parts.find((p) => p.name === 'DX')!.correlation!).toBeLessThan(0);
    expect(r.nulls).toBe(false);
    expect(r.worstNullDepthDb!).toBeLessThan(10);
  });

  it('finds an effect missing from the stems, at its time', () => {
    const r0 = signedRng(77);
    const extra = [0, 1].map(() => {
      const x = new Float32Array(N);
      for (let i = 2 * SR; i < 2.5 * SR; i++) x[i] = 0.05 * r0();
      return x;
    });
    const r = run(sum(DX, MX, FX, extra), DX, MX, FX);
    expect(r.nulls).toBe(false);
    const content = r.runs.filter((x) => x.kind === 'content');
    expect(content).toHaveLength(2); // one per channel
    for (const run of content) {
      expect(run.sustained).toBe(true);
      expect(run.startSeconds).toBeCloseTo(2, 2);
      expect(run.endSeconds).toBeCloseTo(2.5, 2);
    }
    for (const g of r.partGains) expect(Math.abs(g.stemExcessDb!)).toBeLessThan(0.1);
    // The series shows the residual in 2.0-2.5 s (entry 4) and a null elsewhere.
    const series = r.series.channels[0]!.residualRmsDbfs;
    expect(series[4]!).toBeGreaterThan(-40);
    expect(series[3] === null || series[3] < -90).toBe(true);
    expect(r.channels[0]!.contentDifferenceSeconds).toBeCloseTo(0.5, 2);
    expect(r.channels.map((c) => c.sustainedContentRuns)).toEqual([1, 1]);
    // Started at 1 s, the times are still from the file's first sample.
    const later = checkStemsSum(memorySource('PM.wav', sum(DX, MX, FX, extra)), [
      { name: 'DX', source: memorySource('DX.wav', DX) },
      { name: 'MX', source: memorySource('MX.wav', MX) },
      { name: 'FX', source: memorySource('FX.wav', FX) },
    ], { fromSeconds: 1 });
    expect(later.runs.filter((x) => x.kind === 'content').map((x) => [x.startSeconds, x.endSeconds])).toEqual([[2, 2.5], [2, 2.5]]);
    expect(later.series.channels[0]!.residualRmsDbfs[2]!).toBeGreaterThan(-40);
  });

  it('tolerates a limited printmaster whose residual sits only at its ceiling', () => {
    // Three loud hits push the sum past the ceiling; a soft clipper with its knee 0.5 dB under the ceiling.
    const hits = [0, 1].map(() => {
      const x = new Float32Array(N);
      for (const at of [1.2, 2.2, 3.2]) for (let i = 0; i < 480; i++) x[Math.round(at * SR) + i] = 0.9 * Math.sin((2 * Math.PI * 80 * i) / SR);
      return x;
    });
    const pre = sum(DX, MX, FX, hits);
    const ceiling = 10 ** (-1 / 20);
    const knee = ceiling * 10 ** (-0.5 / 20);
    const pm = pre.map((ch) =>
      ch.map((v) => {
        const a = Math.abs(v);
        if (a <= knee) return v;
        return Math.sign(v) * (knee + (ceiling - knee) * Math.tanh((a - knee) / (ceiling - knee)));
      }),
    );
    // The hits are part of the effects stem.
    const fxWithHits = sum(FX, hits);
    const r = run(pm, DX, MX, fxWithHits);
    expect(r.referenceCeilingDbfs!).toBeLessThanOrEqual(-1);
    expect(r.referenceCeilingDbfs!).toBeGreaterThan(-1.1);
    expect(r.runs.length).toBeGreaterThan(0);
    expect(r.runs.every((x) => x.kind === 'limiter')).toBe(true);
    expect(r.nulls).toBe(true);
    const summary = summarizeNullTest(r);
    expect(summary.stemIssues).toEqual([]);
    expect(summary.offsetSamples).toBe(0);
    expect(summary.channels.every((c) => c.regions.every((g) => g.limiterLike))).toBe(true);
    for (const ch of r.channels) {
      expect(ch.limiterSeconds).toBeGreaterThan(0);
      expect(ch.contentDifferenceSeconds).toBe(0);
      expect(ch.residualRmsOutsideLimiterDbfs === null || ch.residualRmsOutsideLimiterDbfs < -90).toBe(true);
    }
  });

  it('tolerates a gain-riding bus limiter with a 100 ms release', () => {
    const hits = [0, 1].map(() => {
      const x = new Float32Array(N);
      for (const at of [1.2, 2.6]) for (let i = 0; i < 960; i++) x[Math.round(at * SR) + i] = 0.9 * Math.sin((2 * Math.PI * 60 * i) / SR);
      return x;
    });
    const pre = sum(DX, MX, FX, hits);
    const ceiling = 10 ** (-2 / 20);
    const release = 1 - Math.exp(-1 / (0.1 * SR));
    // One gain for both channels (linked), instant attack, exponential release.
    let g = 1;
    const pm = [new Float32Array(N), new Float32Array(N)];
    for (let i = 0; i < N; i++) {
      const peak = Math.max(Math.abs(pre[0]![i]!), Math.abs(pre[1]![i]!));
      const target = peak > ceiling ? ceiling / peak : 1;
      g = target < g ? target : g + (1 - g) * release;
      pm[0]![i] = g * pre[0]![i]!;
      pm[1]![i] = g * pre[1]![i]!;
    }
    const r = run(pm, DX, MX, sum(FX, hits));
    expect(r.runs.length).toBeGreaterThan(0);
    expect(r.runs.every((x) => x.kind === 'limiter')).toBe(true);
    expect(r.nulls).toBe(true);
    for (const ch of r.channels) expect(ch.limiterSeconds).toBeGreaterThan(0.2);
    // With room for one event of each kind the runs are cut short, never the verdict.
    const few = checkStemsSum(memorySource('PM.wav', pm), [
      { name: 'DX', source: memorySource('DX.wav', DX) },
      { name: 'MX', source: memorySource('MX.wav', MX) },
      { name: 'FX', source: memorySource('FX.wav', sum(FX, hits)) },
    ], { maxEvents: 1 });
    expect(few.eventsTruncated).toBe(true);
    expect(few.runs).toHaveLength(1);
    expect(few.nulls).toBe(true);
  });

  it('skips a leader whose 2-pop is on every stem when asked to start at FFOA', () => {
    const withPop = (x: Float32Array[]) =>
      x.map((ch) => {
        const y = ch.slice();
        for (let i = 0; i < FRAME; i++) y[Math.round(0.25 * SR) + i] = 0.1 * Math.sin((2 * Math.PI * 1000 * i) / SR);
        return y;
      });
    const silentHead = (x: Float32Array[]) => x.map((ch) => ch.map((v, i) => (i < SR ? 0 : v)));
    const [dx, mx, fx] = [withPop(silentHead(DX)), withPop(silentHead(MX)), withPop(silentHead(FX))];
    const pm = withPop(sum(silentHead(DX), silentHead(MX), silentHead(FX)));
    const whole = run(pm, dx, mx, fx);
    expect(whole.channels[0]!.residualPeakDbfs!).toBeGreaterThan(-20); // two extra pops
    const r = checkStemsSum(memorySource('PM.wav', pm), [
      { name: 'DX', source: memorySource('DX.wav', dx) },
      { name: 'MX', source: memorySource('MX.wav', mx) },
      { name: 'FX', source: memorySource('FX.wav', fx) },
    ], { fromSeconds: 1 });
    expect(r.fromSeconds).toBe(1);
    expect(r.framesCompared).toBe(N - SR);
    expect(r.series.startSeconds).toBe(1);
    expect(r.series.channels[0]!.residualRmsDbfs).toHaveLength(6);
    for (const ch of r.channels) expect(ch.residualPeakDbfs === null || ch.residualPeakDbfs < -90).toBe(true);
    expect(r.runs).toEqual([]);
  });

  it('compares by position and says so when a part is labelled differently', () => {
    const r = checkStemsSum(memorySource('PM.wav', sum(DX, MX, FX)), [
      { name: 'DX', source: memorySource('DX.wav', DX) },
      { name: 'MX', source: memorySource('MX.wav', MX, ['Ls', 'Rs']) },
      { name: 'FX', source: memorySource('FX.wav', FX) },
    ]);
    expect(r.warnings).toEqual(['MX (MX.wav) is labelled Ls Rs but printmaster is L R: channels are compared by position']);
    expect(r.nulls).toBe(true);
  });

  it('refuses parts of another layout with a clear error', () => {
    const mono = [new Float32Array(N)];
    expect(() => checkStemsSum(memorySource('PM.wav', sum(DX, MX, FX)), [{ name: 'DX', source: memorySource('DX.wav', mono, ['M']) }])).toThrow(DubstageError);
    expect(() => checkStemsSum(memorySource('PM.wav', sum(DX, MX, FX)), [{ name: 'DX', source: memorySource('DX.wav', mono, ['M']) }])).toThrow(/DX\.wav: DX has 1 channels but printmaster/);
  });
});

describe('M&E null test', () => {
  it('nulls a clean M&E and shows dialogue leaked into it, with its time in the series', () => {
    const me = sum(MX, FX);
    const clean = checkMeAgainstStems(memorySource('ME.wav', me), memorySource('MX.wav', MX), memorySource('FX.wav', FX));
    expect(clean.nulls).toBe(true);
    expect(clean.parts.map((p) => p.name)).toEqual(['music', 'effects']);

    const leak = [0, 1].map((c) => {
      const x = me[c]!.slice();
      for (let i = SR; i < 1.5 * SR; i++) x[i]! += DX[c]![i]!;
      return x;
    });
    const r = checkMeAgainstStems(memorySource('ME.wav', leak), memorySource('MX.wav', MX), memorySource('FX.wav', FX));
    expect(r.reference.name).toBe('M&E');
    expect(r.nulls).toBe(false);
    const content = r.runs.filter((x) => x.kind === 'content' && x.sustained);
    expect(content.length).toBeGreaterThan(0);
    expect(Math.min(...content.map((x) => x.startSeconds))).toBeCloseTo(1, 1);
    expect(Math.max(...content.map((x) => x.endSeconds))).toBeCloseTo(1.5, 1);
    const series = r.series.channels[1]!.residualRmsDbfs;
    expect(series[2]!).toBeGreaterThan(-40);
    expect(series[0] === null || series[0] < -90).toBe(true);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { writeWav } from '../../src/audio/writer.js';
import { ClippingAnalyzer, type ClippingResult } from '../../src/analyzers/clipping.js';
import { DcOffsetAnalyzer, type DcOffsetResult } from '../../src/analyzers/dc-offset.js';
import { LfeBandAnalyzer, type LfeBandResult } from '../../src/analyzers/lfe-band.js';
import { PhaseAnalyzer, type PhaseResult } from '../../src/analyzers/phase.js';
import { SilenceAnalyzer, type SilenceResult } from '../../src/analyzers/silence.js';
import { TwoPopAnalyzer, type TwoPopResult } from '../../src/analyzers/two-pop.js';

const SR = 48000;
const dir = mkdtempSync(join(tmpdir(), 'dubstage-reel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A 24-bit 5.1 reel head, 10 s: 2-pop at 6 s, programme from 8 s, an unused LFE, a clipped run on L at
 * 8.5 s, a 5 ms dropout on C at 9 s, Ls/Rs in opposite polarity, DC on R (the pop is on every channel).
 */
function reel(): Float64Array[] {
  const n = 10 * SR;
  let s = 1;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return 2 * (s / 2 ** 32) - 1;
  };
  const ch = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n));
  for (let c = 0; c < 6; c++) {
    for (let i = 0; i < SR / 24; i++) ch[c]![6 * SR + i] = 0.1 * Math.sin((2 * Math.PI * 1000 * i) / SR + 0.5);
  }
  for (let i = 8 * SR; i < n; i++) {
    const common = 0.1 * r();
    ch[0]![i] = common + 0.1 * r();
    ch[1]![i] = common + 0.1 * r() + 0.01; // -40 dBFS of DC
    ch[2]![i] = 0.1 * r();
    ch[4]![i] = 0.15 * r();
    ch[5]![i] = -ch[4]![i]!;
  }
  ch[0]!.fill(1, 8.5 * SR, 8.5 * SR + 8);
  ch[2]!.fill(0, 9 * SR, 9 * SR + 240);
  return ch;
}

describe('signal analyzers riding one measureFile pass over a written reel', () => {
  it('each finds its planted fault at the right time', async () => {
    const path = join(dir, 'REEL1_PM_51.wav');
    const planted = reel();
    writeWav(path, { sampleRate: SR, channels: 6, encoding: 's24le' }, planted);
    const m = await measureFile(path, {
      analyzers: () => [new ClippingAnalyzer(), new SilenceAnalyzer(), new DcOffsetAnalyzer(), new PhaseAnalyzer(), new LfeBandAnalyzer(), new TwoPopAnalyzer()],
    });
    expect(m.error).toBeUndefined();
    const a = m.analyzers!;
    const pop = a['two-pop'] as TwoPopResult;
    expect(pop.present).toBe(true);
    expect(pop.startSeconds).toBe(6);
    expect(pop.ffoaSeconds).toBe(8);
    expect(pop.inSync).toBe(true);

    const clip = a['clipping'] as ClippingResult;
    expect(clip.runs).toHaveLength(1);
    expect(clip.runs[0]).toMatchObject({ label: 'L', startSeconds: 8.5, lengthSamples: 8 });

    const silence = a['silence'] as SilenceResult;
    expect(silence.dropouts).toHaveLength(1);
    expect(silence.dropouts[0]).toMatchObject({ label: 'C', startSeconds: 9, lengthSamples: 240 });
    // The LFE carries only the pop: no dropout, and its long tail of zero is trailing silence.
    expect(silence.channels.find((c) => c.label === 'LFE')).toMatchObject({ silentThroughout: false, dropoutCount: 0, gapCount: 0 });
    // The digital silence between the pop and FFOA is a gap on every channel, not a dropout.
    expect(silence.gaps.filter((g) => g.startSeconds > 6 && g.endSeconds === 8)).toHaveLength(5);

    const dc = a['dc-offset'] as DcOffsetResult;
    // 2 s of programme in a 10 s file: the long-term mean is about a fifth of the planted DC (-54 dBFS).
    const mean = planted[1]!.reduce((a, v) => a + v, 0) / planted[1]!.length;
    expect(dc.channels[1]!.meanDbfs!).toBeCloseTo(20 * Math.log10(mean), 2);
    expect(dc.channels[1]!.meanDbfs!).toBeCloseTo(-54, 0);
    expect(dc.worstChannel).toBe(1);

    const phase = a['phase'] as PhaseResult;
    const surround = phase.pairs.find((p) => p.pair === 'Ls/Rs')!;
    expect(surround.correlation!).toBeLessThan(-0.9); // the in-phase pop pulls it a little off -1
    expect(surround.negativeRuns[0]!.startSeconds).toBeCloseTo(8, 6);
    expect(phase.pairs.find((p) => p.pair === 'L/R')!.negativeRuns).toEqual([]);

    const lfe = a['lfe-band'] as LfeBandResult;
    // The only LFE content is the 1 kHz pop: all of it above the band, in the 6-7 s window.
    expect(lfe.channels[0]!.cutoffs[0]!.worstWindow).toMatchObject({ startSeconds: 6, endSeconds: 7 });
    expect(lfe.channels[0]!.cutoffs[0]!.aboveBandDb!).toBeGreaterThan(-1);
  });
});

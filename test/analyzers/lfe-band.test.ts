import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import { LfeBandAnalyzer } from '../../src/analyzers/lfe-band.js';
import { BiquadCascade } from '../../src/dsp/biquad.js';

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
});

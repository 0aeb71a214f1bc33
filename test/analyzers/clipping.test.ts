import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import { ClippingAnalyzer } from '../../src/analyzers/clipping.js';

const SR = 48000;

function run<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames = 1000): R {
  return runAnalyzer(analyzer, channels, labels, blockFrames, SR);
}

function sine(seconds: number, hz: number, amp: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / SR + 0.3);
  return x;
}

describe('clipping analyzer', () => {
  it('reports nothing on a clean sine peaking at -1 dBFS', () => {
    const r = run(new ClippingAnalyzer(), [sine(2, 997, 10 ** (-1 / 20)), sine(2, 440, 0.5)], ['L', 'R']);
    expect(r.runs).toEqual([]);
    expect(r.channels[0]!.peakDbfs).toBeCloseTo(-1, 2);
    expect(r.netflix.identicalRunAtThreshold).toBe(false);
    expect(r.netflix.tooManyFullScaleSamples).toBe(false);
  });

  it('finds a planted run of full-scale samples on the right channel at the right time', () => {
    const l = sine(2, 440, 0.5);
    const r = sine(2, 440, 0.5);
    // 12 samples hard-clipped at +1.0 starting at 1.25 s (across a block boundary at 60000).
    const start = Math.round(1.25 * SR) - 5;
    for (let i = 0; i < 12; i++) r[start + i] = 1;
    const res = run(new ClippingAnalyzer(), [l, r], ['L', 'R']);
    expect(res.runs).toHaveLength(1);
    const clip = res.runs[0]!;
    expect(clip.label).toBe('R');
    expect(clip.channel).toBe(1);
    expect(clip.startFrame).toBe(start);
    expect(clip.lengthSamples).toBe(12);
    expect(clip.startSeconds).toBeCloseTo(start / SR, 9);
    expect(clip.levelDbfs).toBeCloseTo(0, 6);
    expect(res.channels[1]!.fullScaleSamples).toBe(12);
    expect(res.netflix.identicalRunAtThreshold).toBe(true);
    expect(res.channels[0]!.runCount).toBe(0);
  });

  it('counts segments at the asset peak (Netflix criterion 2) and the full-scale share', () => {
    const x = sine(2, 440, 0.5);
    for (let k = 0; k < 10; k++) {
      const s = 5000 + k * 8000;
      for (let i = 0; i < 4; i++) x[s + i] = -1;
    }
    // A quieter run (-0.3 dBFS) does not count towards the segments at the peak.
    for (let i = 0; i < 6; i++) x[90000 + i] = 10 ** (-0.3 / 20);
    const res = run(new ClippingAnalyzer(), [x], ['M']);
    expect(res.channels[0]!.runCount).toBe(11);
    expect(res.channels[0]!.runsAtPeakCount).toBe(10);
    expect(res.netflix.segmentsAtAssetPeak).toBe(10);
    expect(res.netflix.tooManySegmentsAtPeak).toBe(true);
    expect(res.channels[0]!.fullScaleSamples).toBe(40);
    expect(res.netflix.fullScalePercent).toBeCloseTo((100 * 40) / x.length, 9);
    expect(res.netflix.tooManyFullScaleSamples).toBe(true);
  });

  it('honours a configured threshold and run length', () => {
    const x = sine(1, 440, 0.5);
    for (let i = 0; i < 3; i++) x[1000 + i] = 0.95; // -0.446 dBFS: under -0.01, over -1
    const strict = run(new ClippingAnalyzer({ thresholdDbfs: -0.01, minRunSamples: 2 }), [x], ['M']);
    expect(strict.runs).toHaveLength(0);
    const loose = run(new ClippingAnalyzer({ thresholdDbfs: -1, minRunSamples: 3 }), [x], ['M']);
    expect(loose.runs).toHaveLength(1);
    expect(loose.runs[0]!.startFrame).toBe(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { PeakOversAnalyzer } from '../../src/analyzers/peak-overs.js';

describe('peak-overs analyzer', () => {
  it('finds runs of samples at or above the limit, per channel, merged within 100 ms, across blocks', () => {
    const a = new PeakOversAnalyzer(-2);
    a.start({ sampleRate: 1000, channelCount: 2, channelLabels: ['L', 'R'], frames: 3000 });
    const l = new Float32Array(1000);
    const r = new Float32Array(1000);
    l[100] = 0.9; // -0.9 dBFS
    l[150] = -0.85; // within 100 ms: same run
    l[900] = 0.5; // under -2 dBFS (0.794): nothing
    r[999] = 0.8;
    a.process({ channels: [l, r], frames: 1000, frameOffset: 0 });
    const r2 = new Float32Array(1000);
    r2[0] = 0.81; // continues R's run across the block boundary
    a.process({ channels: [new Float32Array(1000), r2], frames: 1000, frameOffset: 1000 });
    const out = a.finish();
    expect(out.runs).toEqual([
      { channel: 0, label: 'L', startSeconds: 0.1, endSeconds: 0.151, peakDbfs: -0.92 },
      { channel: 1, label: 'R', startSeconds: 0.999, endSeconds: 1.001, peakDbfs: -1.83 },
    ]);
    expect(out.runsTruncated).toBe(false);
  });

  it('keeps at most maxRuns runs and says so', () => {
    const a = new PeakOversAnalyzer(-6, 2);
    a.start({ sampleRate: 100, channelCount: 1, channelLabels: ['M'], frames: 1000 });
    const x = new Float32Array(1000);
    for (let i = 0; i < 1000; i += 100) x[i] = 1;
    a.process({ channels: [x], frames: 1000, frameOffset: 0 });
    const out = a.finish();
    expect(out.runs).toHaveLength(2);
    expect(out.runsTruncated).toBe(true);
  });
});

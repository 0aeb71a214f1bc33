import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import { MONO_FOLD_FLOOR_DB, PhaseAnalyzer } from '../../src/analyzers/phase.js';

const SR = 48000;

function run<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames = 3000): R {
  return runAnalyzer(analyzer, channels, labels, blockFrames, SR);
}

function noise(frames: number, seed: number, amp = 0.1): Float32Array {
  const x = new Float32Array(frames);
  let s = seed;
  for (let i = 0; i < frames; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = amp * (2 * (s / 2 ** 32) - 1);
  }
  return x;
}

/** A stereo pair sharing half its energy (correlation ~0.5). */
function pair(frames: number, seed: number): [Float32Array, Float32Array] {
  const common = noise(frames, seed);
  const a = noise(frames, seed + 100);
  const b = noise(frames, seed + 200);
  const l = new Float32Array(frames);
  const r = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    l[i] = common[i]! + a[i]!;
    r[i] = common[i]! + b[i]!;
  }
  return [l, r];
}

describe('phase analyzer', () => {
  it('finds an out-of-phase surround pair at the right time and leaves a healthy L/R alone', () => {
    const frames = 4 * SR;
    const [l, r] = pair(frames, 1);
    const [ls, rs] = pair(frames, 2);
    for (let i = Math.round(1.2 * SR); i < Math.round(2.4 * SR); i++) rs[i] = -ls[i]!;
    const c = noise(frames, 3);
    const lfe = new Float32Array(frames);
    const res = run(new PhaseAnalyzer(), [l, r, c, lfe, ls, rs], ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(res.pairs.map((p) => p.pair)).toEqual(['L/R', 'Ls/Rs']);
    const front = res.pairs[0]!;
    expect(front.correlation).toBeGreaterThan(0.4);
    expect(front.correlation).toBeLessThan(0.6);
    expect(front.negativeRuns).toEqual([]);
    expect(front.monoFoldLossDb).toBeGreaterThan(-2);
    expect(front.identical).toBe(false);

    const sur = res.pairs[1]!;
    expect(sur.negativeRuns).toHaveLength(1);
    expect(sur.negativeRuns[0]!.startSeconds).toBeCloseTo(1.2, 6);
    expect(sur.negativeRuns[0]!.endSeconds).toBeCloseTo(2.4, 6);
    expect(sur.negativeRuns[0]!.minCorrelation).toBeCloseTo(-1, 6);
    expect(sur.worstWindowCorrelation!.value).toBeCloseTo(-1, 6);
    expect(sur.worstWindowCorrelation!.startSeconds).toBeGreaterThanOrEqual(1.2);
    expect(sur.worstWindowCorrelation!.endSeconds).toBeLessThanOrEqual(2.4 + 1e-9);
    expect(sur.worstWindowMonoFoldLossDb!.value).toBe(MONO_FOLD_FLOOR_DB);
    expect(sur.judgedWindows).toBe(10);
  });

  it('reads dual mono as correlation 1, no fold-down loss, identical', () => {
    const x = noise(2 * SR, 9);
    const res = run(new PhaseAnalyzer(), [x, x.slice()], ['L', 'R']);
    const p = res.pairs[0]!;
    expect(p.correlation).toBeCloseTo(1, 9);
    expect(p.monoFoldLossDb).toBeCloseTo(0, 9);
    expect(p.identical).toBe(true);
    expect(p.negativeRuns).toEqual([]);
  });

  it('gives uncorrelated channels a 3 dB fold-down loss and judges no silent window', () => {
    const l = noise(2 * SR, 11);
    const r = noise(2 * SR, 12);
    const whole = run(new PhaseAnalyzer(), [l, r], ['L', 'R']).pairs[0]!;
    expect(whole.monoFoldLossDb).toBeCloseTo(-3.01, 1);
    r.fill(0, SR); // R silent from 1 s: windows 1.2-1.6 and 1.6-2.0 are not judged
    const p = run(new PhaseAnalyzer(), [l, r], ['L', 'R']).pairs[0]!;
    expect(p.judgedWindows).toBe(3); // 0.8-1.2 is half silent, still above the gate
    expect(Math.abs(p.worstWindowCorrelation!.value)).toBeLessThan(0.1);
    expect(p.negativeRuns).toEqual([]);
  });
});

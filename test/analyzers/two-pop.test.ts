import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import { TwoPopAnalyzer } from '../../src/analyzers/two-pop.js';

const SR = 48000;
const FRAME = SR / 24; // 2000 samples

function run<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames = 4096): R {
  return runAnalyzer(analyzer, channels, labels, blockFrames, SR);
}

/** A reel head: silence, a one-frame 1 kHz pop at -20 dBFS at `popFrame`, programme from `ffoaFrame`. */
function reel(channels: number, popFrame: number | null, ffoaFrame: number, seconds = 10): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(seconds * SR);
    if (popFrame !== null) {
      for (let i = 0; i < FRAME; i++) x[popFrame + i] = 0.1 * Math.sin((2 * Math.PI * 1000 * i) / SR + 0.5);
    }
    let s = c + 1;
    for (let i = ffoaFrame; i < x.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      x[i] = 0.2 * (2 * (s / 2 ** 32) - 1);
    }
    return x;
  });
}

const LABELS: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

describe('two-pop analyzer', () => {
  it('finds a pop two seconds before the first programme audio, on every channel', () => {
    const r = run(new TwoPopAnalyzer(), reel(6, 6 * SR, 8 * SR), LABELS);
    expect(r.present).toBe(true);
    expect(r.startFrame).toBe(6 * SR);
    expect(r.startSeconds).toBe(6);
    expect(r.durationFrames!).toBeCloseTo(1, 2);
    expect(r.peakDbfs!).toBeCloseTo(-20, 1);
    expect(r.channels).toEqual(LABELS);
    expect(r.ffoaSource).toBe('inferred');
    expect(r.ffoaSeconds).toBe(8);
    expect(r.popToFfoaSeconds).toBeCloseTo(2, 9);
    expect(r.offsetFromExpectedFrames).toBeCloseTo(0, 9);
    expect(r.inSync).toBe(true);
  });

  it('reports a pop one frame late against a given FFOA', () => {
    const r = run(new TwoPopAnalyzer({ ffoaSeconds: 8 }), reel(2, 6 * SR + FRAME, 8 * SR), ['L', 'R']);
    expect(r.present).toBe(true);
    expect(r.startFrame).toBe(6 * SR + FRAME);
    expect(r.ffoaSource).toBe('given');
    expect(r.offsetFromExpectedFrames).toBeCloseTo(1, 9);
    expect(r.inSync).toBe(false);
  });

  it('says absent with no pop, and does not take a noise burst or line-up tone for one', () => {
    const none = run(new TwoPopAnalyzer(), reel(2, null, 8 * SR), ['L', 'R']);
    expect(none.present).toBe(false);
    expect(none.startSeconds).toBeNull();
    expect(none.inSync).toBeNull();

    const chans = reel(2, null, 8 * SR);
    let s = 3;
    for (let i = 6 * SR; i < 6 * SR + FRAME; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      chans[0]![i] = 0.1 * (2 * (s / 2 ** 32) - 1); // a one-frame click of noise
    }
    for (let i = SR; i < 4 * SR; i++) chans[1]![i] = 0.1 * Math.sin((2 * Math.PI * 1000 * i) / SR); // 3 s of tone
    expect(run(new TwoPopAnalyzer(), chans, ['L', 'R']).present).toBe(false);
  });
});

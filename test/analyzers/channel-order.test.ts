/**
 * Channel-order detection from synthetic planar blocks: "dialogue" is a set of tones in the speech
 * band, ambience is white noise, the LFE feed is 40 + 70 Hz. Expected findings follow from where
 * each signal is put.
 */
import { describe, expect, it } from 'vitest';
import { ChannelOrderAnalyzer, checkLrSwap, type ChannelOrderResult } from '../../src/analyzers/channel-order.js';
import type { ChannelLabel } from '../../src/audio/channels.js';
import { BiquadCascade } from '../../src/dsp/biquad.js';

const RATE = 48000;
const SECONDS = 2;
type Kind = 'dialogue' | 'noise' | 'lfe' | 'legal-lfe' | 'silence';

function makeSignal(kind: Kind, frames: number, seed: number, gain = 1): Float32Array {
  const out = new Float32Array(frames);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < frames; i++) {
    const t = i / RATE;
    if (kind === 'dialogue') {
      out[i] = gain * 0.1 * (Math.sin(2 * Math.PI * 500 * t) + Math.sin(2 * Math.PI * 1100 * t) + Math.sin(2 * Math.PI * 2300 * t));
    } else if (kind === 'noise') {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = gain * 0.03 * ((s >>> 0) / 2 ** 32 - 0.5) * 2;
    } else if (kind === 'lfe') {
      out[i] = gain * 0.2 * (Math.sin(2 * Math.PI * 40 * t) + Math.sin(2 * Math.PI * 70 * t));
    }
  }
  if (kind === 'legal-lfe') {
    // white noise low-passed at 120 Hz, 24 dB/oct: the worst case a spec allows
    const noise = makeSignal('noise', frames, seed, gain * 10);
    const lp = BiquadCascade.butterworth('lowpass', RATE, 120, 4);
    for (let i = 0; i < frames; i++) out[i] = lp.process(noise[i]!);
  }
  return out;
}

/** Run the analyzer over `content` (one kind per channel) labelled `labels`, in 1024-frame blocks. */
function analyze(labels: ChannelLabel[], content: Kind[], gains: number[] = []): ChannelOrderResult {
  const frames = RATE * SECONDS;
  const signals = content.map((k, c) => makeSignal(k, frames, 1234 + c * 77, gains[c] ?? 1));
  const a = new ChannelOrderAnalyzer();
  a.start({ sampleRate: RATE, channelCount: labels.length, channelLabels: labels, frames });
  const block = 1024;
  const bufs = labels.map(() => new Float32Array(block));
  for (let at = 0; at < frames; at += block) {
    const n = Math.min(block, frames - at);
    signals.forEach((sig, c) => bufs[c]!.set(sig.subarray(at, at + n)));
    a.process({ channels: bufs, frames: n, frameOffset: at });
  }
  return a.finish();
}

const SMPTE: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

describe('channel-order analyzer', () => {
  it('a correct SMPTE 5.1 gives no findings', () => {
    const r = analyze(SMPTE, ['noise', 'noise', 'dialogue', 'lfe', 'noise', 'noise']);
    expect(r.findings).toEqual([]);
    expect(r.labelledLayout).toBe('5.1-smpte');
    expect(r.contentSuggestsLayout).toBeNull();
    // the LFE feed is band-limited: its energy above 120 Hz is far below its broadband level
    expect(r.channels[3]!.above120HzRelativeDb!).toBeLessThan(-20);
    // the centre leads the speech band
    expect(r.channels[2]!.speechBandDbfs!).toBeGreaterThan(r.channels[0]!.speechBandDbfs! + 10);
  });

  it('a 5.1 with LFE and C swapped: broadband LFE and a centre without speech, with evidence', () => {
    const r = analyze(SMPTE, ['noise', 'noise', 'lfe', 'dialogue', 'noise', 'noise']);
    const codes = r.findings.map((f) => f.code);
    expect(codes).toEqual(['lfe-broadband', 'centre-less-speech']);
    const lfe = r.findings[0]!;
    expect(lfe.channels).toEqual([4]);
    expect(lfe.evidence.above120HzRelativeDb as number).toBeGreaterThan(-1);
    const centre = r.findings[1]!;
    expect(centre.channels).toEqual([3, 4]);
    expect((centre.evidence.otherSpeechBandDbfs as number) - (centre.evidence.centreSpeechBandDbfs as number)).toBeGreaterThan(20);
    // no other known 5.1 order has LFE 3rd and C 4th: nothing suggested
    expect(r.contentSuggestsLayout).toBeNull();
  });

  it('a Film-order file labelled SMPTE is reported as likely 5.1-film, not re-routed', () => {
    // content in Film order L C R Ls Rs LFE
    const r = analyze(SMPTE, ['noise', 'dialogue', 'noise', 'noise', 'noise', 'lfe']);
    expect(r.contentSuggestsLayout).toBe('5.1-film');
    expect(r.findings.map((f) => f.code)).toEqual(['lfe-broadband', 'centre-less-speech', 'order-mismatch']);
    const mismatch = r.findings[2]!;
    expect(mismatch.evidence).toMatchObject({ labelled: '5.1-smpte', contentFits: '5.1-film', lfeLikeChannel: 6, speechChannel: 2 });
    // the labels stay as given
    expect(r.labels).toEqual(SMPTE);
  });

  it('a legal LFE (noise low-passed at 120 Hz, 24 dB/oct) is not flagged', () => {
    const r = analyze(SMPTE, ['noise', 'noise', 'dialogue', 'legal-lfe', 'noise', 'noise']);
    expect(r.findings).toEqual([]);
    expect(r.channels[3]!.above120HzRelativeDb!).toBeLessThan(-6);
    expect(r.channels[3]!.above120HzRelativeDb!).toBeGreaterThan(-15);
  });

  it('silence in the LFE is not judged', () => {
    const r = analyze(SMPTE, ['noise', 'noise', 'dialogue', 'silence', 'noise', 'noise']);
    expect(r.findings).toEqual([]);
    expect(r.channels[3]!.broadbandDbfs).toBeNull();
  });

  it('L/R swapped against a stem: opposite balance beyond the margin', () => {
    const pm = analyze(['L', 'R'], ['noise', 'noise'], [1, 0.2]);
    const stem = analyze(['L', 'R'], ['noise', 'noise'], [0.2, 1]);
    const same = analyze(['L', 'R'], ['noise', 'noise'], [0.5, 0.1]);
    const f = checkLrSwap(pm, stem)!;
    expect(f.code).toBe('lr-swapped');
    expect(f.evidence.balanceDbA as number).toBeCloseTo(14, 0);
    expect(f.evidence.balanceDbB as number).toBeCloseTo(-14, 0);
    expect(checkLrSwap(pm, same)).toBeNull();
  });
});

describe('channel-order analyzer, sampled (qc measures one block in four)', () => {
  /** Like analyze(), over 20 s in 0.25 s blocks, measuring every `every`-th block. */
  function analyzeSampled(labels: ChannelLabel[], content: Kind[], every: number): ChannelOrderResult {
    // long enough that a quarter of it is a fair sample of steady programme
    const frames = RATE * 20;
    const signals = content.map((k, c) => makeSignal(k, frames, 1234 + c * 77));
    const a = new ChannelOrderAnalyzer({ everyNthBlock: every });
    a.start({ sampleRate: RATE, channelCount: labels.length, channelLabels: labels, frames });
    const block = RATE / 4;
    const bufs = labels.map(() => new Float32Array(block));
    for (let at = 0; at < frames; at += block) {
      const n = Math.min(block, frames - at);
      signals.forEach((sig, c) => bufs[c]!.set(sig.subarray(at, at + n)));
      a.process({ channels: bufs, frames: n, frameOffset: at });
    }
    return a.finish();
  }

  it('reads the same band ratios as the full pass (within 1 dB) and the same verdict', () => {
    // the verdicts rest on ratios (energy above 120 Hz, speech band, each against broadband): a sample of
    // the programme shows them; absolute levels of a random LF noise vary by a dB between samples
    const content: Kind[] = ['noise', 'noise', 'dialogue', 'legal-lfe', 'noise', 'noise'];
    const full = analyzeSampled(SMPTE, content, 1);
    const sampled = analyzeSampled(SMPTE, content, 4);
    full.channels.forEach((c, i) => {
      const s = sampled.channels[i]!;
      expect(Math.abs(s.above120HzRelativeDb! - c.above120HzRelativeDb!), `${c.label} above 120 Hz`).toBeLessThan(1);
      expect(Math.abs(s.speechBandDbfs! - s.broadbandDbfs! - (c.speechBandDbfs! - c.broadbandDbfs!)), `${c.label} speech band`).toBeLessThan(1);
    });
    expect(sampled.findings).toEqual(full.findings);
  });

  it('still finds C and LFE swapped', () => {
    const r = analyzeSampled(SMPTE, ['noise', 'noise', 'lfe', 'dialogue', 'noise', 'noise'], 4);
    expect(r.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['lfe-broadband', 'centre-less-speech']));
  });
});

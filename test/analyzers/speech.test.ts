import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectSpeech, sileroModelPath, speechDownmixWeights, SpeechAnalyzer } from '../../src/analyzers/speech.js';
import { committedClips } from '../fixtures/speech/clips.js';
import { buildMix, resampleClip, scoreHops, spanHopFractions, trimClip, type BuiltMix } from '../analysis/dialogue-fixtures.js';

describe('speech detector downmix', () => {
  it('listens mainly to C in 5.1 and 7.1, never to LFE or surrounds', () => {
    expect(speechDownmixWeights(['L', 'R', 'C', 'LFE', 'Ls', 'Rs'])).toEqual([0.5, 0.5, 1, 0, 0, 0]);
    expect(speechDownmixWeights(['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs'])).toEqual([0.5, 0.5, 1, 0, 0, 0, 0, 0]);
  });
  it('takes the mid of stereo, mono as is, and the mean of unknown channels without LFE', () => {
    expect(speechDownmixWeights(['L', 'R'])).toEqual([0.5, 0.5]);
    expect(speechDownmixWeights(['M'])).toEqual([1]);
    expect(speechDownmixWeights(['Ch1', 'Ch2', 'LFE', 'Ch4'])).toEqual([1 / 3, 1 / 3, 0, 1 / 3]);
  });
});

describe('SpeechAnalyzer (Silero v5 through onnxruntime-node)', () => {
  let mix: BuiltMix;
  let bedOnly: BuiltMix;
  beforeAll(() => {
    const speech = committedClips().slice(0, 4).map((c) => trimClip(resampleClip(c, 48000)));
    mix = buildMix({ name: 'music +10', rate: 48000, layout: '5.1', bed: 'music', speechToBedDb: 10, lines: 4, seed: 5 }, speech);
    bedOnly = buildMix({ name: 'effects only', rate: 48000, layout: '5.1', bed: 'effects', speechToBedDb: 0, lines: 0, seed: 5 }, speech);
  });

  it('uses the model file shipped in the npm package', () => {
    expect(existsSync(sileroModelPath())).toBe(true);
  });

  it('finds the lines placed in the centre channel, per 100 ms hop', async () => {
    const act = await detectSpeech(mix.channels, mix.rate, mix.labels);
    const frames = mix.channels[0].length;
    expect(act.hopFrames).toBe(4800);
    expect(act.hops).toBe(Math.ceil(frames / 4800));
    const { precision, recall } = scoreHops(act.speechFraction, spanHopFractions(mix.spans, mix.rate, frames));
    expect(precision!).toBeGreaterThan(0.9);
    expect(recall!).toBeGreaterThan(0.9);
  }, 60_000);

  it('finds no speech in an effects bed', async () => {
    const act = await detectSpeech(bedOnly.channels, bedOnly.rate, bedOnly.labels);
    expect(act.speechSeconds / act.durationSeconds).toBeLessThan(0.03);
  }, 60_000);

  it('gives the same activity whatever the host block size', async () => {
    const a = await detectSpeech(mix.channels, mix.rate, mix.labels, {}, 48000);
    const b = await detectSpeech(mix.channels, mix.rate, mix.labels, {}, 1111);
    expect(Array.from(b.speechFraction)).toEqual(Array.from(a.speechFraction));
  }, 60_000);

  it('gives the same answers for files measured side by side (one shared session)', async () => {
    const [a, b] = await Promise.all([
      detectSpeech(mix.channels, mix.rate, mix.labels),
      detectSpeech(bedOnly.channels, bedOnly.rate, bedOnly.labels),
    ]);
    const a1 = await detectSpeech(mix.channels, mix.rate, mix.labels);
    const b1 = await detectSpeech(bedOnly.channels, bedOnly.rate, bedOnly.labels);
    expect(Array.from(a.speechFraction)).toEqual(Array.from(a1.speechFraction));
    expect(Array.from(b.speechFraction)).toEqual(Array.from(b1.speechFraction));
  }, 60_000);

  it('lines up hops the same at 44.1 kHz', async () => {
    const speech = committedClips().slice(0, 4).map((c) => trimClip(resampleClip(c, 44100)));
    const m = buildMix({ name: 'stereo 44.1', rate: 44100, layout: 'stereo', bed: 'music', speechToBedDb: 10, lines: 4, seed: 5 }, speech);
    const act = await detectSpeech(m.channels, m.rate, m.labels);
    expect(act.hopFrames).toBe(4410);
    const { precision, recall } = scoreHops(act.speechFraction, spanHopFractions(m.spans, m.rate, m.channels[0].length));
    expect(precision!).toBeGreaterThan(0.9);
    expect(recall!).toBeGreaterThan(0.9);
  }, 60_000);

  it('summarises as JSON with the detector named and the not-Dolby note', async () => {
    const a = new SpeechAnalyzer();
    a.start({ sampleRate: 48000, channelCount: 6, channelLabels: mix.labels, frames: null });
    const n = 48000 * 3;
    await a.process({ channels: mix.channels.map((c) => c.subarray(0, n)), frames: n, frameOffset: 0 });
    const s = a.finish();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.detector).toMatch(/silero/i);
    expect(s.note).toMatch(/not Dolby/);
    expect(s.downmix).toEqual({ L: 0.5, R: 0.5, C: 1 });
    expect(s.durationSeconds).toBe(3);
  }, 60_000);
});

/**
 * The dialogue validation set (issue 7): espeak-ng speech at known times over music-like and
 * effects-like beds at several speech-to-bed ratios, truth known by construction. Every row is
 * measured by both methods; rows where speech is clearly audible (speech at or above the bed) are
 * held to |error| <= 1 LU and 0.9 precision/recall, the rest are reported in RESULTS.md.
 * `DUBSTAGE_WRITE_RESULTS=1 npx vitest run test/analysis/dialogue-validation` rewrites
 * test/fixtures/speech/RESULTS.md from this run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSpeech } from '../../src/analyzers/speech.js';
import { dialogueHooks, dialogueLoudness, gatedLoudness, measureDialogueStem, stemAnchoredDialogue } from '../../src/analysis/dialogue.js';
import { measureFile } from '../../src/analysis/measure.js';
import { writeWav } from '../../src/audio/writer.js';
import type { DialogueLoudness } from '../../src/analysis/results.js';
import { committedClips, espeakAvailable, fixturesDir, renderWithEspeak } from '../fixtures/speech/clips.js';
import {
  buildMix,
  meter,
  resampleClip,
  scoreHops,
  spanBlockMask,
  spanHopFractions,
  dialoguePresentMask,
  trimClip,
  type BuiltMix,
  type MixSpec,
} from './dialogue-fixtures.js';

interface Row {
  spec: MixSpec;
  /** Held to the accuracy targets (speech clearly audible). */
  clear: boolean;
  note: string;
}

const base = { rate: 48000, layout: '5.1' as const, lines: 5, seed: 11 };
const ROWS: Row[] = [
  { spec: { ...base, name: 'speech alone', bed: 'none', speechToBedDb: 0 }, clear: true, note: '' },
  ...[10, 0, -10, -15, -20].map((db): Row => ({
    spec: { ...base, name: `music ${db >= 0 ? '+' : ''}${db} dB`, bed: 'music', speechToBedDb: db },
    clear: db >= 0,
    note: db <= -15 ? 'speech under loud music' : '',
  })),
  ...[10, 0, -10, -15].map((db): Row => ({
    spec: { ...base, name: `effects ${db >= 0 ? '+' : ''}${db} dB`, bed: 'effects', speechToBedDb: db },
    clear: db >= 0,
    note: db <= -15 ? 'speech under loud effects' : '',
  })),
  { spec: { ...base, name: 'stereo 44.1 kHz, music +5 dB', rate: 44100, layout: 'stereo', bed: 'music', speechToBedDb: 5 }, clear: true, note: '' },
  { spec: { ...base, name: 'walla +10 dB', bed: 'walla', speechToBedDb: 10 }, clear: false, note: 'walla counted as speech between lines' },
  { spec: { ...base, name: 'walla only', bed: 'walla', speechToBedDb: 0, lines: 0 }, clear: false, note: 'walla taken for dialogue' },
  { spec: { ...base, name: 'sung vowel +5 dB', bed: 'singing', speechToBedDb: 5 }, clear: true, note: 'synthetic sung /a/, not a real singer' },
  { spec: { ...base, name: 'sung vowel only', bed: 'singing', speechToBedDb: 0, lines: 0 }, clear: false, note: 'synthetic sung /a/, not a real singer' },
  { spec: { ...base, name: 'two lines in 60 s, music +5 dB', bed: 'music', speechToBedDb: 5, lines: 2, tailSeconds: 45 }, clear: true, note: 'under 15 % speech: fallback' },
];

interface Result {
  row: Row;
  truthLufs: number | null;
  detector: DialogueLoudness;
  errorLu: number | null;
  precision: number | null;
  recall: number | null;
  truthSpeechPercent: number;
  stemTruthLufs: number | null;
  stem: DialogueLoudness | null;
  stemErrorLu: number | null;
}

function diff(a: number | null, b: number | null): number | null {
  return a !== null && b !== null ? a - b : null;
}

async function evaluate(mix: BuiltMix, row: Row): Promise<Result> {
  const frames = mix.channels[0].length;
  const pm = meter(mix.channels, mix.rate, mix.labels);
  const truthLufs = gatedLoudness(pm.blocks, spanBlockMask(mix.spans, mix.rate, frames), null);
  const activity = await detectSpeech(mix.channels, mix.rate, mix.labels);
  const detector = dialogueLoudness(pm.blocks, activity, { programmeLufs: pm.integratedLufs });
  const truthHops = spanHopFractions(mix.spans, mix.rate, frames);
  const { precision, recall } = scoreHops(activity.speechFraction, truthHops);
  const truthSpeechPercent = (100 * truthHops.reduce((a, b) => a + b, 0)) / (frames / Math.round(mix.rate / 10));
  let stem: DialogueLoudness | null = null;
  let stemTruthLufs: number | null = null;
  if (mix.spans.length > 0) {
    const dx = meter(mix.dialogue, mix.rate, mix.labels);
    stem = stemAnchoredDialogue(pm.blocks, dx.blocks, { programmeLufs: pm.integratedLufs, detector });
    stemTruthLufs = gatedLoudness(pm.blocks, dialoguePresentMask(mix), null);
  }
  return {
    row,
    truthLufs,
    detector,
    errorLu: diff(detector.gatedLufs, truthLufs),
    precision,
    recall,
    truthSpeechPercent,
    stemTruthLufs,
    stem,
    stemErrorLu: diff(stem?.gatedLufs ?? null, stemTruthLufs),
  };
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));

function resultsMarkdown(results: Result[]): string {
  const lines = [
    '# Dialogue-gated loudness: validation results',
    '',
    'Generated by `DUBSTAGE_WRITE_RESULTS=1 npx vitest run test/analysis/dialogue-validation` from the',
    'committed espeak-ng clips (README.md). 5.1 at 48 kHz unless said: speech in C at −27 LUFS over its',
    'sentences; music-like bed = sustained chords with vibrato in L/R (−9 dB in C, −6 dB in the',
    'surrounds, bass in LFE); effects-like bed = noise bursts and low rumble in every channel; walla =',
    'the same voices looped and summed; sung vowel = a sawtooth melody with vibrato through /a/',
    'formants, mostly in C. "speech − bed" is the speech loudness over its sentences minus the bed\'s',
    'integrated loudness.',
    '',
    '**Truth** is the BS.1770 loudness of the mix over the 400 ms blocks at least half inside a sentence',
    '(the detector\'s own block rule), no relative gate. **Detector** = Silero VAD v5 (onnxruntime-node),',
    'gatedLufs as `measure --dialogue` reports it; precision and recall are per 100 ms hop. **Stem** =',
    'the same mix gated by its dialogue stem (blocks within 20 LU of the stem\'s own loudness), compared',
    'with the loudness over the blocks where the placed lines are no more than 20 LU under the −27 LUFS',
    'they were placed at (**stem truth**, measured on the clean lines). In this table the stem is the',
    'clean lines, so those columns check alignment and gating only; the delivery test in the same file',
    'adds room tone to the stem, writes WAV files and goes through measureFile.',
    'Neither method is Dolby Dialogue Intelligence.',
    '',
    '| mix | truth LUFS | detector LUFS | error LU | precision | recall | speech % truth / detector | fallback | stem truth LUFS | stem LUFS | stem error LU | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.row.spec.name} | ${f(r.truthLufs)} | ${f(r.detector.gatedLufs)} | ${f(r.errorLu)} | ${f(r.precision, 3)} | ${f(r.recall, 3)} | ` +
        `${f(r.truthSpeechPercent, 1)} / ${f(r.detector.speechPercent, 1)} | ${r.detector.fallbackUsed ? 'yes' : 'no'} | ` +
        `${f(r.stemTruthLufs)} | ${f(r.stem?.gatedLufs)} | ${f(r.stemErrorLu)} | ${r.row.note} |`,
    );
  }
  lines.push(
    '',
    '## Where it fails',
    '',
    '- **Speech under loud music or effects**: with music 20 dB above the speech the detector loses',
    '  the lines (recall near 0, gatedLufs null, and the fallback applies); with effects 15 dB above it',
    '  finds only half. Down to 10 dB under the bed the figure stays within 0.2 LU, helped by listening',
    '  mainly to C. Note that the truth itself is the mix over the speech blocks: under a loud bed it is',
    '  the bed\'s loudness more than the dialogue\'s, so a small error there says little about the lines.',
    '- **Walla**: crowd voices are speech to a voice-activity detector. Walla between lines is counted as',
    '  dialogue (precision drops, speech % rises) and a walla-only mix reads as mostly dialogue. The',
    '  stem method does not have this problem when the walla is not on the dialogue stem.',
    '- **Singing**: a synthetic sung vowel is not taken for speech, alone or under dialogue. Real singing',
    '  with lyrics was not tested (no open singing voice to generate it); expect sung words to be counted.',
    '- **Synthetic speech**: espeak-ng voices are steadier than dialogue from a set; these figures say the',
    '  pipeline is right, not how close it comes to Dolby\'s detector on real films (EBU Tech 3343 and',
    '  meter makers report 0.4–2 LU between methods).',
    '',
  );
  return lines.join('\n');
}

describe('dialogue validation set', () => {
  const results: Result[] = [];
  beforeAll(async () => {
    const clips = committedClips();
    const byRate = new Map<number, Float32Array[]>();
    for (const row of ROWS) {
      const rate = row.spec.rate;
      if (!byRate.has(rate)) byRate.set(rate, clips.map((c) => trimClip(resampleClip(c, rate))));
      results.push(await evaluate(buildMix(row.spec, byRate.get(rate)!), row));
    }
    if (process.env.DUBSTAGE_WRITE_RESULTS) writeFileSync(path.join(fixturesDir, 'RESULTS.md'), resultsMarkdown(results));
  }, 600_000);

  it('comes within 1 LU of the truth, with precision and recall of 0.9, wherever speech is clearly audible', () => {
    const clear = results.filter((r) => r.row.clear);
    expect(clear.length).toBeGreaterThanOrEqual(8);
    for (const r of clear) {
      expect(Math.abs(r.errorLu!), r.row.spec.name).toBeLessThanOrEqual(1);
      expect(Math.abs(r.detector.speechPercent - r.truthSpeechPercent), r.row.spec.name).toBeLessThan(5);
      expect(r.precision!, r.row.spec.name).toBeGreaterThanOrEqual(0.9);
      expect(r.recall!, r.row.spec.name).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('matches the truth within 0.1 LU with the stem method on every mix with dialogue', () => {
    const withStem = results.filter((r) => r.stem);
    expect(withStem.length).toBeGreaterThanOrEqual(12);
    for (const r of withStem) {
      expect(r.stem!.method).toBe('stem');
      expect(Math.abs(r.stemErrorLu!), r.row.spec.name).toBeLessThanOrEqual(0.1);
      if (r.detector.gatedLufs === null) expect(r.stem!.detectorDifferenceLu).toBeNull();
      else expect(r.stem!.detectorDifferenceLu).toBeCloseTo(r.detector.gatedLufs - r.stem!.gatedLufs!, 1);
    }
  });

  it('finds no speech in a sung vowel line', () => {
    const sung = results.find((r) => r.row.spec.name === 'sung vowel only')!;
    expect(sung.detector.gatedLufs).toBeNull();
    expect(sung.detector.speechPercent).toBeLessThan(1);
  });

  it('falls back to programme loudness under 15 % speech', () => {
    const low = results.find((r) => r.row.spec.name.startsWith('two lines'))!;
    expect(low.truthSpeechPercent).toBeLessThan(15);
    expect(low.detector.fallbackUsed).toBe(true);
    expect(low.detector.judgedLufs).toBeCloseTo(low.stem!.judgedLufs!, 2);
    const full = results.find((r) => r.row.spec.name === 'music +10 dB')!;
    expect(full.detector.fallbackUsed).toBe(false);
    expect(full.detector.judgedLufs).toBe(full.detector.gatedLufs);
  });
});

describe('stem-anchored gating on a delivery built by code (files through measureFile)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-dialogue-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gates the printmaster by the DX stem and matches truth within 0.1 LU', async () => {
    const speech = committedClips().map((c) => trimClip(resampleClip(c, 48000)));
    const mix = buildMix({ ...base, name: 'delivery', bed: 'effects', speechToBedDb: 3, lines: 8, seed: 21 }, speech);
    // The DX stem carries room tone under the lines, as a real one does (about 45 dB under the dialogue).
    const dx = mix.dialogue.map((c) => c.slice());
    let s = 12345;
    for (let i = 0; i < dx[2].length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      dx[2][i] += 0.0003 * (s / 2 ** 31 - 1);
    }
    const pmChannels = mix.channels.map((c, ch) => {
      const out = c.slice();
      for (let i = 0; i < out.length; i++) out[i] += dx[ch][i] - mix.dialogue[ch][i];
      return out;
    });
    const pmPath = path.join(dir, 'PM_51.wav');
    const dxPath = path.join(dir, 'DX_51.wav');
    writeWav(pmPath, { sampleRate: 48000, channels: 6, encoding: 'f32le', channelMask: 0x3f }, pmChannels);
    writeWav(dxPath, { sampleRate: 48000, channels: 6, encoding: 'f32le', channelMask: 0x3f }, dx);

    const stem = await measureDialogueStem(dxPath);
    const m = await measureFile(pmPath, dialogueHooks({ stem }));
    expect(m.error).toBeUndefined();
    const d = m.loudness!.dialogue!;
    const pm = meter(pmChannels, 48000, mix.labels);
    const truth = gatedLoudness(pm.blocks, dialoguePresentMask(mix), null)!;
    expect(d.method).toBe('stem');
    expect(Math.abs(d.gatedLufs! - truth)).toBeLessThanOrEqual(0.1);
    expect(d.stemLufs).toBeCloseTo(meter(dx, 48000, mix.labels).integratedLufs!, 1);
    expect(d.detectorGatedLufs).not.toBeNull();
    expect(d.ldrLu).toBeCloseTo(m.loudness!.integratedLufs! - d.gatedLufs!, 1);
    expect(d.note).toMatch(/not Dolby/);
    // Without the stem the same pass gives the detector's figure.
    const det = await measureFile(pmPath, dialogueHooks());
    expect(det.loudness!.dialogue!.method).toBe('detector');
    expect(det.loudness!.dialogue!.gatedLufs).toBe(d.detectorGatedLufs);
  }, 120_000);
});

// Skipped, not failed, where espeak-ng is absent: the committed clips above carry the assertions.
describe('fresh espeak-ng voices (only where espeak-ng is installed)', () => {
  const present = espeakAvailable();
  it.runIf(present)('finds new sentences in other voices over music within 1 LU', async () => {
    const fresh = renderWithEspeak([
      { voice: 'en-gb-x-gbclan+m2', wpm: 150, text: 'Check the sync on the slate before you roll again.' },
      { voice: 'en-us+f4', wpm: 170, text: 'Someone left the window open in the editing room.' },
      { voice: 'fr+m5', wpm: 150, text: 'Nous partirons demain matin avant le lever du jour.' },
      { voice: 'en-gb-x-rp+f1', wpm: 145, text: 'The storm will reach the coast by the end of the week.' },
    ]).map((c) => trimClip(resampleClip(c, 48000)));
    const row: Row = { spec: { ...base, name: 'fresh voices, music +5 dB', bed: 'music', speechToBedDb: 5, lines: 4 }, clear: true, note: '' };
    const r = await evaluate(buildMix(row.spec, fresh), row);
    expect(Math.abs(r.errorLu!)).toBeLessThanOrEqual(1);
    expect(r.precision!).toBeGreaterThanOrEqual(0.85);
    expect(r.recall!).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { writeWav } from '../../src/audio/writer.js';
import {
  dialogueHooks,
  dialogueLoudness,
  gatedLoudness,
  gatedLoudnessRange,
  measureDialogueStem,
  speechBlockMask,
  stemActivityMask,
  stemAnchoredDialogue,
} from '../../src/analysis/dialogue.js';
import type { SpeechActivity } from '../../src/analyzers/speech.js';

const energy = (lufs: number) => 10 ** ((lufs + 0.691) / 10);

/** Block energies for a programme of hop-level segments: [hops, lufs, speech]. */
function programme(segments: Array<[number, number, boolean]>): { blocks: Float64Array; activity: SpeechActivity } {
  const hopLufs: number[] = [];
  const fraction: number[] = [];
  for (const [hops, lufs, speech] of segments) {
    for (let i = 0; i < hops; i++) {
      hopLufs.push(lufs);
      fraction.push(speech ? 1 : 0);
    }
  }
  const blocks = new Float64Array(hopLufs.length - 3);
  for (let j = 0; j < blocks.length; j++) {
    blocks[j] = (energy(hopLufs[j]) + energy(hopLufs[j + 1]) + energy(hopLufs[j + 2]) + energy(hopLufs[j + 3])) / 4;
  }
  const speechHops = fraction.reduce((a, b) => a + b, 0);
  return {
    blocks,
    activity: {
      sampleRate: 48000,
      hopFrames: 4800,
      hops: fraction.length,
      speechFraction: Float32Array.from(fraction),
      speechSeconds: speechHops / 10,
      durationSeconds: fraction.length / 10,
    },
  };
}

describe('speech blocks', () => {
  it('counts a 400 ms block as speech when at least 200 ms of it is speech', () => {
    const f = Float32Array.from([0, 0, 1, 1, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(speechBlockMask(f, 8))).toEqual([1, 1, 1, 0, 0, 0, 0, 1]);
  });
  it('treats hops past the activity as non-speech', () => {
    expect(Array.from(speechBlockMask(Float32Array.from([1, 1, 1]), 3))).toEqual([1, 1, 0]);
  });
});

describe('dialogueLoudness', () => {
  it('integrates the speech blocks with no relative gate (BS.1770-1 behind the speech gate)', () => {
    // 10 s of speech at -27, then 10 s of music at -20, then 10 s of speech at -45.
    const p = programme([[100, -27, true], [100, -20, false], [100, -45, true]]);
    const d = dialogueLoudness(p.blocks, p.activity);
    // Speech blocks: 98 + 2 straddling each speech/music edge with >= 2 speech hops.
    const mask = speechBlockMask(p.activity.speechFraction, p.blocks.length);
    let sum = 0;
    let n = 0;
    mask.forEach((m, j) => {
      if (m) {
        sum += p.blocks[j];
        n++;
      }
    });
    expect(d.gatedLufs).toBeCloseTo(-0.691 + 10 * Math.log10(sum / n), 2);
    // Without a relative gate the quiet -45 speech pulls the figure down by about 3 LU.
    expect(d.gatedLufs!).toBeLessThan(-29);
    // With the -10 LU relative gate the -45 speech is dropped and the figure is near -27.
    expect(d.gatedRelativeLufs!).toBeGreaterThan(-27.5);
    expect(d.method).toBe('detector');
    expect(d.speechPercent).toBeCloseTo(66.7, 1);
    expect(d.fallbackUsed).toBe(false);
    expect(d.judgedLufs).toBe(d.gatedLufs);
    expect(d.note).toMatch(/not Dolby/);
    const programmeLufs = gatedLoudness(p.blocks, null, -10)!;
    expect(d.ldrLu).toBeCloseTo(programmeLufs - d.gatedLufs!, 1);
  });

  it('falls back to programme loudness below the speech threshold', () => {
    const p = programme([[10, -27, true], [290, -24, false]]);
    const d = dialogueLoudness(p.blocks, p.activity, { programmeLufs: -24.1 });
    expect(d.speechPercent).toBeCloseTo(3.3, 1);
    expect(d.fallbackUsed).toBe(true);
    expect(d.judgedLufs).toBe(-24.1);
    expect(d.gatedLufs).not.toBeNull();
    // A profile's own threshold.
    expect(dialogueLoudness(p.blocks, p.activity, { speechThresholdPercent: 3 }).fallbackUsed).toBe(false);
  });

  it('gives null loudness, range and LDR with no speech at all', () => {
    const p = programme([[300, -24, false]]);
    const d = dialogueLoudness(p.blocks, p.activity);
    expect(d).toMatchObject({ gatedLufs: null, speechPercent: 0, fallbackUsed: true, loudnessRangeLu: null, ldrLu: null, speechBlocks: 0 });
  });

  it('measures the loudness range of the speech only', () => {
    // Speech alternating -25/-35 in 10 s stretches with quiet ambience between: the dialogue range
    // is the 10 LU between the two speech levels.
    const segs: Array<[number, number, boolean]> = [];
    for (let i = 0; i < 6; i++) segs.push([100, i % 2 ? -35 : -25, true], [100, -50, false]);
    const p = programme(segs);
    const mask = speechBlockMask(p.activity.speechFraction, p.blocks.length);
    const lra = gatedLoudnessRange(p.blocks, mask)!;
    expect(lra).toBeGreaterThan(8);
    expect(lra).toBeLessThan(10.5);
  });
});

describe('stem-anchored dialogue', () => {
  it('gates the printmaster by the stem blocks within 20 LU of the stem loudness', () => {
    const stem = programme([[50, -80, false], [50, -27, true], [50, -60, false], [50, -30, true], [50, -80, false]]);
    const pm = programme([[50, -30, false], [50, -24, true], [50, -22, false], [50, -25, true], [50, -30, false]]);
    const mask = stemActivityMask(stem.blocks);
    const d = stemAnchoredDialogue(pm.blocks, stem.blocks);
    let sum = 0;
    let n = 0;
    mask.forEach((m, j) => {
      if (m) {
        sum += pm.blocks[j];
        n++;
      }
    });
    expect(n).toBeGreaterThan(90);
    expect(d.gatedLufs).toBeCloseTo(-0.691 + 10 * Math.log10(sum / n), 2);
    expect(d.method).toBe('stem');
    expect(d.stemLufs).toBeCloseTo(gatedLoudness(stem.blocks, null, -10)!, 2);
    // Room tone at -60 (over 30 LU down) is not dialogue.
    expect(mask[125]).toBe(0);
    expect(d.note).toMatch(/not Dolby/);
  });

  it('reports the difference from the detector figure', () => {
    const stem = programme([[100, -27, true], [100, -80, false]]);
    const pm = programme([[100, -25, true], [100, -22, false]]);
    const det = dialogueLoudness(pm.blocks, pm.activity);
    const d = stemAnchoredDialogue(pm.blocks, stem.blocks, { detector: det });
    expect(d.detectorGatedLufs).toBe(det.gatedLufs);
    expect(d.detectorDifferenceLu).toBeCloseTo(det.gatedLufs! - d.gatedLufs!, 2);
  });
});

describe('dialogueHooks with a stem that cannot be lined up', () => {
  it('warns and reports the detector figure when the stem is at another rate', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-dialogue-hooks-'));
    try {
      const tone = (rate: number) => {
        const x = new Float32Array(rate * 3);
        for (let i = 0; i < x.length; i++) x[i] = 0.1 * Math.sin((2 * Math.PI * 440 * i) / rate);
        return [x, x];
      };
      const pmPath = path.join(dir, 'pm.wav');
      const dxPath = path.join(dir, 'dx.wav');
      writeWav(pmPath, { sampleRate: 48000, channels: 2, encoding: 's16le' }, tone(48000));
      writeWav(dxPath, { sampleRate: 44100, channels: 2, encoding: 's16le' }, tone(44100));
      const stem = await measureDialogueStem(dxPath);
      expect(stem.sampleRate).toBe(44100);
      const m = await measureFile(pmPath, dialogueHooks({ stem }));
      expect(m.loudness!.dialogue!.method).toBe('detector');
      expect(m.warnings.join(' ')).toMatch(/44100 Hz and this file at 48000 Hz/);
      await expect(measureDialogueStem(path.join(dir, 'missing.wav'))).rejects.toThrow(/dialogue stem/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * The "dialogue in the M&E" defect end to end, with real (espeak-ng) sentences: a delivery whose M&E
 * carries one dialogue line is failed by me/dialogue-leak at that line's time (and the M&E no longer
 * nulls against music + effects), while the clean delivery has no leak finding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { resampleClip } from '../analysis/dialogue-fixtures.js';
import { committedClips } from '../fixtures/speech/clips.js';
import { noise, sine, writeTestWav } from '../helpers/wav-writer.js';

const RATE = 48000;
const START = 3600 * RATE; // 01:00:00:00
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

type Planar = Float32Array[];
const sum = (...ps: Planar[]): Planar => ps[0]!.map((_, c) => ps[0]![c]!.map((__, i) => ps.reduce((a, p) => a + p[c]![i]!, 0)));

/** Lines at 0.5 s, then every clip length + 0.8 s; returns the stem and where each line sits. */
function dialogueStem(frames: number): { dx: Planar; lines: Array<[number, number]> } {
  const clips = committedClips().slice(0, 3).map((c) => resampleClip(c, RATE));
  const dx = Array.from({ length: 6 }, () => new Float32Array(frames));
  const room = noise(frames, 5);
  const lines: Array<[number, number]> = [];
  let at = RATE / 2;
  for (const clip of clips) {
    for (let i = 0; i < clip.length; i++) dx[2]![at + i] = 0.35 * clip[i]!;
    lines.push([at / RATE, (at + clip.length) / RATE]);
    at += clip.length + Math.round(0.8 * RATE);
  }
  for (let i = 0; i < frames; i++) dx[2]![i]! += 0.0003 * room[i]!;
  return { dx, lines };
}

async function delivery(leak: boolean): Promise<{ dir: string; leakedLine: [number, number] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dubstage-leak-${leak ? 'leak' : 'clean'}-`));
  dirs.push(dir);
  const frames = RATE * 12;
  const { dx, lines } = dialogueStem(frames);
  const mx: Float32Array[] = Array.from({ length: 6 }, () => new Float32Array(frames));
  mx[0] = sine(frames, RATE, 220, 0.03);
  mx[1] = sine(frames, RATE, 330, 0.03);
  const fx: Float32Array[] = Array.from({ length: 6 }, () => new Float32Array(frames));
  fx[4] = noise(frames, 31).map((v) => 0.01 * v);
  fx[5] = noise(frames, 32).map((v) => 0.01 * v);
  fx[3] = sine(frames, RATE, 50, 0.05);
  const pm = sum(dx, mx, fx);
  // the leak: the second line of dialogue left in the M&E's centre
  const leakedLine = lines[1]!;
  const me = sum(mx, fx);
  if (leak) {
    for (let i = Math.floor(leakedLine[0] * RATE); i < Math.ceil(leakedLine[1] * RATE); i++) me[2]![i]! += dx[2]![i]!;
  }
  const lr = (p: Planar): Planar => [p[0]!.map((v, i) => v + Math.SQRT1_2 * (p[2]![i]! + p[4]![i]!)), p[1]!.map((v, i) => v + Math.SQRT1_2 * (p[2]![i]! + p[5]![i]!))];
  const write = (name: string, channels: Planar) =>
    writeTestWav(path.join(dir, name), { channels, channelMask: channels.length === 6 ? 0x3f : 0x3, timeReferenceSamples: START });
  write('SHOW_PM_51.wav', pm);
  write('SHOW_PM_20.wav', lr(pm));
  write('SHOW_DX_51.wav', dx);
  write('SHOW_MX_51.wav', mx);
  write('SHOW_FX_51.wav', fx);
  write('SHOW_ME_51.wav', me);
  return { dir, leakedLine };
}

describe('dialogue in the M&E', () => {
  const spec = loadSpec('netflix').spec;

  it('the clean M&E has no leak finding', async () => {
    const { dir } = await delivery(false);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    expect(run.inputErrors).toEqual([]);
    expect(run.outcome.findings.filter((f) => f.rule === 'me/dialogue-leak' && f.severity === 'error')).toEqual([]);
  });

  it('gates the printmasters by the dialogue stem in the delivery (method "stem")', async () => {
    const { dir } = await delivery(false);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    const dx = run.deliverables.find((d) => d.id === 'stem dialogue 5.1')!.measurement!.loudness!;
    for (const id of ['printmaster 5.1', 'printmaster 2.0']) {
      const d = run.deliverables.find((x) => x.id === id)!.measurement!.loudness!.dialogue!;
      expect(d.method).toBe('stem');
      // the stem's own figure is its BS.1770 integrated loudness
      expect(Math.abs(d.stemLufs! - dx.integratedLufs!)).toBeLessThan(0.01);
      expect(d.fallbackUsed).toBe(false);
      expect(d.note).toMatch(/not Dolby/);
    }
  });

  it('a dialogue line left in the M&E is found by me/dialogue-leak at its time', async () => {
    const { dir, leakedLine } = await delivery(true);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    const leaks = run.outcome.findings.filter((f) => f.rule === 'me/dialogue-leak' && f.severity === 'error');
    expect(leaks.length).toBeGreaterThan(0);
    expect(leaks.every((f) => f.deliverable === 'me 5.1')).toBe(true);
    // the finding's range overlaps the leaked line (timecodes at 24 fps from 01:00:00:00)
    const toSeconds = (tc: string) => {
      const [h, m, s, f] = tc.split(/[:;]/).map(Number) as [number, number, number, number];
      return h * 3600 + m * 60 + s + f / 24 - 3600;
    };
    expect(leaks.some((f) => toSeconds(f.startTimecode!) < leakedLine[1] && toSeconds(f.endTimecode ?? f.startTimecode!) + 1 / 24 > leakedLine[0])).toBe(true);
    // and the M&E no longer nulls against music + effects
    expect(run.outcome.findings.some((f) => f.rule === 'me/music-effects-match' && f.severity === 'error')).toBe(true);
  });
});

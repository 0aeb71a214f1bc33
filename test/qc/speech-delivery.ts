/**
 * A 12 s near-field delivery with real (espeak-ng) sentences on the dialogue stem, built by code: 5.1 and
 * 2.0 printmasters (the 5.1 the exact sum of the stems), 5.1 DX/MX/FX stems and a 5.1 M&E, at 01:00:00:00.
 * Options plant a defect: a dialogue line left in the M&E, or the 5.1 printmaster written in Film order
 * (L C R Ls Rs LFE) while its channel mask says SMPTE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resampleClip } from '../analysis/dialogue-fixtures.js';
import { committedClips } from '../fixtures/speech/clips.js';
import { noise, sine, writeTestWav } from '../helpers/wav-writer.js';

/** Folders written, for the test's afterAll to remove. */
export const dirs: string[] = [];

const RATE = 48000;
const START = 3600 * RATE; // 01:00:00:00

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

export async function delivery(leak: boolean, filmOrderPrintmaster = false): Promise<{ dir: string; leakedLine: [number, number] }> {
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
  // Film order L C R Ls Rs LFE written under an SMPTE mask: what a Pro Tools bounce with the wrong I/O gives
  write('SHOW_PM_51.wav', filmOrderPrintmaster ? [pm[0]!, pm[2]!, pm[1]!, pm[4]!, pm[5]!, pm[3]!] : pm);
  write('SHOW_PM_20.wav', lr(pm));
  write('SHOW_DX_51.wav', dx);
  write('SHOW_MX_51.wav', mx);
  write('SHOW_FX_51.wav', fx);
  write('SHOW_ME_51.wav', me);
  return { dir, leakedLine };
}


/**
 * The null engine's one-pass loops for 2 and 3 parts (the stems and M&E cases `qc` runs) against its
 * one-pass-per-sum loops: the whole result — alignments, gains, residual figures, runs, series — must
 * be the same numbers, on parts with the faults the engine is there to find.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nullTestFiles } from '../../src/analysis/stems/index.js';
import { noise, writeTestWav } from '../helpers/wav-writer.js';

const RATE = 48000;
const FRAMES = RATE * 3;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-null-fast-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function part(seed: number, level: number): Float32Array[] {
  return [0, 1].map((c) => noise(FRAMES, seed + c).map((v, i) => level * v * (0.5 + 0.5 * Math.sin((2 * Math.PI * i) / (RATE * (0.7 + c))))));
}

function write(name: string, channels: Float32Array[]): string {
  const file = path.join(dir, name);
  writeTestWav(file, { channels, channelMask: 0x3 });
  return file;
}

describe('null engine: one-pass loops equal the general loops', () => {
  // Three stems: one 7 samples late, one 1 dB hot, a missing burst in the reference only, and a
  // reference limited hard near its ceiling for half a second (limiter-like residual).
  const dx = part(1, 0.2);
  const mx = part(3, 0.15);
  const fx = part(5, 0.25);
  const ref = [0, 1].map((c) => {
    const out = new Float32Array(FRAMES);
    for (let i = 0; i < FRAMES; i++) {
      let v = dx[c]![i]! + mx[c]![i]! + fx[c]![i]!;
      if (i > RATE && i < RATE * 1.2) v += 0.3 * Math.sin(i / 9); // an effect missing from the stems
      if (i > RATE * 2 && i < RATE * 2.5) v = Math.max(-0.2, Math.min(0.2, 1.5 * v)); // limited
      out[i] = v;
    }
    return out;
  });
  const late = fx.map((ch) => {
    const out = new Float32Array(FRAMES);
    out.set(ch.subarray(0, FRAMES - 7), 7);
    return out;
  });
  const hot = mx.map((ch) => ch.map((v) => v * 10 ** (1 / 20)));
  const files = {
    ref: write('ref.wav', ref),
    dx: write('dx.wav', dx),
    mx: write('mx.wav', hot),
    fx: write('fx.wav', late),
  };

  for (const parts of [['dx', 'mx', 'fx'], ['mx', 'fx']] as const) {
    it(`${parts.length} parts`, async () => {
      const run = (generalLoops: boolean) =>
        nullTestFiles({ name: 'ref', path: files.ref }, parts.map((p) => ({ name: p, path: files[p] })), { generalLoops, fps: 24 });
      const fast = await run(false);
      const general = await run(true);
      expect(fast.runs.length).toBeGreaterThan(0);
      expect(fast.parts.some((p) => p.offsetFrames === 7)).toBe(true);
      expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(general)));
    });
  }
});

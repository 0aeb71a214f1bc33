/**
 * The loudness pass split across worker threads equals the single-thread path: the segments' 10 ms
 * sub-block energies concatenate into the same sequence, peaks and sums merge exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { writeWav } from '../../src/audio/writer.js';
import { analyzerDefinition } from '../../src/analyzers/index.js';
import type { DcOffsetResult } from '../../src/analyzers/dc-offset.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-parallel-'));
  file = path.join(dir, 'reel_51.wav');
  const rate = 48000;
  const n = rate * 75;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296) * 2 - 1;
  const ch = Array.from({ length: 6 }, () => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const env = Math.pow(10, (12 * Math.sin((2 * Math.PI * t) / 23)) / 20);
    for (let c = 0; c < 6; c++) ch[c]![i] = 0.05 * env * (c === 2 ? Math.sin(2 * Math.PI * 997 * t) : rand());
  }
  // an inter-sample peak exactly at a likely segment boundary (37.5 s) and one in the last samples
  for (const at of [Math.round(37.5 * rate) - 3, n - 4]) {
    ch[0]![at] = 0.9;
    ch[0]![at + 1] = 0.9;
  }
  writeWav(file, { sampleRate: rate, channels: 6, encoding: 's24le', channelMask: 0x3f }, ch);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parallel loudness pass', () => {
  it('gives the single-thread result with 2 and 3 threads', async () => {
    const plain = await measureFile(file, { threads: 1, series: true });
    expect(plain.error).toBeUndefined();
    for (const threads of [2, 3]) {
      const par = await measureFile(file, { threads, series: true });
      expect(par.error).toBeUndefined();
      const a = plain.loudness!;
      const b = par.loudness!;
      for (const k of ['integratedLufs', 'momentaryMaxLufs', 'shortTermMaxLufs', 'loudnessRangeLu', 'truePeakDbtp', 'samplePeakDbfs'] as const) {
        expect(Math.abs(b[k]! - a[k]!), `${k} with ${threads} threads`).toBeLessThanOrEqual(0.001);
      }
      expect(par.channels).toEqual(plain.channels);
      expect(par.series!.momentaryLufs.length).toBe(plain.series!.momentaryLufs.length);
      const diff = par.series!.shortTermLufs.map((v, i) => Math.abs((v ?? 0) - (plain.series!.shortTermLufs[i] ?? 0)));
      expect(Math.max(...diff)).toBeLessThanOrEqual(0.001);
    }
  });

  it('honours --from/--to in both paths', async () => {
    const plain = await measureFile(file, { threads: 1, fromSeconds: 5, toSeconds: 70 });
    const par = await measureFile(file, { threads: 2, fromSeconds: 5, toSeconds: 70 });
    expect(par.loudness!.integratedLufs).toBe(plain.loudness!.integratedLufs);
    expect(par.loudness!.truePeakDbtp).toBe(plain.loudness!.truePeakDbtp);
  });
});

describe('parallel pass of any mergeable analyzer', () => {
  it('dc-offset splits across workers through its registry segment contract: the single-thread result', async () => {
    const plan = [{ id: 'dc-offset' }];
    const plain = await measureFile(file, { threads: 1, plan });
    const split = await measureFile(file, { threads: 3, plan });
    expect(split.loudness).toEqual(plain.loudness);
    const a = plain.analyzers!['dc-offset'] as DcOffsetResult;
    const b = split.analyzers!['dc-offset'] as DcOffsetResult;
    expect(b.worstChannel).toBe(a.worstChannel);
    for (const [i, ch] of a.channels.entries()) {
      const other = b.channels[i]!;
      expect(other.frames).toBe(ch.frames);
      // the same samples summed in another grouping: equal to float64 rounding of the sum
      expect(Math.abs(other.sum - ch.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ch.sum)));
      expect(other.meanDbfs === null ? null : other.meanDbfs.toFixed(6)).toBe(ch.meanDbfs === null ? null : ch.meanDbfs.toFixed(6));
    }
  });

  it('a plan with an analyzer that must see the stream whole stays on one thread, with the same result', async () => {
    const plan = [{ id: 'clipping' }];
    const plain = await measureFile(file, { threads: 1, plan });
    const asked = await measureFile(file, { threads: 3, plan });
    expect(asked).toEqual(plain);
    expect(analyzerDefinition('clipping')?.segments).toBeUndefined();
    expect(analyzerDefinition('loudness')?.segments?.prerollSeconds).toBe(1);
  });
});


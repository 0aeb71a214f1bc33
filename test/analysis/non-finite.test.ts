/**
 * NaN and ±Infinity in a 32-bit float file: every meter reads them as 0 (finite figures equal to a
 * file with zeros there), the measurement says how many and where, on one thread and split across
 * workers alike, and qc gives one signal/non-finite error naming the place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { writeWav } from '../../src/audio/writer.js';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';

const rate = 48000;
let dir: string;
let bad: string;
let zeroed: string;
const places = [
  { channel: 1, frame: Math.round(12.5 * rate), value: Number.NaN },
  { channel: 1, frame: Math.round(12.5 * rate) + 3, value: Number.POSITIVE_INFINITY },
  { channel: 0, frame: Math.round(70.25 * rate), value: Number.NEGATIVE_INFINITY },
];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-nonfinite-'));
  const n = rate * 75;
  const ch = [new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    ch[0]![i] = 0.1 * Math.sin((2 * Math.PI * 440 * i) / rate);
    ch[1]![i] = 0.1 * Math.sin((2 * Math.PI * 660 * i) / rate);
  }
  for (const p of places) ch[p.channel]![p.frame] = 0;
  zeroed = path.join(dir, 'zeroed.wav');
  writeWav(zeroed, { sampleRate: rate, channels: 2, encoding: 'f32le' }, ch);
  for (const p of places) ch[p.channel]![p.frame] = p.value;
  bad = path.join(dir, 'SHOW_PM_20.wav');
  writeWav(bad, { sampleRate: rate, channels: 2, encoding: 'f32le' }, ch);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('non-finite samples', () => {
  it('are read as 0 by the meters and reported with their place, on one thread and on three', async () => {
    const reference = await measureFile(zeroed, { threads: 1 });
    for (const threads of [1, 3]) {
      const m = await measureFile(bad, { threads });
      expect(m.error).toBeUndefined();
      expect(m.loudness).toEqual(reference.loudness);
      expect(Number.isFinite(m.loudness!.truePeakDbtp!)).toBe(true);
      expect(m.nonFinite?.samples).toBe(3);
      expect(m.nonFinite?.firstFrame).toBe(places[0]!.frame);
      expect(m.nonFinite?.firstSeconds).toBeCloseTo(12.5, 6);
      expect(m.nonFinite?.channels.sort()).toEqual(['L', 'R']);
      expect(m.nonFinite?.runs.map((r) => [r.startSeconds.toFixed(3), r.samples, r.channels])).toEqual([
        ['12.500', 2, ['R']],
        ['70.250', 1, ['L']],
      ]);
      expect(m.warnings.some((w) => /3 non-finite samples .* first at 12\.500 s/.test(w))).toBe(true);
    }
    expect((await measureFile(zeroed, { threads: 1 })).nonFinite).toBeUndefined();
  });

  it('--from skips what lies before it and keeps file-clock places', async () => {
    const m = await measureFile(bad, { threads: 1, fromSeconds: 20 });
    expect(m.nonFinite?.samples).toBe(1);
    expect(m.nonFinite?.firstSeconds).toBeCloseTo(70.25, 6);
  });

  it('qc: one signal/non-finite error on the file, from the first to the last', async () => {
    const run = await runQc({ paths: [bad], spec: loadSpec('ebu-r128').spec, fps: '25', threads: 1 });
    const f = run.outcome.findings.filter((x) => x.rule === 'signal/non-finite');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.measured).toBe(3);
    expect(f[0]!.startTimecode).toBe('00:00:12:12');
    expect(f[0]!.message).toMatch(/3 NaN\/Infinity samples on .* in 2 stretches/);
    expect(run.outcome.verdict).toBe('fail');
  });
});

/**
 * A 32-bit float ADM master with NaN and Infinity in its tracks: the render tap reads every track
 * (objects too) before the host scrubs the bed, so it scrubs them itself. The renders see the same
 * zeros the meters do (figures equal to those of the master with those samples written as 0) and
 * the file's NaN/Inf finding names where they were, counted once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../../src/analysis/measure.js';
import { renderHook } from '../../../src/render/adm/measure-renders.js';
import { runQc } from '../../../src/qc/pipeline.js';
import { loadSpec, validateSpec } from '../../../src/specs/loader.js';
import type { FileMeasurement } from '../../../src/analysis/results.js';
import { AC } from '../../audio/adm/build-adm.js';
import { writeRenderAdm, type RenderAdmSpec } from './build-render-adm.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-render-nonfinite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
const N = RATE * 2;
const BED51 = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
const tone = (f: number, amp: number): Float32Array => Float32Array.from({ length: N }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / RATE));

/** A float master: 5.1 bed (tones on L, R, C) + one object at +30° (track 7), with `bad` samples put in. */
function master(name: string, opts: { bed: boolean; bad: Array<{ track: number; frame: number; value: number }> }): string {
  const spec: RenderAdmSpec = {
    ...(opts.bed ? { bed: { packId: 'AP_00010003', channelIds: BED51.map((l) => AC[l]!) } } : {}),
    objects: [{ blocks: [{ polar: [30, 0, 1] }] }],
  };
  const samples = [...(opts.bed ? BED51.map((l, i) => (['L', 'R', 'C'].includes(l) ? tone(400 + 100 * i, 0.05) : new Float32Array(N))) : []), tone(1500, 0.3)];
  for (const b of opts.bad) samples[b.track - 1]![b.frame] = b.value;
  const file = path.join(dir, name);
  writeRenderAdm(file, spec, samples, { float: true });
  return file;
}

async function measureRendered(file: string): Promise<FileMeasurement> {
  const hook = renderHook(() => ({ layouts: ['5.1', '2.0'] }));
  const m = await measureFile(file, { admRender: hook.hook });
  hook.attach(m);
  return m;
}

const figures = (m: FileMeasurement) => m.renders!.map((r) => r.loudness);

describe('the render of a float master with NaN/Inf samples', () => {
  it('NaN and +Inf in an object track: finite renders, equal to the master with zeros there; the finding names track 7', async () => {
    const bad = master('bad.wav', { bed: true, bad: [{ track: 7, frame: 1000, value: Number.NaN }, { track: 7, frame: 30000, value: Number.POSITIVE_INFINITY }] });
    const zeroed = master('zeroed.wav', { bed: true, bad: [{ track: 7, frame: 1000, value: 0 }, { track: 7, frame: 30000, value: 0 }] });
    const m = await measureRendered(bad);
    const z = await measureRendered(zeroed);
    expect(m.error).toBeUndefined();
    expect(m.renders!.map((r) => r.error)).toEqual([undefined, undefined]);
    for (const r of m.renders!) {
      for (const v of Object.values(r.loudness!)) {
        if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
      }
      expect(r.loudness!.integratedLufs).not.toBeNull();
      expect(r.loudness!.truePeakDbtp).not.toBeNull();
    }
    // the renders saw zeros where the file has NaN/Inf: the same figures as the master written with zeros
    expect(figures(m)).toEqual(figures(z));
    // the object is in the render: louder than the bed alone
    expect(m.renders![0]!.loudness!.integratedLufs!).toBeGreaterThan(m.loudness!.integratedLufs! + 3);
    expect(m.nonFinite).toMatchObject({ samples: 2, firstFrame: 1000, channels: ['Ch7'] });
    expect(m.nonFinite!.runs).toHaveLength(2);
    expect(m.warnings.join('\n')).toMatch(/2 non-finite samples \(NaN or Infinity\) read as 0 so the meters stay finite; the first at 0\.021 s on Ch7/);
    expect(z.nonFinite).toBeUndefined();
  });

  it('a NaN in a bed channel is counted once (tap and host), under its bed label; -Inf in the object too', async () => {
    const m = await measureRendered(master('bed_nan.wav', { bed: true, bad: [{ track: 1, frame: 500, value: Number.NaN }, { track: 7, frame: 600, value: Number.NEGATIVE_INFINITY }] }));
    expect(m.nonFinite).toMatchObject({ samples: 2, firstFrame: 500, channels: ['L', 'Ch7'] });
    expect(Number.isFinite(m.loudness!.truePeakDbtp!)).toBe(true);
    for (const r of m.renders!) expect(Number.isFinite(r.loudness!.truePeakDbtp!)).toBe(true);
  });

  it('an objects-only float master (its renders measured in a pass of their own): finite renders, the finding still made', async () => {
    const m = await measureRendered(master('objects_only.wav', { bed: false, bad: [{ track: 1, frame: 2000, value: Number.NaN }] }));
    expect(m.loudness!.integratedLufs).toBeNull();
    for (const r of m.renders!) expect(Number.isFinite(r.loudness!.integratedLufs!)).toBe(true);
    expect(m.nonFinite).toMatchObject({ samples: 1, firstFrame: 2000, channels: ['Ch1'] });
  });

  it('qc (judged on the renders): finite render figures, and signal/non-finite reports the object track', async () => {
    const spec = validateSpec({ ...loadSpec('ebu-r128').spec, atmos: { judgeOnRenders: ['5.1', '2.0'] } }, 'test: r128 on renders');
    const file = master('qc_bad.wav', { bed: true, bad: [{ track: 7, frame: 1000, value: Number.NaN }, { track: 7, frame: 30000, value: Number.POSITIVE_INFINITY }] });
    const run = await runQc({ paths: [file], spec, fps: '24' });
    const d = run.deliverables[0]!;
    expect(d.role).toBe('atmos');
    // the master's hashes pass through the render tap (they used to be lost there)
    expect(d.measurement!.checksums!.map((c) => c.path)).toEqual([file]);
    for (const r of d.measurement!.renders!) expect(Number.isFinite(r.loudness!.integratedLufs!)).toBe(true);
    const nf = run.outcome.findings.filter((f) => f.rule === 'signal/non-finite');
    expect(nf).toHaveLength(1);
    expect(nf[0]!.message).toBe('2 NaN/Infinity samples on Ch7 in 2 stretches (read as 0 by the meters)');
    // the loudness findings are about the renders' finite figures
    for (const f of run.outcome.findings.filter((x) => x.rule === 'loudness/integrated')) expect(Number.isFinite(f.measured as number)).toBe(true);
  });
});

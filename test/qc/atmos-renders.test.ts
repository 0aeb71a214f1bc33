/**
 * qc judges an Atmos master's loudness and true peak on its BS.2127 re-renders (atmos.judgeOnRenders),
 * not on its bed: masters built by code where the bed alone passes and the whole programme (bed plus
 * objects) does not, and the reverse. The expected figures come from the construction: tones at
 * known levels in the bed and in objects at the speakers' own positions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec, validateSpec } from '../../src/specs/loader.js';
import type { Spec } from '../../src/specs/schema.js';
import { RENDER_LAYOUTS } from '../../src/specs/schema.js';
import { TARGET_LAYOUTS } from '../../src/render/adm/layouts.js';
import { measureFile } from '../../src/analysis/measure.js';
import { AC } from '../audio/adm/build-adm.js';
import { writeRenderAdm, type RenderAdmSpec } from '../render/adm/build-render-adm.js';
import { resampleClip } from '../analysis/dialogue-fixtures.js';
import { committedClips } from '../fixtures/speech/clips.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-qc-atmos-renders-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
const SECONDS = 6;
const N = RATE * SECONDS;
const q24 = (v: number): number => Math.round(v * 2 ** 23) / 2 ** 23;
/** A tone of peak `db` dBFS (silence when db is null). */
const tone = (f: number, db: number | null): Float32Array =>
  db === null ? new Float32Array(N) : Float32Array.from({ length: N }, (_, i) => q24(10 ** (db / 20) * Math.sin((2 * Math.PI * f * i) / RATE)));

const BED51 = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
const BED712 = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];

/** EBU R 128 (programme loudness -23 LUFS ±1, true peak -1 dBTP), judged on the 5.1 and 2.0 re-renders. */
const r128Renders: Spec = validateSpec(
  { ...loadSpec('ebu-r128').spec, atmos: { judgeOnRenders: ['5.1', '2.0'] } },
  'test: ebu-r128 with atmos.judgeOnRenders',
);

/**
 * A master: a 5.1 (or 7.1.2) bed with `bed` tones by channel label and objects with tones at polar
 * positions (az, el). Frequencies differ so the parts add in power.
 */
function master(name: string, opts: { bed?: Record<string, number>; bed712?: boolean; objects?: Array<{ az: number; el?: number; db: number }> }): string {
  const labels = opts.bed712 ? BED712 : BED51;
  const spec: RenderAdmSpec = {
    ...(opts.bed ? { bed: { packId: opts.bed712 ? 'AP_00010016' : 'AP_00010003', channelIds: labels.map((l) => AC[l]!) } } : {}),
    objects: (opts.objects ?? []).map((o) => ({ blocks: [{ polar: [o.az, o.el ?? 0, 1] as [number, number, number] }] })),
  };
  const samples: Float32Array[] = [];
  if (opts.bed) labels.forEach((l, i) => samples.push(tone(500 + 110 * i, opts.bed![l] ?? null)));
  (opts.objects ?? []).forEach((o, k) => samples.push(tone(1700 + 130 * k, o.db)));
  const file = path.join(dir, name);
  writeRenderAdm(file, spec, samples);
  return file;
}

const rulesOf = (run: Awaited<ReturnType<typeof runQc>>, rule: string) => run.outcome.findings.filter((f) => f.rule === rule);

describe('qc on an Atmos master judged on its re-renders', () => {
  it('the profile key names only layouts the renderer has', () => {
    expect([...RENDER_LAYOUTS].sort()).toEqual(TARGET_LAYOUTS.map((l) => l.id).sort());
    expect(loadSpec('netflix-atmos').spec.atmos?.judgeOnRenders).toEqual(['5.1', '2.0']);
  });

  it('bed alone passes, bed + objects too loud and peaking over: both renders fail, and say they are BS.2127 renders', async () => {
    // bed: tones of -24 dBFS peak on L, R and C: about -23 LUFS together
    const file = master('loud_objects.wav', { bed: { L: -24, R: -24, C: -24 }, objects: [{ az: 30, db: -2 }, { az: -30, db: -0.5 }] });
    const bedOnly = await measureFile(file);
    // the bed alone is inside R 128 (-23 ±1) and far under the true-peak limit
    expect(Math.abs(bedOnly.loudness!.integratedLufs! + 23)).toBeLessThan(1);
    expect(bedOnly.loudness!.truePeakDbtp!).toBeLessThan(-20);

    const run = await runQc({ paths: [file], spec: r128Renders, fps: '24' });
    const d = run.deliverables[0]!;
    expect(d.role).toBe('atmos');
    const renders = d.measurement!.renders!;
    expect(renders.map((r) => r.layout)).toEqual(['5.1', '2.0']);
    // objects at the L and R speakers: in both layouts they land on L and R at unit gain
    for (const r of renders) {
      expect(r.loudness!.integratedLufs!).toBeGreaterThan(-15);
      expect(r.loudness!.truePeakDbtp!).toBeGreaterThan(-1);
    }
    const loud = rulesOf(run, 'loudness/integrated');
    expect(loud.map((f) => (f.details as { render: { layout: string } }).render.layout)).toEqual(['5.1', '2.0']);
    for (const f of loud) {
      expect(f.severity).toBe('error');
      expect(f.message).toMatch(/^(5\.1|2\.0) re-render \(BS\.2127 render by dubstage, not Dolby's renderer\): programme loudness/);
      expect(f.measured).toBeGreaterThan(-15);
    }
    const tp = rulesOf(run, 'loudness/true-peak').filter((f) => f.details && 'render' in f.details);
    expect(tp.map((f) => [(f.details as { render: { layout: string } }).render.layout, f.severity, f.limit])).toEqual([
      ['5.1', 'error', -1],
      ['2.0', 'error', -1],
    ]);
    expect(tp[0]!.message).toContain("not Dolby's renderer");
    expect((tp[0]!.details as { render: { method: string } }).render.method).toMatch(/BS\.2127/);
    expect(run.outcome.verdict).toBe('fail');
  });

  it('the reverse: a 7.1.2 bed far too quiet on its own, the whole programme (objects) in spec: no loudness or true-peak finding', async () => {
    // the bed is room tone at -50 dBFS on L and R; the programme lives in two objects at ±30°
    const file = master('quiet_bed.wav', { bed712: true, bed: { L: -50, R: -50 }, objects: [{ az: 30, db: -25 }, { az: -30, db: -25 }] });
    const bedOnly = await measureFile(file);
    expect(bedOnly.loudness!.integratedLufs!).toBeLessThan(-45);

    const run = await runQc({ paths: [file], spec: r128Renders, fps: '24' });
    const renders = run.deliverables[0]!.measurement!.renders!;
    for (const r of renders) {
      expect(Math.abs(r.loudness!.integratedLufs! + 23)).toBeLessThan(1);
      expect(r.loudness!.truePeakDbtp!).toBeLessThan(-20);
    }
    expect(rulesOf(run, 'loudness/integrated')).toEqual([]);
    expect(rulesOf(run, 'loudness/true-peak')).toEqual([]);
    expect(run.outcome.verdict).toBe('pass');
  });

  it('an objects-only master (no bed at all) is judged on its renders', async () => {
    const file = master('objects_only.wav', { objects: [{ az: 0, db: -20 }, { az: 110, db: -40 }] });
    const run = await runQc({ paths: [file], spec: r128Renders, fps: '24' });
    const d = run.deliverables[0]!;
    expect(d.measurement!.loudness!.integratedLufs).toBeNull();
    const loud = rulesOf(run, 'loudness/integrated');
    expect(loud).toHaveLength(2);
    // one object at -20 dBFS peak on the centre: about -20 LUFS, out of -23 ±1 by about 3 LU
    for (const f of loud) expect(f.measured as number).toBeGreaterThan(-22);
  });

  it('without atmos.judgeOnRenders the master is not rendered (and not loudness-judged)', async () => {
    const file = master('plain_profile.wav', { bed: { L: -26, R: -26, C: -26 }, objects: [{ az: 30, db: -2 }] });
    const run = await runQc({ paths: [file], spec: loadSpec('ebu-r128').spec, fps: '24' });
    expect(run.deliverables[0]!.measurement!.renders).toBeUndefined();
    expect(rulesOf(run, 'loudness/integrated')).toEqual([]);
  });

  it('netflix-atmos: dialogue-gated on the 5.1 render (speech detected on the render), full-programme fallback when there is no speech', async () => {
    const file = master('nfx_master.wav', { bed: { L: -26, R: -26, C: -26 }, objects: [{ az: 30, db: -2 }] });
    const run = await runQc({ paths: [file], spec: loadSpec('netflix-atmos').spec, fps: '24' });
    const d = run.deliverables[0]!;
    const r51 = d.measurement!.renders!.find((r) => r.layout === '5.1')!;
    // tones are not speech: the detector ran on the render and found none
    expect(r51.loudness!.dialogue?.speechPercent).toBe(0);
    expect(r51.loudness!.dialogue?.fallbackUsed).toBe(true);
    const loud = rulesOf(run, 'loudness/integrated').filter((f) => f.message.startsWith('5.1 re-render'));
    expect(loud.map((f) => f.severity).sort()).toEqual(['error', 'info']);
    expect(loud.find((f) => f.severity === 'error')!.message).toMatch(/programme loudness .* from the -24 LUFS target/);
  });

  it('netflix-atmos: dialogue in a centre object is found on the 5.1 render and gates its loudness', async () => {
    // three spoken lines (committed clips) in an object at the centre, a quiet tone object at the back
    const frames = 12 * RATE;
    const dialogue = new Float32Array(frames);
    let at = RATE / 2;
    for (const clip of committedClips().slice(0, 3).map((c) => resampleClip(c, RATE))) {
      for (let i = 0; i < clip.length && at + i < frames; i++) dialogue[at + i] = q24(0.35 * clip[i]!);
      at += clip.length + Math.round(0.8 * RATE);
    }
    const music = Float32Array.from({ length: frames }, (_, i) => q24(0.02 * Math.sin((2 * Math.PI * 220 * i) / RATE)));
    const file = path.join(dir, 'nfx_dialogue_object.wav');
    writeRenderAdm(file, { objects: [{ blocks: [{ polar: [0, 0, 1] }] }, { blocks: [{ polar: [180, 0, 1] }] }] }, [dialogue, music]);
    const run = await runQc({ paths: [file], spec: loadSpec('netflix-atmos').spec, fps: '24' });
    const r51 = run.deliverables[0]!.measurement!.renders!.find((r) => r.layout === '5.1')!;
    const dlg = r51.loudness!.dialogue!;
    expect(dlg.speechPercent).toBeGreaterThan(15);
    expect(dlg.fallbackUsed).toBe(false);
    // the dialogue-gated figure is inside -27 ±2: no 5.1 finding, though the whole programme (about -27)
    // is 3 LU off the -24 full-programme fallback target (which alone would have warned)
    expect(Math.abs(dlg.gatedLufs! + 27)).toBeLessThan(2);
    expect(r51.loudness!.integratedLufs!).toBeLessThan(-26.5);
    expect(rulesOf(run, 'loudness/integrated').filter((f) => f.message.startsWith('5.1 re-render'))).toEqual([]);
  });
});

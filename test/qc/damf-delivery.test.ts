/**
 * A Dolby Atmos master set (.atmos + .atmos.metadata + .atmos.audio) in a delivery folder, built by
 * code in nested folders beside a 5.1 printmaster: qc finds it as one Atmos deliverable (its three
 * files together, the CAF never a file of its own), counts its beds and objects from the .atmos,
 * judges its loudness and true peak on its 5.1 and 2.0 re-renders (netflix), and names the file
 * when a part of a set is missing or unreadable while the rest of the delivery is still checked.
 * `batch` over a catalogue holding the delivery reads it the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/delivery/discover.js';
import { qcExitCode, runQc, runQcDeliveries } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { findDeliveries } from '../../src/batch/catalog.js';
import { runBatch } from '../../src/batch/run.js';
import { measureFile } from '../../src/analysis/measure.js';
import { qcHtml } from '../../src/report/html.js';
import { writeDamf } from '../audio/dolby-atmos/build-damf.js';
import { sine, writeTestWav } from '../helpers/wav-writer.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-qc-damf-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const RATE = 48000;
const N = RATE * 3;
const BED712 = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];
const netflix = loadSpec('netflix').spec;
const netflixAtmos = loadSpec('netflix-atmos').spec;
const peakDb = (db: number) => 10 ** (db / 20);

/**
 * DELIVERY/PRINTMASTERS/FEATURE_PM_51.wav and DELIVERY/ATMOS/MASTER/FEATURE.atmos(+.metadata, +.audio):
 * a 7.1.2 bed with -30 dBFS tones on L, R, C (quiet, far under any true-peak limit) and three objects,
 * two at the front corners with -0.5 dBFS tones (the whole programme peaks over -1 dBTP), one silent.
 */
function delivery(dir: string): { pm: string; atmos: string } {
  fs.mkdirSync(path.join(dir, 'PRINTMASTERS'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'ATMOS', 'MASTER'), { recursive: true });
  const pm = path.join(dir, 'PRINTMASTERS', 'FEATURE_PM_51.wav');
  writeTestWav(pm, { channels: [0, 1, 2, 3, 4, 5].map((c) => (c === 3 ? new Float32Array(N) : sine(N, RATE, 300 + 100 * c, peakDb(-26)))) });
  const bed = BED712.map((l, i) => (['L', 'R', 'C'].includes(l) ? sine(N, RATE, 500 + 110 * i, peakDb(-30)) : new Float32Array(N)));
  const objects = [sine(N, RATE, 1700, peakDb(-0.5)), sine(N, RATE, 1830, peakDb(-0.5)), new Float32Array(N)];
  const atmos = writeDamf(path.join(dir, 'ATMOS', 'MASTER'), {
    name: 'FEATURE',
    bed: BED712,
    objects: 3,
    samples: [...bed, ...objects],
    positions: [[-1, 1, 0], [1, 1, 0], [0, -1, 1]],
  });
  return { pm, atmos };
}

let dir: string;
let set: { pm: string; atmos: string };
beforeAll(() => {
  dir = path.join(root, 'FEATURE_DELIVERY');
  set = delivery(dir);
});

const copyDelivery = (name: string): string => {
  const to = path.join(root, name);
  fs.cpSync(dir, to, { recursive: true });
  return to;
};

describe('a Dolby Atmos master set in a delivery folder', () => {
  it('discovery: the .atmos stands for the set; its .atmos.metadata and .atmos.audio are neither files nor ignored', async () => {
    const found = await discover([dir]);
    // subfolders in name order: ATMOS/MASTER before PRINTMASTERS
    expect(found.files).toEqual([set.atmos, set.pm]);
    expect(found.errors).toEqual([]);
    expect(found.ignored).toEqual([]);
    // a part given by itself stands for its set
    expect((await discover([`${set.atmos}.audio`])).files).toEqual([set.atmos]);
  });

  it('qc --spec netflix: one Atmos deliverable (three files), beds and objects from the .atmos, loudness and true peak on its re-renders', async () => {
    const run = await runQc({ paths: [dir], spec: netflix, fps: '24' });
    expect(run.inputErrors).toEqual([]);
    expect(run.deliverables.map((d) => d.id)).toEqual(['printmaster 5.1', 'atmos 7.1.2']);
    const a = run.deliverables[1]!;
    expect(a).toMatchObject({ role: 'atmos', layout: '7.1.2', roleSource: 'metadata', damf: true });
    expect(a.files).toEqual([set.atmos, `${set.atmos}.metadata`, `${set.atmos}.audio`]);
    expect(a.reasons[0]).toBe('role atmos: a Dolby Atmos master set (.atmos: 3 objects, 7.1.2 bed)');
    expect(a.adm).toEqual({ bedLayout: '7.1.2', bedChannels: 10, objectCount: 3 });
    const m = a.measurement!;
    expect(m.error).toBeUndefined();
    expect(m.format?.channels).toBe(13);
    // every file of the set has its MD5 and SHA-256 (the .atmos.audio's from the pass)
    expect(m.checksums!.map((c) => [c.path, c.sizeBytes])).toEqual(a.files.map((f) => [f, fs.statSync(f).size]));
    // the file's own figure is the quiet bed; the re-renders carry the objects
    expect(m.loudness!.truePeakDbtp!).toBeLessThan(-25);
    expect(m.renders!.map((r) => r.layout)).toEqual(['5.1', '2.0']);
    for (const r of m.renders!) {
      expect(r.loudness!.truePeakDbtp!).toBeGreaterThan(-1);
      expect(r.loudness!.integratedLufs!).toBeGreaterThan(m.loudness!.integratedLufs! + 10);
    }
    const tp = run.outcome.findings.filter((f) => f.rule === 'loudness/true-peak' && f.deliverable === a.id);
    expect(tp.map((f) => (f.details as { render?: { layout: string } }).render?.layout)).toEqual(['5.1', '2.0']);
    for (const f of tp) expect(f.message).toMatch(/re-render \(BS\.2127 render by dubstage, not Dolby's renderer\)/);
    // the printmaster beside it is checked as usual, not as part of the set
    expect(run.deliverables[0]!.measurement!.error).toBeUndefined();
    expect(run.deliverables[0]!.measurement!.renders).toBeUndefined();
    // the report lists the set's three files as one deliverable
    const html = qcHtml(run);
    expect(html).toContain('Dolby Atmos master set: root (.atmos)');
    expect(html).toContain('Dolby Atmos master set: audio (.atmos.audio, 13 ch)');
  });

  it('netflix-atmos: the atmos/* rules count the set\'s bed and objects (a 5.1 bed with 119 objects: over 118)', async () => {
    const clean = await runQc({ paths: [dir], spec: netflixAtmos, fps: '24' });
    expect(clean.outcome.findings.filter((f) => f.rule.startsWith('atmos/'))).toEqual([]);
    expect(clean.outcome.findings.filter((f) => f.rule === 'delivery/missing-deliverable' && /atmos/.test(f.message))).toEqual([]);
    const many = path.join(root, 'MANY_OBJECTS');
    fs.mkdirSync(many);
    writeDamf(many, { name: 'BIG', bed: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], objects: 119, frames: 4800 });
    const run = await runQc({ paths: [many], spec: netflixAtmos, fps: '24' });
    const count = run.outcome.findings.filter((f) => f.rule === 'atmos/object-count');
    expect(count.map((f) => [f.message, f.measured, f.limit])).toEqual([['119 objects; the spec allows at most 118', 119, 118]]);
    expect(run.outcome.findings.filter((f) => f.rule === 'atmos/bed-layout')).toEqual([]);
  });

  it('a missing .atmos.audio is named, the set listed as an unread Atmos master, the printmaster still checked', async () => {
    const d = copyDelivery('MISSING_AUDIO');
    const atmos = path.join(d, 'ATMOS', 'MASTER', 'FEATURE.atmos');
    fs.rmSync(`${atmos}.audio`);
    const run = await runQc({ paths: [d], spec: netflix, fps: '24' });
    expect(run.inputErrors).toHaveLength(1);
    expect(run.inputErrors[0]!.path).toBe(`${atmos}.audio`);
    expect(run.inputErrors[0]!.message).toBe(`${atmos}.audio: no such file — the .atmos.audio (presentations[0].audio: 'FEATURE.atmos.audio') of the Dolby Atmos master set FEATURE.atmos is missing`);
    const a = run.deliverables.find((x) => x.role === 'atmos')!;
    expect(a.measurement).toBeNull();
    expect(a.files).toContain(`${atmos}.audio`);
    const pm = run.deliverables.find((x) => x.role === 'printmaster')!;
    expect(pm.measurement!.loudness!.integratedLufs).not.toBeNull();
    expect(qcExitCode([run])).toBe(2);
  });

  it('an unreadable .atmos.metadata is named (the reader\'s line), the rest still checked', async () => {
    const d = copyDelivery('BAD_METADATA');
    const atmos = path.join(d, 'ATMOS', 'MASTER', 'FEATURE.atmos');
    fs.writeFileSync(`${atmos}.metadata`, 'sampleRate: 48000\n');
    const run = await runQc({ paths: [d], spec: netflix, fps: '24' });
    expect(run.inputErrors.map((e) => [e.path, e.message])).toEqual([[`${atmos}.metadata`, `${atmos}.metadata: no "events:" list: not a Dolby Atmos .atmos.metadata`]]);
    expect(run.deliverables.find((x) => x.role === 'printmaster')!.measurement!.error).toBeUndefined();
  });

  it('an .atmos.metadata and .atmos.audio without their .atmos: the missing root is named, the printmaster still checked', async () => {
    const d = copyDelivery('NO_ROOT');
    const atmos = path.join(d, 'ATMOS', 'MASTER', 'FEATURE.atmos');
    fs.rmSync(atmos);
    const runs = await runQcDeliveries({ paths: [d], spec: netflix, fps: '24' });
    const run = runs.deliveries[0]!;
    expect(run.deliverables.map((x) => x.id)).toEqual(['printmaster 5.1']);
    expect(run.inputErrors.map((e) => e.path)).toEqual([atmos, atmos]);
    expect(run.inputErrors[0]!.message).toBe(
      `${atmos}.audio: part of a Dolby Atmos master set, but its root FEATURE.atmos (the .atmos that names its .atmos.metadata and .atmos.audio) is missing: the set is not checked`,
    );
    expect(run.inputErrors[1]!.message).toMatch(/FEATURE\.atmos\.metadata: part of a Dolby Atmos master set, but its root FEATURE\.atmos/);
    expect(qcExitCode(runs.deliveries)).toBe(2);
  });

  it('measure on the set gives the same renders qc judged', async () => {
    const run = await runQc({ paths: [set.atmos], spec: netflix, fps: '24' });
    expect(run.deliverables.map((d) => d.id)).toEqual(['atmos 7.1.2']);
    const m = await measureFile(set.atmos);
    expect(m.loudness!.integratedLufs).toBe(run.deliverables[0]!.measurement!.loudness!.integratedLufs);
  });

  it('batch over a catalogue holding the delivery: one delivery whose inputs are the set\'s three files and the printmaster, judged as qc judges it', async () => {
    const catalogue = path.join(root, 'CATALOGUE');
    fs.mkdirSync(catalogue);
    fs.cpSync(dir, path.join(catalogue, 'FEATURE'), { recursive: true });
    const entries = await findDeliveries([catalogue]);
    expect(entries.map((e) => e.id)).toEqual(['FEATURE']);
    const atmos = path.join(catalogue, 'FEATURE', 'ATMOS', 'MASTER', 'FEATURE.atmos');
    expect(entries[0]!.inputs.map((i) => i.path)).toEqual([atmos, `${atmos}.audio`, `${atmos}.metadata`, path.join(catalogue, 'FEATURE', 'PRINTMASTERS', 'FEATURE_PM_51.wav')]);
    const out = path.join(root, 'BATCH_OUT');
    fs.mkdirSync(out);
    const result = await runBatch(entries, { spec: netflix, outDir: out, jobs: 1, fps: '24', reportDate: '2026-01-01T00:00:00Z' });
    expect(result.checked).toEqual(['FEATURE']);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'FEATURE', 'report.json'), 'utf8')) as {
      deliverables: Array<{ role: string; layout: string; files: string[] }>;
      findings: Array<{ rule: string; message: string; file: string }>;
    };
    expect(report.deliverables.map((d) => [d.role, d.layout, d.files.length])).toEqual([['printmaster', '5.1', 1], ['atmos', '7.1.2', 3]]);
    const tp = report.findings.filter((f) => f.rule === 'loudness/true-peak' && /re-render/.test(f.message));
    expect(tp.map((f) => f.message.slice(0, 3))).toEqual(['5.1', '2.0']);
    expect(tp[0]!.file).toBe(atmos);
    // loose in a catalogue: the set's files make one more delivery
    const loose = path.join(root, 'LOOSE_CATALOGUE');
    fs.mkdirSync(loose);
    for (const f of ['FEATURE.atmos', 'FEATURE.atmos.metadata', 'FEATURE.atmos.audio']) fs.copyFileSync(path.join(dir, 'ATMOS', 'MASTER', f), path.join(loose, f));
    const looseEntries = await findDeliveries([loose]);
    expect(looseEntries).toHaveLength(1);
    expect(looseEntries[0]!.inputs).toHaveLength(3);
  });
});

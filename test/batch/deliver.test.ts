// One delivery to its report folder: the same bytes when run twice with the same date, written whole or not
// at all (an earlier set stays when the new one cannot be written), and an unreadable delivery is a row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryInputs, type CatalogEntry } from '../../src/batch/catalog.js';
import { qcDeliveryToReports, writeFolderWhole } from '../../src/batch/deliver.js';
import { readStamp, specDigest } from '../../src/batch/resume.js';
import { QcPool, runQc } from '../../src/qc/pipeline.js';
import { qcHtml } from '../../src/report/html.js';
import { qcJunit } from '../../src/report/junit.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from '../qc/delivery-fixture.js';

const spec = loadSpec('netflix').spec;
const DATE = '2024-05-01T09:30:00Z';
let dir = '';
let out = '';
let entry: CatalogEntry;
beforeAll(async () => {
  dir = await buildDelivery('stem-gain');
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-deliver-'));
  entry = { id: 'SHOW', catalog: path.dirname(dir), title: 'SHOW', paths: [dir], inputs: deliveryInputs([dir]) };
}, 120_000);
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

const files = (id: string) => Object.fromEntries(fs.readdirSync(path.join(out, id)).sort().map((f) => [f, fs.readFileSync(path.join(out, id, f), 'utf8')]));

describe('qcDeliveryToReports', () => {
  it('run twice with the same date (inline, then on a pool of 2): byte-equal reports', async () => {
    const row = await qcDeliveryToReports(entry, { spec, fps: '24', outDir: out, reportDate: DATE });
    const once = files('SHOW');
    const pool = new QcPool(2);
    try {
      expect(await qcDeliveryToReports(entry, { spec, fps: '24', outDir: out, reportDate: DATE, pool })).toEqual(row);
    } finally {
      await pool.close();
    }
    expect(files('SHOW')).toEqual(once);
    expect(Object.keys(once)).toEqual(['report.html', 'report.json', 'report.junit.xml', 'stamp.json']);
    expect(once['report.junit.xml']).toContain('timestamp="2024-05-01T09:30:00Z"');
    expect(once['report.html']).toContain('2024-05-01 09:30:00 UTC');
    // no temp or old folders left behind
    expect(fs.readdirSync(out)).toEqual(['SHOW']);
    expect(row).toMatchObject({ id: 'SHOW', title: 'SHOW', reel: null, verdict: 'fail', report: 'SHOW/report.html' });
    expect(JSON.parse(once['report.json']!).findings.some((f: { rule: string }) => f.rule === 'stems/sum-to-printmaster')).toBe(true);
  }, 200_000);

  it('the reports are qc\'s reports of that run (HTML and JUnit from the same renderers)', async () => {
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    run.startedAt = DATE;
    delete run.elapsedSeconds;
    delete run.stages;
    const got = files('SHOW');
    expect(got['report.html']).toBe(qcHtml(run));
    expect(got['report.junit.xml']).toBe(qcJunit(run));
  }, 200_000);

  it('the stamp holds the inputs, the spec digest and the row', () => {
    const stamp = readStamp(out, 'SHOW')!;
    expect(stamp.inputs).toEqual(deliveryInputs([dir]));
    expect(stamp.spec).toEqual(specDigest(spec));
    expect(stamp.fps).toBe('24');
    expect(stamp.row.verdict).toBe('fail');
  });

  it('a delivery with nothing to read is a row with its error and a report that says so; never a throw', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-empty-'));
    const gone = path.join(empty, 'MOVED_AWAY');
    try {
      const row = await qcDeliveryToReports({ id: 'EMPTY', catalog: empty, title: 'EMPTY', paths: [empty], inputs: [] }, { spec, outDir: out, reportDate: DATE });
      expect(row).toMatchObject({ verdict: 'error', errors: 0, integratedLufs: null, error: `${empty}: no audio files found in the given paths` });
      expect(JSON.parse(files('EMPTY')['report.json']!).errors).toEqual([{ code: 'usage', message: 'no audio files found in the given paths', path: empty }]);
      expect(files('EMPTY')['report.junit.xml']).toContain('<error type="unreadable" message="no audio files found in the given paths"');
      // a delivery moved away between the walk and its check
      const row2 = await qcDeliveryToReports({ id: 'GONE', catalog: empty, title: 'GONE', paths: [gone], inputs: [] }, { spec, outDir: out, reportDate: DATE });
      expect(row2.verdict).toBe('error');
      expect(row2.error).toContain(gone);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

  it('written whole or not at all: a set that cannot be written leaves the earlier set as it was, and no temp folder', () => {
    const before = files('SHOW');
    // a file name the filesystem refuses part-way through the set
    expect(() => writeFolderWhole(out, 'SHOW', { 'report.json': '{}', 'sub/report.html': 'x' })).toThrow(/cannot write the reports of SHOW/);
    expect(files('SHOW')).toEqual(before);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    // a set that can be written replaces the old one whole: no file of the old set stays
    writeFolderWhole(out, 'SHOW2', { a: '1', b: '2' });
    writeFolderWhole(out, 'SHOW2', { a: '3' });
    expect(files('SHOW2')).toEqual({ a: '3' });
  });
});

// A catalogue batch in one process against `qc` on each delivery: the same verdicts, the same findings,
// the same JSON report; then --resume after touching one delivery checks that one again and no other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeliveries, type CatalogEntry } from '../../src/batch/catalog.js';
import type { IndexRow } from '../../src/batch/deliver.js';
import { checkResume } from '../../src/batch/resume.js';
import { runBatch, type BatchProgress, type BatchResult } from '../../src/batch/run.js';
import { runQcDeliveries, type QcRun } from '../../src/qc/pipeline.js';
import { qcJson } from '../../src/report/json.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildCatalogue } from './catalog-fixture.js';

const spec = loadSpec('netflix').spec;
let root = '';
let out = '';
let entries: CatalogEntry[] = [];
let first: BatchResult;
const progress: BatchProgress[] = [];
/** qc's run for each delivery, by id: qc given the title folder, one run per reel as qc splits it. */
const qc = new Map<string, QcRun>();

beforeAll(async () => {
  root = await buildCatalogue();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-batch-out-'));
  entries = await findDeliveries([root]);
  first = await runBatch(entries, { spec, outDir: out, jobs: 2, fps: '24', onProgress: (p) => progress.push(p) });
  for (const title of [...new Set(entries.map((e) => e.title))]) {
    const mine = entries.filter((e) => e.title === title);
    const folder = path.dirname(mine[0]!.paths[0]!) === root || mine[0]!.paths.length > 1 ? path.join(root, title) : path.dirname(mine[0]!.paths[0]!);
    const runs = await runQcDeliveries({ paths: [folder], spec, fps: '24' });
    expect(runs.deliveries).toHaveLength(mine.length);
    for (const [i, e] of mine.entries()) qc.set(e.id, runs.deliveries[i]!);
  }
}, 600_000);
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

const readJson = (id: string) => JSON.parse(fs.readFileSync(path.join(out, id, 'report.json'), 'utf8'));
const row = (id: string): IndexRow => first.rows.find((r) => r.id === id)!;

describe('runBatch against qc', () => {
  it('checks every delivery once, rows in catalogue order', () => {
    expect(first.rows.map((r) => r.id)).toEqual(entries.map((e) => e.id));
    expect([...first.checked].sort()).toEqual(entries.map((e) => e.id).sort());
    expect(first.skipped).toEqual([]);
  });

  it('gives each delivery the verdict and findings qc gives it, and qc --json as its report.json', () => {
    for (const e of entries) {
      const run = qc.get(e.id)!;
      const report = readJson(e.id);
      const want = qcJson(run);
      expect(report.verdict, e.id).toBe(want.verdict);
      expect(report.findings, e.id).toEqual(want.findings);
      expect(report, e.id).toEqual(JSON.parse(JSON.stringify(want)));
      const r = row(e.id);
      expect(r.errors).toBe(run.outcome.findings.filter((f) => f.severity === 'error').length);
      expect(r.warnings).toBe(run.outcome.findings.filter((f) => f.severity === 'warning').length);
      expect(r.verdict).toBe(run.inputErrors.length > 0 ? 'error' : run.outcome.verdict === 'fail' ? 'fail' : r.warnings > 0 ? 'warning' : 'pass');
    }
  });

  it('finds the planted fault and says what could not be read, and the rest pass qc', () => {
    expect(row('D_TRUE_PEAK')).toMatchObject({ verdict: 'fail', figuresFrom: 'printmaster 5.1' });
    expect(readJson('D_TRUE_PEAK').findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { rule: string }) => f.rule)).toEqual(['loudness/true-peak']);
    expect(row('D_TRUE_PEAK').truePeakDbtp!).toBeGreaterThan(-2);
    const z = row('Z_UNREADABLE');
    expect(z.verdict).toBe('error');
    expect(z.error).toContain('ZULU_PM_51.wav');
    expect(z.integratedLufs).toBeNull();
    for (const r of first.rows.filter((x) => x.id !== 'D_TRUE_PEAK' && x.id !== 'Z_UNREADABLE')) {
      expect(['pass', 'warning'], r.id).toContain(r.verdict);
      // each fixture's 5.1 printmaster is calibrated to -24 LUFS (the fixture's own meter)
      expect(r.integratedLufs!, r.id).toBeCloseTo(-24, 0);
      expect(r.figuresFrom).toBe('printmaster 5.1');
    }
  });

  it('writes the three reports and the stamp per delivery, the index, and nothing else', () => {
    expect(fs.readdirSync(out).sort()).toEqual([...entries.map((e) => e.id), 'index.csv', 'index.html', 'index.json'].sort());
    for (const e of entries) expect(fs.readdirSync(path.join(out, e.id)).sort()).toEqual(['report.html', 'report.json', 'report.junit.xml', 'stamp.json']);
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8'));
    expect(index.deliveries).toEqual(first.rows);
    expect(index.totals.fail).toBe(1);
    expect(index.totals.error).toBe(1);
  });

  it('reports progress: done of total, rising to all, with the delivery at hand and a time left once one is done', () => {
    expect(progress[0]).toMatchObject({ done: 0, total: 12, secondsLeft: null });
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12, secondsLeft: 0 });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    expect(new Set(progress.map((p) => p.current).filter(Boolean))).toEqual(new Set(entries.map((e) => e.id)));
  });
});

describe('--resume', () => {
  it('after touching one file of one delivery, checks that delivery again and no other; same rows', async () => {
    const touched = entries.find((e) => e.id === 'G_REELS__REEL_2')!;
    for (const e of entries) expect(checkResume(e, out, { spec, fps: '24' }).unchanged, e.id).toBe(true);
    const before = new Map(entries.map((e) => [e.id, fs.statSync(path.join(out, e.id, 'report.json')).mtimeMs]));
    const file = touched.inputs[0]!.path;
    const later = new Date(fs.statSync(file).mtimeMs + 5000);
    fs.utimesSync(file, later, later);
    const now = await findDeliveries([root]);
    expect(checkResume(now.find((e) => e.id === touched.id)!, out, { spec, fps: '24' })).toEqual({ unchanged: false, reason: `${file} changed` });
    const again = await runBatch(now, { spec, outDir: out, jobs: 2, fps: '24', resume: true });
    expect(again.checked).toEqual([touched.id]);
    expect(again.skipped).toHaveLength(11);
    expect(again.rows).toEqual(first.rows);
    for (const e of entries) {
      const m = fs.statSync(path.join(out, e.id, 'report.json')).mtimeMs;
      if (e.id === touched.id) expect(m).toBeGreaterThan(before.get(e.id)!);
      else expect(m, e.id).toBe(before.get(e.id)!);
    }
  }, 300_000);

  it('another spec, another --fps, a new file or a file gone: checked again', () => {
    const a = entries.find((e) => e.id === 'A_TITLE')!;
    expect(checkResume(a, out, { spec: loadSpec('ebu-r128').spec, fps: '24' })).toMatchObject({ unchanged: false, reason: expect.stringContaining('spec changed') });
    expect(checkResume(a, out, { spec, fps: '25' })).toMatchObject({ unchanged: false, reason: 'another --fps' });
    const extra = { path: path.join(root, 'A_TITLE', 'ALPHA_FOLEY_51.wav'), size: 1, mtimeMs: 1 };
    expect(checkResume({ ...a, inputs: [...a.inputs, extra] }, out, { spec, fps: '24' })).toMatchObject({ unchanged: false, reason: `${extra.path} is new` });
    expect(checkResume({ ...a, inputs: a.inputs.slice(1) }, out, { spec, fps: '24' })).toMatchObject({ unchanged: false, reason: `${a.inputs[0]!.path} is gone` });
    // a report folder missing one of its files is not whole: checked again
    fs.rmSync(path.join(out, 'A_TITLE', 'report.html'));
    expect(checkResume(a, out, { spec, fps: '24' })).toEqual({ unchanged: false, reason: 'report.html is missing' });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc, type QcRun } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery, type Defect } from './delivery-fixture.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** What a user sees: every finding with its rule, severity, place, timecodes and measured values. */
function findings(run: QcRun) {
  return run.outcome.findings.map((f) => JSON.parse(JSON.stringify(f)) as unknown);
}

describe('the QC worker pool gives the plain path its findings', () => {
  // A defect that exercises the null engine (stem late), one the loudness pass finds (true peak),
  // and one where speech matters (the printmasters' dialogue gating runs on every delivery).
  for (const defect of ['stem-late', 'true-peak', 'missing-effect'] as Defect[]) {
    it(`${defect}: threads 1 (inline) and 2 (pool) agree finding for finding`, async () => {
      const dir = await buildDelivery(defect);
      dirs.push(dir);
      const spec = loadSpec('netflix').spec;
      const plain = await runQc({ paths: [dir], spec, fps: '24', threads: 1 });
      const pooled = await runQc({ paths: [dir], spec, fps: '24', threads: 2 });
      expect(plain.threads).toBe(1);
      expect(pooled.threads).toBe(2);
      expect(plain.outcome.findings.length).toBeGreaterThan(0);
      expect(findings(pooled)).toEqual(findings(plain));
      expect(pooled.outcome.verdict).toBe(plain.outcome.verdict);
      expect(pooled.warnings).toEqual(plain.warnings);
      expect(pooled.inputErrors).toEqual(plain.inputErrors);
      // The measurements behind them too (loudness, analyzers, speech regions).
      const m = (r: QcRun) => r.deliverables.map((d) => JSON.parse(JSON.stringify({ id: d.id, m: d.measurement })) as unknown);
      expect(m(pooled)).toEqual(m(plain));
    });
  }

  it('an unreadable file and a missing stem: the same input errors, warnings and findings', async () => {
    const dir = await buildDelivery();
    dirs.push(dir);
    // A WAV header that stops short, and no effects stem: the M&E null test cannot run.
    fs.writeFileSync(path.join(dir, 'SHOW_FOLEY_51.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'));
    fs.rmSync(path.join(dir, 'SHOW_FX_51.wav'));
    const spec = loadSpec('netflix').spec;
    const plain = await runQc({ paths: [dir], spec, fps: '24', threads: 1 });
    const pooled = await runQc({ paths: [dir], spec, fps: '24', threads: 2 });
    expect(plain.inputErrors.length).toBeGreaterThan(0);
    expect(plain.outcome.findings.some((f) => f.rule === 'delivery/missing-deliverable')).toBe(true);
    expect(pooled.inputErrors).toEqual(plain.inputErrors);
    expect(pooled.warnings).toEqual(plain.warnings);
    expect(findings(pooled)).toEqual(findings(plain));
  });
});

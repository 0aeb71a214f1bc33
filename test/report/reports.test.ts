import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/qc/engine.js';
import type { QcRun } from '../../src/qc/pipeline.js';
import { qcHtml } from '../../src/report/html.js';
import { qcJson } from '../../src/report/json.js';
import { qcJunit } from '../../src/report/junit.js';
import { qcMarkers } from '../../src/report/markers.js';
import { qcTerminal } from '../../src/report/terminal.js';
import { writeWhole } from '../../src/report/write.js';
import { context, netflixSet } from '../qc/fixtures.js';

/** A run over hand-made measurements: the printmaster's true peak over, the M&E missing. */
function makeRun(): QcRun {
  const set = netflixSet({ pm51: { truePeakDbtp: -0.5, seconds: 10 } }).filter((d) => d.id !== 'me 5.1');
  set[0]!.measurement!.series = { intervalSeconds: 0.1, momentaryLufs: Array(100).fill(-24), shortTermLufs: Array(100).fill(-24.5) };
  const silence = { channels: [], dropouts: [{ channel: 0, label: 'L', startSeconds: 2, endSeconds: 2.5, lengthSamples: 24000 }] };
  set[2]!.measurement!.analyzers = { silence };
  const ctx = context(set);
  return {
    spec: ctx.spec,
    outcome: runRules(ctx),
    deliverables: set,
    fps: ctx.fps,
    dropFrame: false,
    fpsSource: '--fps',
    warnings: ['a note'],
    inputErrors: [],
  };
}

describe('qc reports', () => {
  const run = makeRun();

  it('--json has exactly the schema-1 shape', () => {
    const j = qcJson(run);
    // issue 13 added `summary` (per rule: status, findings, evidence) and a finding's optional `details`
    expect(Object.keys(j)).toEqual(['schema', 'spec', 'verdict', 'deliverables', 'findings', 'summary']);
    expect(j.summary.map((s) => s.rule)).toEqual(run.outcome.rulesRun.map((r) => r.id));
    expect(j.summary.find((s) => s.rule === 'loudness/true-peak')).toMatchObject({ status: 'fail', evidence: expect.arrayContaining([{ deliverable: 'printmaster 5.1', label: 'true peak', value: -0.5, unit: 'dBTP' }]) });
    expect(j.schema).toBe(1);
    expect(j.spec).toEqual({ id: 'netflix', name: run.spec.name, version: run.spec.version });
    expect(j.verdict).toBe('fail');
    expect(Object.keys(j.deliverables[0]!)).toEqual(['role', 'stem', 'layout', 'files', 'loudness']);
    expect(j.deliverables[0]).toMatchObject({ role: 'printmaster', stem: null, layout: '5.1' });
    for (const f of j.findings) {
      const keys = ['rule', 'severity', 'message', 'file', 'channel', 'startTimecode', 'endTimecode', 'measured', 'limit'];
      expect(Object.keys(f)).toEqual('details' in f ? [...keys, 'details'] : keys);
    }
    expect(j.findings.find((f) => f.rule === 'signal/silence')).toMatchObject({ channel: 'L', startTimecode: '01:00:02:00', endTimecode: '01:00:02:12' });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('terminal: verdict first, the deliverables table, findings grouped by severity', () => {
    const t = qcTerminal(run);
    expect(t.split('\n')[0]).toMatch(/^FAIL — Netflix near-field/);
    expect(t).toContain('printmaster 5.1');
    expect(t.indexOf('ERRORS (')).toBeGreaterThan(t.indexOf('printmaster 5.1'));
    expect(t.indexOf('ERRORS (')).toBeLessThan(t.indexOf('NOTES'));
    expect(t).toContain('missing deliverable: 5.1 M&E');
  });

  it('--junit: one test case per rule per deliverable, failures only for errors', () => {
    const xml = qcJunit(run);
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<Record<string, unknown>>;
    const perDeliverable = suites.filter((s) => s['@_name'] !== 'delivery');
    expect(perDeliverable).toHaveLength(5);
    const rulesPerSuite = run.outcome.rulesRun.length - 1; // missing-deliverable lives in the delivery suite
    for (const s of perDeliverable) expect((s.testcase as unknown[]).length).toBe(rulesPerSuite);
    const pm = perDeliverable.find((s) => s['@_name'] === 'printmaster 5.1')!;
    const tp = (pm.testcase as Array<Record<string, unknown>>).find((c) => c['@_name'] === 'loudness/true-peak')!;
    expect(tp.failure).toBeDefined();
    const delivery = suites.find((s) => s['@_name'] === 'delivery')!;
    const missing = ([] as Array<Record<string, unknown>>).concat(delivery.testcase as never);
    expect(missing[0]!['@_name']).toBe('delivery/missing-deliverable');
    expect(missing[0]!.failure).toBeDefined();
    expect(doc.testsuites['@_failures']).toBe(String(suites.reduce((n, s) => n + Number(s['@_failures']), 0)));
  });

  it('--markers: a REAPER region per timed finding, timecode at the delivery rate', () => {
    const csv = qcMarkers(run).trim().split('\n');
    expect(csv[0]).toBe('#,Name,Start,End,Length,Color');
    const dropout = csv.find((l) => l.includes('signal/silence'))!;
    expect(dropout).toMatch(/^R\d+,ERROR signal\/silence: dropout: 500\.0 ms of digital zero on L inside programme \(stem dialogue 5\.1 L\),01:00:02:00,01:00:02:12,00:00:00:12,FF0000$/);
    // The missing deliverable has no place in time: no marker.
    expect(csv.some((l) => l.includes('missing-deliverable'))).toBe(false);
  });

  it('--html: one self-contained file with the verdict, an SVG chart and the findings', () => {
    const html = qcHtml(run);
    expect(html).toContain('FAIL');
    expect(html).toMatch(/<svg [^>]*aria-label="loudness over time, printmaster 5\.1"/);
    expect(html).toContain('01:00:02:00');
    // No network or external assets.
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/<(script|link|img)\b/i);
  });

  it('reports are written whole: temp file then rename, nothing left behind on failure', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-report-'));
    const file = path.join(dir, 'r.json');
    writeWhole(file, '{"a":1}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}');
    expect(fs.readdirSync(dir)).toEqual(['r.json']);
    expect(() => writeWhole(path.join(dir, 'missing-dir', 'r.json'), 'x')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['r.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

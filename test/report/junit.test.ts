// --junit against the JUnit XML schema Jenkins and GitLab read (junit-4.xsd beside this file), on a
// delivery built by code: skipped rules that do not apply, an unreadable file as an <error>, times.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQc, type QcRun } from '../../src/qc/pipeline.js';
import { qcJunit } from '../../src/report/junit.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from '../qc/delivery-fixture.js';

const XSD = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'junit-4.xsd'), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit-4.xsd', contents: XSD }] });
  return r.errors.map((e) => e.rawMessage);
}

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false }).parse(xml);

describe('the JUnit schema itself', () => {
  it('rejects what Jenkins would not read (so the validation can fail)', async () => {
    const ok = '<testsuites><testsuite name="a" tests="1"><testcase name="x" time="0.5"><skipped/></testcase></testsuite></testsuites>';
    expect(await schemaErrors(ok)).toEqual([]);
    // skipped after failure, a testcase without a name, a time that is not seconds, a suite without tests
    for (const bad of [
      '<testsuites><testsuite name="a" tests="1"><testcase name="x"><failure/><skipped/></testcase></testsuite></testsuites>',
      '<testsuites><testsuite name="a" tests="1"><testcase/></testsuite></testsuites>',
      '<testsuites><testsuite name="a" tests="1"><testcase name="x" time="1,5 s"/></testsuite></testsuites>',
      '<testsuites><testsuite name="a"><testcase name="x"/></testsuite></testsuites>',
    ]) {
      expect((await schemaErrors(bad)).length).toBeGreaterThan(0);
    }
  });
});

describe('--junit on a delivery built by code', () => {
  let dir: string;
  let run: QcRun;
  let xml: string;

  beforeAll(async () => {
    dir = await buildDelivery();
    // a 2.0 DX stem that is not a WAV at all: unreadable, still reported, the rest still checked
    fs.writeFileSync(path.join(dir, 'SHOW_DX_20.wav'), Buffer.from('RIFX\u0000\u0000\u0000\u0000not a wave file', 'latin1'));
    run = await runQc({ paths: [dir], spec: loadSpec('netflix').spec, fps: '24' });
    xml = qcJunit(run);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is valid against the junit-4 schema', async () => {
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it('a delivery with planted defects: failures, warnings in system-out, still valid', async () => {
    const bad = await buildDelivery('stem-gain');
    try {
      const r = await runQc({ paths: [bad], spec: loadSpec('netflix').spec, fps: '24' });
      const x = qcJunit(r);
      expect(await schemaErrors(x)).toEqual([]);
      const doc = parse(x);
      const pm = list(doc.testsuites.testsuite).find((s) => s['@_name'] === 'printmaster 5.1')!;
      const stems = list(pm.testcase).find((c) => c['@_name'] === 'stems/sum-to-printmaster')!;
      expect(String((stems.failure as Node)['@_message'])).toMatch(/stem music 5\.1 is \+3\.0 dB/);
      expect(Number(doc.testsuites['@_failures'])).toBeGreaterThan(0);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  }, 120_000);

  it('an unreadable file is a test case with an <error>; its rules are skipped, not passed', () => {
    const doc = parse(xml);
    const cases = list(doc.testsuites.testsuite).flatMap((s) => list(s.testcase).map((c) => ({ suite: s, c })));
    const errors = cases.filter(({ c }) => c.error !== undefined);
    expect(errors).toHaveLength(1);
    const { suite, c } = errors[0]!;
    expect(String((c.error as Node)['@_message'])).toMatch(/SHOW_DX_20\.wav/);
    expect(String(c['@_name'])).toMatch(/^read/);
    expect(Number(doc.testsuites['@_errors'])).toBe(1);
    expect(Number(suite['@_errors'])).toBe(1);
    // a deliverable whose file could not be read: none of its rules claims a pass
    const others = list(suite.testcase).filter((x) => x !== c);
    for (const x of others) expect(x.skipped ?? x.failure).toBeDefined();
    expect(run.inputErrors.length).toBe(1);
  });

  it('rules that do not apply are <skipped/> with the reason: stems on the 2.0 printmaster, M&E rules off the M&E', () => {
    const doc = parse(xml);
    const suite = (name: string) => list(doc.testsuites.testsuite).find((s) => s['@_name'] === name)!;
    const rule = (s: string, id: string) => list(suite(s).testcase).find((c) => c['@_name'] === id)!;
    const pm20 = rule('printmaster 2.0', 'stems/sum-to-printmaster');
    expect((pm20.skipped as Node)['@_message']).toMatch(/no 2\.0 stems/);
    expect(rule('printmaster 5.1', 'me/music-effects-match').skipped).toBeDefined();
    expect(rule('printmaster 5.1', 'me/dialogue-leak').skipped).toBeDefined();
    expect(rule('stem dialogue 5.1', 'loudness/integrated').skipped).toBeDefined();
    // where a rule applies and passes: no skipped, no failure, and its evidence in system-out
    const pm51 = rule('printmaster 5.1', 'stems/sum-to-printmaster');
    expect(pm51.skipped).toBeUndefined();
    expect(pm51.failure).toBeUndefined();
    expect(String(pm51['system-out'])).toMatch(/^pass: stem dialogue 5\.1 \+ stem music 5\.1 \+ stem effects 5\.1: (exact null|null depth L (\d+\.\d|exact))/);
    expect(String(rule('printmaster 5.1', 'loudness/true-peak')['system-out'])).toMatch(/true peak -\d+\.\d dBTP on \w+ \(max -2\)/);
    expect(rule('me 5.1', 'me/music-effects-match').skipped).toBeUndefined();
    // the counts add up
    for (const s of list(doc.testsuites.testsuite)) {
      expect(Number(s['@_skipped'])).toBe(list(s.testcase).filter((c) => c.skipped !== undefined).length);
      expect(Number(s['@_tests'])).toBe(list(s.testcase).length);
    }
  });

  it('every suite and case has a time in seconds; suites a timestamp; the null test times its rule', () => {
    const doc = parse(xml);
    expect(Number(doc.testsuites['@_time'])).toBeGreaterThan(0);
    for (const s of list(doc.testsuites.testsuite)) {
      expect(s['@_timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(s['@_time']).toMatch(/^\d+\.\d{3}$/);
      for (const c of list(s.testcase)) expect(c['@_time']).toMatch(/^\d+\.\d{3}$/);
    }
    const pm = list(doc.testsuites.testsuite).find((s) => s['@_name'] === 'printmaster 5.1')!;
    expect(Number(pm['@_time'])).toBeGreaterThan(0);
    expect(Number(list(pm.testcase).find((c) => c['@_name'] === 'stems/sum-to-printmaster')!['@_time'])).toBeGreaterThan(0);
  });

  it("each deliverable's files and checksums are its suite's properties", () => {
    const doc = parse(xml);
    const pm = list(doc.testsuites.testsuite).find((s) => s['@_name'] === 'printmaster 5.1')!;
    const props = list((pm.properties as Node).property).map((p) => [p['@_name'], p['@_value']]);
    const sums = run.deliverables.find((d) => d.id === 'printmaster 5.1')!.measurement!.checksums!;
    expect(props).toContainEqual(['role', 'printmaster']);
    expect(props).toContainEqual(['md5 SHOW_PM_51.wav', sums[0]!.md5]);
    expect(sums[0]!.md5).toMatch(/^[0-9a-f]{32}$/);
  });
});

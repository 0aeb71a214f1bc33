/** Reports for several deliveries (src/report/deliveries.ts) and the terminal's bound per rule, on hand-made runs. */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { mergeEchoes, runRules } from '../../src/qc/engine.js';
import type { QcDeliveriesRun, QcRun } from '../../src/qc/pipeline.js';
import type { Finding } from '../../src/qc/types.js';
import { qcDeliveriesHtml, qcDeliveriesJunit, qcDeliveriesMarkers } from '../../src/report/deliveries.js';
import { qcDeliveriesJson } from '../../src/report/json.js';
import { FINDINGS_PER_RULE, qcDeliveriesTerminal, qcTerminal } from '../../src/report/terminal.js';
import { context, netflixSet } from '../qc/fixtures.js';

function run(name: string, truePeakDbtp = -3): QcRun {
  const set = netflixSet({ pm51: { truePeakDbtp } });
  const ctx = context(set);
  return {
    spec: ctx.spec,
    delivery: { name, paths: [`/deliveries/${name}`], reel: null },
    outcome: runRules(ctx),
    deliverables: set,
    fps: ctx.fps,
    dropFrame: false,
    fpsSource: '--fps',
    warnings: [],
    inputErrors: [],
    cross: ctx.cross,
  };
}

function runs(): QcDeliveriesRun {
  const deliveries = [run('REEL_1'), run('REEL_2', -0.5)];
  return { spec: deliveries[0]!.spec, deliveries, verdict: 'fail' };
}

describe('several deliveries', () => {
  it('JSON: one document per delivery with its name, one overall verdict', () => {
    const j = qcDeliveriesJson(runs());
    expect(j.verdict).toBe('fail');
    expect(j.deliveries.map((d) => [d.delivery.name, d.verdict])).toEqual([
      ['REEL_1', 'pass'],
      ['REEL_2', 'fail'],
    ]);
    expect(j.deliveries[1]!.findings.some((f) => f.rule === 'loudness/true-peak')).toBe(true);
  });

  it('terminal: the overall verdict and each delivery, then each report', () => {
    const text = qcDeliveriesTerminal(runs());
    expect(text.split('\n').slice(0, 3)).toEqual([expect.stringMatching(/^FAIL — .*: 2 deliveries, each checked on its own$/), '  PASS  REEL_1', '  FAIL  REEL_2']);
    expect(text).toContain('======== REEL_2 (/deliveries/REEL_2)');
  });

  it('JUnit: one testsuite per delivery, counts that add up', () => {
    const xml = qcDeliveriesJunit(runs());
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<{ name: string; tests: string; failures: string; testcase: Array<{ classname: string }> }>;
    expect(suites.map((s) => s.name)).toEqual(['REEL_1', 'REEL_2']);
    expect(suites.map((s) => Number(s.failures))).toEqual([0, 1]);
    expect(Number(doc.testsuites.tests)).toBe(suites.reduce((a, s) => a + Number(s.tests), 0));
    expect(suites.every((s) => s.testcase.length === Number(s.tests) && s.testcase.every((c) => c.classname.startsWith(`${s.name}.`)))).toBe(true);
  });

  it('HTML: one page, a section per delivery; markers: one CSV', () => {
    const html = qcDeliveriesHtml(runs());
    expect(html.match(/<section class="delivery"/g)).toHaveLength(2);
    expect(html.match(/<body/g)).toHaveLength(1);
    expect(html).toContain('Delivery 2: REEL_2');
    const csv = qcDeliveriesMarkers(runs()).trim().split('\n');
    expect(csv[0]).toBe('#,Name,Start,End,Length,Color');
    expect(new Set(csv.slice(1).map((l) => l.split(',')[0])).size).toBe(csv.length - 1);
  });
});

describe('one finding per defect', () => {
  const f = (deliverable: string, channel: string, startSeconds: number, endSeconds: number, rule = 'loudness/true-peak', severity: Finding['severity'] = 'error'): Finding => ({
    rule, severity, message: 'over', deliverable, file: null, channel, startSeconds, endSeconds, startTimecode: null, endTimecode: null, measured: null, limit: null,
  });
  const ctx = { deliverables: netflixSet() };

  it('the same fault in a stem, the printmaster and the M&E is one finding on the printmaster naming the others', () => {
    const out = mergeEchoes([f('stem effects 5.1', 'C', 2.5, 2.5), f('me 5.1', 'C', 2.5, 2.5), f('printmaster 5.1', 'C', 2.5, 2.5), f('printmaster 2.0', 'L', 2.5, 2.5)], ctx);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ deliverable: 'printmaster 5.1', message: 'over (also in stem effects 5.1, me 5.1, printmaster 2.0)' });
  });

  it('not merged: another channel or time, stems alone, notes, or another rule', () => {
    const kept = [
      f('printmaster 5.1', 'C', 2.5, 2.5),
      f('stem effects 5.1', 'L', 2.5, 2.5),
      f('me 5.1', 'C', 9, 9),
      f('stem dialogue 5.1', 'R', 1, 1),
      f('stem music 5.1', 'R', 1, 1),
      f('stem effects 5.1', 'C', 2.5, 2.5, 'signal/clipping'),
      f('me 5.1', 'C', 2.5, 2.5, 'loudness/true-peak', 'info'),
      f('printmaster 2.0', 'L', 0, 20),
    ];
    expect(mergeEchoes(kept, ctx)).toEqual(kept);
  });

  it('the terminal lists a few findings per rule and counts the rest', () => {
    const r = run('x');
    r.outcome = { ...r.outcome, findings: Array.from({ length: FINDINGS_PER_RULE + 3 }, (_, i) => f('stem music 5.1', 'L', i, i + 0.5, 'signal/clipping')) };
    const lines = qcTerminal(r).split('\n').filter((l) => l.startsWith('  signal/clipping'));
    expect(lines).toHaveLength(FINDINGS_PER_RULE + 1);
    expect(lines.at(-1)).toBe('  signal/clipping  and 3 more');
  });
});

/**
 * `--junit FILE`: JUnit XML as Jenkins and GitLab read it (the Ant / Jenkins junit-4 schema; tested
 * against test/report/junit-4.xsd), so a facility pipeline can gate on a delivery. One suite per
 * deliverable (and one for the delivery as a whole), one test case per rule:
 * - an error finding is a `<failure>`; warnings and info, and a passing rule's key figure, go to system-out;
 * - a rule that does not apply to the deliverable (a stems null test on a printmaster with no stems of
 *   its layout, an M&E rule on a printmaster) is `<skipped/>` with the reason, not a pass;
 * - a file that could not be read is a test case with an `<error>`, and its rules are skipped.
 * Times: a suite's is its measuring pass (and the null test it is the reference of); a case's is the
 * work only it did (the null test for the null-test rules, the pass for the read case), else 0.
 */
import path from 'node:path';
import type { QcRun } from '../qc/pipeline.js';
import type { CheckedDeliverable, Finding } from '../qc/types.js';
import { DELIVERY_WIDE_RULES, readError, ruleEvidence, type RuleEvidence } from './evidence.js';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** XML 1.0 has no place for most control characters, even escaped: drop them. */
function attr(s: string): string {
  return xmlEscape(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
}

function line(f: Finding): string {
  const tc = f.startTimecode ? ` [${f.startTimecode}${f.endTimecode ? `–${f.endTimecode}` : ''}]` : '';
  return `${f.severity}: ${f.message}${f.channel ? ` (${f.channel})` : ''}${tc}`;
}

const seconds = (s: number) => Math.max(0, s).toFixed(3);

/** Wall seconds of the run's stage `name` (0 when it did not run or the run kept no times). */
function stage(run: QcRun, name: string): number {
  return (run.stages ?? []).filter((s) => s.stage === name).reduce((t, s) => t + s.seconds, 0);
}

const NULL_TEST_RULES = new Set(['stems/sum-to-printmaster', 'me/music-effects-match']);

interface Case {
  name: string;
  time: number;
  skipped?: string;
  error?: { type: string; message: string; text: string };
  failure?: { message: string; text: string };
  out: string[];
}

function caseXml(classname: string, c: Case): string {
  const body: string[] = [];
  if (c.skipped !== undefined) body.push(`<skipped message="${attr(c.skipped)}"/>`);
  if (c.error) body.push(`<error type="${attr(c.error.type)}" message="${attr(c.error.message)}">${attr(c.error.text)}</error>`);
  if (c.failure) body.push(`<failure type="error" message="${attr(c.failure.message)}">${attr(c.failure.text)}</failure>`);
  if (c.out.length > 0) body.push(`<system-out>${attr(c.out.join('\n'))}</system-out>`);
  const open = `    <testcase classname="${attr(classname)}" name="${attr(c.name)}" time="${seconds(c.time)}"`;
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.map((b) => `      ${b}`).join('\n')}\n    </testcase>`;
}

function ruleCase(run: QcRun, e: RuleEvidence): Case {
  const c: Case = { name: e.rule, time: e.deliverable && NULL_TEST_RULES.has(e.rule) ? stage(run, `null ${e.deliverable}`) : 0, out: [] };
  if (e.status === 'not-applicable' || e.status === 'not-checked') {
    c.skipped = e.reason ?? 'does not apply';
    return c;
  }
  const errs = e.findings.filter((f) => f.severity === 'error');
  const others = e.findings.filter((f) => f.severity !== 'error');
  if (errs.length > 0) c.failure = { message: errs[0]!.message, text: errs.map(line).join('\n') };
  if (e.figure) c.out.push(`${e.status}: ${e.figure}`);
  c.out.push(...others.map(line));
  return c;
}

function properties(d: CheckedDeliverable): string[] {
  const props: Array<[string, string]> = [
    ['role', d.role ?? 'unknown'],
    ...(d.stem ? [['stem', d.stem] as [string, string]] : []),
    ['layout', d.layout ?? 'unknown'],
    ...d.files.map((f) => ['file', f] as [string, string]),
  ];
  for (const c of d.measurement?.checksums ?? []) props.push([`md5 ${path.basename(c.path)}`, c.md5], [`sha256 ${path.basename(c.path)}`, c.sha256]);
  return ['    <properties>', ...props.map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`), '    </properties>'];
}

interface Suite {
  name: string;
  cases: Case[];
  time: number;
  props: string[];
}

export function qcJunit(run: QcRun): string {
  const evidence = ruleEvidence(run);
  const suites: Suite[] = [];
  for (const d of run.deliverables) {
    const cases: Case[] = [];
    const unreadable = readError(run, d);
    const pass = stage(run, `measure ${d.id}`);
    if (unreadable) cases.push({ name: 'read', time: pass, error: { type: 'unreadable', message: unreadable, text: `${d.files.join('\n')}\n${unreadable}` }, out: [] });
    for (const e of evidence.filter((x) => x.deliverable === d.id)) cases.push(ruleCase(run, e));
    suites.push({ name: d.id, cases, time: pass + stage(run, `null ${d.id}`), props: properties(d) });
  }
  // The delivery as a whole: delivery-wide rules, and inputs that never became a deliverable (unreadable at discovery).
  const delivery: Case[] = [];
  const claimed = new Set(run.deliverables.flatMap((d) => d.files.map((f) => path.resolve(f))));
  for (const err of run.inputErrors) {
    if (err.path !== undefined && claimed.has(path.resolve(err.path))) continue;
    const name = err.path ? `read ${path.basename(err.path)}` : 'read';
    delivery.push({ name, time: 0, error: { type: 'unreadable', message: err.message, text: `${err.path ?? ''}\n${err.message}` }, out: [] });
  }
  for (const e of evidence.filter((x) => x.deliverable === null)) delivery.push(ruleCase(run, e));
  suites.push({ name: 'delivery', cases: delivery, time: 0, props: [] });

  const count = (cases: Case[], what: 'failure' | 'error' | 'skipped') => cases.filter((c) => c[what] !== undefined).length;
  const all = suites.flatMap((s) => s.cases);
  const timestamp = (run.startedAt ?? new Date().toISOString()).replace(/\.\d+Z$/, 'Z');
  const classPrefix = run.spec.id;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = run.elapsedSeconds ?? suites.reduce((t, s) => t + s.time, 0);
  out.push(
    `<testsuites name="${attr(`dubstage qc ${run.spec.id}`)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" time="${seconds(total)}">`,
  );
  for (const s of suites) {
    out.push(
      `  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${count(s.cases, 'failure')}" errors="${count(s.cases, 'error')}" skipped="${count(s.cases, 'skipped')}" time="${seconds(s.time)}" timestamp="${timestamp}">`,
      ...s.props,
      ...s.cases.map((c) => caseXml(`${classPrefix}.${s.name}`, c)),
      '  </testsuite>',
    );
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}


/**
 * `--junit FILE`: one test case per rule per deliverable (and one suite for delivery-wide rules), so a
 * facility pipeline can gate on it. Only error findings are failures; warnings and info go to
 * system-out.
 */
import type { QcRun } from '../qc/pipeline.js';
import type { Finding } from '../qc/types.js';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function line(f: Finding): string {
  const tc = f.startTimecode ? ` [${f.startTimecode}${f.endTimecode ? `–${f.endTimecode}` : ''}]` : '';
  return `${f.severity}: ${f.message}${f.channel ? ` (${f.channel})` : ''}${tc}`;
}

export function qcJunit(run: QcRun): string {
  const suites: Array<{ name: string; key: string | null }> = [
    ...run.deliverables.map((d) => ({ name: d.id, key: d.id as string | null })),
    { name: 'delivery', key: null },
  ];
  const out: string[] = [];
  let total = 0;
  let failures = 0;
  const body: string[] = [];
  for (const s of suites) {
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const rule of run.outcome.rulesRun) {
      const mine = run.outcome.findings.filter((f) => f.rule === rule.id && f.deliverable === s.key);
      // Delivery-wide rules only in the delivery suite; the rest only per deliverable.
      const deliveryWide = rule.id === 'delivery/missing-deliverable';
      if (s.key === null ? mine.length === 0 && !deliveryWide : deliveryWide) continue;
      const errs = mine.filter((f) => f.severity === 'error');
      const others = mine.filter((f) => f.severity !== 'error');
      let c = `    <testcase classname="${xmlEscape(`${run.spec.id}.${s.name}`)}" name="${xmlEscape(rule.id)}">`;
      if (errs.length > 0) {
        suiteFailures++;
        c += `\n      <failure type="error" message="${xmlEscape(errs[0]!.message)}">${xmlEscape(errs.map(line).join('\n'))}</failure>`;
      }
      if (others.length > 0) c += `\n      <system-out>${xmlEscape(others.map(line).join('\n'))}</system-out>`;
      c += errs.length > 0 || others.length > 0 ? '\n    </testcase>' : '</testcase>';
      cases.push(c);
    }
    total += cases.length;
    failures += suiteFailures;
    body.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${cases.length}" failures="${suiteFailures}" errors="0">`, ...cases, '  </testsuite>');
  }
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<testsuites name="${xmlEscape(`dubstage qc ${run.spec.id}`)}" tests="${total}" failures="${failures}" errors="${run.inputErrors.length}">`);
  out.push(...body, '</testsuites>', '');
  return out.join('\n');
}

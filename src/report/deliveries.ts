/**
 * Reports for several deliveries in one run (folders or reels, src/qc/pipeline.ts runQcDeliveries), built
 * from the one-delivery renderers so each delivery reads exactly as it would alone:
 * - HTML: one page, an overall verdict and a section per delivery (each the one-delivery page's body);
 * - JUnit: one <testsuite> per delivery holding its test cases (class names start with the delivery);
 * - markers: one CSV, every delivery's regions and markers (reels sit at their own timecodes).
 */
import type { QcDeliveriesRun, QcRun } from '../qc/pipeline.js';
import { qcHtml } from './html.js';
import { qcJunit, xmlEscape as esc } from './junit.js';
import { qcMarkers } from './markers.js';

const nameOf = (run: QcRun, i: number): string => run.delivery?.name ?? `delivery ${i + 1}`;

export function qcDeliveriesHtml(runs: QcDeliveriesRun): string {
  const pages = runs.deliveries.map((r) => qcHtml(r));
  const first = pages[0] ?? '';
  const bodyStart = first.search(/<body[^>]*>/i);
  const head = (bodyStart >= 0 ? first.slice(0, bodyStart) : '<!doctype html><html lang="en"><head><meta charset="utf-8"></head>').replace(
    /<title>[\s\S]*?<\/title>/i,
    `<title>dubstage qc — ${esc(runs.spec.name)} — ${runs.deliveries.length} deliveries — ${runs.verdict.toUpperCase()}</title>`,
  );
  const bodyOf = (page: string): string => /<body[^>]*>([\s\S]*)<\/body>/i.exec(page)?.[1] ?? page;
  const list = runs.deliveries
    .map((r, i) => `<li><a href="#delivery-${i + 1}">${esc(nameOf(r, i))}</a> — <b>${r.outcome.verdict.toUpperCase()}</b>${r.inputErrors.length > 0 ? ` (${r.inputErrors.length} unreadable)` : ''}</li>`)
    .join('\n');
  const sections = runs.deliveries
    .map((r, i) => `<section class="delivery" id="delivery-${i + 1}" style="border-top:3px solid #999;margin-top:32px;padding-top:8px">
<h2 style="margin:0">Delivery ${i + 1}: ${esc(nameOf(r, i))}</h2>
<p class="notes">${esc((r.delivery?.paths ?? []).join(', '))}</p>
${bodyOf(pages[i]!)}
</section>`)
    .join('\n');
  return `${head}<body>
<h1>dubstage qc — ${esc(runs.spec.name)} (${esc(runs.spec.version)}): <span class="verdict" style="background:${runs.verdict === 'pass' ? '#2ca02c' : '#d62728'}">${runs.verdict.toUpperCase()}</span></h1>
<p>${runs.deliveries.length} deliveries, each checked on its own:</p>
<ul>
${list}
</ul>
${sections}
</body></html>
`;
}

/** A number attribute of an XML start tag (0 when absent). */
function attr(tag: string, name: string): number {
  const m = new RegExp(`\\b${name}="([0-9.]+)"`).exec(tag);
  return m ? Number(m[1]) : 0;
}

export function qcDeliveriesJunit(runs: QcDeliveriesRun): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  runs.deliveries.forEach((r, i) => {
    const name = nameOf(r, i);
    const xml = qcJunit(r);
    // each test case of this delivery's report, its class name led by the delivery's name
    const cases = (xml.match(/<testcase\b[^>]*\/>|<testcase\b[^>]*[^/]>[\s\S]*?<\/testcase>/g) ?? []).map((c) =>
      c.replace(/classname="([^"]*)"/, (_m, cls: string) => `classname="${esc(name)}.${cls}"`),
    );
    const f = cases.filter((c) => /<failure\b/.test(c)).length;
    const e = cases.filter((c) => /<error\b/.test(c)).length;
    const s = cases.filter((c) => /<skipped\b/.test(c)).length;
    const top = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
    // unreadable inputs the one-delivery report counts at the top, not as cases
    const inputErrors = Math.max(0, attr(top, 'errors') - e);
    tests += cases.length;
    failures += f;
    errors += e + inputErrors;
    skipped += s;
    suites.push(
      `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${f}" errors="${e + inputErrors}" skipped="${s}">`,
      ...cases.map((c) => `    ${c.trim()}`),
      '  </testsuite>',
    );
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(`dubstage qc ${runs.spec.id}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

export function qcDeliveriesMarkers(runs: QcDeliveriesRun): string {
  const rows = ['#,Name,Start,End,Length,Color'];
  let m = 0;
  let r = 0;
  for (const run of runs.deliveries) {
    for (const line of qcMarkers(run).split('\n').slice(1)) {
      if (line === '') continue;
      rows.push(line.replace(/^([RM])\d+/, (_x, kind: string) => (kind === 'R' ? `R${++r}` : `M${++m}`)));
    }
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Render the qc HTML report in headless Chromium and save a screenshot (not part of the test suite:
 * CI has no Chromium). Builds a code-made delivery with a planted defect, runs qc, writes the HTML,
 * and calls Debian's chromium:
 *   npx tsx test/report/render-html.ts [defect] [out-dir]
 * e.g. `npx tsx test/report/render-html.ts missing-effect /tmp/qc-html` → /tmp/qc-html/report.html and
 * report.png. Needs `apt-get install -y chromium`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runQc } from '../../src/qc/pipeline.js';
import { qcHtml } from '../../src/report/html.js';
import { writeWhole } from '../../src/report/write.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery, type Defect } from '../qc/delivery-fixture.js';

async function main(): Promise<void> {
  const defect = (process.argv[2] || undefined) as Defect | undefined;
  const outDir = path.resolve(process.argv[3] ?? '/tmp/dubstage-qc-html');
  fs.mkdirSync(outDir, { recursive: true });
  const delivery = await buildDelivery(defect);
  const run = await runQc({ paths: [delivery], spec: loadSpec('netflix').spec, fps: '24' });
  const html = path.join(outDir, 'report.html');
  const png = path.join(outDir, 'report.png');
  writeWhole(html, qcHtml(run));
  execFileSync(
    'chromium',
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--hide-scrollbars', '--window-size=1280,7600', `--screenshot=${png}`, `file://${html}`,
    ],
    { stdio: 'inherit' },
  );
  fs.rmSync(delivery, { recursive: true, force: true });
  process.stdout.write(`${run.outcome.verdict}: ${html}\n${png}\n`);
}

await main();

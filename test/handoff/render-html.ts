/**
 * Render the handoff page of the planted package in headless Chromium and save a screenshot (not part of
 * the test suite: CI has no Chromium):
 *   npx tsx test/handoff/render-html.ts [out-dir]
 * → out-dir/handoff.html and handoff.png. Needs Debian's `chromium`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readSession } from '../../native-adapters/index.js';
import { handoff } from '../../src/handoff/handoff.js';
import { handoffHtml } from '../../src/report/handoff-html.js';
import { writeWhole } from '../../src/report/write.js';
import { buildPackage, writePackageRpp } from './fixtures.js';

const BRIEF = `# Reel 2 — the car chase

The chase should feel **claustrophobic**: keep the _engine_ under the dialogue.

- DX: production first, ADR only for SC 3
- MX: temp score, \`do not\` mix it hot

> Director: "I want to hear her breathe."

<script>alert("brief")</script> [notes](https://example.com)
`;

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? '/tmp/dubstage-handoff-html');
  fs.mkdirSync(outDir, { recursive: true });
  const pkg = buildPackage();
  const run = await handoff(await readSession(writePackageRpp(pkg)), { brief: BRIEF });
  const html = path.join(outDir, 'handoff.html');
  const png = path.join(outDir, 'handoff.png');
  writeWhole(html, handoffHtml(run));
  execFileSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--hide-scrollbars', '--window-size=1200,2400', `--screenshot=${png}`, `file://${html}`],
    { stdio: 'inherit' },
  );
  fs.rmSync(pkg.dir, { recursive: true, force: true });
  process.stdout.write(`${run.result.verdict}: ${html}\n${png}\n`);
}

await main();

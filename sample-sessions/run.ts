/**
 * `npm run sample`: make the sample production's audio on first use, then run dubstage on it as a new
 * user would: measure every deliverable, then QC the delivery against the Netflix profile (with an HTML
 * report beside the delivery folder). Exits as the commands do: 0 when the delivery passes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSampleSession } from './generate.js';

const files = ensureSampleSession();
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const run = (args: string[]) => {
  process.stdout.write(`\n$ dubstage ${args.map((a) => path.relative(process.cwd(), a) || a).join(' ')}\n`);
  return spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' }).status ?? 2;
};
const report = path.join(files.folder, '..', 'qc-report.html');
const measured = run(['measure', ...files.all]);
const checked = run(['qc', files.folder, '--spec', 'netflix', '--html', report]);
process.stdout.write(`\nHTML report: ${path.relative(process.cwd(), report)}\n`);
process.exitCode = measured !== 0 ? measured : checked;

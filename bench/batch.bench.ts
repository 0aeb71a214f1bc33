/**
 * batch benchmark (issue 21, "a catalogue of 24 small deliveries through `batch --jobs 2` against 24
 * sequential `qc` runs in the same run; the batch must be faster: one process, warm kernels"): builds a
 * catalogue of 24 near-field deliveries (test/qc/delivery-fixture.ts: 5.1 and 2.0 printmasters, 5.1
 * DX/MX/FX stems and M&E, 4 s at 48 kHz / 24-bit, each its own programme; one with a planted true-peak
 * fault), then times in the same run `dubstage batch CAT --spec netflix --jobs 2`, `--jobs 1`, and
 * `dubstage qc TITLE --spec netflix --json` once per title, one after the other, and prints each, the
 * ratios, and whether both found the same verdicts.
 *
 *   npm run build && node dist/bench/batch.bench.js [--repeats N] [--deliveries 24]
 *
 * Never a timed test: the machine is shared; read the ratio.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDelivery } from '../test/qc/delivery-fixture.js';
import { timed, type Run } from './timed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const repeats = Math.max(1, Number(arg('--repeats') ?? 1));
const count = Math.max(2, Number(arg('--deliveries') ?? 24));

async function catalogue(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'dubstage-bench', `batch_catalogue_v1_${count}`);
  if (existsSync(path.join(dir, '.done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`building ${count} deliveries in ${dir} (once)`);
  for (let i = 0; i < count; i++) {
    const name = `TITLE_${String(i + 1).padStart(2, '0')}`;
    await buildDelivery(i === 5 ? ['true-peak'] : [], { dir: path.join(dir, name), prefix: name, seed: i });
  }
  writeFileSync(path.join(dir, '.done'), '');
  return dir;
}

const median = (runs: Run[]): Run => [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor((runs.length - 1) / 2)]!;
const list = (runs: Run[]) => runs.map((r) => r.wallSeconds.toFixed(2)).join(', ');

async function main(): Promise<void> {
  const cat = await catalogue();
  const titles = readdirSync(cat).filter((n) => !n.startsWith('.')).sort();
  const out = path.join(os.tmpdir(), 'dubstage-bench', `batch_out_${count}`);
  console.log(`dubstage batch benchmark — ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`catalogue: ${cat} (${titles.length} deliveries of 6 files, 4 s each)`);
  const batch2: Run[] = [];
  const batch1: Run[] = [];
  const sequential: Run[] = [];
  let qcVerdicts: string[] = [];
  let batchVerdicts: string[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const [jobs, runs] of [[2, batch2], [1, batch1]] as const) {
      rmSync(out, { recursive: true, force: true });
      const run = await timed(process.execPath, [cli, 'batch', cat, '--spec', 'netflix', '--fps', '24', '--out', out, '--jobs', String(jobs), '--json']);
      if (run.code !== 0 && run.code !== 1) throw new Error(`batch --jobs ${jobs} exited ${run.code}: ${run.stderr}`);
      runs.push(run);
      if (jobs === 2) batchVerdicts = (JSON.parse(run.stdout) as { deliveries: Array<{ verdict: string }> }).deliveries.map((d) => (d.verdict === 'fail' ? 'fail' : 'pass'));
    }
    // 24 separate qc processes, one after the other, as a script over the catalogue would run them
    const t0 = process.hrtime.bigint();
    let peak = 0;
    let cpu = 0;
    const verdicts: string[] = [];
    for (const t of titles) {
      const q = await timed(process.execPath, [cli, 'qc', path.join(cat, t), '--spec', 'netflix', '--fps', '24', '--json']);
      if (q.code !== 0 && q.code !== 1) throw new Error(`qc ${t} exited ${q.code}: ${q.stderr}`);
      verdicts.push((JSON.parse(q.stdout) as { verdict: string }).verdict);
      peak = Math.max(peak, q.peakRssMb);
      cpu += q.cpuSeconds;
    }
    qcVerdicts = verdicts;
    sequential.push({ wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssMb: peak, cpuSeconds: cpu, stdout: '', stderr: '', code: 0 });
  }
  const s = median(sequential).wallSeconds;
  const b2 = median(batch2).wallSeconds;
  const b1 = median(batch1).wallSeconds;
  console.log('');
  console.log(`| what | runs (wall s) | median | per delivery | ratio to ${titles.length} qc runs | peak RSS |`);
  console.log('|---|---|---|---|---|---|');
  console.log(`| ${titles.length} × \`dubstage qc TITLE\`, one after the other | ${list(sequential)} | ${s.toFixed(2)} | ${(s / titles.length).toFixed(2)} | 1.00 | ${median(sequential).peakRssMb.toFixed(0)} MB (largest one) |`);
  console.log(`| \`dubstage batch CAT --jobs 1\` | ${list(batch1)} | ${b1.toFixed(2)} | ${(b1 / titles.length).toFixed(2)} | ${(b1 / s).toFixed(2)} | ${median(batch1).peakRssMb.toFixed(0)} MB |`);
  console.log(`| \`dubstage batch CAT --jobs 2\` | ${list(batch2)} | ${b2.toFixed(2)} | ${(b2 / titles.length).toFixed(2)} | ${(b2 / s).toFixed(2)} | ${median(batch2).peakRssMb.toFixed(0)} MB |`);
  console.log('');
  console.log(`batch --jobs 2 is ${(s / b2).toFixed(2)}x the speed of ${titles.length} sequential qc runs (${b2 < s ? 'faster' : 'NOT faster'}); --jobs 2 vs --jobs 1: ${(b1 / b2).toFixed(2)}x`);
  const same = qcVerdicts.length === batchVerdicts.length && qcVerdicts.every((v, i) => v === batchVerdicts[i]);
  console.log(`verdicts: qc ${qcVerdicts.filter((v) => v === 'fail').length} fail / ${qcVerdicts.length}, batch ${batchVerdicts.filter((v) => v === 'fail').length} fail / ${batchVerdicts.length}: ${same ? 'the same for every delivery' : 'DIFFERENT'}`);
  const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as { deliveries: unknown[] };
  console.log(`index: ${index.deliveries.length} rows in ${path.join(out, 'index.html')}`);
}

await main();

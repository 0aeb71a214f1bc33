/**
 * fix benchmark (issue 20, "a 20-minute reel's full delivery is fixed and re-measured in under twice the
 * time `qc` takes on it"): on the delivery bench/qc.bench.ts builds (5.1 and 2.0 printmasters, 5.1
 * DX/MX/FX stems, 5.1 M&E, 48 kHz 24-bit, 5.5 GB for 20 minutes; built by running that bench once when
 * it is not there yet), times in the same run `dubstage qc DIR --spec netflix` and `dubstage fix DIR
 * --spec netflix --target -29 --out OUT` (a real gain on every file: written, measured again, hashed),
 * and prints both, the ratio, fix's per-stage times and whether `qc` passes on the output.
 *
 *   npm run build && node dist/bench/fix.bench.js [--minutes 20] [--repeats N] [--shm] [--keep]
 *
 * The output is 5.5 GB: on a disk slower than the page cache, writing it is bounded by the disk once the
 * kernel's dirty-page limit is reached (qc writes nothing). --shm also runs fix with --out in /dev/shm
 * (RAM), which times the tool itself, as qc's run from the page cache does.
 *
 * Never a timed test: the machine is shared; read the ratio.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed, type Run } from './timed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const minutes = Number(arg('--minutes') ?? 20);
const seconds = Math.round(minutes * 60);
const repeats = Math.max(1, Number(arg('--repeats') ?? 1));

/** The delivery qc.bench.ts builds (same folder name), built by running it when missing. */
function delivery(): string {
  const dir = path.join(os.tmpdir(), 'dubstage-bench', `qc_delivery_v3_${seconds}s`);
  if (existsSync(path.join(dir, '.done'))) return dir;
  console.log(`building the delivery with bench/qc.bench.js --minutes ${minutes} (once)`);
  const r = spawnSync(process.execPath, [path.join(here, 'qc.bench.js'), '--minutes', String(minutes)], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(path.join(dir, '.done'))) throw new Error('qc.bench.js did not build the delivery');
  return dir;
}

function warm(dir: string): number {
  const buf = Buffer.allocUnsafe(4 << 20);
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.wav')) continue;
    const fd = openSync(path.join(dir, name), 'r');
    try {
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  return bytes;
}

const median = (runs: Run[]): Run => [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor((runs.length - 1) / 2)]!;

async function main(): Promise<void> {
  const dir = delivery();
  const out = path.join(os.tmpdir(), 'dubstage-bench', `fix_out_${seconds}s`);
  rmSync(out, { recursive: true, force: true });
  console.log(`dubstage fix benchmark — ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`delivery: ${dir} (${minutes} min, ${(warm(dir) / 1e9).toFixed(1)} GB, read once into the page cache)`);
  const env: NodeJS.ProcessEnv = { ...process.env, DUBSTAGE_QC_TIMINGS: '1' };
  const targets: Array<[string, string]> = [['disk', out]];
  if (process.argv.includes('--shm')) targets.push(['/dev/shm', path.join('/dev/shm', `dubstage_fix_out_${seconds}s`)]);
  const qcRuns: Run[] = [];
  const fixRuns = new Map<string, Run[]>(targets.map(([name]) => [name, []]));
  for (let i = 0; i < repeats; i++) {
    qcRuns.push(await timed(process.execPath, [cli, 'qc', dir, '--spec', 'netflix', '--fps', '24', '--json'], env));
    for (const [name, o] of targets) {
      rmSync(o, { recursive: true, force: true });
      fixRuns.get(name)!.push(await timed(process.execPath, [cli, 'fix', dir, '--spec', 'netflix', '--fps', '24', '--target', '-29', '--out', o, '--json'], env));
      if (name !== 'disk') rmSync(o, { recursive: true, force: true });
    }
  }
  const q = median(qcRuns);
  if (q.code !== 0 && q.code !== 1) throw new Error(`qc exited ${q.code}: ${q.stderr.slice(-800)}`);
  if (repeats > 1) console.log(`  qc runs (wall s): ${qcRuns.map((r) => r.wallSeconds.toFixed(2)).join(', ')}`);
  console.log(`  qc  (netflix, every rule):       wall ${q.wallSeconds.toFixed(2)} s, peak RSS ${q.peakRssMb.toFixed(0)} MB`);
  for (const [name] of targets) {
    const runs = fixRuns.get(name)!;
    const f = median(runs);
    if (f.code !== 0) throw new Error(`fix exited ${f.code}: ${f.stderr.slice(-800)}${f.stdout.slice(-800)}`);
    const j = JSON.parse(f.stdout) as { families: Array<{ layout: string; gainDb: number; judgedBy: string; beforeLufs: number; afterLufs: number }>; files: unknown[]; written: boolean };
    if (repeats > 1) console.log(`  fix --out ${name} runs (wall s): ${runs.map((r) => r.wallSeconds.toFixed(2)).join(', ')}`);
    console.log(`  fix --out on ${name.padEnd(9)}        wall ${f.wallSeconds.toFixed(2)} s, peak RSS ${f.peakRssMb.toFixed(0)} MB, ${j.files.length} files written: ${j.written} — ratio fix / qc ${(f.wallSeconds / q.wallSeconds).toFixed(2)} (goal: under 2)`);
    const stages = /^dubstage-fix-timings (.*)$/m.exec(f.stderr);
    if (stages) console.log(`    stages: ${(JSON.parse(stages[1]!) as Array<{ stage: string; seconds: number }>).map((s) => `${s.stage} ${s.seconds.toFixed(2)} s`).join(', ')}`);
    if (name === 'disk') for (const fam of j.families) console.log(`    ${fam.layout}: ${fam.gainDb} dB, ${fam.judgedBy} ${fam.beforeLufs.toFixed(2)} -> ${fam.afterLufs.toFixed(2)} LUFS`);
  }
  const check = await timed(process.execPath, [cli, 'qc', out, '--spec', 'netflix', '--fps', '24', '--json'], env);
  const verdict = JSON.parse(check.stdout) as { verdict: string; findings: Array<{ severity: string; rule: string }> };
  console.log(`  qc on the output: ${verdict.verdict} (${verdict.findings.filter((x) => x.severity === 'error').map((x) => x.rule).join(', ') || 'no error findings'}; the -29 target is 2 LU from Netflix's -27)`);
  if (!process.argv.includes('--keep')) rmSync(out, { recursive: true, force: true });
}

await main();

/**
 * Farm benchmark (issue 21, "through 1 vs 2 workers on this 2-core machine (throughput ratio at least 1.7)"):
 * builds once, in the temp folder, a catalogue of small deliveries (test/qc/delivery-fixture.ts: 5.1 and
 * 2.0 printmasters, DX/MX/FX stems and an M&E, 4 s at 48 kHz / 24-bit, a different programme each), starts a
 * real Redis (DUBSTAGE_TEST_REDIS_URL, else a redis-server of its own), then for 1 and for 2 workers
 * (`node dist/src/cli/main.js worker --concurrency 1` processes) times `submit --wait` of the whole catalogue
 * from the first job queued to the index written, and prints deliveries per second and the ratio.
 *
 *   npm run build && node dist/bench/farm.bench.js [--deliveries 24] [--repeats 1]
 *
 * Each run writes into its own output folder (new job ids) on an emptied Redis database; the workers are
 * up before the clock starts. Never a timed test: the machine is shared with other agents; read the ratio
 * beside the load average printed with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { buildDelivery } from '../test/qc/delivery-fixture.js';
import { testRedis } from '../test/helpers/redis-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const count = Number(arg('--deliveries') ?? 24);
const repeats = Number(arg('--repeats') ?? 1);

async function makeCatalogue(): Promise<string> {
  const dir = path.join(os.tmpdir(), `dubstage-farm-bench-${count}`);
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(2, '0');
    await buildDelivery(undefined, { dir: path.join(dir, `TITLE_${n}`), prefix: `T${n}`, seed: i });
  }
  fs.writeFileSync(done, '');
  return dir;
}

function startWorker(url: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'worker', '--redis', url], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('ready on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${err}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** /proc/<pid>/stat (or a thread's /proc/<pid>/task/<tid>/stat) as the fields after the command name, and the name. */
function stat(file: string): { comm: string; f: string[] } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null; // gone
  }
  const close = text.lastIndexOf(')');
  // f[0] is the state (field 3): ppid is f[1], utime f[11], stime f[12], cutime f[13], cstime f[14]
  return { comm: text.slice(text.indexOf('(') + 1, close), f: text.slice(close + 2).split(' ') };
}

const seconds = (ticks: number): number => ticks / TICKS;

/** CPU seconds of this process's waited-for children (the submit, after it exits): cutime + cstime. */
function childCpuSeconds(): number {
  const s = stat('/proc/self/stat')!;
  return seconds(Number(s.f[13]) + Number(s.f[14]));
}

/** CPU seconds by thread name of one live process (the main thread is named after the process). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const s = stat(`/proc/${pid}/task/${tid}/stat`);
    if (!s) continue;
    const name = Number(tid) === pid ? 'main' : s.comm.replace(/[0-9]+$/, '').trim();
    out.set(name, (out.get(name) ?? 0) + seconds(Number(s.f[11]) + Number(s.f[12])));
  }
  return out;
}

/** Live processes whose parent is pid. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(`/proc/${d}/stat`);
    if (s && Number(s.f[1]) === pid) out.push(Number(d));
  }
  return out;
}

/**
 * Where the CPU went, by process and, inside a process, by thread name: "worker" (the `dubstage worker`
 * process), "child" (its sandboxed children, which run the QC; children that exited count through the
 * worker's cutime), "redis-server"; the submit is added after it exits. Thread names: main, the V8
 * platform's workers ("V8 DefaultWorke": background compilation and GC), libuv's pool ("libuv-worker").
 */
type Breakdown = Map<string, number>;

function snapshot(workers: number[], redisPid: number | null): Breakdown {
  const b: Breakdown = new Map();
  const add = (key: string, s: number): void => void b.set(key, (b.get(key) ?? 0) + s);
  for (const w of workers) {
    for (const [t, s] of threadCpu(w)) add(`worker ${t}`, s);
    const ws = stat(`/proc/${w}/stat`);
    if (ws) add('child (exited)', seconds(Number(ws.f[13]) + Number(ws.f[14])));
    for (const c of childrenOf(w)) for (const [t, s] of threadCpu(c)) add(`child ${t}`, s);
  }
  if (redisPid !== null) for (const [t, s] of threadCpu(redisPid)) add(`redis ${t}`, s);
  return b;
}

function since(a: Breakdown, b: Breakdown): Breakdown {
  const out: Breakdown = new Map();
  for (const [k, v] of b) {
    const d = v - (a.get(k) ?? 0);
    if (d > 0.005) out.set(k, d);
  }
  return out;
}

/** redis-server's pid from INFO (its own report, whether the bench started it or not): null when not on this machine. */
async function redisPid(client: Redis): Promise<number | null> {
  const info = await client.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  const s = Number.isFinite(pid) ? stat(`/proc/${pid}/stat`) : null;
  return s && s.comm.startsWith('redis-server') ? pid : null;
}

interface Timing {
  seconds: number;
  /** CPU seconds of the run's processes from the first job queued to the index written (workers, their children, submit, Redis). */
  cpuSeconds: number;
  breakdown: Breakdown;
}

async function run(url: string, catalogue: string, workers: number, outDir: string, submitArgs: string[]): Promise<Timing> {
  const client = new Redis(url);
  await client.flushdb();
  const rpid = await redisPid(client);
  client.disconnect();
  const procs: ChildProcess[] = [];
  let wall = 0;
  let breakdown: Breakdown = new Map();
  try {
    for (let i = 0; i < workers; i++) procs.push(await startWorker(url));
    const pids = procs.map((p) => p.pid!);
    const before = snapshot(pids, rpid);
    const submitCpu0 = childCpuSeconds();
    const t0 = process.hrtime.bigint();
    const submit = spawn(process.execPath, [cli, 'submit', catalogue, '--redis', url, '--spec', 'netflix', '--out', outDir, '--wait', '--json', ...submitArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    submit.stdout!.on('data', (d) => (stdout += d));
    submit.stderr!.on('data', (d) => (stderr += d));
    const status = await new Promise<number | null>((r) => submit.once('close', (code) => r(code)));
    wall = Number(process.hrtime.bigint() - t0) / 1e9;
    breakdown = since(before, snapshot(pids, rpid));
    breakdown.set('submit', childCpuSeconds() - submitCpu0);
    if (status !== 0 && status !== 1) throw new Error(`submit exited ${status}: ${stderr}`);
    const rows = (JSON.parse(stdout) as { rows: unknown[] }).rows;
    if (rows.length !== count) throw new Error(`submit returned ${rows.length} rows for ${count} deliveries`);
  } finally {
    for (const p of procs) await stopWorker(p);
  }
  let cpu = 0;
  for (const v of breakdown.values()) cpu += v;
  return { seconds: wall, cpuSeconds: cpu, breakdown };
}

/** The breakdown as lines: per process (worker, child, redis, submit), its threads by name, in cores (CPU s / wall s). */
function printBreakdown(t: Timing): void {
  const groups = new Map<string, Array<[string, number]>>();
  for (const [k, v] of t.breakdown) {
    const [proc, ...rest] = k.split(' ');
    const list = groups.get(proc!) ?? [];
    list.push([rest.join(' ') || proc!, v]);
    groups.set(proc!, list);
  }
  for (const [proc, list] of groups) {
    const sum = list.reduce((a, [, v]) => a + v, 0);
    const parts = list.sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${v.toFixed(2)}`);
    console.log(`      ${proc.padEnd(7)} ${sum.toFixed(2).padStart(6)} CPU s = ${(sum / t.seconds).toFixed(2)} cores${list.length > 1 || parts[0]!.split(' ')[0] !== proc ? ` (${parts.join(', ')})` : ''}`);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const catalogue = await makeCatalogue();
const redis = await testRedis();
const url = `${redis.url.replace(/\/\d*$/, '')}/7`;
const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-farm-bench-out-'));
try {
  console.log(`farm bench: ${count} deliveries (4 s, 6 files each), ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const times: Record<number, number[]> = { 1: [], 2: [] };
  for (let rep = 0; rep < repeats; rep++) {
    for (const workers of [1, 2]) {
      const t = await run(url, catalogue, workers, path.join(outRoot, `w${workers}-r${rep}`), []);
      times[workers]!.push(t.seconds);
      console.log(
        `  ${workers} worker(s): ${t.seconds.toFixed(2)} s, ${(count / t.seconds).toFixed(2)} deliveries/s; ` +
          `${t.cpuSeconds.toFixed(1)} CPU s (${(t.cpuSeconds / count).toFixed(2)} per delivery), cores obtained ${(t.cpuSeconds / t.seconds).toFixed(2)}`,
      );
      printBreakdown(t);
    }
  }
  const t1 = median(times[1]!);
  const t2 = median(times[2]!);
  console.log(`throughput 2 workers / 1 worker: ${(t1 / t2).toFixed(2)} (issue asks >= 1.7; on a machine loaded by others it is bounded by the cores obtained, printed above); load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  fs.rmSync(outRoot, { recursive: true, force: true });
  await redis.stop();
}

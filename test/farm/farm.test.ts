/**
 * The farm on a real Redis (test/helpers/redis-server.ts): a catalogue built by code, two `dubstage worker`
 * processes, `dubstage submit --wait`, and one worker killed with SIGKILL in the middle of a job. Every
 * delivery must end with exactly one report, byte-equal to the batch core's for the same delivery, and the
 * queue with nothing lost or left active. Also: a re-submit queues nothing; a transient failure (a report
 * that cannot be written) is retried with backoff and then succeeds; an unreadable delivery completes at
 * once with its error row; an unreachable Redis is exit 2 naming the URL, within seconds.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeliveries, type CatalogEntry } from '../../src/batch/catalog.js';
import { qcDeliveryToReports, type IndexRow } from '../../src/batch/deliver.js';
import { FARM_QUEUE } from '../../src/farm/queue.js';
import { loadPlugins } from '../../src/qc/plugins.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from '../qc/delivery-fixture.js';
import { emptyDatabase, testRedis, type TestRedis } from '../helpers/redis-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = path.join(repoRoot, 'src', 'cli', 'main.ts');
/** The CLI from sources in ONE process (node with tsx's loader; the tsx command would add a wrapper process a SIGKILL stops instead). */
const node = [process.execPath, '--import', 'tsx'] as const;

/** This file's own Redis database: other farm suites on the same server never see its queue. */
const DB = 5;

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const procs: Proc[] = [];

/** The CLI as a child process, in its own process group (so a leftover sandbox child can be seen and cleaned up). */
function cli(args: string[]): Proc {
  const child = spawn(node[0], [...node.slice(1), main, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, FORCE_COLOR: '0' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const p = { child, stdout: () => out, stderr: () => err, exited };
  procs.push(p);
  return p;
}

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 120000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How many processes are in the group. */
function groupSize(pgid: number): number {
  const r = spawnSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).length;
}

let redis: TestRedis;
let url: string;
let work: string;
let catalog: string;
let entries: CatalogEntry[];
let refDir: string;
const refRows = new Map<string, IndexRow>();

beforeAll(async () => {
  redis = await testRedis();
  url = await emptyDatabase(redis.url, DB);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-farm-'));
  catalog = path.join(work, 'catalog');
  // six titles: four clean programmes (different seeds), one with a planted true-peak fault, one unreadable
  for (let i = 0; i < 4; i++) await buildDelivery(undefined, { dir: path.join(catalog, `TITLE_${i + 1}`), prefix: `T${i + 1}`, seed: i });
  await buildDelivery('true-peak', { dir: path.join(catalog, 'TITLE_PEAK'), prefix: 'TP' });
  fs.mkdirSync(path.join(catalog, 'TITLE_BAD'));
  fs.writeFileSync(path.join(catalog, 'TITLE_BAD', 'BAD_PM_51.wav'), Buffer.from('RIFF\x10\x00\x00\x00WAVEjunkjunkjunk', 'latin1'));
  entries = await findDeliveries([catalog]);
  // the reference: the batch core on each delivery, in this process
  const { spec } = loadSpec('netflix');
  refDir = path.join(work, 'reference');
  fs.mkdirSync(refDir);
  for (const e of entries) refRows.set(e.id, await qcDeliveryToReports(e, { spec, outDir: refDir }));
}, 600000);

afterAll(async () => {
  for (const p of procs) {
    if (p.child.pid !== undefined && groupAlive(p.child.pid)) process.kill(-p.child.pid, 'SIGKILL');
  }
  await redis?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the farm: submit and workers on a real Redis', () => {
  it('two workers, one SIGKILLed mid-job: every delivery has exactly one report, equal to the batch core\'s; nothing lost or active', async () => {
    expect(entries.map((e) => e.id)).toEqual(['TITLE_1', 'TITLE_2', 'TITLE_3', 'TITLE_4', 'TITLE_BAD', 'TITLE_PEAK']);
    expect(refRows.get('TITLE_PEAK')!.verdict).toBe('fail');
    expect(refRows.get('TITLE_BAD')!.verdict).toBe('error');

    const out = path.join(work, 'out');
    const a = cli(['worker', '--redis', url, '--lock-seconds', '2']);
    const b = cli(['worker', '--redis', url, '--lock-seconds', '2']);
    await until('both workers ready', () => a.stderr().includes('ready on') && b.stderr().includes('ready on'));
    const sub = cli(['submit', catalog, '--redis', url, '--spec', 'netflix', '--out', out, '--wait', '--json']);
    // the first worker to start a job is killed while its sandboxed child is checking the delivery
    const victim = await until('a job started', () => [a, b].find((w) => /started (\S+) \(job (\S+)\)/.test(w.stderr())));
    const survivor = victim === a ? b : a;
    const [, killedEntry, killedJob] = /started (\S+) \(job (\S+)\)/.exec(victim.stderr())!;
    // ... once its sandboxed child process is running (the worker's process group has two members), and a moment more
    await until('the sandboxed child', () => groupSize(victim.child.pid!) >= 2, 30000);
    await new Promise((r) => setTimeout(r, 300));
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    // its sandboxed child notices its parent is gone and exits too: no orphan keeps checking
    // (under a full suite on two cores the child may still be loading its modules when its parent dies)
    await until('the killed worker\'s child process to exit', () => !groupAlive(victim.child.pid!), 60000);

    const done = await sub.exited;
    expect(sub.stderr()).toBe('');
    // an unreadable delivery is in the catalogue: exit 2, as batch
    expect(done.code).toBe(2);
    const submitted = JSON.parse(sub.stdout()) as { jobs: Array<{ jobId: string; entryId: string; state: string }>; rows: IndexRow[] };
    expect(submitted.jobs.map((j) => j.state)).toEqual(entries.map(() => 'queued'));
    expect(submitted.rows.map((r) => r.id)).toEqual(entries.map((e) => e.id));
    // the job on the killed worker was taken up by the survivor
    expect(survivor.stderr()).toContain(`started ${killedEntry} (job ${killedJob})`);
    expect(survivor.stderr()).toContain(`done ${killedEntry}:`);

    // exactly one report per delivery, nothing half-written left beside them, and the index
    expect(fs.readdirSync(out).sort()).toEqual([...entries.map((e) => e.id), 'index.csv', 'index.html', 'index.json'].sort());
    for (const e of entries) {
      expect(fs.readdirSync(path.join(out, e.id)).sort()).toEqual(fs.readdirSync(path.join(refDir, e.id)).sort());
      // the JSON report (verdict, every finding, every figure) byte for byte the batch core's
      expect(fs.readFileSync(path.join(out, e.id, 'report.json'), 'utf8')).toBe(fs.readFileSync(path.join(refDir, e.id, 'report.json'), 'utf8'));
      const row = submitted.rows.find((r) => r.id === e.id)!;
      expect(row).toEqual(refRows.get(e.id));
    }
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as { deliveries: IndexRow[] };
    expect(index.deliveries).toEqual(entries.map((e) => refRows.get(e.id)));

    // the queue: nothing waiting, nothing active, all six done, none failed
    const status = cli(['farm-status', '--redis', url, '--json']);
    expect((await status.exited).code).toBe(0);
    const s = JSON.parse(status.stdout()) as { queued: number; active: number; done: number; failed: number };
    expect(s).toMatchObject({ queued: 0, active: 0, done: entries.length, failed: 0 });
    // the stall is on the record: the killed job was moved back once, then completed
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(FARM_QUEUE, { connection });
    try {
      const job = await Job.fromId(queue, killedJob!);
      expect(await job!.getState()).toBe('completed');
      expect(job!.stalledCounter).toBeGreaterThanOrEqual(1);
      // an unreadable delivery is not a transient failure: done on its first attempt, with its error row
      const bad = await Job.fromId(queue, submitted.jobs.find((j) => j.entryId === 'TITLE_BAD')!.jobId);
      expect(bad!.attemptsMade).toBe(1);
      expect((bad!.returnvalue as IndexRow).error).toMatch(/BAD_PM_51\.wav/);
    } finally {
      await queue.close();
      connection.disconnect();
    }

    // the same catalogue again: nothing new is queued
    const again = cli(['submit', catalog, '--redis', url, '--spec', 'netflix', '--out', out, '--json']);
    expect((await again.exited).code).toBe(0);
    expect((JSON.parse(again.stdout()) as { jobs: Array<{ state: string }> }).jobs.map((j) => j.state)).toEqual(entries.map(() => 'existing'));

    // SIGTERM: the survivor finishes what it holds (nothing) and stops cleanly, leaving no process behind
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toEqual({ code: 0, signal: null });
    expect(survivor.stderr()).toContain('stopped');
    await until('the survivor\'s child processes to exit', () => !groupAlive(survivor.child.pid!), 15000);
  });

  it('a transient failure (the report cannot be written) is retried with backoff and then succeeds', async () => {
    const out = path.join(work, 'out-retry');
    fs.mkdirSync(out);
    // a catalogue of one title
    const one = path.join(work, 'catalog-one');
    fs.cpSync(path.join(catalog, 'TITLE_1'), path.join(one, 'TITLE_1'), { recursive: true });
    const entry = entries.find((e) => e.id === 'TITLE_1')!;
    // a file where the delivery's report folder goes: the rename fails until it is removed
    const blocker = path.join(out, entry.id);
    fs.writeFileSync(blocker, 'not a folder');
    const w = cli(['worker', '--redis', url]);
    await until('the worker ready', () => w.stderr().includes('ready on'));
    const sub = cli(['submit', one, '--redis', url, '--spec', 'netflix', '--out', out, '--wait', '--json']);
    await until('a retry', () => w.stderr().includes(`will retry ${entry.id} (attempt 1)`));
    fs.unlinkSync(blocker);
    const done = await sub.exited;
    expect(done.code).toBe(refRows.get(entry.id)!.verdict === 'fail' ? 1 : 0);
    const rows = (JSON.parse(sub.stdout()) as { rows: IndexRow[] }).rows;
    expect(rows).toEqual([refRows.get(entry.id)]);
    expect(fs.statSync(path.join(out, entry.id, 'report.json')).isFile()).toBe(true);
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(FARM_QUEUE, { connection });
    try {
      const jobs = await queue.getCompleted();
      const job = jobs.find((j) => j.data.entry.id === entry.id && j.data.outDir === out)!;
      expect(job.attemptsMade).toBe(2);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  });

  it('--fps and --plugin travel with the job: the worker loads the plugin, and the report is the batch core\'s with both', async () => {
    // a house rule as a user writes it: one note per printmaster naming the delivery's frame rate
    const pluginFile = path.join(work, 'house-plugin.mjs');
    fs.writeFileSync(
      pluginFile,
      `export const rules = [{
  id: 'house/frame-rate-note',
  meta: { description: 'names the frame rate the delivery was checked at', defaultSeverity: 'info', options: {} },
  needs: () => [],
  check(ctx) {
    return ctx.deliverables.filter((d) => d.role === 'printmaster').map((d) => ({ message: 'checked at ' + ctx.fps.num + '/' + ctx.fps.den + ' fps', deliverable: d.id, file: d.files[0],
      channel: null, startSeconds: null, endSeconds: null, startTimecode: null, endTimecode: null, measured: null, limit: null }));
  },
}];
`,
    );
    const one = path.join(work, 'catalog-fps');
    fs.cpSync(path.join(catalog, 'TITLE_2'), path.join(one, 'TITLE_2'), { recursive: true });
    const [entry] = await findDeliveries([one]);
    const plugins = await loadPlugins([pluginFile]);
    const ref = path.join(work, 'reference-fps');
    fs.mkdirSync(ref);
    const refRow = await qcDeliveryToReports(entry!, { spec: loadSpec('netflix').spec, outDir: ref, fps: '25', plugins: plugins.map((p) => p.url) });
    const out = path.join(work, 'out-fps');
    const w = cli(['worker', '--redis', url]);
    await until('the worker ready', () => w.stderr().includes('ready on'));
    const sub = cli(['submit', one, '--redis', url, '--spec', 'netflix', '--out', out, '--fps', '25', '--plugin', pluginFile, '--wait', '--json']);
    const done = await sub.exited;
    expect(done.code, sub.stderr()).toBe(refRow.verdict === 'fail' ? 1 : 0);
    const report = fs.readFileSync(path.join(out, entry!.id, 'report.json'), 'utf8');
    expect(report).toBe(fs.readFileSync(path.join(ref, entry!.id, 'report.json'), 'utf8'));
    expect(report).toContain('house/frame-rate-note');
    expect(report).toContain('checked at 25/1 fps');
    expect((JSON.parse(sub.stdout()) as { rows: IndexRow[] }).rows).toEqual([refRow]);
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  });

  it('an unreachable Redis: exit 2 naming the URL, within seconds (submit, worker, farm-status)', async () => {
    // a port nothing listens on
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const dead = `redis://127.0.0.1:${port}`;
    for (const args of [
      ['submit', catalog, '--redis', dead, '--spec', 'netflix', '--out', path.join(work, 'out-dead')],
      ['worker', '--redis', dead],
      ['farm-status', '--redis', dead],
    ]) {
      const t0 = Date.now();
      const r = spawnSync(node[0], [...node.slice(1), main, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe(`dubstage ${args[0]}: cannot reach Redis at ${dead}: connection refused\n`);
      // tsx's start-up included; the connection itself gives up at once
      expect(Date.now() - t0).toBeLessThan(30000);
    }
    // bad input is refused before Redis is asked anything: a catalogue that does not exist, an --out inside the catalogue
    const missing = spawnSync(node[0], [...node.slice(1), main, 'submit', path.join(work, 'nope'), '--redis', dead, '--spec', 'netflix', '--out', path.join(work, 'o')], { cwd: repoRoot, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^dubstage submit: catalogue \S+nope does not exist/);
    const inside = spawnSync(node[0], [...node.slice(1), main, 'submit', catalog, '--redis', dead, '--spec', 'netflix', '--out', path.join(catalog, 'qc')], { cwd: repoRoot, encoding: 'utf8' });
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/^dubstage submit: --out \S+ is inside the catalogue/);
    expect(fs.existsSync(path.join(catalog, 'qc'))).toBe(false);
    // not a Redis URL at all: a usage error before connecting
    const r = spawnSync(node[0], [...node.slice(1), main, 'farm-status', '--redis', 'http://127.0.0.1:1'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^dubstage farm-status: --redis http:\/\/127\.0\.0\.1:1: expected a redis:\/\/ or rediss:\/\/ URL/);
  });
});

// The QC farm on BullMQ and Redis (src/farm):
//   `dubstage submit CATALOG... --redis URL --spec NAME --out DIR [--wait] [--json]` queues one job per delivery;
//   `dubstage worker --redis URL [--concurrency N]` runs jobs until SIGINT/SIGTERM;
//   `dubstage farm-status --redis URL [--json]` counts queued, active, done and failed.
// An unreachable Redis is an error naming the URL, exit 2, within seconds.
import type { Command } from 'commander';
import { fail } from './fail.js';
import { guardOutputFolder } from './guard.js';
import { DubstageError } from '../errors.js';
import type { IndexRow } from '../batch/deliver.js';
import { farmStatus } from '../farm/status.js';
import { submit } from '../farm/submit.js';
import { DEFAULT_LOCK_SECONDS, startWorker } from '../farm/worker.js';
import { redactRedisUrl } from '../farm/redis.js';
import { parseFrameRate } from '../session/time.js';

interface SubmitCliOptions {
  redis: string;
  spec: string;
  out: string;
  wait?: boolean;
  json?: boolean;
  fps?: string;
  plugin: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface WorkerCliOptions {
  redis: string;
  concurrency: string;
  lockSeconds: string;
}

function positiveNumber(flag: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new DubstageError({ code: 'usage', message: `${flag} ${value}: expected a positive ${integer ? 'whole number' : 'number'}` });
  }
  return n;
}

const fmt = (v: number | null, unit: string): string => (v === null ? '-' : `${v.toFixed(1)} ${unit}`);

function rowLine(r: IndexRow): string {
  const figures = `${fmt(r.integratedLufs, 'LUFS')}  ${fmt(r.truePeakDbtp, 'dBTP')}`;
  return `${r.verdict.toUpperCase().padEnd(7)} ${r.id}  ${r.errors} error(s), ${r.warnings} warning(s)  ${figures}${r.error ? `  ${r.error}` : ''}`;
}

/** As `batch`: 2 when a delivery could not be read or its job failed, else 1 when one fails, else 0. */
export function rowsExitCode(rows: readonly IndexRow[]): number {
  if (rows.some((r) => r.verdict === 'error')) return 2;
  if (rows.some((r) => r.verdict === 'fail')) return 1;
  return 0;
}

export function register(program: Command): void {
  program
    .command('submit')
    .description('queue one QC job per delivery of the catalogues on the farm (BullMQ on Redis)')
    .argument('<catalogs...>', 'catalogue folders (a folder per title, or per reel)')
    .requiredOption('--redis <url>', 'the farm\'s Redis, e.g. redis://farm-redis:6379')
    .requiredOption('--spec <name>', 'built-in spec (see `dubstage specs`) or a YAML file')
    .requiredOption('--out <dir>', 'where the reports go (<dir>/<delivery id>/), on storage every worker sees at the same path')
    .option('--wait', 'wait until every job has finished, then write index.json, index.csv and index.html into --out')
    .option('--json', 'print the submission (and with --wait the rows) as JSON')
    .option('--fps <rate>', 'frame rate for timecodes (e.g. 24, 23.976, 29.97DF); default: from each delivery')
    .option('--plugin <module>', 'load analyzers and rules from a JS module (repeatable; every worker loads it from the same path)', collect, [])
    .action(async (catalogs: string[], opts: SubmitCliOptions) => {
      try {
        if (opts.fps !== undefined) {
          try {
            parseFrameRate(opts.fps);
          } catch (err) {
            throw new DubstageError({ code: 'usage', message: `--fps: ${(err as Error).message}` });
          }
        }
        // the reports must land outside every catalogue, as batch's
        guardOutputFolder('--out', opts.out, catalogs);
        const tty = process.stderr.isTTY === true && !opts.json;
        const result = await submit(catalogs, {
          redisUrl: opts.redis,
          spec: opts.spec,
          outDir: opts.out,
          wait: opts.wait === true,
          ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
          ...(opts.plugin.length > 0 ? { plugins: opts.plugin } : {}),
          onFinished: (row, done, total) => {
            if (!opts.json) process.stderr.write(`${tty ? '\r\x1b[K' : ''}[${done}/${total}] ${rowLine(row)}\n`);
          },
        });
        const count = (s: string) => result.jobs.filter((j) => j.state === s).length;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ schema: 1, ...result }, null, 2)}\n`);
        } else {
          process.stdout.write(
            `dubstage submit: ${result.jobs.length} deliveries on ${result.redis} (queue ${result.queue}): ` +
              `${count('queued')} queued, ${count('existing')} already queued or done, ${count('retried')} failed before and retried\n`,
          );
          if (result.rows) process.stdout.write(`index: ${result.outDir}/index.html\n`);
        }
        process.exitCode = result.rows ? rowsExitCode(result.rows) : 0;
      } catch (err) {
        fail('submit', err);
      }
    });

  program
    .command('worker')
    .description('run farm jobs (QC of one delivery each) until SIGINT or SIGTERM')
    .requiredOption('--redis <url>', 'the farm\'s Redis, e.g. redis://farm-redis:6379')
    .option('--concurrency <n>', 'deliveries checked at once, one child process each', '1')
    .option('--lock-seconds <s>', 'a job\'s lock without renewal: a dead worker\'s job is taken up by another after about 1.5 times this', String(DEFAULT_LOCK_SECONDS))
    .action(async (opts: WorkerCliOptions) => {
      try {
        const concurrency = positiveNumber('--concurrency', opts.concurrency, true);
        const lockSeconds = positiveNumber('--lock-seconds', opts.lockSeconds, false);
        const say = (line: string): void => void process.stderr.write(`dubstage worker: ${line}\n`);
        const farm = await startWorker({
          redisUrl: opts.redis,
          concurrency,
          lockSeconds,
          onActive: (jobId, entryId) => say(`started ${entryId} (job ${jobId})`),
          onJob: (e) => {
            if (e.kind === 'completed') say(`done ${e.entryId}: ${e.row.verdict} (${e.seconds.toFixed(1)} s)`);
            else say(`${e.final ? 'failed' : 'will retry'} ${e.entryId} (attempt ${e.attemptsMade}): ${e.message}`);
          },
          onError: (err) => say(`Redis ${redactRedisUrl(opts.redis)}: ${err.message}`),
        });
        say(`ready on ${redactRedisUrl(opts.redis)}, concurrency ${concurrency} (pid ${process.pid})`);
        // the first signal lets the jobs in hand finish; a second one stops at once (their locks run out, others take them)
        await new Promise<void>((resolve) => {
          let closing = false;
          const stop = (signal: NodeJS.Signals): void => {
            say(closing ? `${signal} again: stopping now` : `${signal}: finishing the jobs in hand, then stopping`);
            const force = closing;
            closing = true;
            farm.close(force).then(resolve, (err: unknown) => {
              say(`closing: ${(err as Error).message}`);
              resolve();
            });
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        say('stopped');
      } catch (err) {
        fail('worker', err);
      }
    });

  program
    .command('farm-status')
    .description('count the farm\'s jobs: queued, active, done, failed; the connected workers and the latest failures')
    .requiredOption('--redis <url>', 'the farm\'s Redis, e.g. redis://farm-redis:6379')
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { redis: string; json?: boolean }) => {
      try {
        const s = await farmStatus(opts.redis);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ schema: 1, ...s }, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${s.redis} queue ${s.queue}: ${s.queued} queued${s.delayed > 0 ? ` (${s.delayed} waiting to retry)` : ''}, ${s.active} active, ` +
            `${s.done} done, ${s.failed} failed; ${s.workers} worker connection(s)\n`,
        );
        for (const f of s.failures) process.stdout.write(`  failed ${f.entryId} (job ${f.jobId}, ${f.attemptsMade} attempts): ${f.message}\n`);
      } catch (err) {
        fail('farm-status', err);
      }
    });
}

// `dubstage batch CATALOG... --spec NAME [--out DIR] [--jobs N] [--resume] [--json]`: QC every delivery in
// catalogue folders in one process on one warm worker pool, a report folder per delivery and an index.
// Exit 0 all pass, 1 some delivery fails, 2 some delivery could not be read (the rest still checked) or
// a usage error (a missing catalogue, an --out that cannot be written: said before any work).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultThreads } from '../analysis/pool.js';
import { findDeliveries } from '../batch/catalog.js';
import type { IndexRow } from '../batch/deliver.js';
import { indexJson } from '../batch/index-files.js';
import { runBatch } from '../batch/run.js';
import { DubstageError, toErrorInfo } from '../errors.js';
import { loadPlugins } from '../qc/plugins.js';
import { parseFrameRate } from '../session/time.js';
import { loadSpec } from '../specs/loader.js';
import { fail } from './fail.js';
import { guardOutputFolder } from './guard.js';
import { batchProgress } from './progress.js';

interface BatchCliOptions {
  spec: string;
  out: string;
  jobs?: string;
  resume?: boolean;
  json?: boolean;
  fps?: string;
  plugin: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The --out folder, made if missing, and proven writable by making (and removing) a folder in it. */
function prepareOut(out: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(out);
  } catch {
    // not there yet: made below
  }
  if (st && !st.isDirectory()) throw new DubstageError({ code: 'io', message: `--out ${out} is a file, not a folder (nothing was checked)`, path: out });
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new DubstageError({ code: 'io', message: `--out ${out} cannot be made: ${toErrorInfo(err, out).message.replace(/^cannot open [^:]*: /, '')} (nothing was checked)`, path: out });
  }
  const probe = path.join(out, `.probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
  } catch (err) {
    throw new DubstageError({ code: 'io', message: `--out ${out} is not writable: ${toErrorInfo(err, out).message.replace(/^cannot open [^:]*: /, '')} (nothing was checked)`, path: out });
  }
}

const fig = (v: number | null, unit: string): string => (v === null ? '' : ` ${v.toFixed(1)} ${unit}`);

function line(r: IndexRow): string {
  const what = r.error ? ` — ${r.error}` : `: ${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}${fig(r.integratedLufs, 'LUFS')}${fig(r.truePeakDbtp, 'dBTP')}`;
  return `  ${(r.verdict === 'error' ? 'UNREADABLE' : r.verdict.toUpperCase()).padEnd(10)} ${r.id}${what}\n`;
}

export function register(program: Command): void {
  program
    .command('batch')
    .description('QC every delivery in catalogue folders (a folder per title or per reel): a report folder per delivery and an index')
    .argument('<catalogs...>', 'catalogue folders: each folder in them is a title (or a reel, when its name says REEL_n)')
    .requiredOption('--spec <name>', 'built-in spec (see `dubstage specs`) or a YAML file')
    .option('--out <dir>', 'folder for the reports (one folder per delivery) and index.json/csv/html', 'batch-reports')
    .option('--jobs <n>', 'worker threads shared by the deliveries (default: the machine\'s cores, DUBSTAGE_THREADS)')
    .option('--resume', 'skip deliveries whose files (path, size, modification time) and spec are unchanged since their report')
    .option('--json', 'print the index as JSON')
    .option('--fps <rate>', 'frame rate for timecodes (e.g. 24, 23.976, 29.97DF); default: from each delivery')
    .option('--plugin <module>', 'load analyzers and rules from a JS module (repeatable)', collect, [])
    .action(async (catalogs: string[], opts: BatchCliOptions) => {
      try {
        const jobs = opts.jobs === undefined ? defaultThreads() : Number(opts.jobs);
        if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new DubstageError({ code: 'usage', message: `--jobs ${opts.jobs}: expected a whole number from 1 to 64` });
        if (opts.fps !== undefined) {
          try {
            parseFrameRate(opts.fps);
          } catch (err) {
            throw new DubstageError({ code: 'usage', message: `--fps: ${(err as Error).message}` });
          }
        }
        const plugins = await loadPlugins(opts.plugin);
        const { spec } = loadSpec(opts.spec);
        // every catalogue must exist, and the reports must land outside all of them, before any work
        const entries = await findDeliveries(catalogs);
        if (entries.length === 0) throw new DubstageError({ code: 'usage', message: `no deliveries in ${catalogs.join(', ')}: a catalogue holds a folder per title (or per reel)`, path: catalogs[0]! });
        guardOutputFolder('--out', opts.out, catalogs);
        prepareOut(opts.out);
        const progress = batchProgress();
        let result;
        try {
          result = await runBatch(entries, {
            spec,
            outDir: opts.out,
            jobs,
            resume: opts.resume === true,
            ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
            plugins: plugins.map((p) => p.url),
            onProgress: progress,
          });
        } finally {
          progress.end();
        }
        const index = indexJson(result.rows, { spec: { id: spec.id, name: spec.name, version: spec.version }, date: result.date });
        if (opts.json) process.stdout.write(`${JSON.stringify(index, null, 2)}\n`);
        else {
          const t = index.totals;
          process.stdout.write(`${spec.name} (${spec.version}): ${result.rows.length} deliveries — ${t.pass} pass, ${t.warning} with warnings, ${t.fail} fail, ${t.error} unreadable${result.skipped.length > 0 ? ` (${result.skipped.length} unchanged since their report, not checked again)` : ''}\n`);
          for (const r of result.rows) process.stdout.write(line(r));
          process.stdout.write(`index: ${path.join(opts.out, 'index.html')}\n`);
        }
        process.exitCode = result.rows.some((r) => r.verdict === 'error') ? 2 : result.rows.some((r) => r.verdict === 'fail') ? 1 : 0;
      } catch (err) {
        fail('batch', err);
      }
    });
}

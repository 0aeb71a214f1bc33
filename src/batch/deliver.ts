/**
 * One catalogue delivery through the same QC as `dubstage qc` (runQc), its reports written into
 * `<outDir>/<id>/` whole or not at all: report.json (qc --json), report.html, report.junit.xml and the
 * --resume stamp are written into a hidden folder in outDir and renamed over the delivery's folder, so a
 * reader (or a second worker running the same job) never sees half a set. Given the reports' date, a run
 * twice writes the same bytes. A delivery that cannot be read is a row with its error; only a failure to
 * write the reports throws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DubstageError, toErrorInfo } from '../errors.js';
import { runQc, type QcPool, type QcRun } from '../qc/pipeline.js';
import { qcHtml } from '../report/html.js';
import { qcJson } from '../report/json.js';
import { qcJunit } from '../report/junit.js';
import { rational } from '../session/time.js';
import type { CheckedDeliverable } from '../qc/types.js';
import { deliveryInputs, type CatalogEntry } from './catalog.js';
import { makeStamp, STAMP_FILE, type CheckSettings } from './resume.js';

/** pass / fail as qc judges; warning: a pass with warnings; error: some input could not be read (qc's exit 2). */
export type Verdict = 'pass' | 'fail' | 'warning' | 'error';

/** One delivery's line in the index. */
export interface IndexRow {
  id: string;
  title: string;
  reel: string | null;
  verdict: Verdict;
  /** Findings by severity. */
  errors: number;
  warnings: number;
  /** The key figures, from the widest printmaster (else the first deliverable measured): null when none. */
  integratedLufs: number | null;
  truePeakDbtp: number | null;
  dialogueLufs: number | null;
  /** Which deliverable the figures are from ("printmaster 5.1"). */
  figuresFrom: string | null;
  /** The HTML report, relative to the index: `<id>/report.html`. */
  report: string;
  /** What could not be read, when anything could not. */
  error?: string;
}

export interface DeliverOptions extends CheckSettings {
  outDir: string;
  /** The run's pool (batch: one warm pool for every delivery); else the delivery gets its own, as in qc. */
  pool?: QcPool;
  /**
   * The reports' date (ISO 8601, UTC). Given, the reports carry it and leave out the run's wall times, so the
   * same delivery checked twice gives byte-equal reports; absent, the run's own start and times are kept.
   */
  reportDate?: string;
  /** qc's progress messages for this delivery (`measuring ID`, `measured ID`, ...). */
  onProgress?: (message: string) => void;
}

/** The deliverable whose figures stand for the delivery: the printmaster with most channels, else the first measured. */
function keyDeliverable(run: QcRun): CheckedDeliverable | null {
  const measured = run.deliverables.filter((d) => d.measurement?.loudness && !d.measurement.error);
  const pms = measured.filter((d) => d.role === 'printmaster').sort((a, b) => (b.measurement!.format?.channels ?? 0) - (a.measurement!.format?.channels ?? 0));
  return pms[0] ?? measured[0] ?? null;
}

export function indexRow(entry: CatalogEntry, run: QcRun): IndexRow {
  const count = (sev: string) => run.outcome.findings.filter((f) => f.severity === sev).length;
  const errors = count('error');
  const warnings = count('warning');
  const verdict: Verdict = run.inputErrors.length > 0 ? 'error' : run.outcome.verdict === 'fail' ? 'fail' : warnings > 0 ? 'warning' : 'pass';
  const key = keyDeliverable(run);
  const l = key?.measurement?.loudness;
  const row: IndexRow = {
    id: entry.id,
    title: entry.title,
    reel: entry.reel ?? null,
    verdict,
    errors,
    warnings,
    integratedLufs: l?.integratedLufs ?? null,
    truePeakDbtp: l?.truePeakDbtp ?? null,
    dialogueLufs: l?.dialogue?.gatedLufs ?? null,
    figuresFrom: key?.id ?? null,
    report: `${entry.id}/report.html`,
  };
  if (run.inputErrors.length > 0) row.error = run.inputErrors.map((e) => (e.path && !e.message.includes(e.path) ? `${e.path}: ${e.message}` : e.message)).join('; ');
  return row;
}

/** A delivery qc could not start on (nothing to measure): a run with that one input error, so it reports like an unreadable file. */
function unreadableRun(entry: CatalogEntry, settings: CheckSettings, err: unknown): QcRun {
  return {
    spec: settings.spec,
    outcome: { verdict: 'fail', findings: [], rulesRun: [] },
    deliverables: [],
    fps: rational(24),
    dropFrame: false,
    fpsSource: 'assumed',
    warnings: [],
    inputErrors: [toErrorInfo(err, entry.paths[0])],
  };
}

/** Write the files into a hidden folder beside the target, then rename it over the target (an older set is swapped out whole). */
export function writeFolderWhole(outDir: string, id: string, files: Record<string, string>): void {
  const target = path.join(outDir, id);
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const tmp = path.join(outDir, `.tmp-${id}-${tag}`);
  const old = path.join(outDir, `.old-${id}-${tag}`);
  try {
    fs.mkdirSync(tmp);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // a folder from an earlier run: moved aside whole, the new one put in its place, the old one removed
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, { recursive: true, force: true });
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const reason = toErrorInfo(err, target).message.replace(/^cannot open [^:]*: /, '');
    throw new DubstageError({ code: 'io', message: `cannot write the reports of ${id} into ${target}: ${reason}`, path: target });
  }
}

/** QC one delivery and write its reports; resolves with its index row (an unreadable delivery's row carries its error). */
export async function qcDeliveryToReports(entry: CatalogEntry, opts: DeliverOptions): Promise<IndexRow> {
  const settings: CheckSettings = { spec: opts.spec, ...(opts.fps !== undefined ? { fps: opts.fps } : {}), ...(opts.plugins ? { plugins: opts.plugins } : {}) };
  // the inputs as they are now, before they are read: a change during the run shows on the next --resume
  const inputs = deliveryInputs(entry.paths);
  let run: QcRun;
  try {
    run = await runQc({
      paths: entry.paths,
      spec: opts.spec,
      ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
      ...(opts.plugins && opts.plugins.length > 0 ? { plugins: opts.plugins } : {}),
      ...(opts.pool ? { pool: opts.pool } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  } catch (err) {
    run = unreadableRun(entry, settings, err);
  }
  if (opts.reportDate !== undefined) {
    run.startedAt = opts.reportDate;
    delete run.elapsedSeconds;
    delete run.stages;
  }
  const row = indexRow(entry, run);
  writeFolderWhole(opts.outDir, entry.id, {
    'report.json': `${JSON.stringify(qcJson(run), null, 2)}\n`,
    'report.html': qcHtml(run),
    'report.junit.xml': qcJunit(run),
    [STAMP_FILE]: `${JSON.stringify(makeStamp(entry.id, inputs, settings, row), null, 2)}\n`,
  });
  return row;
}

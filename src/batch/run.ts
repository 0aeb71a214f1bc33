/**
 * A catalogue batch in one process: every delivery (findDeliveries) checked on ONE pool of worker
 * threads that stays up for the whole batch (kernels compiled and the speech model loaded once per
 * worker, not once per delivery), a few deliveries in flight so the workers never wait on one delivery's
 * rules or reports; then the index. With `resume`, a delivery unchanged since its report is not checked
 * again: its stamped row goes into the index.
 */
import { defaultThreads } from '../analysis/pool.js';
import { QcPool } from '../qc/pipeline.js';
import type { CatalogEntry } from './catalog.js';
import { qcDeliveryToReports, type IndexRow } from './deliver.js';
import { writeIndex } from './index-files.js';
import { checkResume, type CheckSettings } from './resume.js';

export interface BatchProgress {
  /** Deliveries finished (checked or skipped) of all. */
  done: number;
  total: number;
  /** Skipped by --resume so far. */
  skipped: number;
  /** The delivery that last started or finished. */
  current: string | null;
  /** Seconds left at the pace of the deliveries checked so far; null before the first. */
  secondsLeft: number | null;
}

export interface BatchOptions extends CheckSettings {
  outDir: string;
  /** Worker threads (1: inline, the plain path). Default defaultThreads(). */
  jobs?: number;
  resume?: boolean;
  /** The reports' and index's date (ISO 8601); default: when the batch starts. Reports are byte-equal run to run for the same date. */
  reportDate?: string;
  onProgress?: (p: BatchProgress) => void;
}

export interface BatchResult {
  /** One per delivery, in catalogue order. */
  rows: IndexRow[];
  /** Ids checked in this run, and ids skipped by --resume. */
  checked: string[];
  skipped: string[];
  /** The reports' and index's date. */
  date: string;
}

export async function runBatch(entries: CatalogEntry[], opts: BatchOptions): Promise<BatchResult> {
  const jobs = Math.max(1, opts.jobs ?? defaultThreads());
  const reportDate = opts.reportDate ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const settings: CheckSettings = { spec: opts.spec, ...(opts.fps !== undefined ? { fps: opts.fps } : {}), ...(opts.plugins ? { plugins: opts.plugins } : {}) };
  const rows: Array<IndexRow | undefined> = new Array(entries.length);
  const checked: string[] = [];
  const skipped: string[] = [];
  const todo: number[] = [];
  for (const [i, e] of entries.entries()) {
    const r = opts.resume ? checkResume(e, opts.outDir, settings) : null;
    if (r?.unchanged) {
      rows[i] = r.row;
      skipped.push(e.id);
    } else todo.push(i);
  }
  const t0 = performance.now();
  let done = skipped.length;
  let finishedHere = 0;
  const tell = (current: string | null): void => {
    const elapsed = (performance.now() - t0) / 1000;
    const left = todo.length - finishedHere;
    opts.onProgress?.({ done, total: entries.length, skipped: skipped.length, current, secondsLeft: finishedHere > 0 ? (elapsed / finishedHere) * left : null });
  };
  tell(null);
  const pool = new QcPool(jobs, opts.plugins ?? []);
  try {
    // one delivery in flight per worker, and one more whose main-thread work (headers, rules, reports) overlaps theirs
    const inFlight = jobs > 1 ? jobs + 1 : 1;
    let next = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (next < todo.length && !failed) {
        const i = todo[next++]!;
        const e = entries[i]!;
        tell(e.id);
        try {
          rows[i] = await qcDeliveryToReports(e, { ...settings, outDir: opts.outDir, pool, reportDate });
        } catch (err) {
          // reports that cannot be written (disk full, folder gone): no new delivery starts, the ones running finish
          failed = true;
          throw err;
        }
        checked.push(e.id);
        done++;
        finishedHere++;
        tell(e.id);
      }
    };
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(inFlight, todo.length) }, lane));
    const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    await pool.close();
  }
  const all = rows as IndexRow[];
  writeIndex(opts.outDir, all, { spec: { id: opts.spec.id, name: opts.spec.name, version: opts.spec.version }, date: reportDate });
  return { rows: all, checked, skipped, date: reportDate };
}

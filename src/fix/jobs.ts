/**
 * fix's work per file as plain-data jobs for the one worker pool (src/analysis/pool.ts): writing a file
 * with its gain, and the MD5 of a finished output. Inline on one thread, in workers on more.
 */
import { toErrorInfo, type ErrorInfo } from '../errors.js';
import { md5File, rewriteFile, type RewriteJob, type RewriteResult } from './rewrite.js';

/** This module's URL: the pool's workers import it to run the jobs. */
export const FIX_JOBS_MODULE = import.meta.url;

/** Errors come back as values (a worker's thrown error would lose its code and path). */
export type JobOutcome<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function writeJob(job: RewriteJob): JobOutcome<RewriteResult> {
  try {
    return { ok: true, value: rewriteFile(job) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err, job.input) };
  }
}

export function md5Job(file: string): JobOutcome<string> {
  try {
    return { ok: true, value: md5File(file) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err, file) };
  }
}

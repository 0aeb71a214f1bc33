/**
 * `dubstage qc --json` (schema 1): a contract users' pipelines read. One delivery: the document below.
 * Several (folders or reels given to one run): `{ schema: 1, spec, verdict, deliveries: [ {delivery, ...the
 * one-delivery document} ] }` (qcDeliveriesJson), the overall verdict failing when any delivery fails.
 */
import type { FileChecksums, LoudnessSummary } from '../analysis/results.js';
import type { ErrorInfo } from '../errors.js';
import type { DeliveryName, QcDeliveriesRun, QcRun } from '../qc/pipeline.js';
import { qcSummary, type RuleSummary } from '../qc/summary.js';

export interface QcJson {
  schema: 1;
  spec: { id: string; name: string; version: string };
  verdict: 'pass' | 'fail';
  deliverables: Array<{
    role: string | null;
    stem: string | null;
    layout: string | null;
    files: string[];
    loudness: LoudnessSummary | null;
    /** MD5 and SHA-256 of each file (every member of a multi-mono set), from the measuring pass; absent when unread. */
    checksums?: FileChecksums[];
  }>;
  findings: Array<{
    rule: string;
    severity: string;
    message: string;
    file: string | null;
    channel: string | null;
    startTimecode: string | null;
    endTimecode: string | null;
    measured: number | string | null;
    limit: number | string | null;
    /** What one finding merges: its regions, the other deliverables with the same fault (`alsoIn`). */
    details?: Record<string, unknown>;
  }>;
  /** Per rule that ran: pass/warn/fail, findings by severity, and the figures it judged (even when passing). */
  summary: RuleSummary[];
  /** Present only when some input could not be read (exit code 2). */
  errors?: ErrorInfo[];
  /** Present only when discovery passed over files or followed symbolic links. */
  discovery?: { ignored: Array<{ path: string; reason: string }>; links: Array<{ path: string; target: string }> };
}

export interface QcDeliveriesJson {
  schema: 1;
  spec: { id: string; name: string; version: string };
  /** fail when any delivery fails. */
  verdict: 'pass' | 'fail';
  deliveries: Array<{ delivery: DeliveryName } & QcJson>;
}

export function qcJson(run: QcRun): QcJson {
  const out: QcJson = {
    schema: 1,
    spec: { id: run.spec.id, name: run.spec.name, version: run.spec.version },
    verdict: run.outcome.verdict,
    deliverables: run.deliverables.map((d) => ({
      role: d.role,
      stem: d.stem ?? null,
      layout: d.layout,
      files: d.files,
      loudness: d.measurement?.loudness ?? null,
      ...(d.measurement?.checksums ? { checksums: d.measurement.checksums } : {}),
    })),
    findings: run.outcome.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      file: f.file,
      channel: f.channel,
      startTimecode: f.startTimecode,
      endTimecode: f.endTimecode,
      measured: f.measured,
      limit: f.limit,
      ...(f.details ? { details: f.details } : {}),
    })),
    summary: qcSummary(run),
  };
  if (run.inputErrors.length > 0) out.errors = run.inputErrors;
  if (run.discovery) out.discovery = run.discovery;
  return out;
}

/** Several deliveries: each one's document (with its name and paths), one overall verdict. */
export function qcDeliveriesJson(runs: QcDeliveriesRun): QcDeliveriesJson {
  return {
    schema: 1,
    spec: { id: runs.spec.id, name: runs.spec.name, version: runs.spec.version },
    verdict: runs.verdict,
    deliveries: runs.deliveries.map((run, i) => ({ delivery: run.delivery ?? { name: `delivery ${i + 1}`, paths: [], reel: null }, ...qcJson(run) })),
  };
}

/** `dubstage qc --json` (schema 1): a contract users' pipelines read. */
import type { FileChecksums, LoudnessSummary } from '../analysis/results.js';
import type { ErrorInfo } from '../errors.js';
import type { QcRun } from '../qc/pipeline.js';

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
  }>;
  /** Present only when some input could not be read (exit code 2). */
  errors?: ErrorInfo[];
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
    })),
  };
  if (run.inputErrors.length > 0) out.errors = run.inputErrors;
  return out;
}

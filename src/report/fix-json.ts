/** `dubstage fix --json` (schema 1): the contract of issue 20, nothing more, nothing less. */
import type { LoudnessSummary } from '../analysis/results.js';
import type { FixRefusal, FixRun } from '../fix/types.js';

export interface FixJson {
  schema: 1;
  spec: { id: string; name: string; version: string };
  families: Array<{ layout: string; gainDb: number | null; judgedBy: string | null; beforeLufs: number | null; afterLufs: number | null }>;
  files: Array<{ input: string; output: string | null; gainDb: number | null; before: LoudnessSummary | null; after: LoudnessSummary | null }>;
  written: boolean;
  refusal?: Pick<FixRefusal, 'code' | 'message' | 'file' | 'timecode' | 'headroomDb'>;
}

export function fixJson(run: FixRun): FixJson {
  const out: FixJson = {
    schema: 1,
    spec: { id: run.spec.id, name: run.spec.name, version: run.spec.version },
    families: run.families.map((f) => ({ layout: f.layout, gainDb: f.gainDb, judgedBy: f.judgedBy, beforeLufs: f.beforeLufs, afterLufs: f.afterLufs })),
    files: run.files.map((f) => ({ input: f.input, output: f.output, gainDb: f.gainDb, before: f.before, after: f.after })),
    written: run.written,
  };
  if (run.refusal) {
    const r = run.refusal;
    out.refusal = { code: r.code, message: r.message, file: r.file, timecode: r.timecode, headroomDb: r.headroomDb };
  }
  return out;
}

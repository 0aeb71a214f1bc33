/** What a `fix` run did or would do, as plain values for the reports (src/report/fix-*.ts). */
import type { LoudnessSummary } from '../analysis/results.js';
import type { ErrorCode } from '../errors.js';
import type { QcRun } from '../qc/pipeline.js';
import type { Spec } from '../specs/schema.js';
import type { JudgedBy } from './plan.js';

export interface FixFamily {
  layout: string;
  /** The gain every file of the family takes, dB (to 0.01); null when left alone. */
  gainDb: number | null;
  judgedBy: JudgedBy | null;
  targetLufs: number | null;
  /** The judged figure of the family's printmaster before and after (after: measured on the output). */
  beforeLufs: number | null;
  afterLufs: number | null;
  /** The deliverable ids in the family; the first is the printmaster when there is one. */
  deliverables: string[];
  leftAlone: boolean;
  note: string | null;
}

export interface FixFile {
  deliverable: string;
  role: string | null;
  layout: string | null;
  input: string;
  /** Where it was (or, on a dry run, would be) written; null when left alone. */
  output: string | null;
  gainDb: number | null;
  /** The deliverable's loudness (a multi-mono set's members share their set's). */
  before: LoudnessSummary | null;
  after: LoudnessSummary | null;
  md5: string | null;
  /** How the samples were requantized ("rounded to nearest at 24 bits, no dither"). */
  requantized: string | null;
}

/** Why nothing was written. */
export interface FixRefusal {
  code: 'true-peak-headroom' | 'clipping' | 'ambiguous-family' | 'nothing-to-judge' | 'true-peak-after' | ErrorCode;
  message: string;
  file: string | null;
  timecode: string | null;
  /** The headroom under the limit the gain would leave (negative: by how much it falls short), dB. */
  headroomDb: number | null;
}

export interface FixRun {
  spec: Spec;
  /** --target, when given: replaces the spec's target for the judged figure. */
  targetLufs: number | null;
  outDir: string;
  dryRun: boolean;
  families: FixFamily[];
  files: FixFile[];
  written: boolean;
  refusal: FixRefusal | null;
  /** The MD5 manifest beside the outputs (null when nothing was written). */
  checksumsFile: string | null;
  /** What the reader should know: Atmos left alone, requantization, files without bext. */
  notes: string[];
  /** The measuring runs: before (the inputs) and after (the outputs; null when nothing was written). */
  before: QcRun | null;
  after: QcRun | null;
}

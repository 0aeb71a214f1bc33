/**
 * The two kinds of work `dubstage qc` does per file, as plain-data jobs so the same code runs inline
 * (one thread: the plain path) or in a worker of the pool (src/analysis/pool.ts, through QcPool in ./pipeline.ts):
 * - measure: one streaming pass over a deliverable with the QC analyzers (and speech where a rule needs
 *   it) riding the loudness pass;
 * - null: the stems / M&E null engine over a reference and its parts, read again in lockstep.
 * Jobs and results are structured-cloneable (no class instances, no functions).
 */
import { measureFile, type MeasureOptions } from '../analysis/measure.js';
import type { FileMeasurement } from '../analysis/results.js';
import type { AnalyzerNeed } from '../analyzers/types.js';
import type { SpeechAnalyzer } from '../analyzers/speech.js';
import { dialogueLoudness } from '../analysis/dialogue.js';
import { nullTest, summarizeNullTest, type NamedSource, type NullTestResult } from '../analysis/stems/index.js';
import type { AudioInput } from '../audio/multimono.js';
import { openAudio } from '../audio/open.js';
import type { AudioSource } from '../audio/types.js';
import type { Rational } from '../session/time.js';
import type { StemsNullResult } from './types.js';
import { renderHook } from '../render/adm/measure-renders.js';

/** This module's URL: the pool's workers import it to run the jobs (src/analysis/pool.ts). */
export const JOBS_MODULE = import.meta.url;

export interface MeasureJob {
  kind: 'measure';
  id: string;
  role: string | null;
  input: AudioInput;
  fps: Rational;
  /** The pass's analyzers (ids in the registry, with options), planned from the enabled rules' needs. */
  analyzers: AnalyzerNeed[];
  /** Return the 400 ms gating-block energies (a printmaster to gate by the dialogue stem, or that stem). */
  keepBlockEnergies?: boolean;
  /**
   * An Atmos master judged on its re-renders (the profile's atmos.judgeOnRenders): render it to these
   * layouts in this pass (BS.2127, src/render/adm) and measure each; `speech`: detect speech on the
   * first, for its dialogue-gated loudness.
   */
  admRender?: { layouts: string[]; speech: boolean };
}

export interface MeasureJobResult {
  measurement: FileMeasurement;
  warnings: string[];
  /** With keepBlockEnergies: the channel-weighted mean square of every gating block (100 ms hop). */
  blockEnergies?: Float64Array;
}

export interface NullJob {
  kind: 'null';
  refId: string;
  refInput: AudioInput;
  parts: Array<{ id: string; input: AudioInput }>;
  fromSeconds?: number;
  fps: number;
  residualLimitDbfs: number;
  sustainSeconds: number;
  ceilingMarginDb: number;
  /** The reference's sample peak (linear) from its measuring pass: saves the engine a read. */
  referenceCeilingLinear?: number;
  /** Read in lockstep, not summed: residual that is this file at some gain (the dialogue stem in an M&E). */
  probe?: { id: string; input: AudioInput };
}

export interface NullJobResult {
  result: StemsNullResult | null;
  error?: string;
  warnings: string[];
}

export type QcJob = MeasureJob | NullJob;
export type QcJobResult = MeasureJobResult | NullJobResult;

/** Merge speech hops (share >= 0.5) into stretches, for findings that point at the speech. */
export function speechRegions(fraction: Float32Array, hopSeconds: number): Array<{ startSeconds: number; endSeconds: number }> {
  const out: Array<{ startSeconds: number; endSeconds: number }> = [];
  let start = -1;
  for (let h = 0; h <= fraction.length; h++) {
    const on = h < fraction.length && fraction[h]! >= 0.5;
    if (on && start < 0) start = h;
    if (!on && start >= 0) {
      const prev = out[out.length - 1];
      // Gaps under half a second belong to the same line.
      if (prev && start * hopSeconds - prev.endSeconds < 0.5) prev.endSeconds = h * hopSeconds;
      else out.push({ startSeconds: start * hopSeconds, endSeconds: h * hopSeconds });
      start = -1;
    }
  }
  return out;
}

/** One deliverable's measuring pass. Never throws for a bad file: the error is in the measurement. */
export async function runMeasureJob(job: MeasureJob): Promise<MeasureJobResult> {
  const warnings: string[] = [];
  let plan = job.analyzers;
  let speech: SpeechAnalyzer | null = null;
  let blockEnergies: Float64Array | undefined;
  const render = job.admRender;
  // one hook per pass (the retry below makes a second)
  const renders = (): ReturnType<typeof renderHook> | null => (render ? renderHook(() => ({ layouts: render.layouts, speech: render.speech })) : null);
  let hook = renders();
  const measureOptions = (): MeasureOptions => ({
    ...(hook ? { admRender: hook.hook } : {}),
    series: true,
    // MD5 and SHA-256 of every deliverable file, fed by this pass (the reports' manifest)
    checksums: true,
    fps: job.fps,
    plan,
    onAnalyzers: (made) => {
      speech = (made.get('speech') as SpeechAnalyzer | undefined) ?? null;
    },
    onLoudness: (loudness, m) => {
      if (job.keepBlockEnergies) blockEnergies = loudness.blockEnergies().slice();
      if (!speech || !m.loudness) return;
      const activity = (speech as SpeechAnalyzer).activity();
      if (job.role === 'printmaster') {
        m.loudness.dialogue = dialogueLoudness(loudness.blockEnergies(), activity, { programmeLufs: m.loudness.integratedLufs });
      }
      const summary = m.analyzers?.speech as Record<string, unknown> | undefined;
      if (summary) summary.regions = speechRegions(activity.speechFraction, activity.hopFrames / activity.sampleRate);
    },
  });
  let measurement = await measureFile(job.input, measureOptions());
  hook?.attach(measurement);
  if (measurement.error && plan.some((n) => n.id === 'speech')) {
    // The speech model failing (ONNX runtime missing) must not make the file unreadable: measure
    // again without it, and say that dialogue gating and the leak check did not run.
    plan = plan.filter((n) => n.id !== 'speech');
    hook = renders();
    const retry = await measureFile(job.input, measureOptions());
    hook?.attach(retry);
    if (!retry.error) {
      warnings.push(`${job.id}: speech detection failed (${measurement.error.message}); measured without it`);
      measurement = retry;
    }
  }
  return blockEnergies ? { measurement, warnings, blockEnergies } : { measurement, warnings };
}

/** One null test (stems vs printmaster, or music + effects vs M&E). Errors are returned, not thrown. */
export async function runNullJob(job: NullJob): Promise<NullJobResult> {
  const warnings: string[] = [];
  const opened: AudioSource[] = [];
  try {
    const refSource = await openAudio(job.refInput);
    opened.push(refSource);
    const named: NamedSource[] = [];
    for (const p of job.parts) {
      const source = await openAudio(p.input);
      opened.push(source);
      named.push({ name: p.id, source });
    }
    let probe: NamedSource | undefined;
    if (job.probe) {
      const source = await openAudio(job.probe.input);
      opened.push(source);
      probe = { name: job.probe.id, source };
    }
    const full: NullTestResult = nullTest({ name: job.refId, source: refSource }, named, {
      ...(probe ? { probe } : {}),
      fromSeconds: job.fromSeconds,
      fps: job.fps,
      residualLimitDbfs: job.residualLimitDbfs,
      sustainSeconds: job.sustainSeconds,
      ceilingMarginDb: job.ceilingMarginDb,
      ...(job.referenceCeilingLinear !== undefined ? { referenceCeilingLinear: job.referenceCeilingLinear } : {}),
    });
    for (const w of full.warnings) warnings.push(`${job.refId}: ${w}`);
    const summary = summarizeNullTest(full);
    const partOffsets = full.parts
      .filter((p) => p.offsetFrames !== null && p.offsetFrames !== 0)
      .map((p) => ({ stem: p.name, offsetSamples: p.offsetFrames! }));
    return { result: { ...summary, partOffsets }, warnings };
  } catch (err) {
    return { result: null, error: (err as Error).message, warnings };
  } finally {
    for (const s of opened) s.close();
  }
}

export function runJob(job: QcJob): Promise<QcJobResult> {
  return job.kind === 'measure' ? runMeasureJob(job) : runNullJob(job);
}

/**
 * `dubstage qc` from paths to an outcome: find the files (folders, files, session media), group
 * multi-mono sets, assign roles and layouts, measure each deliverable in one streaming pass with the
 * QC analyzers riding along, run the cross-file engines, then the rules. A file that cannot be read
 * is reported and the others are still checked.
 */
import path from 'node:path';
import { defaultThreads, WorkerPool } from '../analysis/pool.js';
import { groupInputs, type AudioInput } from '../audio/multimono.js';
import { readAudioHeader } from '../audio/open.js';
import { stemAnchoredDialogue } from '../analysis/dialogue.js';
import type { AudioHeader } from '../audio/types.js';
import { assignDeliverables, type Candidate } from '../delivery/assign.js';
import { loadManifest } from '../delivery/manifest.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { readAdm } from '../audio/adm/index.js';
import { admSummary, discover, type Discovered } from '../delivery/discover.js';
import { parseFrameRate, rational, type Rational } from '../session/time.js';
import type { Spec } from '../specs/schema.js';
import { runRules, type QcOutcome } from './engine.js';
import { rule as stemsRule } from './rules/stems/sum-to-printmaster.js';
import { rule as meMatchRule } from './rules/me/music-effects-match.js';
import { JOBS_MODULE, type MeasureJob, type MeasureJobResult, type NullJob, type NullJobResult, type QcJob, type QcJobResult } from './jobs.js';
import { analyzerPlan } from './plan.js';
import { optionValues } from './rule.js';
import type { PeakOversResult } from '../analyzers/peak-overs.js';
import { StageTimer } from './timings.js';
import type { AdmSummary, CheckedDeliverable, CrossFileResults, QcContext } from './types.js';


export interface QcRunOptions {
  paths: string[];
  spec: Spec;
  manifest?: string;
  fps?: string;
  onProgress?: (message: string) => void;
  /** Worker threads for the files (1 = inline, the plain path). Default: defaultThreads() on long deliveries. */
  threads?: number;
  /** Plugin modules (file URLs) the workers load, so a plugin's analyzers run there too (src/qc/plugins.ts). */
  plugins?: string[];
}

/**
 * The QC pool: the deliverables' measuring passes and the null tests, one job per worker at a time (each
 * job is already one streaming pass, so workers never share a file), in the order they are queued.
 */
export class QcPool {
  private readonly pool: WorkerPool;

  constructor(
    readonly threads: number,
    private readonly plugins: string[] = [],
  ) {
    // a small young generation: the jobs allocate little per block, and the default semi-spaces of each
    // isolate would otherwise add tens of MB of resident memory per worker
    this.pool = new WorkerPool(threads, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  }

  run(job: QcJob, options: { first?: boolean } = {}): Promise<QcJobResult> {
    const task = { module: JOBS_MODULE, fn: 'runJob', arg: job, ...(this.plugins.length > 0 ? { plugins: this.plugins } : {}) };
    return this.pool.run(task, options) as Promise<QcJobResult>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Below this much programme in total the pool's start-up costs more than it saves: run inline. */
export const POOL_MIN_SECONDS = 120;

export interface QcRun {
  spec: Spec;
  outcome: QcOutcome;
  deliverables: CheckedDeliverable[];
  fps: Rational;
  dropFrame: boolean;
  fpsSource: string;
  /** Things the run could not do (not findings): an engine missing, a rate assumed. */
  warnings: string[];
  /** Inputs that could not be read; the exit code is 2 when there are any. */
  inputErrors: ErrorInfo[];
  /** Worker threads the files were measured on (1: inline). */
  threads?: number;
}

function deliveryFps(opts: QcRunOptions, headers: AudioHeader[], found: Discovered, warnings: string[]): { fps: Rational; dropFrame: boolean; source: string } {
  if (opts.fps) {
    try {
      return { fps: parseFrameRate(opts.fps), dropFrame: /DF$|;/.test(opts.fps) && !/NDF$/i.test(opts.fps), source: '--fps' };
    } catch (err) {
      throw new DubstageError({ code: 'usage', message: `--fps: ${(err as Error).message}` });
    }
  }
  for (const h of headers) {
    const rate = h.ixml?.timecodeRate;
    if (rate) {
      try {
        return { fps: parseFrameRate(rate), dropFrame: (h.ixml?.timecodeFlag ?? '').toUpperCase() === 'DF', source: `iXML timecode rate of ${path.basename(h.path)}` };
      } catch {
        // an unreadable rate in one file: try the next
      }
    }
  }
  if (found.sessionFps) return { fps: found.sessionFps, dropFrame: found.sessionDropFrame, source: 'the session' };
  // an IMF package: the composition's edit rate
  const cpl = headers.find((h) => h.imf?.editRate);
  if (cpl) return { fps: parseFrameRate(cpl.imf!.editRate!), dropFrame: false, source: `the CPL edit rate of ${path.basename(cpl.path)}` };
  warnings.push('frame rate not given (--fps) nor found in the files or a session: timecodes are at 24 fps');
  return { fps: rational(24), dropFrame: false, source: 'assumed' };
}

export async function runQc(opts: QcRunOptions): Promise<QcRun> {
  const warnings: string[] = [];
  const timer = new StageTimer();
  const found = await timer.time('discover', () => discover(opts.paths));
  const inputErrors = [...found.errors];

  // Manifest entries first: their files are spoken for.
  const manifest = opts.manifest ? loadManifest(opts.manifest) : [];
  const claimed = new Set(manifest.flatMap((m) => m.files.map((f) => path.resolve(f))));
  const candidates: Candidate[] = [];
  const pending: Array<{ input: AudioInput; manifest?: (typeof manifest)[number] }> = [];
  for (const m of manifest) {
    const grouped = m.files.length > 1 ? groupInputs(m.files, { group: true }) : [{ path: m.files[0]! }];
    const input: AudioInput = grouped.length === 1 ? grouped[0]! : { path: m.files[0]!, files: m.files };
    pending.push({ input, manifest: m });
  }
  const rest = found.files.filter((f) => !claimed.has(f));
  for (const input of groupInputs(rest, { group: true })) pending.push({ input });
  if (pending.length === 0 && inputErrors.length === 0) {
    throw new DubstageError({ code: 'usage', message: 'no audio files found in the given paths' });
  }

  for (const p of pending) {
    let header: AudioHeader | null = null;
    let adm: AdmSummary | null = null;
    try {
      header = readAudioHeader(p.input.files?.[0] ?? p.input.path);
      if (header.hasAxml) adm = admSummary(await readAdm(header.path, header));
    } catch (err) {
      if (!header) inputErrors.push(toErrorInfo(err, p.input.path));
      else warnings.push(`${path.basename(header.path)}: ADM not read: ${(err as Error).message}`);
    }
    const c: Candidate = { input: p.input, header, adm };
    if (p.manifest) c.manifest = p.manifest;
    candidates.push(c);
  }
  const assigned = assignDeliverables(candidates);
  const headers = assigned.map((a) => a.header).filter((h): h is AudioHeader => h !== null);
  const { fps, dropFrame, source: fpsSource } = deliveryFps(opts, headers, found, warnings);

  const threads = opts.threads ?? defaultThreads();
  // Workers pay off on long programme only; a short delivery (tests, trailers) runs inline.
  const programmeSeconds = assigned.reduce((t, a) => t + (a.header ? a.header.format.durationSeconds : 0), 0);
  const pool = new QcPool(opts.threads !== undefined || programmeSeconds >= POOL_MIN_SECONDS ? Math.min(threads, assigned.length) : 1, opts.plugins);
  try {
    const deliverables: CheckedDeliverable[] = [];
    const inputs = new Map<string, AudioInput>();
    const measuring = new Map<string, Promise<MeasureJobResult>>();
    const jobs: Array<{ id: string; cost: number; job: MeasureJob }> = [];
    // With the dialogue stem in the delivery, printmasters are gated by its activity (better than any
    // detector's estimate, and no detector pass): same rate and length, block j of one is block j of the other.
    const dialogueStem = assigned.find((a) => a.header && a.role === 'stem' && a.stem === 'dialogue');
    const anchored = (a: (typeof assigned)[number]): boolean =>
      opts.spec.loudness?.mode === 'dialogue-gated' &&
      a.role === 'printmaster' &&
      !!a.header &&
      !!dialogueStem?.header &&
      dialogueStem.header.format.sampleRate === a.header.format.sampleRate &&
      Math.abs(dialogueStem.header.format.durationSeconds - a.header.format.durationSeconds) < 0.1;
    const anchoredIds = new Set(assigned.filter(anchored).map((a) => a.id));
    for (const a of assigned) {
      const { input, header, adm, ...d } = a;
      if (!header) continue;
      const analyzers = analyzerPlan(
        {
          id: d.id,
          role: d.role,
          stem: d.stem ?? null,
          layout: d.layout,
          channels: header.format.channels,
          sampleRate: header.format.sampleRate,
          durationSeconds: header.format.durationSeconds,
          dialogueAnchored: anchoredIds.has(d.id),
        },
        opts.spec,
        fps,
      );
      const speech = analyzers.some((n) => n.id === 'speech');
      const job: MeasureJob = {
        kind: 'measure',
        id: d.id,
        role: d.role,
        input,
        fps,
        analyzers,
        ...(anchoredIds.has(d.id) || (anchoredIds.size > 0 && a === dialogueStem) ? { keepBlockEnergies: true } : {}),
      };
      // Longest first: the speech model (with its resampler) costs about as much as 13 channels of analyzers.
      jobs.push({ id: d.id, cost: header.format.durationSeconds * (header.format.channels + (speech ? 13 : 0)), job });
    }
    const nullReference = (d: { role: string | null; layout: string | null }): boolean =>
      d.role === 'me' || (d.role === 'printmaster' && assigned.some((s) => s.header && s.role === 'stem' && s.layout === d.layout));
    const order = queueOrder(jobs.map((j) => ({ ...j, role: j.job.role, nullReference: nullReference(assigned.find((a) => a.id === j.id)!) })));
    for (const j of order) {
      opts.onProgress?.(`measuring ${j.id}`);
      const pass = timer.time(`measure ${j.id}`, () => pool.run(j.job) as Promise<MeasureJobResult>);
      // Awaited below; marked handled so a worker crash is one error, not an unhandled rejection.
      pass.catch(() => undefined);
      measuring.set(j.id, pass);
    }
    for (const a of assigned) {
      const { input, header, adm, ...d } = a;
      if (!header) {
        deliverables.push({ ...d, measurement: null, timeReferenceSamples: null });
        continue;
      }
      const cd: CheckedDeliverable = { ...d, measurement: null, timeReferenceSamples: header.bext ? header.bext.timeReferenceSamples : null };
      if (adm) cd.adm = adm;
      deliverables.push(cd);
      inputs.set(cd.id, input);
    }
    // The null tests start as soon as the files they read are measured.
    const measured = async (d: CheckedDeliverable): Promise<CheckedDeliverable> => {
      const r = await measuring.get(d.id);
      if (r) d.measurement = r.measurement;
      return d;
    };
    const cross = await crossFile(deliverables, inputs, measured, pool, fps, opts.spec, timer, assigned);
    // Warnings and input errors in deliverable order, then the null tests', as the sequential pipeline gave them.
    for (const d of deliverables) {
      const r = await measuring.get(d.id);
      if (!r) continue;
      await measured(d);
      warnings.push(...r.warnings);
      if (r.measurement.error) inputErrors.push(r.measurement.error);
    }
    warnings.push(...cross.warnings);
    if (anchoredIds.size > 0 && dialogueStem) {
      const stemBlocks = (await measuring.get(dialogueStem.id))?.blockEnergies;
      for (const d of deliverables) {
        if (!anchoredIds.has(d.id)) continue;
        const r = await measuring.get(d.id);
        const loud = d.measurement?.loudness;
        if (!r?.blockEnergies || !stemBlocks || !loud) continue;
        loud.dialogue = stemAnchoredDialogue(r.blockEnergies, stemBlocks, { programmeLufs: loud.integratedLufs });
      }
    }
    const ctx: QcContext = { spec: opts.spec, deliverables, fps, dropFrame, cross: cross.results };
    const outcome = await timer.time('rules', async () => runRules(ctx));
    timer.report();
    return { spec: opts.spec, outcome, deliverables, fps, dropFrame, fpsSource, warnings, inputErrors, threads: pool.threads };
  } finally {
    await pool.close();
  }
}

/**
 * The pool's queue: the costliest pass first; then the references of the null tests (a null test starts
 * once its reference and parts are measured, and is the longest job after the speech pass), costliest
 * first; then the stems they wait for; then the rest, longest first. Keeps both workers busy to the end
 * instead of leaving one null test alone at the tail.
 */
export function queueOrder<T extends { cost: number; role: string | null; nullReference: boolean }>(jobs: T[]): T[] {
  const byCost = [...jobs].sort((x, y) => y.cost - x.cost);
  const [first, ...rest] = byCost;
  if (!first) return [];
  return [first, ...rest.filter((j) => j.nullReference), ...rest.filter((j) => !j.nullReference && j.role === 'stem'), ...rest.filter((j) => !j.nullReference && j.role !== 'stem')];
}

/** Stems vs printmaster and M&E vs music + effects, per layout, with the stems engine (in the pool). */
async function crossFile(
  deliverables: CheckedDeliverable[],
  inputs: Map<string, AudioInput>,
  measured: (d: CheckedDeliverable) => Promise<CheckedDeliverable>,
  pool: QcPool,
  fps: Rational,
  spec: Spec,
  timer: StageTimer,
  assigned: Array<{ header: AudioHeader | null; input: AudioInput }>,
): Promise<{ results: CrossFileResults; warnings: string[] }> {
  const isOk = (d: CheckedDeliverable): boolean => !!(d.measurement && !d.measurement.error && d.measurement.format);
  const withHeader = deliverables.filter((d) => inputs.has(d.id));
  const stemsT = optionValues(spec, stemsRule).stems;
  const meT = optionValues(spec, meMatchRule).me;
  const axml = new Set(assigned.filter((a) => a.header?.hasAxml).map((a) => a.input.path));
  const run = async (ref: CheckedDeliverable, parts: CheckedDeliverable[], residualLimitDbfs: number): Promise<NullJobResult> => {
    // A 2-pop printed on every stem sums to several pops against the printmaster's one: null from FFOA.
    const pop = ref.measurement?.analyzers?.['two-pop'] as { present?: boolean; ffoaSeconds?: number | null } | undefined;
    const overs = ref.measurement?.analyzers?.['peak-overs'] as PeakOversResult | undefined;
    const refInput = inputs.get(ref.id)!;
    const job: NullJob = {
      kind: 'null',
      refId: ref.id,
      refInput,
      parts: parts.map((p) => ({ id: p.id, input: inputs.get(p.id)! })),
      fps: fps.num / fps.den,
      residualLimitDbfs,
      sustainSeconds: stemsT.sustainMs / 1000,
      ceilingMarginDb: stemsT.limiterMarginDb,
    };
    if (pop?.present && pop.ffoaSeconds) job.fromSeconds = pop.ffoaSeconds;
    // The measuring pass saw every sample of every channel (not an ADM bed selection): reuse its peak.
    if (overs && !axml.has(refInput.path)) job.referenceCeilingLinear = overs.samplePeakLinear;
    // A null test is queued only once its files are measured: it goes ahead of passes still waiting.
    return timer.time(`null ${ref.id}`, () => pool.run(job, { first: true }) as Promise<NullJobResult>);
  };
  const stemChecks = withHeader
    .filter((d) => d.role === 'printmaster')
    .map(async (pm) => {
      const [ref, ...candidates] = await Promise.all([pm, ...withHeader.filter((d) => d.role === 'stem' && d.layout === pm.layout)].map(measured));
      const stems = candidates.filter(isOk);
      if (!isOk(ref!) || stems.length === 0) return null;
      const r = await run(ref!, stems, stemsT.residualRmsMaxDbfs);
      return { check: { printmaster: ref!.id, stems: stems.map((s) => s.id), result: r.result, ...(r.error !== undefined ? { error: r.error } : {}) }, warnings: r.warnings };
    });
  const meChecks = withHeader
    .filter((d) => d.role === 'me')
    .map(async (me) => {
      const pick = (stem: string) => withHeader.filter((d) => d.role === 'stem' && d.stem === stem && d.layout === me.layout);
      const [ref, ...candidates] = await Promise.all([me, ...pick('music'), ...pick('effects')].map(measured));
      const music = candidates.find((d) => isOk(d) && d.stem === 'music');
      const effects = candidates.find((d) => isOk(d) && d.stem === 'effects');
      if (!isOk(ref!) || !music || !effects) return null;
      const r = await run(ref!, [music, effects], meT.residualRmsMaxDbfs);
      return { check: { me: ref!.id, stems: [music.id, effects.id], result: r.result, ...(r.error !== undefined ? { error: r.error } : {}) }, warnings: r.warnings };
    });
  const stems = await Promise.all(stemChecks);
  const mes = await Promise.all(meChecks);
  const results: CrossFileResults = { stems: [], me: [] };
  const warnings: string[] = [];
  for (const s of stems) {
    if (!s) continue;
    results.stems.push(s.check);
    warnings.push(...s.warnings);
  }
  for (const m of mes) {
    if (!m) continue;
    results.me.push(m.check);
    warnings.push(...m.warnings);
  }
  return { results, warnings };
}

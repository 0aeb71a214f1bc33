/**
 * `dubstage qc` from paths to an outcome: find the files (folders, files, session media), group
 * multi-mono sets, assign roles and layouts, measure each deliverable in one streaming pass with the
 * QC analyzers riding along, run the cross-file engines, then the rules. A file that cannot be read
 * is reported and the others are still checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultThreads, WorkerPool } from '../analysis/pool.js';
import { groupInputs, type AudioInput } from '../audio/multimono.js';
import { readAudioHeader } from '../audio/open.js';
import { stemAnchoredDialogue } from '../analysis/dialogue.js';
import type { AudioHeader } from '../audio/types.js';
import { assignDeliverables, type Candidate } from '../delivery/assign.js';
import { loadManifest, type ManifestEntry } from '../delivery/manifest.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { readAdm } from '../audio/adm/index.js';
import { admSummary, DAMF_ROOT, damfSetFiles, discover, type Discovered } from '../delivery/discover.js';
import { readDolbyAtmos } from '../audio/dolby-atmos/index.js';
import { parseFrameRate, rational, type Rational } from '../session/time.js';
import type { Spec } from '../specs/schema.js';
import { configuredSeverity, runRules, type QcOutcome } from './engine.js';
import { rule as integratedRule } from './rules/loudness/integrated.js';
import { rule as truePeakRule } from './rules/loudness/true-peak.js';
import type { Rule } from './types.js';
import { rule as stemsRule } from './rules/stems/sum-to-printmaster.js';
import { rule as meMatchRule } from './rules/me/music-effects-match.js';
import { JOBS_MODULE, type MeasureJob, type MeasureJobResult, type NullJob, type NullJobResult, type QcJob, type QcJobResult } from './jobs.js';
import { analyzerPlan } from './plan.js';
import { optionValues } from './rule.js';
import type { PeakOversResult } from '../analyzers/peak-overs.js';
import { StageTimer, type StageTime } from './timings.js';
import type { AdmSummary, CheckedDeliverable, CrossFileResults, MeMatchCheck, QcContext, StemsNullResult } from './types.js';


export interface QcRunOptions {
  paths: string[];
  spec: Spec;
  manifest?: string;
  fps?: string;
  /** Progress as it happens: `measuring ID` (queued), `measured ID`, `null test ID` (started), `null tested ID`. */
  onProgress?: (message: string) => void;
  /** Worker threads for the files (1 = inline, the plain path). Default: defaultThreads() on long deliveries. */
  threads?: number;
  /** Let the manifest name files outside its own folder (--allow-outside-manifest). */
  allowOutsideManifest?: boolean;
  /** Plugin modules (file URLs) the workers load, so a plugin's analyzers run there too (src/qc/plugins.ts). */
  plugins?: string[];
  /** A pool to run on instead of one of the run's own (batch: one warm pool for many deliveries); never closed here. */
  pool?: QcPool;
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

/** Which delivery a run checked: a folder given, the files given loose, or one reel of either. */
export interface DeliveryName {
  /** For reports: the folder's name ("REEL_2"), with the reel when names split it ("DELIVERY reel 2"). */
  name: string;
  /** The paths given that make it up (a folder, or the loose files and sessions). */
  paths: string[];
  /** The reel its files' names (or folders) say, when the delivery was split by reel. */
  reel: string | null;
}

export interface QcRun {
  spec: Spec;
  /** Set when the run was one of several deliveries (runQcDeliveries). */
  delivery?: DeliveryName;
  outcome: QcOutcome;
  deliverables: CheckedDeliverable[];
  fps: Rational;
  dropFrame: boolean;
  fpsSource: string;
  /** Things the run could not do (not findings): an engine missing, a rate assumed. */
  warnings: string[];
  /** Inputs that could not be read; the exit code is 2 when there are any. */
  inputErrors: ErrorInfo[];
  /** What discovery passed over (and why) and the symbolic links it followed: said, never silent. */
  discovery?: { ignored: Array<{ path: string; reason: string }>; links: Array<{ path: string; target: string }> };
  /** Worker threads the files were measured on (1: inline). */
  threads?: number;
  /** The null tests' results (the reports show their evidence: null depth per channel). */
  cross?: CrossFileResults;
  /** When the run started (ISO 8601, UTC), its wall seconds and each stage's (`measure ID`, `null ID`): the reports' date and times. */
  startedAt?: string;
  elapsedSeconds?: number;
  stages?: StageTime[];
}

/** Several deliveries in one run: each checked on its own, one verdict each and one overall. */
export interface QcDeliveriesRun {
  spec: Spec;
  deliveries: QcRun[];
  /** fail when any delivery fails. */
  verdict: 'pass' | 'fail';
}

/** The CLI's exit code for one or several deliveries: 2 when any input could not be read, 1 when any fails, else 0. */
export function qcExitCode(runs: QcRun[]): 0 | 1 | 2 {
  if (runs.some((r) => r.inputErrors.length > 0)) return 2;
  return runs.some((r) => r.outcome.verdict === 'fail') ? 1 : 0;
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

/**
 * Reel of a file from its path below the folder given: REEL1, REEL_02, Reel 3, RL4, R5 standing alone
 * (in the file's name or a folder's), as facilities name reels. Null when nothing says.
 */
export function reelOf(relativePath: string): string | null {
  const m = /(?<![A-Z0-9])(?:REEL|RL|R)[ _-]?0*(\d{1,2})(?![A-Z0-9])/i.exec(relativePath);
  return m ? String(Number(m[1])) : null;
}

/** One delivery's files split by reel, when its names carry at least two reels; files with no reel keep the delivery's name. */
function splitByReel(base: DeliveryName, found: Discovered, root: string | null): Array<{ delivery: DeliveryName; found: Discovered }> {
  const byReel = new Map<string | null, string[]>();
  for (const f of found.files) {
    const reel = reelOf(root ? path.relative(root, f) : path.basename(f));
    byReel.set(reel, [...(byReel.get(reel) ?? []), f]);
  }
  const reels = [...byReel.keys()].filter((r): r is string => r !== null);
  if (reels.length < 2) return [{ delivery: base, found }];
  reels.sort((a, b) => Number(a) - Number(b));
  const groups: Array<{ delivery: DeliveryName; found: Discovered }> = [];
  for (const reel of [...reels, ...(byReel.has(null) ? [null] : [])]) {
    const delivery = { ...base, name: reel === null ? base.name : `${base.name} reel ${reel}`, reel };
    groups.push({ delivery, found: { ...found, files: byReel.get(reel)!, errors: groups.length === 0 ? found.errors : [] } });
  }
  return groups;
}

/**
 * What a run was given, as deliveries: each folder is its own delivery (two reels' folders are two
 * deliveries, never one summed against the other); the files and sessions given loose are one more.
 * Within each, names that carry two or more reels (REEL1, R2, ...) split it by reel.
 */
export async function planDeliveries(paths: string[]): Promise<Array<{ delivery: DeliveryName; found: Discovered }>> {
  const isDir = (p: string): boolean => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const folders = paths.filter(isDir);
  const loose = paths.filter((p) => !isDir(p));
  const parts: Array<{ paths: string[]; root: string | null }> =
    folders.length + (loose.length > 0 ? 1 : 0) <= 1 ? [{ paths, root: folders[0] ?? null }] : [...folders.map((f) => ({ paths: [f], root: f })), { paths: loose, root: null }].filter((p) => p.paths.length > 0);
  const names = parts.map((p) => (p.root ? path.basename(path.resolve(p.root)) : p.paths.length === 1 ? path.basename(p.paths[0]!) : 'files'));
  const out: Array<{ delivery: DeliveryName; found: Discovered }> = [];
  for (const [i, part] of parts.entries()) {
    // the same folder name twice (two drives' REEL_1): the paths as given tell them apart
    const name = names.filter((n) => n === names[i]).length > 1 ? part.paths.join(', ') : names[i]!;
    const found = await discover(part.paths);
    out.push(...splitByReel({ name, paths: part.paths, reel: null }, found, part.root));
  }
  return out;
}

/**
 * Every delivery the paths hold (see planDeliveries), each checked on its own (its own null tests,
 * frame rate and verdict), one after the other. A manifest entry belongs to the delivery holding its
 * first file; entries no delivery holds go with the first.
 */
export async function runQcDeliveries(opts: QcRunOptions): Promise<QcDeliveriesRun> {
  const planned = await planDeliveries(opts.paths);
  const manifest = opts.manifest ? loadManifest(opts.manifest, { allowOutside: opts.allowOutsideManifest === true }) : [];
  const holder = (m: ManifestEntry): number => {
    const first = path.resolve(m.files[0]!);
    const i = planned.findIndex((p) => p.found.files.includes(first));
    return i < 0 ? 0 : i;
  };
  const deliveries: QcRun[] = [];
  for (const [i, p] of planned.entries()) {
    const own = manifest.filter((m) => holder(m) === i);
    if (planned.length > 1 && p.found.files.length === 0 && p.found.errors.length === 0 && own.length === 0) {
      // one folder of several with nothing in it: said for that delivery, the others still checked
      p.found.errors.push({ code: 'usage', message: 'no audio files found in this folder', path: p.delivery.paths[0]! });
    }
    const run = await checkDelivery(p.found, opts, own);
    if (planned.length > 1) run.delivery = p.delivery;
    deliveries.push(run);
  }
  return { spec: opts.spec, deliveries, verdict: deliveries.some((d) => d.outcome.verdict === 'fail') ? 'fail' : 'pass' };
}

/** One delivery: every path given is part of it (the files of folders, audio files, a session's media). */
export async function runQc(opts: QcRunOptions): Promise<QcRun> {
  const found = await discover(opts.paths);
  return checkDelivery(found, opts, opts.manifest ? loadManifest(opts.manifest, { allowOutside: opts.allowOutsideManifest === true }) : []);
}

async function checkDelivery(found: Discovered, opts: QcRunOptions, manifest: ManifestEntry[]): Promise<QcRun> {
  const warnings: string[] = [];
  const startedAt = new Date().toISOString();
  const timer = new StageTimer();
  const inputErrors = [...found.errors];
  // an IMF package's picture and subtitle hashes run on their own thread beside the audio pass
  const late = (found.late ?? []).map((start) => start());

  // Manifest entries first: their files are spoken for.
  const claimed = new Set(manifest.flatMap((m) => m.files.map((f) => path.resolve(f))));
  const candidates: Candidate[] = [];
  const pending: Array<{ input: AudioInput; manifest?: (typeof manifest)[number] }> = [];
  for (const m of manifest) {
    const grouped = m.files.length > 1 ? groupInputs(m.files, { group: true }) : [{ path: m.files[0]! }];
    const input: AudioInput = grouped.length === 1 ? grouped[0]! : { path: m.files[0]!, files: m.files };
    pending.push({ input, manifest: m });
  }
  const rest = found.files.filter((f) => !claimed.has(f));
  // a Dolby Atmos master set is never a member of a multi-mono set
  for (const input of groupInputs(rest.filter((f) => !DAMF_ROOT.test(f)), { group: true })) pending.push({ input });
  for (const f of rest.filter((f) => DAMF_ROOT.test(f))) pending.push({ input: { path: f } });
  if (pending.length === 0 && inputErrors.length === 0) {
    throw new DubstageError({ code: 'usage', message: 'no audio files found in the given paths' });
  }

  for (const p of pending) {
    let header: AudioHeader | null = null;
    let adm: AdmSummary | null = null;
    // a Dolby Atmos master set: its .atmos names the beds and objects, its CAF .atmos.audio is the audio
    const damfFiles = !p.input.files && DAMF_ROOT.test(p.input.path) ? damfSetFiles(p.input.path) : null;
    try {
      if (damfFiles) {
        // a missing or unreadable part is named by the reader; the rest of the delivery is still checked
        const damf = await readDolbyAtmos(p.input.path);
        damfFiles.splice(0, 3, damf.files.atmos, damf.files.metadata, damf.files.audio);
        header = readAudioHeader(damf.files.audio);
        adm = admSummary(damf);
      } else {
        header = readAudioHeader(p.input.files?.[0] ?? p.input.path);
        if (header.hasAxml) adm = admSummary(await readAdm(header.path, header));
      }
    } catch (err) {
      if (!header) inputErrors.push(toErrorInfo(err, p.input.path));
      else warnings.push(`${path.basename(header.path)}: ADM not read: ${(err as Error).message}`);
    }
    const c: Candidate = { input: p.input, header, adm };
    if (damfFiles) c.damfFiles = damfFiles;
    if (p.manifest) c.manifest = p.manifest;
    candidates.push(c);
  }
  const assigned = assignDeliverables(candidates);
  const headers = assigned.map((a) => a.header).filter((h): h is AudioHeader => h !== null);
  const { fps, dropFrame, source: fpsSource } = deliveryFps(opts, headers, found, warnings);

  const threads = opts.threads ?? defaultThreads();
  // Workers pay off on long programme only; a short delivery (tests, trailers) runs inline.
  const programmeSeconds = assigned.reduce((t, a) => t + (a.header ? a.header.format.durationSeconds : 0), 0);
  const pool = opts.pool ?? new QcPool(opts.threads !== undefined || programmeSeconds >= POOL_MIN_SECONDS ? Math.min(threads, assigned.length) : 1, opts.plugins);
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
      const admRender = atmosRenders(opts.spec, d.role, header, d.damf === true);
      const job: MeasureJob = {
        kind: 'measure',
        id: d.id,
        role: d.role,
        input,
        fps,
        analyzers,
        ...(anchoredIds.has(d.id) || (anchoredIds.size > 0 && a === dialogueStem) ? { keepBlockEnergies: true } : {}),
        ...(admRender ? { admRender } : {}),
      };
      // Longest first: the speech model (with its resampler) costs about as much as 13 channels of analyzers.
      const renderCost = admRender ? admRender.layouts.length * 6 + (admRender.speech ? 13 : 0) : 0;
      jobs.push({ id: d.id, cost: header.format.durationSeconds * (header.format.channels + (speech ? 13 : 0) + renderCost), job });
    }
    const nullReference = (d: { role: string | null; layout: string | null }): boolean =>
      d.role === 'me' || (d.role === 'printmaster' && assigned.some((s) => s.header && s.role === 'stem' && s.layout === d.layout));
    const order = queueOrder(jobs.map((j) => ({ ...j, role: j.job.role, nullReference: nullReference(assigned.find((a) => a.id === j.id)!) })));
    for (const j of order) {
      opts.onProgress?.(`measuring ${j.id}`);
      const pass = timer.time(`measure ${j.id}`, () => pool.run(j.job) as Promise<MeasureJobResult>);
      // Awaited below; marked handled so a worker crash is one error, not an unhandled rejection.
      pass.then(() => opts.onProgress?.(`measured ${j.id}`), () => undefined);
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
    const cross = await crossFile(deliverables, inputs, measured, pool, fps, opts.spec, timer, assigned, opts.onProgress);
    // Warnings and input errors in deliverable order, then the null tests', as the sequential pipeline gave them.
    for (const d of deliverables) {
      const r = await measuring.get(d.id);
      if (!r) continue;
      await measured(d);
      warnings.push(...r.warnings);
      if (r.measurement.error) inputErrors.push(r.measurement.error);
    }
    warnings.push(...cross.warnings);
    for (const errors of await Promise.all(late)) inputErrors.push(...errors);
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
    const discovery = found.ignored.length > 0 || found.links.length > 0 ? { ignored: found.ignored, links: found.links } : undefined;
    return { spec: opts.spec, outcome, deliverables, fps, dropFrame, fpsSource, warnings, inputErrors, threads: pool.threads, cross: cross.results, startedAt, elapsedSeconds: timer.elapsedSeconds(), stages: timer.stages, ...(discovery ? { discovery } : {}) };
  } finally {
    if (!opts.pool) await pool.close();
  }
}

/**
 * An Atmos master (ADM BWF or Dolby Atmos master set) under a profile with atmos.judgeOnRenders: the layouts to render it to in its
 * measuring pass, and whether to detect speech on the first (the integrated rule judging dialogue-gated).
 * Only when a loudness rule that reads the renders is on. Bed-only masters are rendered too: the spec's
 * figure is the re-render's, and a 7.1.2 bed's 5.1 render is not its 10 channels.
 */
export function atmosRenders(spec: Spec, role: string | null, header: AudioHeader, damf = false): MeasureJob['admRender'] | null {
  const layouts = spec.atmos?.judgeOnRenders;
  if (!layouts || role !== 'atmos' || (!header.hasAxml && !damf)) return null;
  const on = (rule: Rule): boolean => configuredSeverity({ spec }, rule) !== 'off';
  if (!on(integratedRule) && !on(truePeakRule)) return null;
  return { layouts: [...layouts], speech: spec.loudness?.mode === 'dialogue-gated' && on(integratedRule) };
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

/** A null result with residual a rule would call a mismatch: above the limit, sustained, not the limiter. */
function sustainedResidual(result: StemsNullResult, limitDbfs: number, sustainMs: number): boolean {
  return result.channels.some((ch) =>
    ch.regions.some((r) => !r.limiterLike && r.residualRmsDbfs > limitDbfs && (r.endSeconds - r.startSeconds) * 1000 >= sustainMs),
  );
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
  onProgress?: (message: string) => void,
): Promise<{ results: CrossFileResults; warnings: string[] }> {
  const isOk = (d: CheckedDeliverable): boolean => !!(d.measurement && !d.measurement.error && d.measurement.format);
  const withHeader = deliverables.filter((d) => inputs.has(d.id));
  const stemsT = optionValues(spec, stemsRule).stems;
  const meT = optionValues(spec, meMatchRule).me;
  const axml = new Set(assigned.filter((a) => a.header?.hasAxml).map((a) => a.input.path));
  const run = async (ref: CheckedDeliverable, parts: CheckedDeliverable[], residualLimitDbfs: number, probe?: CheckedDeliverable): Promise<NullJobResult> => {
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
    if (probe) job.probe = { id: probe.id, input: inputs.get(probe.id)! };
    // The measuring pass saw every sample of every channel (not an ADM bed selection): reuse its peak.
    if (overs && !axml.has(refInput.path)) job.referenceCeilingLinear = overs.samplePeakLinear;
    // A null test is queued only once its files are measured: it goes ahead of passes still waiting.
    onProgress?.(`null test ${ref.id}`);
    const r = await timer.time(`null ${ref.id}`, () => pool.run(job, { first: true }) as Promise<NullJobResult>);
    onProgress?.(`null tested ${ref.id}`);
    return r;
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
      const [ref, ...candidates] = await Promise.all([me, ...pick('music'), ...pick('effects'), ...pick('foley')].map(measured));
      const music = candidates.find((d) => isOk(d) && d.stem === 'music');
      const effects = candidates.find((d) => isOk(d) && d.stem === 'effects');
      // a fully filled M&E carries the foley: with a foley stem in the delivery, it is one of the parts
      const foley = candidates.find((d) => isOk(d) && d.stem === 'foley');
      if (!isOk(ref!) || !music || !effects) return null;
      const parts = foley ? [music, effects, foley] : [music, effects];
      let r = await run(ref!, parts, meT.residualRmsMaxDbfs);
      // A residual that stays: with the dialogue stem in the delivery, read the M&E again with it as a probe,
      // so residual that is the dialogue at some gain is named a dialogue leak (me/dialogue-leak), not a mismatch.
      const [dialogue] = await Promise.all(pick('dialogue').map(measured));
      if (r.result && dialogue && isOk(dialogue) && sustainedResidual(r.result, meT.residualRmsMaxDbfs, stemsT.sustainMs)) {
        const probed = await run(ref!, parts, meT.residualRmsMaxDbfs, dialogue);
        if (probed.result) r = { ...probed, warnings: [...r.warnings, ...probed.warnings] };
      }
      const check: MeMatchCheck = { me: ref!.id, stems: parts.map((p) => p.id), result: r.result, ...(r.error !== undefined ? { error: r.error } : {}) };
      if (foley) check.foley = foley.id;
      return { check, warnings: r.warnings };
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

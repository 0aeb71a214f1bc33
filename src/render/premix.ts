/**
 * Premix: a session's timeline measured track by track, premix by premix, and the dialogue scene by
 * scene, in one pass of the analysis host over the rendered timeline (./timeline.ts). Every track and
 * group gets its own BS.1770 meter (the LoudnessAnalyzer `measure` uses) on its slice of the stream;
 * each scene gets a fresh meter on the dialogue group's frames inside it.
 */
import type { ChannelLabel } from '../audio/channels.js';
import { LoudnessAnalyzer, type LoudnessResult } from '../analyzers/loudness.js';
import type { LoudnessSeries } from '../analyzers/results.js';
import type { Analyzer, AudioBlock, StreamInfo } from '../analyzers/types.js';
import { runAnalyzers } from '../analysis/host.js';
import { mergeNonFinite, type NonFiniteReport } from '../analysis/non-finite.js';
import { PARALLEL_MIN_SECONDS } from '../analysis/parallel.js';
import { defaultThreads, WorkerPool, type TaskContext } from '../analysis/pool.js';
import { DubstageError } from '../errors.js';
import { startTimecodeFrames, timecodeAt } from '../session/json.js';
import type { Session } from '../session/model.js';
import { dropFrameAllowed, framesToSeconds, parseTimecode, timecodeToFrames, type RationalTime } from '../session/time.js';
import { planGroups, premixRole, type GroupPlan, type UserGroup } from './groups.js';
import { probeMedia, type MediaProbe } from './media.js';
import { framesAtRate, labelsFor, planTimeline, TimelineSource, type PlannedTrack, type TimelinePlan } from './timeline.js';

export interface LoudnessFigures {
  integratedLufs: number | null;
  momentaryMaxLufs: number | null;
  shortTermMaxLufs: number | null;
  loudnessRangeLu: number | null;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
}

export interface PremixTrack {
  name: string;
  channels: number;
  muted: boolean;
  role: string;
  clips: number;
  missingClips: number;
  loudness: LoudnessFigures;
}

export interface PremixGroup {
  name: string;
  tracks: string[];
  channels: number;
  loudness: LoudnessFigures;
}

export interface PremixScene {
  name: string;
  startSeconds: number;
  endSeconds: number;
  startTimecode: string;
  endTimecode: string;
  dialogueLufs: number | null;
  deviationLu: number | null;
}

/** `premix --json` (schema 1, a contract like measure's): minus infinity and silence are null. */
export interface PremixResult {
  schema: 1;
  session: { format: string; name: string; sampleRate: number; startTimecode: string; durationSeconds: number };
  tracks: PremixTrack[];
  groups: PremixGroup[];
  scenes: PremixScene[];
  warnings: string[];
}

/** What the HTML report adds to the contract: each group's loudness over time, the scenes called out. */
export interface PremixRun {
  result: PremixResult;
  groupSeries: Map<string, LoudnessSeries>;
  /** Seconds on the session clock where the render (and each series) starts. */
  renderStartSeconds: number;
  /** Scenes whose dialogue lies beyond the tolerance, by index in result.scenes. */
  sceneProblems: number[];
  toleranceLu: number;
  /** The render's plan and the media probes it played (handoff reads the package facts from them). */
  plan: TimelinePlan;
  probes: Map<string, MediaProbe>;
}

export interface PremixOptions {
  /** --from / --to: seconds from the session's start, or timecode on its clock. */
  from?: string;
  to?: string;
  groups?: UserGroup[];
  /** Scenes from point markers or from regions (default: markers when there are any, else regions). */
  scenes?: 'markers' | 'regions';
  /** A scene's dialogue further than this from the median is a consistency problem (default 3 LU). */
  toleranceLu?: number;
  /** Keep each group's short-term loudness at 10 Hz (the HTML chart). */
  series?: boolean;
  /** Media already probed (handoff probes first, to see each file as it is before the plan judges it). */
  probes?: Map<string, MediaProbe>;
  onProgress?: (done: number, total: number) => void;
  /**
   * Worker threads: the tracks are split into parts (a group with its members) metered in parallel, the
   * same figures as one thread. Default: the cores for a render of a minute or more, else 1.
   */
  threads?: number;
}

export const DEFAULT_SCENE_TOLERANCE_LU = 3;

function round3(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function figures(r: LoudnessResult): LoudnessFigures {
  const l = r.loudness;
  return {
    integratedLufs: l.integratedLufs,
    momentaryMaxLufs: l.momentaryMaxLufs,
    shortTermMaxLufs: l.shortTermMaxLufs,
    loudnessRangeLu: l.loudnessRangeLu,
    truePeakDbtp: l.truePeakDbtp,
    samplePeakDbfs: l.samplePeakDbfs,
  };
}

/** One analyzer on a slice of the stream's channels (a track's or a group's). */
class ChannelSlice<R> implements Analyzer<R> {
  readonly id: string;
  private readonly sub: AudioBlock = { channels: [], frames: 0, frameOffset: 0 };
  private from: Float32Array[] | null = null;

  constructor(
    private readonly inner: Analyzer<R>,
    private readonly offset: number,
    private readonly labels: ChannelLabel[],
  ) {
    this.id = inner.id;
  }

  start(stream: StreamInfo): void {
    this.inner.start({ ...stream, channelCount: this.labels.length, channelLabels: this.labels });
  }

  process(block: AudioBlock): void | Promise<void> {
    // the host reuses its buffers, so the slice is made once
    if (this.from !== block.channels) {
      this.from = block.channels;
      this.sub.channels = block.channels.slice(this.offset, this.offset + this.labels.length);
    }
    this.sub.frames = block.frames;
    this.sub.frameOffset = block.frameOffset;
    return this.inner.process(this.sub);
  }

  finish(): R {
    return this.inner.finish();
  }
}

interface SceneWindow {
  /** Frames of the render (from its first frame): [from, to). */
  from: number;
  to: number;
  meter: LoudnessAnalyzer | null;
  result: LoudnessResult | null;
}

/** The dialogue group's loudness over each scene: a fresh meter per scene, fed the frames inside it. */
class SceneMeters implements Analyzer<void> {
  readonly id = 'premix-scenes';
  private stream: StreamInfo | null = null;
  private copy: Float32Array[] = [];
  private readonly sub: AudioBlock = { channels: [], frames: 0, frameOffset: 0 };

  constructor(
    readonly windows: SceneWindow[],
    private readonly offset: number,
    private readonly labels: ChannelLabel[],
  ) {}

  start(stream: StreamInfo): void {
    this.stream = { ...stream, channelCount: this.labels.length, channelLabels: this.labels };
  }

  process(block: AudioBlock): void {
    const b0 = block.frameOffset;
    const b1 = b0 + block.frames;
    for (const w of this.windows) {
      const a = Math.max(w.from, b0);
      const z = Math.min(w.to, b1);
      if (z <= a) continue;
      if (!w.meter) {
        w.meter = new LoudnessAnalyzer({});
        w.meter.start({ ...this.stream!, frames: w.to - w.from });
      }
      if (this.copy.length === 0 || this.copy[0]!.length < block.frames) {
        this.copy = this.labels.map(() => new Float32Array(block.channels[0]!.length));
        this.sub.channels = this.copy;
      }
      for (let c = 0; c < this.labels.length; c++) this.copy[c]!.set(block.channels[this.offset + c]!.subarray(a - b0, z - b0));
      this.sub.frames = z - a;
      this.sub.frameOffset = a - w.from;
      w.meter.process(this.sub);
      if (z === w.to) {
        w.result = w.meter.finish();
        w.meter = null;
      }
    }
  }

  finish(): void {
    for (const w of this.windows) {
      if (w.meter) {
        w.result = w.meter.finish();
        w.meter = null;
      }
    }
  }
}

/** A --from/--to bound in session-rate frames from the session's start. */
export function sessionBoundFrame(text: string, session: Session, sampleRate: number, option: string): number {
  const t = text.trim();
  const secs = /^(\d+(?:\.\d+)?)s?$/.exec(t);
  if (secs) return Math.round(Number(secs[1]) * sampleRate);
  const tc = parseTimecode(t);
  if (!tc) throw new DubstageError({ code: 'usage', message: `${option} '${text}': expected seconds from the session's start (12.5) or timecode (HH:MM:SS:FF)` });
  const df = session.dropFrame || (tc.dropFrameMarked && dropFrameAllowed(session.frameRate));
  const frames = timecodeToFrames(tc, session.frameRate, df) - startTimecodeFrames(session);
  if (frames < 0) {
    throw new DubstageError({ code: 'usage', message: `${option} ${text} is before the session's start timecode ${session.startTimecode}`, path: session.path, timecode: text });
  }
  return Math.round(framesToSeconds(frames, session.frameRate) * sampleRate);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** What the main thread and every worker part derive alike from the session (deterministic). */
interface Prepared {
  plan: TimelinePlan;
  probes: Map<string, MediaProbe>;
  warnings: string[];
  listed: PlannedTrack[];
  roles: Map<PlannedTrack, ReturnType<typeof premixRole>>;
  groups: GroupPlan[];
  from: number;
  to: number;
  scenes: { name: string; start: number; end: number }[];
  dialogueIndex: number;
}

/** The options a worker part needs (plain data: no callbacks). */
export type PremixPartOptions = Pick<PremixOptions, 'from' | 'to' | 'groups' | 'scenes' | 'series'>;

function prepare(session: Session, options: PremixPartOptions, probed?: Map<string, MediaProbe>): Prepared {
  const probes = probed ?? probeMedia(session);
  const plan: TimelinePlan = planTimeline(session, probes);
  const warnings = [...plan.warnings];
  const sr = plan.sampleRate;

  // folder tracks with no clips of their own carry no sound of their own: not listed
  const listed = plan.tracks.filter((t) => !(t.folder && t.clipCount === 0));
  const roles = new Map<PlannedTrack, ReturnType<typeof premixRole>>(listed.map((t) => [t, premixRole(t.name, session.tracks[t.index]!.role)]));
  const groups: GroupPlan[] = planGroups(listed, roles, plan.tracks, options.groups ?? [], warnings);

  let from = options.from !== undefined ? sessionBoundFrame(options.from, session, sr, '--from') : plan.firstFrame;
  let to = options.to !== undefined ? sessionBoundFrame(options.to, session, sr, '--to') : plan.endFrame;
  if (options.from === undefined && options.to !== undefined) from = Math.min(from, to);
  if (to <= from) {
    warnings.push(options.from !== undefined || options.to !== undefined ? '--to is not after --from: nothing rendered' : 'the session has no clips: nothing rendered');
    to = from;
  }
  if (plan.tracks.every((t) => t.clips.length === 0) && plan.tracks.some((t) => t.clipCount > 0)) {
    warnings.push('no clip of the session can be played (every clip is muted or its media is missing): every figure is silence');
  }

  // scenes on the session clock, measured on the dialogue group
  const markers = session.markers;
  const mode = options.scenes ?? (markers.some((m) => m.duration === undefined) ? 'markers' : 'regions');
  const sceneMarks =
    mode === 'markers'
      ? markers.filter((m) => m.duration === undefined).map((m) => ({ name: m.name, start: frameOf(m.start, sr), end: null as number | null }))
      : markers.filter((m) => m.duration !== undefined).map((m) => ({ name: m.name, start: frameOf(m.start, sr), end: frameOf(m.start, sr) + frameOf(m.duration!, sr) }));
  sceneMarks.sort((a, b) => a.start - b.start);
  const scenes = sceneMarks.map((s, i) => ({ name: s.name, start: s.start, end: s.end ?? Math.max(s.start, sceneMarks[i + 1]?.start ?? plan.endFrame) }));
  if (options.scenes && scenes.length === 0 && markers.length > 0) warnings.push(`--scenes ${mode}: the session has no ${mode}`);
  const dialogueIndex = groups.findIndex((g) => g.name === 'dialogue');
  if (scenes.length > 0 && dialogueIndex < 0) warnings.push('no dialogue group (no track named DX, DIA, DIAL, ADR, ... and no --group dialogue=...): scene dialogue is not measured');
  return { plan, probes, warnings, listed, roles, groups, from, to, scenes, dialogueIndex };
}

/** One part of the work: the tracks (indices in the listed tracks) and groups (indices) it meters, and whether it meters the scenes. */
export interface PremixPart {
  tracks: number[];
  groups: number[];
  scenes: boolean;
}

export interface PremixPartResult {
  tracks: LoudnessResult[];
  groups: LoudnessResult[];
  /** The dialogue's loudness per scene (null: no dialogue frames in it); null when the part has no scenes. */
  scenes: Array<LoudnessResult | null> | null;
  nonFinite: NonFiniteReport | null;
}

/**
 * Split the metering into at most `threads` parts that render disjoint sets of tracks: a group goes with
 * its members (groups sharing a track go together), so no track is rendered twice and every part's
 * figures are the single pass's. Parts are balanced by channels metered and rendered.
 */
export function partitionPremix(listed: PlannedTrack[], groups: GroupPlan[], dialogueIndex: number, scenes: boolean, threads: number): PremixPart[] {
  const index = new Map(listed.map((t, i) => [t, i]));
  const parent = listed.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const groupRoot = groups.map((g) => {
    const members = g.members.map((m) => index.get(m)).filter((i): i is number => i !== undefined);
    for (const m of members.slice(1)) parent[root(m)] = root(members[0]!);
    return members[0];
  });
  const components = new Map<string, PremixPart & { cost: number }>();
  const component = (key: string) => {
    let c = components.get(key);
    if (!c) components.set(key, (c = { tracks: [], groups: [], scenes: false, cost: 0 }));
    return c;
  };
  listed.forEach((t, i) => {
    const c = component(`t${root(i)}`);
    c.tracks.push(i);
    // metering (K-weighting, true peak) weighs about twice the rendering of a track channel
    c.cost += t.channels * 1.5;
  });
  groups.forEach((g, j) => {
    const r = groupRoot[j];
    const c = component(r === undefined ? `g${j}` : `t${root(r)}`);
    c.groups.push(j);
    c.cost += g.channels * (1 + 0.1 * g.members.length);
    if (j === dialogueIndex && scenes) {
      c.scenes = true;
      c.cost += g.channels;
    }
  });
  const parts: Array<PremixPart & { cost: number }> = Array.from({ length: Math.max(1, Math.min(threads, components.size)) }, () => ({ tracks: [], groups: [], scenes: false, cost: 0 }));
  for (const c of [...components.values()].sort((a, b) => b.cost - a.cost)) {
    const p = parts.reduce((a, b) => (b.cost < a.cost ? b : a));
    p.tracks.push(...c.tracks);
    p.groups.push(...c.groups);
    p.scenes ||= c.scenes;
    p.cost += c.cost;
  }
  return parts
    .filter((p) => p.tracks.length + p.groups.length > 0)
    .map((p) => ({ tracks: p.tracks.sort((a, b) => a - b), groups: p.groups.sort((a, b) => a - b), scenes: p.scenes }));
}

/** What a meter gives for digital silence (every figure null), for tracks and groups with nothing to play. */
const SILENCE: LoudnessResult = {
  loudness: { integratedLufs: null, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp: null, samplePeakDbfs: null, plrLu: null },
  channels: [],
  gatingBlocks: 0,
  lraShortTermValues: 0,
  warnings: [],
};

/** Render one part's tracks and groups and meter them (the whole session when the part holds everything). */
async function meterPart(prep: Prepared, part: PremixPart, series: boolean, onProgress?: (done: number, total: number) => void): Promise<PremixPartResult> {
  const { plan, listed, from, to } = prep;
  // a track none of whose clips can be played (media missing, unreadable) is digital silence: its figures
  // are silence's (all null) without rendering and metering hours of zeros (a session sent without media)
  const sounds = (t: PlannedTrack) => t.clips.length > 0;
  const metered = part.tracks.map((i) => listed[i]!).filter(sounds);
  const groups = part.groups.map((j) => prep.groups[j]!).filter((g) => series || g.members.some(sounds));
  if (metered.length === 0 && groups.length === 0) {
    return { tracks: part.tracks.map(() => SILENCE), groups: part.groups.map(() => SILENCE), scenes: part.scenes && prep.scenes.length > 0 && prep.dialogueIndex >= 0 ? prep.scenes.map(() => null) : null, nonFinite: null };
  }
  const renderedSet = new Set([...metered, ...groups.flatMap((g) => g.members)]);
  const rendered = listed.filter((t) => renderedSet.has(t));
  const source = new TimelineSource(plan, rendered, groups, from, to);
  const trackMeters = metered.map((t) => new ChannelSlice(new LoudnessAnalyzer({ flatMemory: true }), source.trackOffsets[rendered.indexOf(t)]!, labelsFor(t.channels)));
  const groupMeters = groups.map((g, i) => new ChannelSlice(new LoudnessAnalyzer({ series, flatMemory: true }), source.groupOffsets[i]!, labelsFor(g.channels)));
  const dialogue = part.scenes ? groups.indexOf(prep.groups[prep.dialogueIndex]!) : -1;
  const windows: SceneWindow[] = prep.scenes.map((s) => ({ from: Math.max(0, s.start - from), to: Math.max(0, Math.min(s.end, to) - from), meter: null, result: null }));
  const sceneMeter = dialogue >= 0 && windows.length > 0 ? new SceneMeters(windows, source.groupOffsets[dialogue]!, labelsFor(groups[dialogue]!.channels)) : null;

  const analyzers: Analyzer<unknown>[] = [...trackMeters, ...groupMeters, ...(sceneMeter ? [sceneMeter] : [])];
  let nonFinite: NonFiniteReport | null = null;
  try {
    await runAnalyzers(source, analyzers, {
      ...(onProgress ? { onProgress } : {}),
      onNonFinite: (report) => {
        nonFinite = report;
      },
    });
  } finally {
    source.close();
  }
  const trackResults = new Map(metered.map((t, i) => [t, trackMeters[i]!.finish()]));
  const groupResults = new Map(groups.map((g, i) => [g, groupMeters[i]!.finish()]));
  sceneMeter?.finish();
  const scenesOut = sceneMeter ? windows.map((w) => w.result) : part.scenes && prep.scenes.length > 0 && prep.dialogueIndex >= 0 ? prep.scenes.map(() => null) : null;
  return {
    tracks: part.tracks.map((i) => trackResults.get(listed[i]!) ?? SILENCE),
    groups: part.groups.map((j) => groupResults.get(prep.groups[j]!) ?? SILENCE),
    scenes: scenesOut,
    nonFinite,
  };
}

export interface PremixPartJob {
  session: Session;
  options: PremixPartOptions;
  part: PremixPart;
}

/** A part on a worker thread (src/analysis/pool.ts task): the session's plan made again there, the part metered. */
export async function premixPartTask(job: PremixPartJob, ctx: TaskContext): Promise<PremixPartResult> {
  let last = 0;
  return meterPart(prepare(job.session, job.options), job.part, job.options.series === true, (done) => {
    ctx.progress(done - last);
    last = done;
  });
}

/** Render and measure a session. */
export async function premix(session: Session, options: PremixOptions = {}): Promise<PremixRun> {
  const partOptions: PremixPartOptions = {};
  if (options.from !== undefined) partOptions.from = options.from;
  if (options.to !== undefined) partOptions.to = options.to;
  if (options.groups !== undefined) partOptions.groups = options.groups;
  if (options.scenes !== undefined) partOptions.scenes = options.scenes;
  if (options.series !== undefined) partOptions.series = options.series;
  const prep = prepare(session, partOptions, options.probes);
  const { plan, listed, roles, groups, from, to, scenes, warnings } = prep;
  const sr = plan.sampleRate;
  const at = (frame: number): RationalTime => ({ value: frame, rate: { num: sr, den: 1 } });

  // long renders split over the worker pool by tracks (exact: each part renders its own tracks whole)
  const threads = options.threads ?? ((to - from) / sr >= PARALLEL_MIN_SECONDS ? defaultThreads() : 1);
  const parts = partitionPremix(listed, groups, prep.dialogueIndex, scenes.length > 0, threads);
  const everything: PremixPart = { tracks: listed.map((_, i) => i), groups: groups.map((_, j) => j), scenes: true };
  const runParts = parts.length > 1 ? parts : [everything];
  let results: PremixPartResult[];
  if (runParts.length === 1) {
    results = [await meterPart(prep, everything, options.series === true, options.onProgress)];
  } else {
    const pool = new WorkerPool(parts.length, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const total = (to - from) * parts.length;
    let done = 0;
    try {
      results = (await Promise.all(
        parts.map((part) =>
          pool.run(
            { module: import.meta.url, fn: 'premixPartTask', arg: { session, options: partOptions, part } satisfies PremixPartJob },
            {
              onProgress: (n) => {
                done += n;
                options.onProgress?.(done / parts.length, total / parts.length);
              },
            },
          ),
        ),
      )) as PremixPartResult[];
    } finally {
      await pool.close();
    }
  }
  const trackResults: LoudnessResult[] = new Array(listed.length);
  const groupResults: LoudnessResult[] = new Array(groups.length);
  let sceneResults: Array<LoudnessResult | null> = scenes.map(() => null);
  runParts.forEach((part, p) => {
    const r = results[p]!;
    part.tracks.forEach((i, k) => (trackResults[i] = r.tracks[k]!));
    part.groups.forEach((j, k) => (groupResults[j] = r.groups[k]!));
    if (r.scenes) sceneResults = r.scenes;
  });
  const nonFinite = mergeNonFinite(results.map((r) => r.nonFinite));
  if (nonFinite) warnings.push(`the render holds ${nonFinite.samples} NaN/infinite sample(s) from float media (first at ${nonFinite.firstSeconds.toFixed(3)} s into the render): read as 0`);

  const sceneLufs = sceneResults.map((r) => (r ? r.loudness.integratedLufs : null));
  const withDialogue = sceneLufs.filter((v): v is number => v !== null);
  const mid = withDialogue.length > 0 ? median(withDialogue) : null;
  const tolerance = options.toleranceLu ?? DEFAULT_SCENE_TOLERANCE_LU;
  const sceneProblems: number[] = [];
  const sceneOut: PremixScene[] = scenes.map((s, i) => {
    const lufs = sceneLufs[i]!;
    const deviation = lufs !== null && mid !== null ? round3(lufs - mid) : null;
    const scene: PremixScene = {
      name: s.name,
      startSeconds: round9(s.start / sr),
      endSeconds: round9(s.end / sr),
      startTimecode: timecodeAt(session, at(s.start)),
      endTimecode: timecodeAt(session, at(s.end)),
      dialogueLufs: lufs,
      deviationLu: deviation,
    };
    if (deviation !== null && Math.abs(deviation) > tolerance) {
      sceneProblems.push(i);
      warnings.push(
        `dialogue consistency: scene '${s.name}' (${scene.startTimecode}-${scene.endTimecode}) sits ${deviation > 0 ? '+' : ''}${deviation.toFixed(1)} LU from the median scene dialogue (${mid!.toFixed(1)} LUFS), beyond ±${tolerance} LU`,
      );
    }
    return scene;
  });

  const groupSeries = new Map<string, LoudnessSeries>();
  groups.forEach((g, i) => {
    const s = groupResults[i]!.series;
    if (s) groupSeries.set(g.name, s);
  });
  for (const r of [...trackResults, ...groupResults]) for (const w of r.warnings) if (!warnings.includes(w)) warnings.push(w);

  const result: PremixResult = {
    schema: 1,
    session: {
      format: session.format,
      name: session.name,
      sampleRate: sr,
      startTimecode: session.startTimecode,
      durationSeconds: round9(plan.endFrame / sr),
    },
    tracks: listed.map((t, i) => ({
      name: t.name,
      channels: t.channels,
      muted: t.muted,
      role: roles.get(t) ?? session.tracks[t.index]!.role ?? 'other',
      clips: t.clipCount,
      missingClips: t.missingClips,
      loudness: figures(trackResults[i]!),
    })),
    groups: groups.map((g, i) => ({ name: g.name, tracks: g.members.map((m) => m.name), channels: g.channels, loudness: figures(groupResults[i]!) })),
    scenes: sceneOut,
    warnings,
  };
  return { result, groupSeries, renderStartSeconds: from / sr, sceneProblems, toleranceLu: tolerance, plan, probes: prep.probes };
}

function frameOf(t: RationalTime, sampleRate: number): number {
  // rounded again: an adapter may hand a fractional count (AAF: a source start of 1601.6 samples)
  return framesAtRate(t, { num: sampleRate, den: 1 });
}

/**
 * dubstage as a library: the same readers, measurements and QC as the command line, as plain typed
 * values. Nothing here prints, exits or reads argv.
 *
 * ```ts
 * import { measureFile, inspectFile, readSession, runQc, loadSpec } from 'dubstage';
 *
 * const m = await measureFile('PM_51.wav');
 * if (m.error) console.error(m.error.message);
 * else console.log(m.loudness?.integratedLufs);
 *
 * const { spec } = loadSpec('netflix');
 * const run = await runQc({ paths: ['delivery/'], spec });
 * console.log(run.outcome.verdict);
 * ```
 *
 * Errors are {@link DubstageError}s with a `code` a program can switch on and the file, byte offset,
 * line or field where it happened.
 *
 * @packageDocumentation
 */
import { measureFile as measureInput, type MeasureOptions } from './analysis/measure.js';
import { inspectAny, type InspectResult } from './analysis/inspect.js';
import type { FileMeasurement } from './analysis/results.js';
import { parseChannelList, type ChannelLabel } from './audio/channels.js';
import type { AudioInput } from './audio/multimono.js';
import { handoff as handoffSheet, type HandoffOptions, type HandoffRun } from './handoff/handoff.js';
import { runQc as runQcPipeline, type QcRun, type QcRunOptions } from './qc/pipeline.js';
import { readSession as readSessionFile } from '../native-adapters/index.js';
import type { ReadOptions, Session } from './session/model.js';
import { parseFrameRate, type Rational } from './session/time.js';
import { loadSpec as loadSpecRef, type LoadedSpec } from './specs/loader.js';

export { DubstageError, toErrorInfo } from './errors.js';
export type { ErrorCode, ErrorInfo } from './errors.js';
export type { MeasureOptions } from './analysis/measure.js';
export type { FileMeasurement } from './analysis/results.js';
export type { InspectResult } from './analysis/inspect.js';
export type { AudioInput } from './audio/multimono.js';
export type { ChannelLabel } from './audio/channels.js';
export type { QcRun, QcRunOptions } from './qc/pipeline.js';
export type { ReadOptions, Session } from './session/model.js';
export type { Rational } from './session/time.js';
export type { LoadedSpec } from './specs/loader.js';
export type { HandoffOptions, HandoffRun } from './handoff/handoff.js';
export type { HandoffMedia, HandoffProblem, HandoffResult, HandoffTrack, MediaStatus, ProblemCode, ProblemSeverity } from './handoff/types.js';
export { PROBLEM_CODES } from './handoff/types.js';
export type { Spec } from './specs/schema.js';

/**
 * Measure one audio file (WAV, RF64, BW64, AIFF, AIFC; short FLAC/MP3/Ogg) or a multi-mono set in
 * one streaming pass: BS.1770-5 integrated loudness, momentary and short-term maxima, loudness
 * range, sample and true peak, per-channel levels.
 *
 * Never throws for a bad file: the result then has `error` (code, message, path, byte offset or
 * field) and no figures.
 *
 * @param input - A file path, or an {@link AudioInput} naming the member files of a multi-mono set.
 * @param options - Channel labels, a time range (`from`/`to` in seconds or timecode), `series` for
 *   10 Hz momentary/short-term curves, `threads`, progress callbacks.
 * @returns The measurement, with `warnings` for what was assumed.
 */
export function measureFile(input: string | AudioInput, options: MeasureOptions = {}): Promise<FileMeasurement> {
  return measureInput(input, options);
}

/** Options of {@link inspectFile}. */
export interface InspectOptions {
  /** Channel labels in file order (`['L', 'R', 'C', 'LFE', 'Ls', 'Rs']` or `'L,R,C,LFE,Ls,Rs'`), overriding the file's own. */
  channels?: ChannelLabel[] | string;
  /** Frame rate for the start/duration/end timecodes (`24`, `'23.976'`, `'30000/1001'`). */
  fps?: number | string;
}

/**
 * Inspect a file without measuring it: container, chunks with offsets and sizes, format, channel
 * layout and where the labels came from, bext, iXML, LIST/INFO, start and duration as timecode, and
 * the ADM of a BW64 master, a bare ADM XML file or a Dolby Atmos master set.
 *
 * @param filePath - The file to inspect.
 * @param options - Channel labels and frame rate, as `dubstage inspect --channels --fps`.
 * @returns What the file says; `error` when it cannot be read.
 * @throws {@link DubstageError} for an option that cannot be understood (code `usage` or `bad-format`).
 */
export function inspectFile(filePath: string, options: InspectOptions = {}): Promise<InspectResult> {
  const channels = typeof options.channels === 'string' ? parseChannelList(options.channels) : options.channels;
  const fps: Rational | undefined = options.fps === undefined ? undefined : parseFrameRate(options.fps);
  return inspectAny(filePath, channels, fps);
}

/**
 * Read a session file — AAF, CMX 3600 EDL, FCP 7 / Premiere XML, FCPXML (or an .fcpxmld bundle),
 * REAPER .RPP, Pro Tools session text — into one {@link Session} model with exact rational time, and
 * resolve its media on disk.
 *
 * @param filePath - The session file (the format is found from its content).
 * @param options - `fps` when the file does not say, `mediaDirs` to search for media, an AAF `composition`.
 * @param format - Force an adapter (`'aaf'`, `'edl'`, `'fcp-xml'`, `'fcpxml'`, `'rpp'`, `'protools'`); the content must still match.
 * @returns The session, with `warnings` for what was read but not understood.
 * @throws {@link DubstageError} naming the file and the line or byte offset (`not-session`, `bad-session`, `io`, `too-large`, `not-regular`).
 */
export function readSession(filePath: string, options: ReadOptions = {}, format?: string): Promise<Session> {
  return readSessionFile(filePath, options, format);
}

/**
 * Check a delivery against a spec profile, as `dubstage qc`: find the deliverables (manifest, then
 * metadata, then names), measure each in one pass with the analyzers the rules need, run the
 * cross-file engines (stems against the printmaster, M&E) and the rules.
 *
 * @param options - `paths` (folders, audio files or a session file), the `spec` (from {@link loadSpec}),
 *   an optional `manifest` path and `fps`.
 * @returns The outcome (verdict and findings with rule ids, severities and timecodes), the
 *   deliverables with their measurements, and `inputErrors` for files that could not be read.
 * @throws {@link DubstageError} for a bad manifest or frame rate; unreadable deliverables are in `inputErrors`.
 */
export function runQc(options: QcRunOptions): Promise<QcRun> {
  return runQcPipeline(options);
}

/**
 * Load a spec profile: a built-in by id (`'netflix'`, `'ebu-r128'`, ... — see the README) or a YAML
 * file of your own (`'./house.yaml'`, which may `extends: netflix`), validated against the schema.
 *
 * @param ref - A built-in id or a path to a .yaml file.
 * @returns The validated spec, the file it came from, and whether it is a built-in.
 * @throws {@link DubstageError} (`bad-spec`) naming the file, the key and the line.
 */
export function loadSpec(ref: string): LoadedSpec {
  return loadSpecRef(ref);
}

/**
 * The designer → mixer handoff sheet of a session, as `dubstage handoff`: the package's facts (tracks with
 * their premix roles, every media file with its status, rate, bit depth, channels and duration, markers),
 * the premix render's levels, groups and scenes (the timeline rendered once), the brief, and the problems
 * with their codes ({@link PROBLEM_CODES}) and a verdict.
 *
 * @param session - From {@link readSession} (its media resolved there, with `mediaDirs`).
 * @param options - `brief` (Markdown text), a `spec` (from {@link loadSpec}) whose sample rates and bit depths are
 *   checked too, premix `groups`, `scenes`, `toleranceLu`, `onProgress`.
 * @returns `result` is the `--json` document (schema 1); `premix` the render it came from; `notes` what the reader and render noted.
 * @throws {@link DubstageError} for a bad option (an unknown --group track).
 */
export function handoff(session: Session, options: HandoffOptions = {}): Promise<HandoffRun> {
  return handoffSheet(session, options);
}

/**
 * The measurement results that leave the analysis layer. Field names are the `measure --json`
 * contract (schema 1): later tools and users' scripts read them. Minus infinity is null.
 */
import type { ChannelLabel, LabelSource } from '../audio/channels.js';
import type { AudioFormat, AudioHeader, Container, MxfTrackFacts, SampleFormat, Truncation } from '../audio/types.js';
import type { FileChecksums } from '../audio/checksum.js';

export type { FileChecksums };
import type { ErrorInfo } from '../errors.js';
import type { NonFiniteReport } from './non-finite.js';

export interface FormatSummary {
  container: Container;
  sampleRate: number;
  bitDepth: number;
  sampleFormat: SampleFormat;
  channels: number;
  channelLabels: ChannelLabel[];
  frames: number;
  durationSeconds: number;
  /** Present only when the audio chunk is shorter than its header declares. */
  truncation?: Truncation;
}

/** The contract's format fields of a reader's AudioFormat. */
export function formatSummary(f: AudioFormat): FormatSummary {
  return {
    container: f.container,
    sampleRate: f.sampleRate,
    bitDepth: f.bitDepth,
    sampleFormat: f.sampleFormat,
    channels: f.channels,
    channelLabels: f.channelLabels,
    frames: f.frames,
    durationSeconds: f.durationSeconds,
    ...(f.truncation ? { truncation: f.truncation } : {}),
  };
}

export type { ChannelSummary, DialogueLoudness, LoudnessSeries, LoudnessSummary } from '../analyzers/results.js';
import type { ChannelSummary, DialogueLoudness, LoudnessSeries, LoudnessSummary } from '../analyzers/results.js';

/** One BS.2127 re-render of an ADM / Dolby Atmos master, measured in its measuring pass (src/render/adm). */
export interface RenderLoudness {
  integratedLufs: number | null;
  momentaryMaxLufs: number | null;
  shortTermMaxLufs: number | null;
  loudnessRangeLu: number | null;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  /** Dialogue-gated loudness of the render (speech detected on the render), when asked for. */
  dialogue?: DialogueLoudness;
}

export interface RenderMeasurement {
  /** "5.1", "2.0", ... (src/render/adm/layouts.ts). */
  layout: string;
  /** How it was rendered: a BS.2127 render by dubstage, not Dolby's renderer. */
  method: string;
  loudness: RenderLoudness | null;
  /** What the master uses that this render leaves out or simplifies. */
  notRendered: string[];
  written?: string;
  /** Said when a part of the render's measurement could not run (speech detection on the render). */
  warnings?: string[];
  error?: ErrorInfo;
}

/** The Dolby metadata (dbmd) of a master beside its renders: what Dolby's re-render would apply. */
export interface DbmdReport {
  tool: string | null;
  warpMode: string | null;
  trims: Array<{ config: string; mode: 'automatic' | 'manual' }>;
  problems: string[];
  note: string;
}

export interface FileMeasurement {
  path: string;
  /** Members of a multi-mono set. */
  files?: string[];
  format?: FormatSummary;
  /** Where channel labels came from, and whether they were assumed. */
  channelLabelSource?: LabelSource;
  loudness?: LoudnessSummary;
  channels?: ChannelSummary[];
  series?: LoudnessSeries;
  /** NaN/±Inf samples of a float file (read as 0 by every meter): how many, where. */
  nonFinite?: NonFiniteReport;
  /** MD5 and SHA-256 of each file (one per member of a multi-mono set), when the caller asked for them. */
  checksums?: FileChecksums[];
  /** An IMF virtual track (`"container": "imf"`): its CPL id, title, edit rate, MCA language and soundfield group. */
  imf?: NonNullable<AudioHeader['imf']>;
  /** An MXF track (or an IMF virtual track's first track file): pattern, wrapping, MCA labels, language. */
  mxf?: MxfTrackFacts;
  /** Results of extra analyzers run in the same pass, by analyzer id. */
  analyzers?: Record<string, unknown>;
  /** An ADM / Dolby Atmos master's BS.2127 re-renders, measured in the same pass (`measure --render`, qc per the profile). */
  renders?: RenderMeasurement[];
  /** Its Dolby metadata (trims, warp mode), beside the renders. */
  dbmd?: DbmdReport;
  warnings: string[];
  error?: ErrorInfo;
}

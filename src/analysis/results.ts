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
import type { ChannelSummary, LoudnessSeries, LoudnessSummary } from '../analyzers/results.js';

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
  warnings: string[];
  error?: ErrorInfo;
}

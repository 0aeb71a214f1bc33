/**
 * The measurement results that leave the analysis layer. Field names are the `measure --json`
 * contract (schema 1): later tools and users' scripts read them. Minus infinity is null.
 */
import type { ChannelLabel, LabelSource } from '../audio/channels.js';
import type { AudioFormat, Container, SampleFormat } from '../audio/types.js';
import type { ErrorInfo } from '../errors.js';

export interface FormatSummary {
  container: Container;
  sampleRate: number;
  bitDepth: number;
  sampleFormat: SampleFormat;
  channels: number;
  channelLabels: ChannelLabel[];
  frames: number;
  durationSeconds: number;
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
  };
}

export interface DialogueLoudness {
  /** Loudness over the speech blocks; null with no speech at all. */
  gatedLufs: number | null;
  speechPercent: number;
  method: 'detector' | 'stem';
  fallbackUsed: boolean;
  loudnessRangeLu: number | null;
  /** Loudness-to-dialogue ratio (EBU R 128 s4): programme integrated minus dialogue loudness. */
  ldrLu: number | null;
  /** With a dialogue stem: the stem's own integrated loudness. */
  stemLufs?: number | null;
  /** Which detector, and the honest caveat (not Dolby's licensed detector). */
  detector?: string;
  note?: string;
  /** The figure a spec judges: gatedLufs, or the programme integrated loudness when fallbackUsed. */
  judgedLufs?: number | null;
  /** gatedLufs with the BS.1770-4 −10 LU relative gate applied among the speech blocks as well. */
  gatedRelativeLufs?: number | null;
  /** The speech percentage below which the fallback applies (15 unless a profile says otherwise). */
  speechThresholdPercent?: number;
  /** 400 ms gating blocks counted as speech. */
  speechBlocks?: number;
  /** Stem method: the detector's gatedLufs for the same file, and detector minus stem in LU. */
  detectorGatedLufs?: number | null;
  detectorDifferenceLu?: number | null;
}

export interface LoudnessSummary {
  integratedLufs: number | null;
  momentaryMaxLufs: number | null;
  shortTermMaxLufs: number | null;
  /** null when there is too little gated programme to say (see warnings). */
  loudnessRangeLu: number | null;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  /** Peak-to-loudness ratio: true peak minus integrated. */
  plrLu: number | null;
  dialogue?: DialogueLoudness;
}

export interface ChannelSummary {
  label: ChannelLabel;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  rmsDbfs: number | null;
}

export interface LoudnessSeries {
  intervalSeconds: number;
  /** Entry i is the window ending at (i+1)·intervalSeconds; null until the window is full (or silent). */
  momentaryLufs: Array<number | null>;
  shortTermLufs: Array<number | null>;
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
  /** Results of extra analyzers run in the same pass, by analyzer id. */
  analyzers?: Record<string, unknown>;
  warnings: string[];
  error?: ErrorInfo;
}

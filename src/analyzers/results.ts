/** The loudness figures the analyzers produce, as they leave the code (JSON field names are a contract). */
import type { ChannelLabel } from '../audio/channels.js';

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

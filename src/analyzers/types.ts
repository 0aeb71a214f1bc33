import type { ChannelLabel } from '../audio/channels.js';
import type { BlockScan } from '../dsp/block-scan.js';

/** What an analyzer learns about the stream before the first block. */
export interface StreamInfo {
  sampleRate: number;
  channelCount: number;
  channelLabels: ChannelLabel[];
  /** Frames in the stream (after --from/--to), when known. */
  frames: number | null;
}

/** Planar audio: one Float32Array per channel, all `frames` long (buffers are reused by the host). */
export interface AudioBlock {
  channels: Float32Array[];
  frames: number;
  /** Index of the block's first frame from the start of the measured range. */
  frameOffset: number;
  /**
   * Optional: scans several analyzers share (block peaks, sums), computed once per block. The host
   * attaches one and resets it after every refill; without it each analyzer computes its own.
   */
  scan?: BlockScan;
}

/**
 * The plugin interface (DESIGN.md). Analyzers never read files and never allocate per block.
 * `finish` returns a plain JSON-able value.
 */
export interface Analyzer<R> {
  readonly id: string;
  start(stream: StreamInfo): void;
  /**
   * Synchronous for DSP analyzers. An analyzer whose engine is asynchronous (an ONNX model) may return
   * a Promise; the host awaits it before reusing the block's buffers.
   */
  process(block: AudioBlock): void | Promise<void>;
  finish(): R;
}

/**
 * An analyzer as the registry knows it (src/analyzers/index.ts): built-in and plugin analyzers alike.
 * `create` makes a fresh analyzer for one stream from plain-data options (options cross to worker
 * threads, so they hold no functions or class instances).
 */
export interface AnalyzerDefinition<O = any, R = unknown, P = unknown> {
  readonly id: string;
  /** One line for `dubstage rules` and the plugin docs. */
  readonly description: string;
  create(options: O, stream: StreamInfo): Analyzer<R>;
  /**
   * Present when the analyzer's result can be computed on consecutive time segments of a stream and
   * merged (sums, maxima, energies): the host may then split a file across workers. Absent: the
   * analyzer must see the stream whole, in order (runs and windows that straddle a boundary).
   */
  readonly segments?: SegmentMerge<R, P>;
}

/** How a mergeable analyzer's per-segment partial results become the whole stream's result. */
export interface SegmentMerge<R, P> {
  /** Seconds before a segment the analyzer must be fed (through `warmUp`) to reach the single-pass state. */
  readonly prerollSeconds: number;
  /** The analyzer for one segment, when it differs from `create`'s (it keeps what a merge needs). */
  createSegment?(options: any, stream: StreamInfo): Analyzer<unknown>;
  /** Feed pre-roll audio: updates filter state only, counts nothing. */
  warmUp?(analyzer: Analyzer<unknown>, block: AudioBlock): void;
  /** A finished segment's partial result (plain, structured-cloneable data); `last`: the stream's last segment. */
  partial(analyzer: Analyzer<unknown>, last: boolean): P;
  /** Partials in time order → the result of the whole stream (the options the analyzers were made with). */
  merge(parts: P[], stream: StreamInfo, options: any): R;
}

/** One analyzer a file's pass needs: an id in the registry and its options. */
export interface AnalyzerNeed {
  id: string;
  options?: Record<string, unknown>;
}

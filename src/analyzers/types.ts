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

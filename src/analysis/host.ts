/**
 * The analysis host: reads a source once, in reused planar buffers, and feeds every analyzer each
 * block. It owns I/O, block size, range selection and progress; analyzers own nothing but their state.
 */
import type { AudioSource } from '../audio/types.js';
import { NonFiniteScrubber, type NonFiniteReport } from './non-finite.js';
import { BlockScan, scanModule } from '../dsp/block-scan.js';
import type { Analyzer, AudioBlock, StreamInfo } from '../analyzers/types.js';

export interface HostOptions {
  /** First frame to measure (--from). */
  fromFrame?: number;
  /** Frame to stop before (--to); defaults to the end. */
  toFrame?: number;
  /** Frames per block; one second at 48 kHz keeps calls few and buffers small. */
  blockFrames?: number;
  /** Called after each block with frames done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Float sources: where NaN/±Inf samples were (scrubbed to 0 before the analyzers), or null when none. */
  onNonFinite?: (report: NonFiniteReport | null) => void;
}

export const DEFAULT_BLOCK_FRAMES = 48000;

/**
 * Blocks of a pass that renders an ADM master (src/render/adm): the renderer's mixer holds one block of
 * every track, which at 8192 frames stays in the cache; a split pass reads on the same grid (exactness).
 */
export const RENDER_BLOCK_FRAMES = 8192;

export async function runAnalyzers(source: AudioSource, analyzers: Analyzer<unknown>[], options: HostOptions = {}): Promise<number> {
  const fmt = source.header.format;
  const from = Math.max(0, Math.min(options.fromFrame ?? 0, fmt.frames));
  const to = Math.max(from, Math.min(options.toFrame ?? fmt.frames, fmt.frames));
  const total = to - from;
  const blockFrames = options.blockFrames ?? DEFAULT_BLOCK_FRAMES;
  const stream: StreamInfo = {
    sampleRate: fmt.sampleRate,
    channelCount: fmt.channels,
    channelLabels: fmt.channelLabels,
    frames: total,
  };
  for (const a of analyzers) a.start(stream);
  // the block's buffers live in the shared scan's memory when there is one: its kernels read them in place
  let scan = BlockScan.create(scanModule());
  const inScan = scan?.allocate(fmt.channels, blockFrames) ?? null;
  if (inScan === null) scan = null;
  const channels = inScan ?? Array.from({ length: fmt.channels }, () => new Float32Array(blockFrames));
  const block: AudioBlock = { channels, frames: 0, frameOffset: 0 };
  if (scan) block.scan = scan;
  // float samples may be NaN or ±Inf: scrubbed to 0 (and counted) before any analyzer sees them
  const scrubber = fmt.sampleFormat === 'float' ? new NonFiniteScrubber(fmt.sampleRate, fmt.channelLabels, from) : null;
  source.seek(from);
  let done = 0;
  while (done < total) {
    const want = Math.min(blockFrames, total - done);
    const got = source.read(channels, want);
    if (got === 0) break;
    block.frames = got;
    block.frameOffset = done;
    scrubber?.scrub(channels, got, done);
    scan?.reset(block);
    for (const a of analyzers) {
      const r = a.process(block);
      if (r) await r;
    }
    done += got;
    options.onProgress?.(done, total);
  }
  options.onNonFinite?.(scrubber?.report() ?? null);
  return done;
}

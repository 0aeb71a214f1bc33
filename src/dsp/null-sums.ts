/**
 * The null engine's WASM SIMD sums (wasm/null-sums.as.ts, built into dist/wasm by npm's prepare step):
 * per block, the least-squares terms and the residual's segment stats of every channel, two channels per
 * f64x2, bit-identical to nullTest's plain-JS loops (../analysis/stems/lockstep.ts), which run when the
 * file is missing, DUBSTAGE_WASM=0, or a block does not fit the module's fixed memory.
 */
import { defaultWasm } from './wasm/load.js';

interface NullSumsExports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  termsPointer(): number;
  segmentEndsPointer(): number;
  segmentStatsPointer(): number;
  maxChannels(): number;
  maxParts(): number;
  capacity(): number;
  maxSegments(): number;
  block(channels: number, parts: number, frames: number, segmentCount: number): void;
}

/** Stats per segment and channel, in SEG_STATS order. */
export const SEGMENT_STATS = 5;

export interface NullSums {
  /** Channel stride of `terms` and `segmentStats`. */
  maxChannels: number;
  maxParts: number;
  /** Frames per block at most. */
  capacity: number;
  maxSegments: number;
  /** Term t (t < K: Σ part_t·ref; then Σ part_k·part_l, k ≤ l in row order) of channel c at t·maxChannels + c. */
  terms: Float64Array;
  /** In: each segment's end frame (exclusive) in the block. */
  segmentEnds: Int32Array;
  /** Segment s, stat q (Σref², Σe², Σe² where e·ref > 0, peak |ref|, peak |e|), channel c at (s·5 + q)·maxChannels + c. */
  segmentStats: Float64Array;
  /** Slot 0 (reference) or 1 + k (part k), channel c: where the block's samples go (the first `frames` of the slot). */
  input(slot: number, channel: number, frames: number): Float32Array;
  block(channels: number, parts: number, frames: number, segmentCount: number): void;
}

const instances = new Map<WebAssembly.Module, NullSums | null>();

/** One instance per module and thread, shared by every null test of the thread (they never interleave: synchronous). */
export function nullSums(module: WebAssembly.Module): NullSums | null {
  if (!instances.has(module)) {
    let sums: NullSums | null = null;
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as NullSumsExports;
      const buffer = e.memory.buffer;
      const maxChannels = e.maxChannels();
      const maxParts = e.maxParts();
      const capacity = e.capacity();
      const maxSegments = e.maxSegments();
      const terms = maxParts + (maxParts * (maxParts + 1)) / 2;
      const input = e.inputPointer();
      // the module has no allocator and never grows its memory, so these views stay valid
      sums = {
        maxChannels,
        maxParts,
        capacity,
        maxSegments,
        terms: new Float64Array(buffer, e.termsPointer(), terms * maxChannels),
        segmentEnds: new Int32Array(buffer, e.segmentEndsPointer(), maxSegments),
        segmentStats: new Float64Array(buffer, e.segmentStatsPointer(), maxSegments * SEGMENT_STATS * maxChannels),
        input: (slot, channel, frames) => new Float32Array(buffer, input + (slot * maxChannels + channel) * capacity * 4, frames),
        block: e.block,
      };
    } catch {
      sums = null;
    }
    instances.set(module, sums);
  }
  return instances.get(module)!;
}

/** The repo's build, compiled once per thread; null when missing or DUBSTAGE_WASM=0. */
export function defaultNullSumsWasm(): WebAssembly.Module | null {
  return defaultWasm('null-sums');
}

/**
 * The per-sample scans several QC analyzers make of the same block (clipping, peak overs, silence, DC
 * offset, phase), in WASM SIMD (wasm/block-scan.as.ts), computed once per block and shared: the host
 * attaches one BlockScan to its block (AudioBlock.scan) and resets it on every refill; an analyzer fed
 * by something else keeps a private one. Results equal the plain-JS loops bit for bit (maxima and
 * compares are order-free; each f64 sum keeps its JS order, two channels per f64x2 lane pair), so each
 * analyzer keeps its plain loop as the fallback (module missing, DUBSTAGE_WASM=0, `useWasm: false`).
 *
 * The host's buffers can live in the scan's own memory (allocate()): the kernels then read the decoded
 * samples in place; other blocks are copied in, once per channel per block, on first use.
 */
import { defaultWasm } from './wasm/load.js';

/** The part of an analysis block (src/analyzers/types.ts AudioBlock) a scan reads: planar channels and their length. */
export interface ScannedBlock {
  channels: Float32Array[];
  frames: number;
  scan?: BlockScan;
}

interface ScanExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  absPeak(p: number, n: number): number;
  channelSums(table: number, channels: number, n: number, out: number): void;
  pairSums(table: number, pairs: number, from: number, count: number, out: number): void;
  segments(p: number, n: number, thr: number, out: number): number;
  anyActive(table: number, channels: number, from: number, to: number, thr: number): number;
}

export interface ScanOptions {
  /** Use the WASM scans when available (default true); they give bit-identical results. */
  useWasm?: boolean;
  /** The compiled module to use instead of the repo's build (null: none, i.e. the plain-JS loops). */
  wasm?: WebAssembly.Module | null;
}

/** The module an analyzer with these options uses, or null for its plain-JS loops. */
export function scanModule(options: ScanOptions = {}): WebAssembly.Module | null {
  return options.useWasm === false ? null : options.wasm !== undefined ? options.wasm : defaultWasm('block-scan');
}

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);

/**
 * The smallest float32 at or above t (t >= 0): for every float32 x, |x| >= t (compared in double, as
 * the JS loops do) exactly when |x| >= this value compared in float32.
 */
export function float32AtLeast(t: number): number {
  const f = Math.fround(t);
  if (f >= t) return f;
  f32Bits[0] = f;
  u32Bits[0]! += 1;
  return f32Bits[0]!;
}

const PAGE_BYTES = 65536;

export class BlockScan {
  private readonly e: ScanExports;
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);
  private f64 = new Float64Array(0);
  private recordsView = new Int32Array(0);
  /** Capacity of the current layout, and where its regions start (byte addresses). */
  private capChannels = 0;
  private capFrames = 0;
  private stride = 0;
  private tablePtr = 0;
  private outPtr = 0;
  private recordsPtr = 0;
  private samplesPtr = 0;
  /** allocate() handed out views of the memory: it must never grow (growing detaches them). */
  private owned = false;
  /** The block this scan was last reset for, and whether it can be scanned. */
  block: ScannedBlock | null = null;
  ready = false;
  private frames = 0;
  private ptrs = new Int32Array(0); // per channel: byte address of its samples, 0 until known
  private peaks = new Float64Array(0);
  private peakKnown = new Uint8Array(0);

  private constructor(e: ScanExports) {
    this.e = e;
  }

  /** A scan on its own instance of `module`; null when there is none or this engine cannot run it. */
  static create(module: WebAssembly.Module | null): BlockScan | null {
    if (module === null) return null;
    try {
      return new BlockScan(new WebAssembly.Instance(module, {}).exports as unknown as ScanExports);
    } catch {
      return null;
    }
  }

  /** Lay out room for `channels` x `frames`, growing the memory (never once views were handed out). */
  private layout(channels: number, frames: number): boolean {
    if (channels <= this.capChannels && frames <= this.capFrames) return true;
    if (this.owned) return false;
    channels = Math.max(channels, this.capChannels);
    frames = Math.max(frames, this.capFrames);
    const stride = (frames + 3) & ~3;
    const table = this.e.heapBase();
    const out = table + ((8 * (channels + 2) + 15) & ~15);
    const records = out + 8 * (4 * channels + 8);
    const samples = records + 16 * (frames + 1);
    const end = samples + 4 * stride * channels;
    const have = this.e.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.e.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      } catch {
        return false; // past the engine's limit: the analyzers run their plain loops
      }
    }
    const buf = this.e.memory.buffer;
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf, 0, Math.floor(buf.byteLength / 8));
    this.capChannels = channels;
    this.capFrames = frames;
    this.stride = stride;
    this.tablePtr = table;
    this.outPtr = out;
    this.recordsPtr = records;
    this.samplesPtr = samples;
    this.recordsView = new Int32Array(buf, records, 4 * (frames + 1));
    if (this.ptrs.length < channels) {
      this.ptrs = new Int32Array(channels);
      this.peaks = new Float64Array(channels);
      this.peakKnown = new Uint8Array(channels);
    }
    return true;
  }

  /**
   * Planar buffers in this scan's memory for a host's blocks: the kernels read them in place. Call once,
   * before the first reset; the memory never grows afterwards. Null when the memory cannot grow so far.
   */
  allocate(channels: number, frames: number): Float32Array[] | null {
    if (!this.layout(channels, frames)) return null;
    this.owned = true;
    const buf = this.e.memory.buffer;
    return Array.from({ length: channels }, (_, c) => new Float32Array(buf, this.samplesPtr + 4 * this.stride * c, frames));
  }

  /** A new block (the host calls this after each refill): forget everything computed for the last one. */
  reset<B extends ScannedBlock>(block: B): boolean {
    this.block = block;
    const channels = block.channels.length;
    this.ready = this.layout(channels, block.frames);
    if (this.ready && this.owned) {
      // an owned scan scans only its own buffers (copying in would overwrite them)
      const buf = this.e.memory.buffer;
      for (let c = 0; c < channels; c++) if (block.channels[c]!.buffer !== buf) this.ready = false;
    }
    if (!this.ready) return false;
    this.frames = block.frames;
    this.ptrs.fill(0, 0, channels);
    this.peakKnown.fill(0, 0, channels);
    return true;
  }

  /** Byte address of channel c's samples, copying them in on first use for this block. */
  private ptr(c: number): number {
    let p = this.ptrs[c]!;
    if (p !== 0) return p;
    const x = this.block!.channels[c]!;
    if (x.buffer === this.e.memory.buffer) {
      p = x.byteOffset;
    } else {
      p = this.samplesPtr + 4 * this.stride * c;
      this.f32.set(x.subarray(0, this.frames), p >>> 2);
    }
    this.ptrs[c] = p;
    return p;
  }

  /** max |x| of channel c over the block (absPeak of clipping.ts), computed once per block. */
  absPeak(c: number): number {
    if (this.peakKnown[c] === 1) return this.peaks[c]!;
    const m = this.e.absPeak(this.ptr(c), this.frames);
    this.peaks[c] = m;
    this.peakKnown[c] = 1;
    return m;
  }

  /** out[c] = the sum of channel c's samples over the block, in sample order from 0 (as a JS loop). */
  channelSums(out: Float64Array): void {
    const channels = this.block!.channels.length;
    const t = this.tablePtr >> 2;
    for (let c = 0; c < channels; c++) this.i32[t + c] = this.ptr(c);
    this.e.channelSums(this.tablePtr, channels, this.frames, this.outPtr);
    const o = this.outPtr >> 3;
    for (let c = 0; c < channels; c++) out[c] = this.f64[o + c]!;
  }

  /**
   * For each pair k of channels (pairs[2k], pairs[2k+1]) over block samples from..from+count:
   * out[4k..4k+3] = Σxx, Σyy, Σxy (each from 0 in sample order) and 1 when some x !== y, else 0.
   */
  pairSums(pairs: Int32Array, pairCount: number, from: number, count: number, out: Float64Array): void {
    const t = this.tablePtr >> 2;
    for (let k = 0; k < 2 * pairCount; k++) this.i32[t + k] = this.ptr(pairs[k]!);
    this.e.pairSums(this.tablePtr, pairCount, from, count, this.outPtr);
    const o = this.outPtr >> 3;
    for (let k = 0; k < 4 * pairCount; k++) out[k] = this.f64[o + k]!;
  }

  /**
   * Channel c as alternating stretches of exact zero and of non-zero samples; returns their count. Each
   * is four numbers in `records` from 4k: start, end, first and last index with |x| >= thr (-1 when
   * none; -2 for a zero stretch). thr32 is float32AtLeast(thr).
   */
  segments(c: number, thr32: number): number {
    return this.e.segments(this.ptr(c), this.frames, thr32, this.recordsPtr);
  }

  /** The records of the last segments() call (a view: valid until the next call). */
  records(): Int32Array {
    return this.recordsView;
  }

  /** Some channel other than `except` has |x| >= thr at a block sample in from..to (thr32 = float32AtLeast(thr)). */
  anyActive(except: number, from: number, to: number, thr: number, thr32: number): boolean {
    const channels = this.block!.channels.length;
    const t = this.tablePtr >> 2;
    // channels whose block peak is below the level cannot answer yes: not scanned
    for (let k = 0; k < channels; k++) this.i32[t + k] = k === except || this.absPeak(k) < thr ? 0 : this.ptr(k);
    return this.e.anyActive(this.tablePtr, channels, from, to, thr32) === 1;
  }
}

/**
 * An analyzer's way to its block scans: the host's (block.scan) when it was reset for this block, else
 * a private one (made on first need) reset now; null when there is no module or neither can scan the
 * block, and the analyzer runs its plain loop.
 */
export class ScanSource {
  private own: BlockScan | null | undefined;

  constructor(private readonly module: WebAssembly.Module | null) {}

  for(block: ScannedBlock): BlockScan | null {
    if (this.module === null) return null;
    const shared = block.scan;
    if (shared && shared.block === block && shared.ready) return shared;
    if (this.own === undefined) this.own = BlockScan.create(this.module);
    return this.own !== null && this.own.reset(block) ? this.own : null;
  }
}

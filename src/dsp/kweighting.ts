/**
 * BS.1770 K-weighting (pre-filter shelf + RLB high-pass) at any sample rate.
 * KWeightingFilters runs every channel of a stream, in WASM SIMD (wasm/kweighting.as.ts, built into
 * dist/wasm by npm's prepare step) when that file is there, else through kWeightSumSquares: same sums.
 * BS.1770 gives only the 48 kHz biquads; like libebur128 and ffmpeg we re-derive both stages by the
 * bilinear transform with pre-warping from analog parameters fitted to that table, which reproduces
 * it at 48 kHz to 1e-15 and keeps every meter in agreement at 44.1/88.2/96/176.4/192 kHz.
 */
import { defaultWasm } from './wasm/load.js';

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface KWeighting {
  shelf: Biquad;
  highPass: Biquad;
}

export function kWeightingCoefficients(sampleRate: number): KWeighting {
  return { shelf: highShelf(sampleRate), highPass: rlbHighPass(sampleRate) };
}

/** Stage 1: high shelf, +4 dB above ~1.7 kHz (the head's acoustic effect). */
function highShelf(sampleRate: number): Biquad {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const Q = 0.7071752369554196;
  const K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, gainDb / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  const a0 = 1 + K / Q + K * K;
  return {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
}

/** Stage 2: the revised low-frequency B-curve (RLB) high-pass at ~38 Hz. */
function rlbHighPass(sampleRate: number): Biquad {
  const f0 = 38.13547087602444;
  const Q = 0.5003270373238773;
  const K = Math.tan((Math.PI * f0) / sampleRate);
  const a0 = 1 + K / Q + K * K;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
}

/**
 * K-weight `x[from..to)` of one channel and return Σ y², carrying the filter state (8 doubles:
 * shelf x1 x2 y1 y2, high-pass x1 x2 y1 y2 — direct form I in double, as ffmpeg).
 */
export function kWeightSumSquares(x: Float32Array, from: number, to: number, k: KWeighting, state: Float64Array): number {
  const { b0, b1, b2, a1, a2 } = k.shelf;
  const h = k.highPass;
  const hb0 = h.b0;
  const hb1 = h.b1;
  const hb2 = h.b2;
  const ha1 = h.a1;
  const ha2 = h.a2;
  let sx1 = state[0]!;
  let sx2 = state[1]!;
  let sy1 = state[2]!;
  let sy2 = state[3]!;
  let hy1 = state[6]!;
  let hy2 = state[7]!;
  // the high-pass input is the shelf output: its x1/x2 are sy1/sy2 before the update
  let sum = 0;
  for (let i = from; i < to; i++) {
    const xi = x[i]!;
    const s = b0 * xi + b1 * sx1 + b2 * sx2 - a1 * sy1 - a2 * sy2;
    const y = hb0 * s + hb1 * sy1 + hb2 * sy2 - ha1 * hy1 - ha2 * hy2;
    sx2 = sx1;
    sx1 = xi;
    sy2 = sy1;
    sy1 = s;
    hy2 = hy1;
    hy1 = y;
    sum += y * y;
  }
  // flush denormals: long silence would otherwise decay the state into the slow subnormal range
  state[0] = sx1;
  state[1] = sx2;
  state[2] = Math.abs(sy1) < 1e-30 ? 0 : sy1;
  state[3] = Math.abs(sy2) < 1e-30 ? 0 : sy2;
  state[6] = Math.abs(hy1) < 1e-30 ? 0 : hy1;
  state[7] = Math.abs(hy2) < 1e-30 ? 0 : hy2;
  return sum;
}

interface KWasmExports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  statePointer(): number;
  coefsPointer(): number;
  sumsPointer(): number;
  plainPointer(): number;
  maxChannels(): number;
  capacity(): number;
  run(channels: number, count: number, accumulate: number, offset: number): void;
}

/** One WASM instance per coefficient set, shared by every filter bank of this thread (calls never interleave). */
interface KWasm {
  input: Float32Array;
  state: Float64Array;
  sums: Float64Array;
  plain: Float64Array;
  /** Channels per run() call (even) and samples per channel per call. */
  maxChannels: number;
  capacity: number;
  run(channels: number, count: number, accumulate: number, offset: number): void;
  /** The bank whose channel states are in `state` now (it skips copying them in and out per call). */
  owner: KWeightingFilters | null;
  /** How many channels of the owner's are there. */
  ownerChannels: number;
}

const kWasmCache = new Map<WebAssembly.Module, Map<number, KWasm | null>>();

function kWasmFor(module: WebAssembly.Module, sampleRate: number, k: KWeighting): KWasm | null {
  let byRate = kWasmCache.get(module);
  if (!byRate) kWasmCache.set(module, (byRate = new Map()));
  if (!byRate.has(sampleRate)) {
    let w: KWasm | null = null;
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as KWasmExports;
      const { shelf: s, highPass: h } = k;
      new Float64Array(e.memory.buffer, e.coefsPointer(), 10).set([s.b0, s.b1, s.b2, s.a1, s.a2, h.b0, h.b1, h.b2, h.a1, h.a2]);
      const maxChannels = e.maxChannels() & ~1;
      // the module has no allocator and never grows its memory, so these views stay valid
      w = {
        input: new Float32Array(e.memory.buffer, e.inputPointer(), e.maxChannels() * e.capacity()),
        state: new Float64Array(e.memory.buffer, e.statePointer(), e.maxChannels() * 8),
        sums: new Float64Array(e.memory.buffer, e.sumsPointer(), e.maxChannels()),
        plain: new Float64Array(e.memory.buffer, e.plainPointer(), e.maxChannels()),
        maxChannels,
        capacity: e.capacity(),
        run: e.run,
        owner: null,
        ownerChannels: 0,
      };
    } catch {
      w = null;
    }
    byRate.set(sampleRate, w);
  }
  return byRate.get(sampleRate)!;
}

export interface KWeightingOptions {
  /** Use the WASM SIMD filters when available (default true); they give bit-identical sums and states. */
  useWasm?: boolean;
  /** The compiled module to use instead of the repo's build (null: none, i.e. the plain-JS filters). */
  wasm?: WebAssembly.Module | null;
}

/**
 * K-weighting for every channel of a stream, state carried between calls. The WASM path (wasm/kweighting.as.ts)
 * runs two channels per f64x2 vector with kWeightSumSquares' exact operations, so each channel's Σy² and
 * state are bit-identical to calling kWeightSumSquares per channel (the plain path, used when it is absent).
 * Per call it copies the samples into wasm memory; the states stay there while this bank is the last
 * one of its thread to run (see `states`). sumSquaresSegments does many consecutive calls in one.
 */
export class KWeightingFilters {
  readonly k: KWeighting;
  readonly usingWasm: boolean;
  private readonly wasm: KWasm | null;
  private readonly channelStates: Float64Array[];

  constructor(sampleRate: number, channelCount: number, options: KWeightingOptions = {}) {
    this.k = kWeightingCoefficients(sampleRate);
    this.channelStates = Array.from({ length: channelCount }, () => new Float64Array(8));
    const module = options.useWasm === false ? null : options.wasm !== undefined ? options.wasm : defaultWasm('kweighting');
    // the kernel hard-codes the RLB high-pass numerator (1, -2, 1) that rlbHighPass always gives
    const h = this.k.highPass;
    const exactNumerator = h.b0 === 1 && h.b1 === -2 && h.b2 === 1;
    this.wasm = module === null || !exactNumerator ? null : kWasmFor(module, sampleRate, this.k);
    this.usingWasm = this.wasm !== null;
  }

  /**
   * out[c] = Σ y² (K-weighted) of channel c over x[from..to); with plainOut, also plainOut[c] = Σ x²
   * (unweighted, summed in sample order in double, as a plain JS loop would).
   */
  sumSquares(channels: readonly Float32Array[], from: number, to: number, out: Float64Array, plainOut?: Float64Array): void {
    if (!this.wasm) {
      for (let c = 0; c < channels.length; c++) {
        const x = channels[c]!;
        out[c] = kWeightSumSquares(x, from, to, this.k, this.channelStates[c]!);
        if (plainOut) {
          let ss = 0;
          for (let i = from; i < to; i++) ss += x[i]! * x[i]!;
          plainOut[c] = ss;
        }
      }
      return;
    }
    const w = this.wasm;
    const count = channels.length;
    if (count <= w.maxChannels) {
      // the usual case: this bank's states stay in wasm memory from call to call while no other bank
      // of the thread runs (a 10 ms call costs less than the copies in and out did)
      const lanes = this.own(w, count);
      for (let start = from; start < to; start += w.capacity) {
        const n = Math.min(to, start + w.capacity) - start;
        for (let c = 0; c < count; c++) w.input.set(channels[c]!.subarray(start, start + n), c * w.capacity);
        if (lanes > count) w.input.fill(0, count * w.capacity, count * w.capacity + n);
        // the first chunk starts the sums at 0, later ones add on: one call's arithmetic, as in JS
        w.run(lanes, n, start === from ? 0 : 1, 0);
      }
      if (from === to) {
        w.sums.fill(0, 0, lanes);
        w.plain.fill(0, 0, lanes);
      }
      this.endCall(w, count, out, 0, plainOut);
      return;
    }
    // more channels than one run takes: in groups, each group's states copied in and out
    w.owner?.release();
    for (let c0 = 0; c0 < count; c0 += w.maxChannels) {
      const n = Math.min(w.maxChannels, count - c0);
      const lanes = n + (n & 1);
      for (let c = 0; c < n; c++) w.state.set(this.channelStates[c0 + c]!, c * 8);
      w.state.fill(0, n * 8, lanes * 8);
      w.sums.fill(0, 0, lanes);
      w.plain.fill(0, 0, lanes);
      for (let start = from; start < to; start += w.capacity) {
        const len = Math.min(to, start + w.capacity) - start;
        for (let c = 0; c < n; c++) w.input.set(channels[c0 + c]!.subarray(start, start + len), c * w.capacity);
        if (lanes > n) w.input.fill(0, n * w.capacity, n * w.capacity + len);
        w.run(lanes, len, 1, 0);
      }
      for (let c = 0; c < n; c++) {
        const s = this.channelStates[c0 + c]!;
        s.set(w.state.subarray(c * 8, c * 8 + 8));
        if (Math.abs(s[2]!) < 1e-30) s[2] = 0;
        if (Math.abs(s[3]!) < 1e-30) s[3] = 0;
        if (Math.abs(s[6]!) < 1e-30) s[6] = 0;
        if (Math.abs(s[7]!) < 1e-30) s[7] = 0;
        out[c0 + c] = w.sums[c]!;
        if (plainOut) plainOut[c0 + c] = w.plain[c]!;
      }
    }
  }

  /**
   * sumSquares over consecutive segments of [from, to): the first `firstLength` samples long, then
   * `length` each (the last may be shorter), as the loudness analyzer's 10 ms sub-blocks; segment s's
   * sums go to out[s * channels.length + c] (and plainOut likewise). Returns the number of segments.
   * Each segment's numbers are those of its own sumSquares call, bit for bit; the WASM path copies each
   * channel in once per up to `capacity` samples of whole segments instead of once per segment.
   */
  sumSquaresSegments(
    channels: readonly Float32Array[],
    from: number,
    to: number,
    firstLength: number,
    length: number,
    out: Float64Array,
    plainOut?: Float64Array,
  ): number {
    const count = channels.length;
    const w = this.wasm;
    if (!(firstLength >= 1 && length >= 1)) throw new RangeError(`segment lengths must be >= 1 (got ${firstLength}, ${length})`);
    const direct = !w || count > w.maxChannels || firstLength > w.capacity || length > w.capacity;
    const sums = direct ? new Float64Array(count) : null;
    const plains = direct && plainOut ? new Float64Array(count) : undefined;
    let segment = 0;
    let pos = from;
    let len = firstLength;
    if (direct) {
      // the plain path, and shapes the kernel's buffer does not take: one sumSquares per segment
      for (; pos < to; pos += len, len = length, segment++) {
        const end = Math.min(to, pos + len);
        this.sumSquares(channels, pos, end, sums!, plains);
        out.set(sums!, segment * count);
        if (plainOut) plainOut.set(plains!, segment * count);
        len = end - pos;
      }
      return segment;
    }
    const lanes = this.own(w, count);
    while (pos < to) {
      // whole segments that fit the kernel's buffer, copied in at once
      let end = Math.min(to, pos + len);
      while (end < to && end + length <= pos + w.capacity) end = Math.min(to, end + length);
      for (let c = 0; c < count; c++) w.input.set(channels[c]!.subarray(pos, end), c * w.capacity);
      if (lanes > count) w.input.fill(0, count * w.capacity, count * w.capacity + end - pos);
      for (let at = pos; at < end; at += len, len = length) {
        const stop = Math.min(end, at + len);
        w.run(lanes, stop - at, 0, at - pos);
        this.endCall(w, count, out, segment * count, plainOut);
        segment++;
        len = stop - at;
      }
      pos = end;
    }
    return segment;
  }

  /** Put this bank's states in wasm memory unless they are there; returns the lanes a call runs. */
  private own(w: KWasm, count: number): number {
    const lanes = count + (count & 1);
    if (w.owner !== this || w.ownerChannels !== count) {
      w.owner?.release();
      for (let c = 0; c < count; c++) w.state.set(this.channelStates[c]!, c * 8);
      // an odd count runs a silent scratch channel in the last vector's second lane
      w.state.fill(0, count * 8, lanes * 8);
      w.owner = this;
      w.ownerChannels = count;
    }
    return lanes;
  }

  /** kWeightSumSquares' denormal flush at the end of a call, in wasm memory, and the call's sums out. */
  private endCall(w: KWasm, count: number, out: Float64Array, at: number, plainOut?: Float64Array): void {
    const st = w.state;
    for (let c = 0; c < count; c++) {
      const b = c * 8;
      if (Math.abs(st[b + 2]!) < 1e-30) st[b + 2] = 0;
      if (Math.abs(st[b + 3]!) < 1e-30) st[b + 3] = 0;
      if (Math.abs(st[b + 6]!) < 1e-30) st[b + 6] = 0;
      if (Math.abs(st[b + 7]!) < 1e-30) st[b + 7] = 0;
      out[at + c] = w.sums[c]!;
      if (plainOut) plainOut[at + c] = w.plain[c]!;
    }
  }

  /**
   * Per channel, kWeightSumSquares' 8-double state. Reading it takes this bank's states back from wasm
   * memory (the next call copies them in again, so changes made to them are honoured).
   */
  get states(): Float64Array[] {
    this.release();
    return this.channelStates;
  }

  /** Copy this bank's states out of wasm memory if they are there, and give the instance up. */
  private release(): void {
    const w = this.wasm;
    if (!w || w.owner !== this) return;
    for (let c = 0; c < w.ownerChannels; c++) this.channelStates[c]!.set(w.state.subarray(c * 8, c * 8 + 8));
    w.owner = null;
    w.ownerChannels = 0;
  }
}

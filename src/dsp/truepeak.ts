/**
 * True peak (BS.1770-5 Annex 2): polyphase interpolation and max |y|, reported as the max with the
 * sample peak. 4x below 96 kHz, 2x below 192 kHz, none at 192 kHz and above (the oversampled rate
 * is at least 192 kHz in every case).
 *
 * The interpolator is a Kaiser-windowed sinc whose total length puts an integer-delay tap at its
 * centre, so phase 0 is the input itself and only the L-1 fractional phases need computing.
 * Exact skipping: a stretch whose outputs provably cannot beat the running maximum is not oversampled
 * (same result). The bound: every tap's input lies in [bottom, top], the range of the stretch's samples
 * and the taps-1 before them, so a phase with positive taps summing to P and negative ones to -N gives
 * -(N·top - P·bottom) ≤ y ≤ P·top - N·bottom. That is never above worstCaseGain × max |x| (= (P+N)·max |x|,
 * the bound it replaces) and far below it where the stretch stays near one polarity (bass, DC, a crest).
 * A 128-sample stretch that may beat the maximum is tested again in sub-stretches of 32 (shorter ranges
 * are tighter): only those that may are oversampled. Stretches go in time order: putting the loudest
 * first (tried) changed the oversampled share by under 0.2 points on real programme.
 * The FIR runs in WASM SIMD (src/dsp/wasm/truepeak.as.ts, built into dist/wasm by npm's prepare step)
 * when that file is there, else in the plain-JS kernel; both sum in the same order in double.
 */
import { defaultWasm, loadWasm, wasmPath } from './wasm/load.js';

export interface Interpolator {
  factor: number;
  tapsPerPhase: number;
  /** phases[p-1][k] for p = 1..factor-1: y_p[n] = Σ_k phases[p-1][k] · x[n - k]. */
  phases: Float64Array[];
  /** The largest Σ|taps| of any phase: the bound used for exact skipping. */
  worstCaseGain: number;
  /** Per phase [P, N]: the sum of its positive taps and of its negative taps' magnitudes. */
  rangeGains: Array<[number, number]>;
}

export function oversamplingFactor(sampleRate: number): number {
  if (sampleRate < 96000) return 4;
  if (sampleRate < 192000) return 2;
  return 1;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/**
 * Design the interpolator: `tapsPerPhase` even; Kaiser β trades ripple for transition width.
 * Default 16 taps, β = 5: every phase flat within 0.03 dB to 0.4 fs (19.2 kHz at 48 kHz), against
 * -0.44 dB there for the 12-tap Hann filter of libebur128 (loudness-algorithms.md §3).
 */
export function designInterpolator(factor: number, tapsPerPhase = 16, beta = 5): Interpolator {
  if (factor === 1) return { factor, tapsPerPhase: 0, phases: [], worstCaseGain: 1, rangeGains: [] };
  const length = factor * tapsPerPhase + 1;
  const centre = (length - 1) / 2;
  const h = new Float64Array(length);
  const i0b = besselI0(beta);
  for (let j = 0; j < length; j++) {
    const m = (j - centre) / factor;
    const sinc = m === 0 ? 1 : Math.sin(Math.PI * m) / (Math.PI * m);
    const r = (j - centre) / centre;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
    h[j] = sinc * w;
  }
  const phases: Float64Array[] = [];
  let worstCaseGain = 1;
  for (let p = 1; p < factor; p++) {
    const taps = new Float64Array(tapsPerPhase);
    let dc = 0;
    for (let k = 0; k < tapsPerPhase; k++) {
      taps[k] = h[k * factor + p]!;
      dc += taps[k]!;
    }
    // unity DC gain per phase, so a constant reads the same at every phase
    let abs = 0;
    for (let k = 0; k < tapsPerPhase; k++) {
      taps[k]! /= dc;
      abs += Math.abs(taps[k]!);
    }
    worstCaseGain = Math.max(worstCaseGain, abs);
    phases.push(taps);
  }
  const rangeGains = phases.map((taps): [number, number] => {
    let positive = 0;
    let negative = 0;
    for (const c of taps) {
      if (c > 0) positive += c;
      else negative -= c;
    }
    return [positive, negative];
  });
  return { factor, tapsPerPhase, phases, worstCaseGain, rangeGains };
}

/**
 * ext holds tapsPerPhase-1 history samples then `count` new ones; inputPeak bounds |x| over all of ext.
 * Returns the max |y| over all fractional phases, exactly (in double), whenever that exceeds
 * runningMax; otherwise any value not above runningMax (so a caller keeping a running maximum gets
 * the same result from every kernel).
 */
export type Kernel = (ext: Float32Array, count: number, runningMax: number, inputPeak: number) => number;

/** The compiled JS kernel, also callable on the outputs first .. first+count-1 of a longer ext. */
export type JsKernel = (ext: Float32Array, count: number, runningMax: number, inputPeak: number, first?: number) => number;

/**
 * The FIR loop with the taps inlined as constants (measured 3x faster than a loop over a tap array in V8).
 * Always computes the exact max (ignores runningMax and inputPeak).
 */
export function compileKernel(ip: Interpolator): JsKernel {
  const T = ip.tapsPerPhase;
  const lines: string[] = [
    'let peak = 0;',
    `const from = first === undefined ? ${T - 1} : first;`,
    'for (let n = from; n < from + count; n++) {',
  ];
  for (let k = 0; k < T; k++) lines.push(`  const x${k} = ext[n - ${k}];`);
  ip.phases.forEach((taps, pi) => {
    const terms = Array.from(taps, (c, k) => `${c.toPrecision(17)} * x${k}`).join(' + ');
    lines.push(`  const y${pi} = ${terms};`);
    lines.push(`  if (y${pi} > peak) peak = y${pi}; else if (-y${pi} > peak) peak = -y${pi};`);
  });
  lines.push('}', 'return peak;');
  return new Function('ext', 'count', 'runningMax', 'inputPeak', 'first', lines.join('\n')) as JsKernel;
}

/** Where `npm run build:wasm` writes the true-peak kernel (the repo root is found from `start`). */
export function defaultWasmPath(start?: string): string | null {
  return wasmPath('truepeak', start);
}

/** The compiled true-peak kernel, or null when the file is missing or this engine cannot compile it. */
export const loadTruePeakWasm = loadWasm;

interface WasmExports {
  memory: WebAssembly.Memory;
  tapsPointer(): number;
  taps32Pointer(): number;
  inputPointer(): number;
  meterPointer(): number;
  rangeGainsPointer(): number;
  inputCapacity(): number;
  maxPhases(): number;
  maxTaps(): number;
  init(phases: number, taps: number): void;
  peak(count: number): number;
  peakAbove(count: number, runningMax: number, errorBound: number, tailBound: number): number;
  meter(count: number): void;
}

/** One WASM instance set up for one interpolator (its taps live in the instance's memory). */
export interface WasmOversampler {
  /** The exact f64x2 kernel alone (the Kernel contract, always exact). */
  exact: Kernel;
  /** f32x4 screen, then the exact kernel where the result could beat runningMax. */
  screened: Kernel;
  /** INPUT: taps-1 history samples, then up to `chunk` new ones. */
  input: Float32Array;
  /** The meter's state block (see meter() in wasm/truepeak.as.ts). */
  state: Float64Array;
  /** Most new samples per meter() call (the meter takes a whole number of its stretches). */
  chunk: number;
  /** Bound on the f32 screen's error per unit of input peak. */
  errorPerPeak: number;
  /** Bound on |Σ taps·x| over the taps outside the central half, per unit of input peak. */
  tailGain: number;
  meter(count: number): void;
}

/**
 * Instantiate the SIMD kernels for `ip`. The f32x4 screen's error on any output is at most
 * (T+1)·2^-24·Σ|taps·x| (T products summed in f32, each tap rounded to f32), and
 * Σ|taps·x| ≤ worstCaseGain · inputPeak; only stretches it cannot rule out run the exact f64x2 kernel.
 */
export function wasmOversampler(module: WebAssembly.Module, ip: Interpolator): WasmOversampler | null {
  const T = ip.tapsPerPhase;
  const P = ip.phases.length;
  if (P === 0) return null;
  let e: WasmExports;
  try {
    e = new WebAssembly.Instance(module, {}).exports as unknown as WasmExports;
  } catch {
    return null;
  }
  if (P > e.maxPhases() || T > e.maxTaps()) return null;
  // the module has no allocator and never grows its memory, so these views stay valid
  const taps = new Float64Array(e.memory.buffer, e.tapsPointer(), P * T * 2);
  const taps32 = new Float32Array(e.memory.buffer, e.taps32Pointer(), P * T * 4);
  ip.phases.forEach((phase, p) => {
    for (let k = 0; k < T; k++) {
      taps.fill(phase[k]!, (p * T + k) * 2, (p * T + k) * 2 + 2);
      taps32.fill(phase[k]!, (p * T + k) * 4, (p * T + k) * 4 + 4);
    }
  });
  e.init(P, T);
  new Float64Array(e.memory.buffer, e.rangeGainsPointer(), P * 2).set(ip.rangeGains.flat());
  const input = new Float32Array(e.memory.buffer, e.inputPointer(), e.inputCapacity());
  const H = T - 1;
  // (T+2) ulps of f32 with 1% to spare covers the f32 pass, the f64 kernel's own rounding and this
  // product's; meter() and the screened kernel add 1e-37 for f32 underflow of tiny products
  const errorPerPeak = ip.worstCaseGain * (T + 2) * 2 ** -24 * 1.01;
  // the screen first sums taps T/4 .. T-T/4-1 alone (half the work) and bounds the others by
  // Σ|taps| outside them × inputPeak; 1e-6 covers that product's rounding and the sum's
  let tailGain = 0;
  for (const phase of ip.phases) {
    let tail = 0;
    phase.forEach((c, k) => {
      if (k < Math.floor(T / 4) || k >= T - Math.floor(T / 4)) tail += Math.abs(c);
    });
    tailGain = Math.max(tailGain, tail * (1 + 1e-6));
  }
  const wrap = (run: (count: number, runningMax: number, inputPeak: number) => number): Kernel => {
    const chunk = input.length - H;
    return (ext, count, runningMax, inputPeak) => {
      // a meter-sized stretch fits whole (samples past H + count are copied but never read)
      if (ext.length <= input.length) {
        input.set(ext);
        return run(count, runningMax, inputPeak);
      }
      let result = runningMax;
      for (let off = 0; off < count; off += chunk) {
        const c = Math.min(chunk, count - off);
        input.set(ext.subarray(off, off + H + c));
        const p = run(c, result, inputPeak);
        if (p > result) result = p;
      }
      return result;
    };
  };
  return {
    exact: wrap((c) => e.peak(c)),
    screened: wrap((c, max, inputPeak) => e.peakAbove(c, max, inputPeak * errorPerPeak + 1e-37, inputPeak * tailGain)),
    input,
    state: new Float64Array(e.memory.buffer, e.meterPointer(), 14),
    chunk: input.length - H,
    errorPerPeak,
    tailGain,
    meter: e.meter,
  };
}

/** The repo's build, loaded once; DUBSTAGE_WASM=0 forces the plain-JS kernel everywhere. */
export function defaultTruePeakWasm(): WebAssembly.Module | null {
  return defaultWasm('truepeak');
}

interface Kernels {
  ip: Interpolator;
  js: JsKernel;
  wasm: Map<WebAssembly.Module, WasmOversampler | null>;
}

const kernelCache = new Map<number, Kernels>();

function kernelsFor(sampleRate: number): Kernels {
  const factor = oversamplingFactor(sampleRate);
  let k = kernelCache.get(factor);
  if (!k) {
    const ip = designInterpolator(factor);
    k = { ip, js: factor > 1 ? compileKernel(ip) : () => 0, wasm: new Map() };
    kernelCache.set(factor, k);
  }
  return k;
}

/** One instance per module and interpolator, shared by every meter of this thread (calls never interleave). */
function wasmOversamplerFor(k: Kernels, module: WebAssembly.Module): WasmOversampler | null {
  if (!k.wasm.has(module)) k.wasm.set(module, wasmOversampler(module, k.ip));
  return k.wasm.get(module)!;
}

export interface TruePeakOptions {
  /** Use the WASM SIMD kernel when it is available (default true); it gives bit-identical peaks. */
  useWasm?: boolean;
  /** The compiled module to use instead of the repo's build (null: none, i.e. the plain-JS kernel). */
  wasm?: WebAssembly.Module | null;
  /** Samples per skip stretch (default STRETCH_SAMPLES; for the bench and tests). */
  stretchSamples?: number;
  /** Samples per sub-stretch, tested again inside a stretch that may beat the maximum (default SUB_STRETCH_SAMPLES). */
  subStretchSamples?: number;
}

/** Stretch length for the skip test: short enough to skip quiet passages finely, long enough to be cheap. */
export const STRETCH_SAMPLES = 128;
/**
 * Sub-stretch length: where a stretch's bound could beat the running maximum, each sub-stretch is tested
 * with its own range (shorter ranges are tighter) before the costly oversampling.
 */
export const SUB_STRETCH_SAMPLES = 32;
/** Margin on the range bound: the double sums (and the bound's own) round far less than 1e-9 of it. */
const RANGE_MARGIN = 1 + 1e-9;

/** One channel's true-peak meter; feed it every sample in order. */
export class TruePeakMeter {
  /** Max |x| seen (sample peak). */
  samplePeak = 0;
  /** Max interpolated |y| (fractional phases only; phase 0 is the sample itself). */
  private interpolatedPeak = 0;
  private readonly ext: Float32Array;
  private readonly history: number;
  private readonly ip: Interpolator;
  private readonly kernel: JsKernel;
  private readonly wasm: WasmOversampler | null;
  /** ext's first `history` samples: the last samples seen, which the next outputs still need. */
  private readonly historySamples: Float32Array;
  /** Max and min of the history samples currently at the head of ext (zeros at the start). */
  private historyHi = 0;
  private historyLo = 0;
  private readonly stretch: number;
  private readonly sub: number;
  /** ip.rangeGains flattened: P, N of each phase. */
  private readonly rangeGains: Float64Array;
  /** Stretches oversampled vs skipped (for the bench and the skip test). */
  oversampled = 0;
  skipped = 0;
  /** When false, every stretch is oversampled (the plain path the skip must equal). */
  skipEnabled = true;
  /** Skip by the signed-range bound (default); false: by worstCaseGain × max |x| (the bench's old bound). */
  rangeBound = true;

  /** True when the oversampler runs the WASM SIMD kernel, false for the plain-JS one. */
  readonly usingWasm: boolean;

  constructor(sampleRate: number, options: TruePeakOptions = {}) {
    const k = kernelsFor(sampleRate);
    const module = options.useWasm === false ? null : options.wasm !== undefined ? options.wasm : defaultTruePeakWasm();
    this.wasm = module !== null && k.ip.factor > 1 ? wasmOversamplerFor(k, module) : null;
    this.ip = k.ip;
    this.kernel = k.js;
    this.usingWasm = this.wasm !== null;
    this.history = Math.max(0, k.ip.tapsPerPhase - 1);
    this.rangeGains = Float64Array.from(k.ip.rangeGains.flat());
    this.stretch = options.stretchSamples ?? STRETCH_SAMPLES;
    if (!(Number.isInteger(this.stretch) && this.stretch > 0)) throw new Error(`stretchSamples ${this.stretch}: a positive integer`);
    this.sub = options.subStretchSamples ?? SUB_STRETCH_SAMPLES;
    if (!(Number.isInteger(this.sub) && this.sub > 0)) throw new Error(`subStretchSamples ${this.sub}: a positive integer`);
    this.ext = new Float32Array(this.history + this.stretch);
    this.historySamples = this.ext.subarray(0, this.history);
  }

  get truePeak(): number {
    return Math.max(this.samplePeak, this.interpolatedPeak);
  }

  /** Interpolate past the last sample into the silence after the file (ffmpeg never does; we do). */
  flush(): void {
    if (this.history > 0) this.process(new Float32Array(this.history), 0, this.history);
  }

  process(x: Float32Array, from: number, to: number): void {
    // the kernel's double sums may round a few ulp above Σ|h|·max|x|: the margin keeps skipping exact
    const gain = this.ip.worstCaseGain * (1 + 1e-9);
    if (this.wasm) this.processWasm(this.wasm, x, from, to, gain);
    else this.processJs(x, from, to, gain);
  }

  /** The same stretches and decisions as processJs, run by meter() in the WASM module. */
  private processWasm(w: WasmOversampler, x: Float32Array, from: number, to: number, gain: number): void {
    const H = this.history;
    const { input, state } = w;
    const chunk = Math.floor(w.chunk / this.stretch) * this.stretch;
    for (let start = from; start < to; start += chunk) {
      const count = Math.min(to, start + chunk) - start;
      input.set(this.historySamples, 0);
      input.set(x.subarray(start, start + count), H);
      state[0] = this.interpolatedPeak;
      state[1] = this.samplePeak;
      state[2] = this.historyHi;
      state[3] = this.historyLo;
      state[4] = gain;
      state[5] = w.errorPerPeak;
      state[6] = this.oversampled;
      state[7] = this.skipped;
      state[8] = this.skipEnabled ? 1 : 0;
      state[9] = this.stretch;
      state[10] = this.rangeBound ? 1 : 0;
      state[11] = RANGE_MARGIN;
      state[12] = this.sub;
      state[13] = w.tailGain;
      w.meter(count);
      this.interpolatedPeak = state[0]!;
      this.samplePeak = state[1]!;
      this.historyHi = state[2]!;
      this.historyLo = state[3]!;
      this.oversampled = state[6]!;
      this.skipped = state[7]!;
      this.historySamples.set(input.subarray(count, count + H));
    }
  }

  private processJs(x: Float32Array, from: number, to: number, gain: number): void {
    const ext = this.ext;
    const H = this.history;
    for (let start = from; start < to; start += this.stretch) {
      const end = Math.min(to, start + this.stretch);
      const count = end - start;
      const subs = Math.ceil(count / this.sub);
      range(x, start, end);
      const peak = Math.max(rangeHi, -rangeLo);
      if (peak > this.samplePeak) this.samplePeak = peak;
      if (this.ip.factor === 1) continue;
      const top = Math.max(rangeHi, this.historyHi);
      const bottom = Math.min(rangeLo, this.historyLo);
      // ext: the H samples before the stretch, then the stretch
      ext.set(x.subarray(start, end), H);
      if (!this.skipEnabled) {
        const p = this.kernel(ext, count, this.interpolatedPeak, Math.max(top, -bottom));
        if (p > this.interpolatedPeak) this.interpolatedPeak = p;
        this.oversampled += subs;
      } else if (!(this.skipBound(top, bottom, gain) > this.interpolatedPeak)) {
        this.skipped += subs;
      } else {
        for (let j = 0; j < count; j += this.sub) {
          const cj = Math.min(this.sub, count - j);
          // the sub-stretch and the H samples before it
          range(ext, j, H + j + cj);
          if (this.skipBound(rangeHi, rangeLo, gain) > this.interpolatedPeak) {
            const p = this.kernel(ext, cj, this.interpolatedPeak, Math.max(rangeHi, -rangeLo), H + j);
            if (p > this.interpolatedPeak) this.interpolatedPeak = p;
            this.oversampled++;
          } else {
            this.skipped++;
          }
        }
      }
      // keep the last H samples as history for the next stretch
      ext.copyWithin(0, count, count + H);
      range(ext, 0, H);
      this.historyHi = rangeHi;
      this.historyLo = rangeLo;
    }
  }

  /** skipBound() of wasm/truepeak.as.ts: the range bound with its margin, or peak × gain. */
  private skipBound(top: number, bottom: number, gain: number): number {
    if (!this.rangeBound) return Math.max(top, -bottom) * gain;
    const gains = this.rangeGains;
    let b = 0;
    for (let p = 0; p < gains.length; p += 2) {
      const P = gains[p]!;
      const N = gains[p + 1]!;
      b = Math.max(b, Math.max(P * top - N * bottom, N * top - P * bottom));
    }
    return b * RANGE_MARGIN;
  }
}

// range()'s result
let rangeHi = 0;
let rangeLo = 0;

/** Max and min of x[from, to) into rangeHi, rangeLo (-inf, +inf when empty); NaN never wins a comparison, as in the WASM kernel. */
function range(x: Float32Array, from: number, to: number): void {
  let hi = -Infinity;
  let lo = Infinity;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  rangeHi = hi;
  rangeLo = lo;
}

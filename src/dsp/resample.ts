/**
 * Streaming rational resampler (polyphase Kaiser-windowed sinc), for feeding 16 kHz detectors from
 * any programme rate. Memory is the filter bank plus one block of history; nothing grows with the
 * length of the stream.
 *
 * Output sample n sits at input time n·M/L exactly (the filter is centred, so there is no delay to
 * compensate): sample n of the output lines up with input frame n·inputRate/outputRate.
 */
import { DubstageError } from '../errors.js';
import { defaultWasm } from './wasm/load.js';

export interface ResamplerOptions {
  /** Passband edge in Hz (default 0.8 × the lower Nyquist: 6.4 kHz for 16 kHz output). */
  passbandHz?: number;
  /** Stopband edge in Hz (default the lower Nyquist: nothing above 8 kHz folds back for 16 kHz output). */
  stopbandHz?: number;
  /** Stopband attenuation in dB (default 70: aliases sit under 16-bit noise and far under any detector's care). */
  attenuationDb?: number;
  /**
   * Run whole-number decimation (48 -> 16 kHz) in the WASM kernel wasm/resample.as.ts when it is built
   * (default true): the same sums in the same order, so the same output samples, bit for bit.
   */
  useWasm?: boolean;
  /** The compiled module to use instead of the repo's build (null: none, i.e. the plain-JS loops). */
  wasm?: WebAssembly.Module | null;
}

interface DecimateExports {
  memory: WebAssembly.Memory;
  tapsPointer(): number;
  inputPointer(): number;
  outputPointer(): number;
  maxTaps(): number;
  maxInput(): number;
  maxOutput(): number;
  maxFactor(): number;
  run(count: number, m: number, taps: number): void;
}

/** One instance of wasm/resample.as.ts holding one resampler's taps (views stay valid: its memory never grows). */
interface Decimator {
  input: Float32Array;
  output: Float32Array;
  /** Most outputs per run() call. */
  maxOutput: number;
  maxInput: number;
  run(count: number, m: number, taps: number): void;
}

function decimator(module: WebAssembly.Module, taps: Float32Array, factor: number): Decimator | null {
  try {
    const e = new WebAssembly.Instance(module, {}).exports as unknown as DecimateExports;
    if (taps.length > e.maxTaps() || factor > e.maxFactor() || e.maxInput() < taps.length + factor) return null;
    new Float64Array(e.memory.buffer, e.tapsPointer(), taps.length).set(taps);
    return {
      input: new Float32Array(e.memory.buffer, e.inputPointer(), e.maxInput()),
      output: new Float32Array(e.memory.buffer, e.outputPointer(), e.maxOutput()),
      maxOutput: e.maxOutput(),
      maxInput: e.maxInput(),
      run: e.run,
    };
  } catch {
    return null;
  }
}

/** Upsampling factors above this would make the filter bank unreasonably large. */
const MAX_PHASES = 4000;
/**
 * Prototype filter length above which a design is refused before anything is allocated (32 MB of
 * float64). Every rate the readers accept (8 kHz to 768 kHz) to 16 kHz needs under 400 000 taps;
 * a rate of a few Hz would ask for hundreds of millions.
 */
export const MAX_FILTER_TAPS = 1 << 22;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export class StreamingResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Interpolation factor L and decimation factor M: outputRate/inputRate = L/M. */
  readonly up: number;
  readonly down: number;
  /** Input taps per output sample (even). */
  readonly tapsPerPhase: number;
  /** phases[p] holds the taps for phase p in input order: y = Σ_i phases[p][i] · x[idx − K + i]. */
  private readonly phases: Float32Array[];
  private readonly centre: number;
  /** Input history: buf[i] is input frame bufStart + i. Starts with K zeros before frame 0. */
  private buf: Float32Array;
  private bufStart: number;
  private bufLen: number;
  private nextOut = 0;
  private inputFrames = 0;
  /** The WASM FIR for whole-number decimation (L = 1), or null: the plain-JS loops of produce. */
  private readonly decimator: Decimator | null;

  constructor(inputRate: number, outputRate: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0) {
      throw new DubstageError({ code: 'bad-format', message: `cannot resample ${inputRate} Hz to ${outputRate} Hz: rates must be positive whole numbers` });
    }
    const g = gcd(inputRate, outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.up = outputRate / g;
    this.down = inputRate / g;
    if (this.up > MAX_PHASES) {
      throw new DubstageError({
        code: 'unsupported-codec',
        message: `cannot resample ${inputRate} Hz to ${outputRate} Hz: the ratio ${this.up}/${this.down} needs more than ${MAX_PHASES} filter phases`,
      });
    }
    const nyquist = Math.min(inputRate, outputRate) / 2;
    const stopHz = options.stopbandHz ?? nyquist;
    const passHz = options.passbandHz ?? 0.8 * nyquist;
    const atten = options.attenuationDb ?? 70;
    if (!(passHz > 0 && stopHz > passHz)) {
      throw new DubstageError({ code: 'usage', message: `resampler passband ${passHz} Hz must be below its stopband ${stopHz} Hz` });
    }
    // Kaiser design (Oppenheim & Schafer): length from the transition width in input-rate terms.
    const beta = atten > 50 ? 0.1102 * (atten - 8.7) : atten > 21 ? 0.5842 * (atten - 21) ** 0.4 + 0.07886 * (atten - 21) : 0;
    const transition = (2 * Math.PI * (stopHz - passHz)) / inputRate;
    let K = Math.ceil((atten - 8) / (2.285 * transition));
    if (this.up > this.down) K = Math.ceil((K * this.up) / this.down); // upsampling: width set by the output rate
    if (K % 2 === 1) K++;
    const L = this.up;
    const N = K * L + 1;
    // nothing below is allocated until the design is known to be of a sane size
    if (!Number.isFinite(N) || N > MAX_FILTER_TAPS) {
      throw new DubstageError({
        code: 'bad-format',
        message: `cannot resample ${inputRate} Hz to ${outputRate} Hz: the filter would need ${Number.isFinite(N) ? N : 'infinitely many'} taps (at most ${MAX_FILTER_TAPS}); is the sample rate right?`,
      });
    }
    this.tapsPerPhase = K;
    const c = (K * L) / 2;
    this.centre = c;
    // Cutoff midway through the transition, in cycles per sample at the upsampled rate L·inputRate.
    const fc = (passHz + stopHz) / 2 / (inputRate * L);
    const i0Beta = besselI0(beta);
    const phases: Float32Array[] = [];
    for (let p = 0; p < L; p++) phases.push(new Float32Array(K + 1));
    const sums = new Float64Array(L);
    const proto = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      const t = j - c;
      const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
      const r = t / c;
      const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
      proto[j] = sinc * w;
      sums[j % L] += proto[j];
    }
    // Tap j = p + kL multiplies x[idx − k]; stored at i = K − k so the inner loop runs forward.
    // Each phase is normalised to unity DC gain, so no phase ripples against another.
    for (let j = 0; j < N; j++) {
      const p = j % L;
      const k = (j - p) / L;
      phases[p][K - k] = proto[j] / sums[p];
    }
    this.phases = phases;
    const module = L !== 1 || options.useWasm === false ? null : options.wasm !== undefined ? options.wasm : defaultWasm('resample');
    this.decimator = module === null ? null : decimator(module, phases[0]!, this.down);
    this.buf = new Float32Array(K + 1 + 4096);
    this.bufStart = -K;
    this.bufLen = K;
  }

  /** Whether whole-number decimation runs in WASM. */
  get usingWasm(): boolean {
    return this.decimator !== null;
  }

  /** Upper bound on the output frames one push of `inputFrames` frames (or a flush) can produce. */
  maxOutputFrames(inputFrames: number): number {
    return Math.ceil(((inputFrames + this.tapsPerPhase) * this.up) / this.down) + 2;
  }

  /**
   * Feed `frames` input samples; writes the output samples that are now complete to `out` (which must
   * hold maxOutputFrames(frames)) and returns how many.
   */
  push(input: Float32Array, frames: number, out: Float32Array): number {
    this.append(input, frames);
    this.inputFrames += frames;
    return this.produce(out, Infinity);
  }

  /** End of stream: writes the remaining output (up to ceil(inputFrames·L/M) in total) and returns how many. */
  flush(out: Float32Array): number {
    const total = Math.ceil((this.inputFrames * this.up) / this.down);
    const zeros = new Float32Array(Math.ceil(this.centre / this.up) + 2);
    this.append(zeros, zeros.length);
    return this.produce(out, total);
  }

  private append(input: Float32Array, frames: number): void {
    const K = this.tapsPerPhase;
    if (this.bufLen + frames > this.buf.length) {
      // Keep only the K most recent frames plus what the next output still needs.
      const firstNeeded = Math.floor((this.nextOut * this.down + this.centre) / this.up) - K;
      const keepFrom = Math.max(0, Math.min(this.bufLen, firstNeeded - this.bufStart));
      const keep = this.bufLen - keepFrom;
      if (keep + frames > this.buf.length) {
        const bigger = new Float32Array(Math.max(keep + frames, this.buf.length * 2));
        bigger.set(this.buf.subarray(keepFrom, this.bufLen));
        this.buf = bigger;
      } else {
        this.buf.copyWithin(0, keepFrom, this.bufLen);
      }
      this.bufStart += keepFrom;
      this.bufLen = keep;
    }
    this.buf.set(input.subarray(0, frames), this.bufLen);
    this.bufLen += frames;
  }

  private produce(out: Float32Array, limit: number): number {
    const K = this.tapsPerPhase;
    const L = this.up;
    const M = this.down;
    const buf = this.buf;
    const lastAvailable = this.bufStart + this.bufLen - 1;
    const phases = this.phases;
    const bufStart = this.bufStart;
    let written = 0;
    const d = this.decimator;
    // L = 1: output n is Σ_i h[i]·buf[n·M + centre − K + i − bufStart], the sum of the loops below
    while (d) {
      const n = this.nextOut;
      const idx0 = n * M + this.centre;
      if (n >= limit || idx0 > lastAvailable) break;
      const count = Math.min(limit - n, Math.floor((lastAvailable - idx0) / M) + 1, d.maxOutput, Math.floor((d.maxInput - K - 1) / M) + 1);
      const base = idx0 - K - bufStart;
      d.input.set(buf.subarray(base, base + (count - 1) * M + K + 1));
      d.run(count, M, K + 1);
      out.set(d.output.subarray(0, count), written);
      written += count;
      this.nextOut = n + count;
    }
    // Four outputs per pass over the taps: each keeps its own sum, added in the same order as the
    // one-output loop below, so the results are bit-identical; the taps and history are read once.
    for (;;) {
      const n = this.nextOut;
      if (n + 3 >= limit) break;
      const u0 = n * M + this.centre;
      const u3 = u0 + 3 * M;
      const idx3 = Math.floor(u3 / L);
      if (idx3 > lastAvailable) break;
      const u1 = u0 + M;
      const u2 = u1 + M;
      const idx0 = Math.floor(u0 / L);
      const idx1 = Math.floor(u1 / L);
      const idx2 = Math.floor(u2 / L);
      const h0 = phases[u0 - idx0 * L]!;
      const h1 = phases[u1 - idx1 * L]!;
      const h2 = phases[u2 - idx2 * L]!;
      const h3 = phases[u3 - idx3 * L]!;
      const b0 = idx0 - K - bufStart;
      const b1 = idx1 - K - bufStart;
      const b2 = idx2 - K - bufStart;
      const b3 = idx3 - K - bufStart;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      if (h0 === h1 && h0 === h2 && h0 === h3 && b1 - b0 === M && b2 - b1 === M && b3 - b2 === M) {
        // Whole-number decimation (one phase): each tap is loaded once for the four sums.
        for (let i = 0; i <= K; i++) {
          const t = h0[i]!;
          const j = b0 + i;
          a0 += t * buf[j]!;
          a1 += t * buf[j + M]!;
          a2 += t * buf[j + 2 * M]!;
          a3 += t * buf[j + 3 * M]!;
        }
      } else {
        for (let i = 0; i <= K; i++) {
          a0 += h0[i]! * buf[b0 + i]!;
          a1 += h1[i]! * buf[b1 + i]!;
          a2 += h2[i]! * buf[b2 + i]!;
          a3 += h3[i]! * buf[b3 + i]!;
        }
      }
      out[written] = a0;
      out[written + 1] = a1;
      out[written + 2] = a2;
      out[written + 3] = a3;
      written += 4;
      this.nextOut = n + 4;
    }
    for (;;) {
      if (this.nextOut >= limit) break;
      const u = this.nextOut * M + this.centre;
      const idx = Math.floor(u / L);
      if (idx > lastAvailable) break;
      const h = this.phases[u - idx * L];
      const base = idx - K - this.bufStart;
      let acc = 0;
      for (let i = 0; i <= K; i++) acc += h[i] * buf[base + i];
      out[written++] = acc;
      this.nextOut++;
    }
    return written;
  }
}

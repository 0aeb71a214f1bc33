/**
 * Loader for wasm/biquad-lanes.as.ts: several biquad cascades run side by side, two per f64x2 vector,
 * each lane with BiquadCascade.process's exact operations (so the same outputs, states and Σy²). The
 * analyzers that use it (channel-order, lfe-band) keep their plain-JS loops as the twin, used when the
 * .wasm is missing, this engine cannot run it, or DUBSTAGE_WASM=0.
 */
import { butterworthQs, designBiquad, type FilterKind } from './biquad.js';
import { defaultWasm } from './wasm/load.js';

/** One cascade: the index of its input channel and 5 coefficients (b0 b1 b2 a1 a2) per section. */
export interface LaneCascade {
  channel: number;
  coefficients: Float64Array;
}

/** Flat coefficients of the Butterworth cascade BiquadCascade.butterworth builds (same design, same numbers). */
export function butterworthCoefficients(kind: FilterKind, sampleRate: number, frequencyHz: number, order: number): Float64Array {
  return Float64Array.from(
    butterworthQs(order).flatMap((q) => {
      const d = designBiquad(kind, sampleRate, frequencyHz, q);
      return [d.b0, d.b1, d.b2, d.a1, d.a2];
    }),
  );
}

/** x[from..to) holds only zeros (of either sign). */
function isZero(x: Float32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (x[i] !== 0) return false;
  return true;
}

interface Exports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  sourcePointer(): number;
  coefsPointer(): number;
  statePointer(): number;
  sumsPointer(): number;
  plainPointer(): number;
  maxChannels(): number;
  maxVectors(): number;
  maxSections(): number;
  capacity(): number;
  run(vectors: number, sections: number, count: number, lastLane0Only: boolean): void;
}

export interface BiquadLanesOptions {
  /** Use the WASM kernel when available (default true). */
  useWasm?: boolean;
  /** The compiled module to use instead of the repo's build (null: none). */
  wasm?: WebAssembly.Module | null;
}

/**
 * A bank of cascades with equal section counts, lane k of vector v being cascade 2v + k (with an odd
 * count the last vector's second lane repeats the last cascade, or stays idle where the kernel has a
 * one-lane loop). State and running sums live in the instance's memory (one instance per
 * bank, so banks never share state); `filter` adds to the sums in sample order until `clearSums`.
 */
export class BiquadLanes {
  /** Running Σy² of cascade i (valid after filter). */
  readonly sums: Float64Array;
  /** Running Σx² of cascade i's input channel. */
  readonly inputSums: Float64Array;
  private readonly e: Exports;
  private readonly input: Float32Array;
  private readonly state: Float64Array;
  private readonly laneSums: Float64Array;
  private readonly lanePlain: Float64Array;
  private readonly capacity: number;
  private readonly vectors: number;
  private readonly sections: number;
  /** An odd number of cascades: the last vector's second lane is idle. */
  private readonly lastLane0Only: boolean;
  /** Input channel of each INPUT slot. */
  private readonly slotChannels: number[];

  private constructor(e: Exports, cascades: LaneCascade[]) {
    this.e = e;
    this.capacity = e.capacity();
    this.sections = cascades[0]!.coefficients.length / 5;
    this.vectors = (cascades.length + 1) >> 1;
    this.lastLane0Only = cascades.length % 2 === 1;
    const maxSections = e.maxSections();
    // the module never grows its memory, so these views stay valid
    this.input = new Float32Array(e.memory.buffer, e.inputPointer(), e.maxChannels() * this.capacity);
    this.state = new Float64Array(e.memory.buffer, e.statePointer(), e.maxVectors() * maxSections * 4);
    this.laneSums = new Float64Array(e.memory.buffer, e.sumsPointer(), e.maxVectors() * 2);
    this.lanePlain = new Float64Array(e.memory.buffer, e.plainPointer(), e.maxVectors() * 2);
    this.sums = new Float64Array(cascades.length);
    this.inputSums = new Float64Array(cascades.length);
    this.slotChannels = [...new Set(cascades.map((c) => c.channel))];
    const source = new Int32Array(e.memory.buffer, e.sourcePointer(), e.maxVectors() * 2);
    const coefs = new Float64Array(e.memory.buffer, e.coefsPointer(), e.maxVectors() * maxSections * 10);
    for (let v = 0; v < this.vectors; v++) {
      for (let lane = 0; lane < 2; lane++) {
        const cascade = cascades[Math.min(2 * v + lane, cascades.length - 1)]!;
        source[v * 2 + lane] = this.slotChannels.indexOf(cascade.channel);
        for (let s = 0; s < this.sections; s++) {
          for (let j = 0; j < 5; j++) coefs[((v * maxSections + s) * 5 + j) * 2 + lane] = cascade.coefficients[s * 5 + j]!;
        }
      }
    }
    this.reset();
  }

  /** The bank on the WASM kernel, or null (module missing or refused, too many cascades or sections). */
  static create(cascades: LaneCascade[], options: BiquadLanesOptions = {}): BiquadLanes | null {
    if (options.useWasm === false || cascades.length === 0) return null;
    const module = options.wasm !== undefined ? options.wasm : defaultWasm('biquad-lanes');
    if (module === null) return null;
    const sections = cascades[0]!.coefficients.length / 5;
    if (!Number.isInteger(sections) || sections < 1 || cascades.some((c) => c.coefficients.length !== sections * 5)) return null;
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
      const channels = new Set(cascades.map((c) => c.channel)).size;
      if (sections > e.maxSections() || (cascades.length + 1) >> 1 > e.maxVectors() || channels > e.maxChannels()) return null;
      return new BiquadLanes(e, cascades);
    } catch {
      return null;
    }
  }

  /** Every cascade's state back to rest (as BiquadCascade.reset). */
  reset(): void {
    this.state.fill(0);
  }

  /** Running sums back to 0. */
  clearSums(): void {
    this.laneSums.fill(0, 0, this.vectors * 2);
    this.lanePlain.fill(0, 0, this.vectors * 2);
  }

  /**
   * Every state of every cascade is a zero (of either sign). Then digital-zero input keeps every output
   * and state a zero, and adds +0 to each Σy² and Σx²: filtering it changes no sum, and the signs the
   * state's zeros would take cannot reach a non-zero value later (x + ±0 = x, x · ±0 = ±0), so no later
   * y² differs either.
   */
  private atRest(): boolean {
    const maxSections = this.e.maxSections();
    for (let v = 0; v < this.vectors; v++) {
      const base = v * maxSections * 4;
      for (let i = base; i < base + this.sections * 4; i++) if (this.state[i] !== 0) return false;
    }
    return true;
  }

  /** Filter x[from..to) of the cascades' channels, adding to the running sums, then copy them to sums/inputSums. */
  filter(channels: readonly Float32Array[], from: number, to: number): void {
    const cap = this.capacity;
    const slots = this.slotChannels;
    for (let start = from; start < to; start += cap) {
      const count = Math.min(to, start + cap) - start;
      // digital silence into filters at rest (a silent stem's LFE, a reel's head): nothing to add
      if (this.atRest() && slots.every((c) => isZero(channels[c]!, start, start + count))) continue;
      for (let k = 0; k < slots.length; k++) this.input.set(channels[slots[k]!]!.subarray(start, start + count), k * cap);
      this.e.run(this.vectors, this.sections, count, this.lastLane0Only);
    }
    for (let i = 0; i < this.sums.length; i++) {
      this.sums[i] = this.laneSums[i]!;
      this.inputSums[i] = this.lanePlain[i]!;
    }
  }
}

/**
 * The renderer's inner loop: every sounding item of a span of frames (where no item's gains change
 * course) mixed into every output at once, in single precision (the render is Float32 like its input):
 *   out[o][i] += x * g0[o] + (x * (p0 + k * dp)) * d[o],   k = i - i0 (a hold: d = 0)
 * The WASM SIMD kernel (wasm/adm-mix.as.ts) sums the items in registers and touches each output once
 * per span; this plain-JS twin performs the same f32 operations in the same order, so the two give the
 * same bits (tested). The twin runs when the kernel is missing or DUBSTAGE_WASM=0.
 */
import { defaultWasm } from '../../dsp/wasm/load.js';
import type { PcmDecodeTarget } from '../../audio/types.js';

/** Floats per table entry: [slot, group mask, -, -] [p0 x4] [dp x4], then [g0 x4] [d x4] per output. */
export const entryFloats = (outputs: number): number => 12 + 8 * outputs;

export interface Mixer {
  /** Frames a block may hold. */
  readonly capacity: number;
  /** Slot s: the samples of one track an item plays, for the current block (filled by the caller). */
  readonly inputs: Float32Array[];
  /** Output o (layouts' channels in turn, padded to a multiple of 4), where the render lands. */
  readonly outputs: Float32Array[];
  /** Outputs padded to a multiple of 4 (the kernel's groups). */
  readonly paddedOutputs: number;
  /** Entries of the next mix call, entryFloats(paddedOutputs) each (write them with setEntry). */
  readonly table: Float32Array;
  /** Mix the first `count` table entries over frames [i0, i1); an entry whose slot is silent there adds nothing. */
  mix(count: number, i0: number, i1: number): void;
  /** The kernel's own PCM decoder, writing track t straight into slot t (null: the twin has none). */
  readonly decoder: PcmDecodeTarget | null;
}

/**
 * Write entry e of `table`: slot, ramp position p0 at the span's first frame and its step dp, and per
 * output the gain g0 and the ramp's extent d (`coefficients`: g0 and d interleaved, `paddedOutputs` pairs).
 */
export function setEntryInto(table: Float32Array, e: number, slot: number, p0: number, dp: number, coefficients: Float32Array, mask: number, paddedOutputs: number): void {
  const base = e * entryFloats(paddedOutputs);
  table[base] = slot;
  table[base + 1] = mask;
  table.fill(p0, base + 4, base + 8);
  table.fill(dp, base + 8, base + 12);
  for (let o = 0, c = base + 12; o < paddedOutputs; o++, c += 8) {
    table.fill(coefficients[2 * o]!, c, c + 4);
    table.fill(coefficients[2 * o + 1]!, c + 4, c + 8);
  }
}

const f = Math.fround;

export class JsMixer implements Mixer {
  readonly decoder = null;
  readonly inputs: Float32Array[];
  readonly outputs: Float32Array[];
  readonly paddedOutputs: number;
  readonly table: Float32Array;
  constructor(slots: number, outputs: number, readonly capacity: number, entries = slots) {
    this.paddedOutputs = (outputs + 3) & ~3;
    this.inputs = Array.from({ length: slots }, () => new Float32Array(capacity));
    this.outputs = Array.from({ length: this.paddedOutputs }, () => new Float32Array(capacity));
    this.table = new Float32Array(Math.max(1, slots, entries) * entryFloats(this.paddedOutputs));
  }
  mix(count: number, i0: number, i1: number): void {
    const stride = entryFloats(this.paddedOutputs);
    const t = this.table;
    const live: number[] = [];
    for (let e = 0; e < count; e++) {
      if (t[e * stride + 1] === 0) continue; // sends nothing: never read
      const x = this.inputs[t[e * stride]!]!;
      // silence by bits, as the kernel tests it (-0 sounds: it has a bit set)
      for (let i = i0; i < i1; i++) {
        if (x[i] !== 0 || Object.is(x[i], -0)) {
          live.push(e * stride);
          break;
        }
      }
    }
    for (let g = 0; g < this.paddedOutputs >> 2; g++) {
      for (let j = 0; j < 4; j++) {
        const o = 4 * g + j;
        const out = this.outputs[o]!;
        for (let i = i0; i < i1; i++) {
          const k = i - i0;
          let acc = out[i]!;
          for (const base of live) {
            if ((t[base + 1]! & (1 << g)) === 0) continue;
            const x = this.inputs[t[base]!]![i]!;
            const xr = f(x * f(t[base + 4]! + f(k * t[base + 8]!)));
            const c = base + 12 + 8 * o;
            acc = f(acc + f(f(x * t[c]!) + f(xr * t[c + 4]!)));
          }
          out[i] = acc;
        }
      }
    }
  }
}

interface MixExports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  outputPointer(): number;
  tablePointer(): number;
  stride(): number;
  capacity(): number;
  maxSlots(): number;
  maxOutputs(): number;
  mix(count: number, outputs: number, i0: number, i1: number): void;
  pcmInputPointer(): number;
  pcmInputBytes(): number;
  pcmSlack(): number;
  decodeToSlots(at: number, frames: number, channels: number, blockAlign: number, enc: number): void;
}

class WasmMixer implements Mixer {
  readonly inputs: Float32Array[];
  readonly outputs: Float32Array[];
  readonly paddedOutputs: number;
  readonly table: Float32Array;
  readonly capacity: number;
  private readonly kernel: MixExports['mix'];
  constructor(e: MixExports, slots: number, outputs: number) {
    const cap = e.capacity();
    this.capacity = cap;
    this.paddedOutputs = (outputs + 3) & ~3;
    // the module has no allocator and never grows its memory, so these views stay valid
    const stride = e.stride();
    this.inputs = Array.from({ length: slots }, (_, s) => new Float32Array(e.memory.buffer, e.inputPointer() + s * stride, cap));
    this.outputs = Array.from({ length: this.paddedOutputs }, (_, o) => new Float32Array(e.memory.buffer, e.outputPointer() + o * stride, cap));
    this.table = new Float32Array(e.memory.buffer, e.tablePointer(), e.maxSlots() * entryFloats(this.paddedOutputs));
    this.kernel = e.mix;
    const pcmInput = e.pcmInputPointer();
    const bytes = e.pcmInputBytes();
    const slack = e.pcmSlack();
    // the memory never grows: one view serves
    const input = new Uint8Array(e.memory.buffer, pcmInput, bytes + slack);
    this.decoder = { input: () => input, inputBytes: bytes, slack, decode: (at, frames, channels, blockAlign, code) => e.decodeToSlots(at, frames, channels, blockAlign, code) };
  }
  readonly decoder: PcmDecodeTarget;
  mix(count: number, i0: number, i1: number): void {
    this.kernel(count, this.paddedOutputs, i0, i1);
  }
}

/** The kernel when it is built and the render fits it (one instance per renderer: its memory holds the block), else the twin. */
export function createMixer(slots: number, outputs: number, frames: number, useWasm = true, entries = slots): Mixer {
  const module = useWasm ? defaultWasm('adm-mix') : null;
  if (module) {
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as MixExports;
      if (frames <= e.capacity() && slots <= e.maxSlots() && entries <= e.maxSlots() && outputs <= e.maxOutputs()) return new WasmMixer(e, slots, outputs);
    } catch {
      // fall through to the twin
    }
  }
  return new JsMixer(slots, outputs, frames, entries);
}

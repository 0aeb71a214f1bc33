/**
 * The renderer's inner loops: add one item's samples times a gain (held, or ramped linearly) into an
 * output channel, in single precision (the render is Float32 like its input). The WASM SIMD kernel (wasm/adm-mix.as.ts) and this plain-JS twin give bit-identical
 * output (tested); the twin runs when the kernel is missing, DUBSTAGE_WASM=0, or a block is longer
 * than the kernel's buffers.
 */
import { defaultWasm } from '../../dsp/wasm/load.js';

export interface Mixer {
  /** Output channel o (layouts' channels in turn), `frames` long, where the render lands. */
  readonly outputs: Float32Array[];
  /** Make `track` the item being mixed for the next calls (the kernel copies it in). */
  load(track: Float32Array, frames: number): void;
  hold(out: number, g: number, i0: number, i1: number): void;
  /** g(k) = g0 + d * (p0 + k * dp), k = 0 at i0. */
  ramp(out: number, g0: number, d: number, p0: number, dp: number, i0: number, i1: number): void;
  /** Per output t < count: table[3t] = output index, table[3t + 1] = g (g0 of a ramp), table[3t + 2] = d (0: a hold). */
  readonly table: Float32Array;
  /** hold for every table entry (their d ignored), the input read once per run of frames. */
  holdMany(count: number, i0: number, i1: number): void;
  /** ramp (or hold where d = 0) for every table entry, all with the same p0 and dp. */
  rampMany(count: number, p0: number, dp: number, i0: number, i1: number): void;
}

/** Table entries the mixer holds (one per output channel of every layout). */
export const MAX_TABLE = 64;

const f = Math.fround;

export class JsMixer implements Mixer {
  readonly outputs: Float32Array[];
  private input: Float32Array = new Float32Array(0);
  readonly table: Float32Array;
  constructor(channels: number, frames: number) {
    this.table = new Float32Array(Math.max(MAX_TABLE, channels) * 3);
    this.outputs = Array.from({ length: channels }, () => new Float32Array(frames));
  }
  load(track: Float32Array): void {
    this.input = track;
  }
  // single precision throughout, each operation rounded as f32x4 rounds it (the store rounds the sum)
  hold(out: number, g: number, i0: number, i1: number): void {
    const o = this.outputs[out]!;
    const input = this.input;
    const g32 = f(g);
    for (let i = i0; i < i1; i++) o[i] = o[i]! + f(input[i]! * g32);
  }
  ramp(out: number, g0: number, d: number, p0: number, dp: number, i0: number, i1: number): void {
    const o = this.outputs[out]!;
    const input = this.input;
    const [a, b, c, e] = [f(g0), f(d), f(p0), f(dp)];
    for (let i = i0, k = 0; i < i1; i++, k++) o[i] = o[i]! + f(input[i]! * f(a + f(b * f(c + f(k * e)))));
  }
  // per output the same operations as hold / ramp (the kernel only reorders work across outputs)
  holdMany(count: number, i0: number, i1: number): void {
    for (let t = 0; t < count; t++) this.hold(this.table[3 * t]!, this.table[3 * t + 1]!, i0, i1);
  }
  rampMany(count: number, p0: number, dp: number, i0: number, i1: number): void {
    for (let t = 0; t < count; t++) {
      const d = this.table[3 * t + 2]!;
      if (d === 0) this.hold(this.table[3 * t]!, this.table[3 * t + 1]!, i0, i1);
      else this.ramp(this.table[3 * t]!, this.table[3 * t + 1]!, d, p0, dp, i0, i1);
    }
  }
}

interface MixExports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  outputPointer(): number;
  capacity(): number;
  maxOutputs(): number;
  hold(out: number, g: number, i0: number, i1: number): void;
  ramp(out: number, g0: number, d: number, p0: number, dp: number, i0: number, i1: number): void;
  tablePointer(): number;
  holdMany(count: number, i0: number, i1: number): void;
  rampMany(count: number, p0: number, dp: number, i0: number, i1: number): void;
}

class WasmMixer implements Mixer {
  readonly outputs: Float32Array[];
  private readonly input: Float32Array;
  readonly hold: Mixer['hold'];
  readonly ramp: Mixer['ramp'];
  readonly table: Float32Array;
  readonly holdMany: Mixer['holdMany'];
  readonly rampMany: Mixer['rampMany'];
  constructor(e: MixExports, channels: number) {
    const cap = e.capacity();
    // the module has no allocator and never grows its memory, so these views stay valid
    this.input = new Float32Array(e.memory.buffer, e.inputPointer(), cap);
    this.outputs = Array.from({ length: channels }, (_, o) => new Float32Array(e.memory.buffer, e.outputPointer() + o * cap * 4, cap));
    this.hold = e.hold;
    this.ramp = e.ramp;
    this.table = new Float32Array(e.memory.buffer, e.tablePointer(), MAX_TABLE * 3);
    this.holdMany = e.holdMany;
    this.rampMany = e.rampMany;
  }
  load(track: Float32Array, frames: number): void {
    this.input.set(track.subarray(0, frames));
  }
}

/** The kernel when it is built and the block fits (one instance per renderer: its memory is the output), else the twin. */
export function createMixer(channels: number, frames: number, useWasm = true): Mixer {
  const module = useWasm ? defaultWasm('adm-mix') : null;
  if (module) {
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as MixExports;
      if (frames <= e.capacity() && channels <= e.maxOutputs()) return new WasmMixer(e, channels);
    } catch {
      // fall through to the twin
    }
  }
  return new JsMixer(channels, frames);
}

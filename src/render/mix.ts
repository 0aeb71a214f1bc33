/**
 * The timeline renderer's inner loops (./timeline.ts), over buffers this module owns: `bus` (every
 * output channel of the stream: tracks, then groups), `media` (a clip reader's samples) and `envelope`
 * (a fade's gain per frame), each `chunk` frames long. In single precision, as the render is Float32:
 * the WASM SIMD kernel (wasm/timeline-mix.as.ts) and this plain-JS twin give bit-identical output
 * (tested); the twin runs when the kernel is missing or DUBSTAGE_WASM=0.
 */
import { defaultWasm } from '../dsp/wasm/load.js';

export interface TimelineMixer {
  readonly chunk: number;
  readonly bus: Float32Array[];
  readonly media: Float32Array[];
  readonly envelope: Float32Array;
  /** bus[b][0..n) = 0 */
  zero(b: number, n: number): void;
  /** bus[dst][0..n) += bus[src][0..n) */
  add(dst: number, src: number, n: number): void;
  /** bus[b][at + k] += media[m][k] × g for k < n */
  mixGain(b: number, at: number, m: number, n: number, g: number): void;
  /** bus[b][at + k] += media[m][k] × envelope[k] for k < n */
  mixEnvelope(b: number, at: number, m: number, n: number): void;
}

const f = Math.fround;

export class JsTimelineMixer implements TimelineMixer {
  readonly bus: Float32Array[];
  readonly media: Float32Array[];
  readonly envelope: Float32Array;
  constructor(
    readonly chunk: number,
    buses: number,
    mediaChannels: number,
  ) {
    this.bus = Array.from({ length: buses }, () => new Float32Array(chunk));
    this.media = Array.from({ length: mediaChannels }, () => new Float32Array(chunk));
    this.envelope = new Float32Array(chunk);
  }
  zero(b: number, n: number): void {
    this.bus[b]!.fill(0, 0, n);
  }
  // the sum of two f32 rounded once is the f32 sum; a product is rounded before the sum, as f32x4 does
  add(dst: number, src: number, n: number): void {
    const d = this.bus[dst]!;
    const s = this.bus[src]!;
    for (let k = 0; k < n; k++) d[k] = d[k]! + s[k]!;
  }
  mixGain(b: number, at: number, m: number, n: number, g: number): void {
    const d = this.bus[b]!;
    const s = this.media[m]!;
    const g32 = f(g);
    for (let k = 0; k < n; k++) d[at + k] = d[at + k]! + f(s[k]! * g32);
  }
  mixEnvelope(b: number, at: number, m: number, n: number): void {
    const d = this.bus[b]!;
    const s = this.media[m]!;
    const e = this.envelope;
    for (let k = 0; k < n; k++) d[at + k] = d[at + k]! + f(s[k]! * e[k]!);
  }
}

interface MixExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  zero(dst: number, n: number): void;
  add(dst: number, src: number, n: number): void;
  mixGain(dst: number, src: number, n: number, g: number): void;
  mixEnvelope(dst: number, src: number, env: number, n: number): void;
}

class WasmTimelineMixer implements TimelineMixer {
  readonly bus: Float32Array[];
  readonly media: Float32Array[];
  readonly envelope: Float32Array;
  private readonly busAt: number[];
  private readonly mediaAt: number[];
  private readonly envelopeAt: number;

  constructor(
    private readonly e: MixExports,
    readonly chunk: number,
    buses: number,
    mediaChannels: number,
  ) {
    const bytes = chunk * 4;
    const base = e.heapBase();
    const end = base + (buses + mediaChannels + 1) * bytes;
    // grown once, before any view is made: the views stay valid for the mixer's life
    const have = e.memory.buffer.byteLength;
    if (end > have) e.memory.grow(Math.ceil((end - have) / 65536));
    const buffer = e.memory.buffer;
    this.busAt = Array.from({ length: buses }, (_, i) => base + i * bytes);
    this.mediaAt = Array.from({ length: mediaChannels }, (_, i) => base + (buses + i) * bytes);
    this.envelopeAt = base + (buses + mediaChannels) * bytes;
    this.bus = this.busAt.map((p) => new Float32Array(buffer, p, chunk));
    this.media = this.mediaAt.map((p) => new Float32Array(buffer, p, chunk));
    this.envelope = new Float32Array(buffer, this.envelopeAt, chunk);
  }
  zero(b: number, n: number): void {
    this.e.zero(this.busAt[b]!, n);
  }
  add(dst: number, src: number, n: number): void {
    this.e.add(this.busAt[dst]!, this.busAt[src]!, n);
  }
  mixGain(b: number, at: number, m: number, n: number, g: number): void {
    this.e.mixGain(this.busAt[b]! + at * 4, this.mediaAt[m]!, n, g);
  }
  mixEnvelope(b: number, at: number, m: number, n: number): void {
    this.e.mixEnvelope(this.busAt[b]! + at * 4, this.mediaAt[m]!, this.envelopeAt, n);
  }
}

/** The kernel when it is built (one instance per renderer: its memory holds the buffers), else the twin. */
export function createTimelineMixer(chunk: number, buses: number, mediaChannels: number, useWasm = true): TimelineMixer {
  const module = useWasm ? defaultWasm('timeline-mix') : null;
  if (module) {
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as MixExports;
      return new WasmTimelineMixer(e, chunk, buses, mediaChannels);
    } catch {
      // fall through to the twin (an engine without SIMD, or memory refused)
    }
  }
  return new JsTimelineMixer(chunk, buses, mediaChannels);
}

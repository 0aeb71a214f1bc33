/**
 * Interleaved PCM bytes → planar Float32, straight into caller-owned buffers.
 * Integer scaling as libebur128: 2^(bits-1) is full scale, so -32768 reads -1.0 exactly.
 * 16/24/32-bit integers and 32-bit floats of either byte order go through the WASM SIMD decoder
 * (wasm/pcm.as.ts, built into dist/wasm by npm's prepare step) when it is there, else through
 * decodeInterleavedJs: the same floats. The reader's plain files skip a copy: readDecodeInterleaved reads
 * them straight into the decoder's input area.
 */
import { defaultWasm } from '../dsp/wasm/load.js';
import type { ByteSource, PcmDecodeTarget } from './types.js';

export type SampleEncoding =
  | 'u8' | 's8'
  | 's16le' | 's16be'
  | 's24le' | 's24be'
  | 's32le' | 's32be'
  | 'f32le' | 'f32be'
  | 'f64le' | 'f64be';

export function bytesPerSample(enc: SampleEncoding): number {
  switch (enc) {
    case 'u8':
    case 's8':
      return 1;
    case 's16le':
    case 's16be':
      return 2;
    case 's24le':
    case 's24be':
      return 3;
    case 's32le':
    case 's32be':
    case 'f32le':
    case 'f32be':
      return 4;
    case 'f64le':
    case 'f64be':
      return 8;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The plain-JS decoder: `frames` frames of `channels` interleaved samples from `bytes` (starting at byte 0,
 * frame stride `blockAlign`) into out[c][outOffset + i].
 */
export function decodeInterleavedJs(
  bytes: Uint8Array,
  frames: number,
  channels: number,
  blockAlign: number,
  enc: SampleEncoding,
  out: Float32Array[],
  outOffset: number,
): void {
  if (enc === 's24le') {
    decodeS24le(bytes, frames, channels, blockAlign, out, outOffset);
    return;
  }
  const bps = bytesPerSample(enc);
  // Little-endian integers read through a DataView (V8 compiles its aligned-or-not loads inline): the
  // same integer as assembling the bytes, scaled by the same power of two, so the same float exactly.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    let p = c * bps;
    let o = outOffset;
    const end = outOffset + frames;
    switch (enc) {
      case 's16le':
        for (; o < end; o++, p += blockAlign) dst[o] = view.getInt16(p, true) / 32768;
        break;
      case 's32le':
        for (; o < end; o++, p += blockAlign) dst[o] = view.getInt32(p, true) / 2147483648;
        break;
      case 'u8':
        for (; o < end; o++, p += blockAlign) dst[o] = (bytes[p]! - 128) / 128;
        break;
      case 's8':
        for (; o < end; o++, p += blockAlign) dst[o] = ((bytes[p]! << 24) >> 24) / 128;
        break;
      case 's16be':
        for (; o < end; o++, p += blockAlign) dst[o] = (((bytes[p + 1]! | (bytes[p]! << 8)) << 16) >> 16) / 32768;
        break;
      case 's24be':
        for (; o < end; o++, p += blockAlign) {
          dst[o] = ((bytes[p + 2]! << 8) | (bytes[p + 1]! << 16) | (bytes[p]! << 24)) / 2147483648;
        }
        break;
      case 's32be':
        for (; o < end; o++, p += blockAlign) {
          dst[o] = (bytes[p + 3]! | (bytes[p + 2]! << 8) | (bytes[p + 1]! << 16) | (bytes[p]! << 24)) / 2147483648;
        }
        break;
      case 'f32le':
      case 'f32be':
      case 'f64le':
      case 'f64be': {
        const little = enc.endsWith('le');
        if (bps === 4) {
          for (; o < end; o++, p += blockAlign) dst[o] = view.getFloat32(p, little);
        } else {
          for (; o < end; o++, p += blockAlign) dst[o] = view.getFloat64(p, little);
        }
        break;
      }
    }
  }
}

/**
 * 24-bit little-endian: each sample but the block's first frame is read as the int32 ending at its top
 * byte, with the borrowed low byte masked off (the same integer as assembling the three bytes, << 8);
 * three channels per pass over the frames, so the loop overhead is shared.
 */
function decodeS24le(bytes: Uint8Array, frames: number, channels: number, blockAlign: number, out: Float32Array[], outOffset: number): void {
  if (frames <= 0) return;
  const scale = 2147483648;
  // Frame 0 has no byte before its first sample: assemble its bytes.
  for (let c = 0, p = 0; c < channels; c++, p += 3) {
    out[c]![outOffset] = ((bytes[p]! << 8) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 24)) / scale;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = outOffset + 1;
  const end = outOffset + frames;
  let c = 0;
  for (; c + 2 < channels; c += 3) {
    const d0 = out[c]!;
    const d1 = out[c + 1]!;
    const d2 = out[c + 2]!;
    let p = blockAlign + c * 3 - 1;
    for (let o = start; o < end; o++, p += blockAlign) {
      d0[o] = (view.getInt32(p, true) & -256) / scale;
      d1[o] = (view.getInt32(p + 3, true) & -256) / scale;
      d2[o] = (view.getInt32(p + 6, true) & -256) / scale;
    }
  }
  for (; c < channels; c++) {
    const d0 = out[c]!;
    let p = blockAlign + c * 3 - 1;
    for (let o = start; o < end; o++, p += blockAlign) d0[o] = (view.getInt32(p, true) & -256) / scale;
  }
}

export { LITTLE_ENDIAN_HOST };

/** The kernel's encoding codes (wasm/pcm.as.ts); the others stay in JS. */
const WASM_CODES: Partial<Record<SampleEncoding, number>> = {
  s16le: 0,
  s24le: 1,
  s32le: 2,
  f32le: 3,
  s16be: 4,
  s24be: 5,
  s32be: 6,
  f32be: 7,
};

interface PcmWasmExports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  outputPointer(): number;
  inputBytes(): number;
  slack(): number;
  outputFloats(): number;
  decode(frames: number, channels: number, blockAlign: number, enc: number, stride: number): void;
}

/**
 * One instance per module and thread (calls never interleave). Its memory does not grow today; should it
 * ever, the old buffer is detached, so liveViews remakes the views before each use.
 */
interface PcmWasm {
  memory: WebAssembly.Memory;
  inputPointer: number;
  outputPointer: number;
  input: Uint8Array;
  output: Float32Array;
  inputBytes: number;
  slack: number;
  outputFloats: number;
  decode: PcmWasmExports['decode'];
}

/** `w` with views on its memory's current buffer. */
function liveViews(w: PcmWasm): PcmWasm {
  if (w.input.buffer !== w.memory.buffer) {
    w.input = new Uint8Array(w.memory.buffer, w.inputPointer, w.inputBytes + w.slack);
    w.output = new Float32Array(w.memory.buffer, w.outputPointer, w.outputFloats);
  }
  return w;
}

const pcmWasmCache = new Map<WebAssembly.Module, PcmWasm | null>();

function pcmWasmFor(module: WebAssembly.Module): PcmWasm | null {
  if (!pcmWasmCache.has(module)) {
    let w: PcmWasm | null = null;
    try {
      const e = new WebAssembly.Instance(module, {}).exports as unknown as PcmWasmExports;
      w = {
        memory: e.memory,
        inputPointer: e.inputPointer(),
        outputPointer: e.outputPointer(),
        input: new Uint8Array(e.memory.buffer, e.inputPointer(), e.inputBytes() + e.slack()),
        output: new Float32Array(e.memory.buffer, e.outputPointer(), e.outputFloats()),
        inputBytes: e.inputBytes(),
        slack: e.slack(),
        outputFloats: e.outputFloats(),
        decode: e.decode,
      };
    } catch {
      w = null;
    }
    pcmWasmCache.set(module, w);
  }
  return pcmWasmCache.get(module)!;
}

export interface PcmDecodeOptions {
  /** Use the WASM SIMD decoder when available (default true); it gives the same floats. */
  useWasm?: boolean;
  /** The compiled module to use instead of the repo's build (null: none, i.e. the plain-JS decoder). */
  wasm?: WebAssembly.Module | null;
}

let defaultPcmWasm: PcmWasm | null | undefined;

/** The decoder the options ask for, or null for the plain-JS one (also on a big-endian host: the kernel's views are little-endian). */
function pcmWasm(options: PcmDecodeOptions | undefined): PcmWasm | null {
  if (!LITTLE_ENDIAN_HOST || options?.useWasm === false) return null;
  if (options?.wasm !== undefined) return options.wasm === null ? null : pcmWasmFor(options.wasm);
  if (defaultPcmWasm === undefined) {
    const module = defaultWasm('pcm');
    defaultPcmWasm = module === null ? null : pcmWasmFor(module);
  }
  return defaultPcmWasm;
}

/** Whether decodeInterleaved with these options runs the WASM decoder (for the encodings it has). */
export function usingPcmWasm(options?: PcmDecodeOptions): boolean {
  return pcmWasm(options) !== null;
}

/**
 * Decode `frames` frames of `channels` interleaved samples from `bytes` (starting at byte 0, frame stride
 * `blockAlign`) into out[c][outOffset + i]: in WASM SIMD when the module is there and the encoding is one
 * of its eight, else by decodeInterleavedJs. Same floats either way (test/audio/pcm-wasm.test.ts; a NaN
 * float sample stays NaN, its payload bits as V8's optimized JS leaves them).
 */
export function decodeInterleaved(
  bytes: Uint8Array,
  frames: number,
  channels: number,
  blockAlign: number,
  enc: SampleEncoding,
  out: Float32Array[],
  outOffset: number,
  options?: PcmDecodeOptions,
): void {
  const d = bytesHold(bytes, frames, channels, blockAlign, bytesPerSample(enc)) ? wasmDecoder(frames, channels, blockAlign, enc, out, outOffset, options) : null;
  if (d === null) {
    decodeInterleavedJs(bytes, frames, channels, blockAlign, enc, out, outOffset);
    return;
  }
  for (let f0 = 0; f0 < frames; f0 += d.chunk) {
    const n = Math.min(d.chunk, frames - f0);
    d.w.input.set(bytes.subarray(f0 * blockAlign, Math.min(bytes.length, (f0 + n) * blockAlign)));
    decodeChunk(d, n, channels, blockAlign, out, outOffset + f0);
  }
}

/**
 * The WASM decoder set up for this call, or null when it does not apply (no module, a JS-only encoding,
 * see wasmFits). Chunks of whole frames fit the input area; their floats sit in the output area at a
 * stride of a multiple of 8 (the kernel writes pairs of whole vectors).
 */
function wasmDecoder(
  frames: number,
  channels: number,
  blockAlign: number,
  enc: SampleEncoding,
  out: Float32Array[],
  outOffset: number,
  options?: PcmDecodeOptions,
): { w: PcmWasm; code: number; chunk: number; stride: number } | null {
  const code = WASM_CODES[enc];
  const w = code === undefined || frames <= 0 ? null : pcmWasm(options);
  if (w === null || !wasmFits(w, frames, channels, blockAlign, bytesPerSample(enc), out, outOffset)) return null;
  liveViews(w);
  const chunk = chunkFrames(w, frames, channels, blockAlign);
  return { w, code: code!, chunk, stride: strideFor(w, chunk, channels) };
}

/**
 * Floats between channels in the output area: a multiple of 8 (the kernel writes pairs of vectors), off
 * the multiples of 256 when it can be: a hundred channels 8 KiB apart would share the same cache sets.
 */
function strideFor(w: PcmWasm, chunk: number, channels: number): number {
  const stride = (chunk + 7) & ~7;
  return stride % 256 === 0 && (stride + 8) * channels <= w.outputFloats ? stride + 8 : stride;
}

/** Decode the n frames in the input area and copy each channel out to out[c][at...]. */
function decodeChunk(d: { w: PcmWasm; code: number; stride: number }, n: number, channels: number, blockAlign: number, out: Float32Array[], at: number): void {
  d.w.decode(n, channels, blockAlign, d.code, d.stride);
  for (let c = 0; c < channels; c++) out[c]!.set(d.w.output.subarray(c * d.stride, c * d.stride + n), at);
}

/** Frames per kernel call: whole frames that fit the input area, and a stride (a multiple of 8) per channel that fits the output area. */
function chunkFrames(w: PcmWasm, frames: number, channels: number, blockAlign: number): number {
  const perChannel = Math.floor(w.outputFloats / channels) & ~7;
  // a full area's share may be a multiple of 256 floats: one vector pair less leaves room to move the stride off it
  return Math.min(Math.floor(w.inputBytes / blockAlign), perChannel % 256 === 0 && perChannel > 8 ? perChannel - 8 : perChannel, frames);
}

/**
 * Whether the chunked WASM path applies with exactly the JS path's effect: every destination inside its
 * array (the JS path's stores would be dropped), the kernel's overreach (seven frames and 8 bytes) inside
 * the input slack, at least 8 frames of every channel per chunk.
 */
function wasmFits(
  w: PcmWasm,
  frames: number,
  channels: number,
  blockAlign: number,
  bps: number,
  out: Float32Array[],
  outOffset: number,
): boolean {
  if (channels < 1 || Math.floor(w.outputFloats / channels) < 8 || blockAlign < channels * bps || 8 * blockAlign + 8 > w.slack) return false;
  if (outOffset < 0 || out.length < channels) return false;
  for (let c = 0; c < channels; c++) if (out[c]!.length < outOffset + frames) return false;
  return true;
}

/** Every sample inside `bytes` (else the JS path's DataView throws: keep its error). */
function bytesHold(bytes: Uint8Array, frames: number, channels: number, blockAlign: number, bps: number): boolean {
  return (frames - 1) * blockAlign + channels * bps <= bytes.length;
}

/**
 * Read `frames` frames of interleaved PCM from `src` at byte `position` and decode them into
 * out[c][outOffset + i], as src.read into a buffer then decodeInterleaved would, but with the bytes read
 * straight into the WASM decoder's input area (one copy fewer), a kernel chunk per read. Returns the
 * whole frames decoded (fewer when the source comes back short: the frames of the bytes it gave), or -1
 * when the WASM decoder does not apply (its module missing, a JS-only encoding, out too short): nothing
 * read, the caller reads and decodes itself.
 */
export function readDecodeInterleaved(
  src: ByteSource,
  position: number,
  frames: number,
  channels: number,
  blockAlign: number,
  enc: SampleEncoding,
  out: Float32Array[],
  outOffset: number,
  options?: PcmDecodeOptions,
): number {
  const d = wasmDecoder(frames, channels, blockAlign, enc, out, outOffset, options);
  if (d === null) return -1;
  let done = 0;
  while (done < frames) {
    const want = Math.min(d.chunk, frames - done);
    const got = src.read(d.w.input, 0, want * blockAlign, position + done * blockAlign);
    const n = Math.floor(got / blockAlign);
    if (n > 0) {
      decodeChunk(d, n, channels, blockAlign, out, outOffset + done);
      done += n;
    }
    if (n < want) break;
  }
  return done;
}

/** The WASM decoder's code for an encoding (wasm/pcm.as.ts), or null where the plain-JS decoder reads it (or the host is big-endian). */
export function pcmKernelCode(enc: SampleEncoding): number | null {
  return LITTLE_ENDIAN_HOST ? (WASM_CODES[enc] ?? null) : null;
}

/**
 * Read `frames` frames at byte `position` into another kernel's PCM input area and decode them there
 * (PcmDecodeTarget), a chunk per read; returns the frames decoded, -1 when the encoding or the frame
 * size does not suit the kernel.
 */
export function readDecodeInto(src: ByteSource, position: number, frames: number, channels: number, blockAlign: number, enc: SampleEncoding, into: PcmDecodeTarget): number {
  const code = pcmKernelCode(enc);
  // the kernel reads up to seven frames and 8 bytes past a chunk's last frame: inside the slack
  if (code === null || 8 * blockAlign + 8 > into.slack || blockAlign > into.inputBytes) return -1;
  const chunk = Math.floor(into.inputBytes / blockAlign);
  let done = 0;
  while (done < frames) {
    const want = Math.min(chunk, frames - done);
    const got = src.read(into.input(), 0, want * blockAlign, position + done * blockAlign);
    const n = Math.floor(got / blockAlign);
    if (n > 0) {
      into.decode(done, n, channels, blockAlign, code);
      done += n;
    }
    if (n < want) break;
  }
  return done;
}

/**
 * A staging area for PCM that lies in pieces (MXF frame-wrapped elements between video): readers read
 * each piece straight into `bytes()` at a frame boundary, then decode the gathered frames in one call.
 * It is the WASM decoder's input area when that applies (no copy), else a JS buffer decoded by
 * decodeInterleavedJs: the same floats either way. Past `capacityFrames` whole frames, `bytes()` has at
 * least `spareBytes` more a read may fill (a KLV header that follows a value) and the next read
 * overwrites.
 */
export interface PcmStage {
  readonly capacityFrames: number;
  /** The area, a live view (remade if the WASM memory ever grew). */
  bytes(): Uint8Array;
  /** Decode the first `frames` frames of the area into out[c][outOffset...]. */
  decode(frames: number, out: Float32Array[], outOffset: number): void;
}

export function pcmStage(channels: number, blockAlign: number, enc: SampleEncoding, spareBytes: number, options?: PcmDecodeOptions): PcmStage {
  const code = WASM_CODES[enc];
  const w = code === undefined ? null : pcmWasm(options);
  const bps = bytesPerSample(enc);
  const capacity = w ? chunkFrames(w, Number.MAX_SAFE_INTEGER, channels, blockAlign) : 0;
  // the kernel may read 8 bytes past the last frame: the spare bytes must sit inside the slack too
  if (w && capacity >= 8 && blockAlign >= channels * bps && 8 * blockAlign + 8 <= w.slack && spareBytes <= w.slack) {
    const stride = strideFor(w, capacity, channels);
    return {
      capacityFrames: capacity,
      bytes: () => liveViews(w).input,
      decode(frames, out, outOffset) {
        if (!wasmFits(w, frames, channels, blockAlign, bps, out, outOffset)) {
          decodeInterleavedJs(liveViews(w).input, frames, channels, blockAlign, enc, out, outOffset);
          return;
        }
        decodeChunk({ w: liveViews(w), code: code!, stride }, frames, channels, blockAlign, out, outOffset);
      },
    };
  }
  const frames = Math.max(8, Math.floor((192 * 1024) / blockAlign));
  const buf = new Uint8Array(frames * blockAlign + spareBytes);
  return {
    capacityFrames: frames,
    bytes: () => buf,
    decode: (n, out, outOffset) => decodeInterleavedJs(buf, n, channels, blockAlign, enc, out, outOffset),
  };
}

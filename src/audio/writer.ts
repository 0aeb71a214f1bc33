/**
 * Writing WAV/RF64/BW64: the sample-session generator and the tests' fixtures. Streams planar blocks to
 * a temporary file and renames it into place at close, so a file is written whole or not at all.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { bytesPerSample, type SampleEncoding } from './pcm.js';

export interface WavSpec {
  sampleRate: number;
  channels: number;
  /** s16le, s24le, s32le, u8, f32le, f64le. */
  encoding: SampleEncoding;
  container?: 'wav' | 'rf64' | 'bw64';
  /** Write WAVE_FORMAT_EXTENSIBLE with this mask. */
  channelMask?: number;
  /** Extra chunks written before the data chunk (bext, iXML, ...), bodies as given (odd sizes padded). */
  chunksBeforeData?: Array<{ id: string; body: Uint8Array }>;
  chunksAfterData?: Array<{ id: string; body: Uint8Array }>;
}

const BYTES: Partial<Record<SampleEncoding, number>> = { u8: 1, s16le: 2, s24le: 3, s32le: 4, f32le: 4, f64le: 8 };

export function fmtChunk(spec: WavSpec): Uint8Array {
  const bps = BYTES[spec.encoding];
  if (!bps) throw new Error(`cannot write ${spec.encoding}`);
  const float = spec.encoding.startsWith('f');
  const tag = float ? 3 : 1;
  const extensible = spec.channelMask !== undefined;
  const b = Buffer.alloc(extensible ? 40 : 16);
  b.writeUInt16LE(extensible ? 0xfffe : tag, 0);
  b.writeUInt16LE(spec.channels, 2);
  b.writeUInt32LE(spec.sampleRate, 4);
  b.writeUInt32LE(spec.sampleRate * spec.channels * bps, 8);
  b.writeUInt16LE(spec.channels * bps, 12);
  b.writeUInt16LE(bps * 8, 14);
  if (extensible) {
    b.writeUInt16LE(22, 16);
    b.writeUInt16LE(bps * 8, 18);
    b.writeUInt32LE(spec.channelMask! >>> 0, 20);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000x-0000-0010-8000-00aa00389b71}
    Buffer.from([tag, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(b, 24);
  }
  return b;
}

function chunkBytes(id: string, body: Uint8Array): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, Buffer.from(body), body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** Encode planar float blocks as interleaved PCM (clipped to full scale, rounded to nearest). */
export function encodeInterleaved(channels: Float32Array[] | Float64Array[], frames: number, encoding: SampleEncoding): Buffer {
  const bps = BYTES[encoding]!;
  const n = channels.length;
  const out = Buffer.alloc(frames * n * bps);
  let p = 0;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      const x = channels[c]![i]!;
      switch (encoding) {
        case 'f32le':
          out.writeFloatLE(x, p);
          break;
        case 'f64le':
          out.writeDoubleLE(x, p);
          break;
        case 'u8':
          out[p] = Math.max(0, Math.min(255, Math.round(x * 128) + 128));
          break;
        case 's16le':
          out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32768))), p);
          break;
        case 's24le':
          out.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608))), p, 3);
          break;
        case 's32le':
          out.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(x * 2147483648))), p);
          break;
        default:
          throw new Error(`cannot write ${encoding}`);
      }
      p += bps;
    }
  }
  return out;
}

export class WavWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private dataBytes = 0;
  private dataSizeOffset = 0;
  private ds64Offset = -1;
  private pos = 0;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly spec: WavSpec,
  ) {
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, 'w');
    const container = spec.container ?? 'wav';
    const riffId = container === 'wav' ? 'RIFF' : container === 'rf64' ? 'RF64' : 'BW64';
    const head = Buffer.alloc(12);
    head.write(riffId, 0, 'latin1');
    head.writeUInt32LE(container === 'wav' ? 0 : 0xffffffff, 4);
    head.write('WAVE', 8, 'latin1');
    this.write(head);
    if (container !== 'wav') {
      this.ds64Offset = this.pos;
      this.write(chunkBytes('ds64', Buffer.alloc(28)));
    }
    this.write(chunkBytes('fmt ', fmtChunk(spec)));
    for (const c of spec.chunksBeforeData ?? []) this.write(chunkBytes(c.id, c.body));
    const dh = Buffer.alloc(8);
    dh.write('data', 0, 'latin1');
    dh.writeUInt32LE(container === 'wav' ? 0 : 0xffffffff, 4);
    this.dataSizeOffset = this.pos + 4;
    this.write(dh);
  }

  private write(b: Uint8Array, at?: number): void {
    writeSync(this.fd, b, 0, b.length, at ?? this.pos);
    if (at === undefined) this.pos += b.length;
  }

  /** Append `frames` frames of planar audio. */
  append(channels: Float32Array[] | Float64Array[], frames: number): void {
    this.appendEncoded(encodeInterleaved(channels, frames, this.spec.encoding));
  }

  /** Append frames already interleaved and encoded in this file's format (benchmarks copy long files so). */
  appendEncoded(bytes: Uint8Array): void {
    if ((this.spec.container ?? 'wav') === 'wav' && this.pos + bytes.length > 0xffffffff) {
      // the RIFF size fields are 32 bits: past 4 GiB the file would lie about its size. Nothing is kept.
      this.closed = true;
      closeSync(this.fd);
      unlinkSync(this.tmp);
      throw new Error(`${this.path}: a plain WAV cannot hold more than 4 GiB; write it as rf64 or bw64`);
    }
    this.write(bytes);
    this.dataBytes += bytes.length;
  }

  /** Give up: the temporary file goes, nothing is renamed into place. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    unlinkSync(this.tmp);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.dataBytes & 1) this.write(Buffer.alloc(1));
      for (const c of this.spec.chunksAfterData ?? []) this.write(chunkBytes(c.id, c.body));
      const riffSize = this.pos - 8;
      const small = Buffer.alloc(4);
      if (this.ds64Offset < 0) {
        small.writeUInt32LE(riffSize >>> 0, 0);
        this.write(small, 4);
        small.writeUInt32LE(this.dataBytes >>> 0, 0);
        this.write(small, this.dataSizeOffset);
      } else {
        const ds = Buffer.alloc(28);
        ds.writeBigUInt64LE(BigInt(riffSize), 0);
        ds.writeBigUInt64LE(BigInt(this.dataBytes), 8);
        const bps = BYTES[this.spec.encoding]!;
        ds.writeBigUInt64LE(BigInt(this.dataBytes / (bps * this.spec.channels)), 16);
        this.write(ds, this.ds64Offset + 8);
      }
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    } catch (err) {
      try {
        unlinkSync(this.tmp);
      } catch {
        // nothing left to clean
      }
      throw err;
    }
  }
}

/** Write a whole file from planar arrays (tests and small fixtures). */
export function writeWav(path: string, spec: WavSpec, channels: Float32Array[] | Float64Array[]): void {
  const w = new WavWriter(path, spec);
  w.append(channels, channels[0]?.length ?? 0);
  w.close();
}

/** encodeScaled's codes, reused across calls (one block at a time). */
let codes = new Int32Array(0);

/** Full-scale code and container shift of an integer encoding at `validBits` (20-bit in 24: shift 4). */
function intScale(encoding: SampleEncoding, validBits: number): { full: number; shift: number; containerBits: number } {
  const containerBits = bytesPerSample(encoding) * 8;
  const bits = Math.min(containerBits, Math.max(1, validBits));
  return { full: 2 ** (bits - 1), shift: 2 ** (containerBits - bits), containerBits };
}

/**
 * Planar float samples times a gain, as interleaved PCM in `out` (at byte 0): integers rounded to
 * nearest at `validBits` (left-justified in their container, as 20-bit audio in 24), no dither; floats
 * stay float. The product is taken in double and rounded once, so a 24-bit sample read as float32 (exact)
 * comes back as round(code × gain). Samples that would pass full scale are clamped and counted: a caller
 * that promises gain only refuses before that can happen, and treats a count above 0 as a failure.
 */
export function encodeScaled(
  channels: Float32Array[],
  frames: number,
  encoding: SampleEncoding,
  gain: number,
  out: Uint8Array,
  validBits = bytesPerSample(encoding) * 8,
): { bytes: number; clipped: number } {
  const n = channels.length;
  const bps = bytesPerSample(encoding);
  const bytes = frames * n * bps;
  if (out.length < bytes) throw new Error(`encodeScaled: ${out.length} bytes of room for ${bytes}`);
  let clipped = 0;
  if (encoding.startsWith('f')) {
    const view = new DataView(out.buffer, out.byteOffset, bytes);
    const little = encoding.endsWith('le');
    const wide = bps === 8;
    for (let c = 0; c < n; c++) {
      const x = channels[c]!;
      for (let i = 0, p = c * bps; i < frames; i++, p += n * bps) {
        if (wide) view.setFloat64(p, x[i]! * gain, little);
        else view.setFloat32(p, x[i]! * gain, little);
      }
    }
    return { bytes, clipped };
  }
  const { full, shift } = intScale(encoding, validBits);
  const scale = gain * full;
  const hi = full - 1;
  const lo = -full;
  // floor(y + 0.5) is Math.round(y) (ties up), put right for y just under ½; a third of its cost
  if (encoding === 's24le' && shift === 1) {
    // the delivery case, in one loop: codes straight into their bytes (Uint8Array keeps the low 8 bits)
    for (let c = 0; c < n; c++) {
      const x = channels[c]!;
      for (let i = 0, p = c * 3, stride = n * 3; i < frames; i++, p += stride) {
        const y = x[i]! * scale;
        let q = Math.floor(y + 0.5);
        if (q - y > 0.5) q--;
        if (q > hi) {
          q = hi;
          clipped++;
        } else if (q < lo) {
          q = lo;
          clipped++;
        }
        out[p] = q;
        out[p + 1] = q >> 8;
        out[p + 2] = q >> 16;
      }
    }
    return { bytes, clipped };
  }
  // the rest: 1) the codes, interleaved; 2) their bytes (two plain loops beat one with a switch per sample)
  const count = frames * n;
  if (codes.length < count) codes = new Int32Array(count);
  const q32 = codes;
  for (let c = 0; c < n; c++) {
    const x = channels[c]!;
    for (let i = 0, k = c; i < frames; i++, k += n) {
      const y = x[i]! * scale;
      let q = Math.floor(y + 0.5);
      if (q - y > 0.5) q--;
      if (q > hi) {
        q = hi;
        clipped++;
      } else if (q < lo) {
        q = lo;
        clipped++;
      }
      q32[k] = q * shift;
    }
  }
  // Uint8Array stores keep the low 8 bits of each shifted value
  let p = 0;
  switch (encoding) {
    case 's24le':
      for (let k = 0; k < count; k++, p += 3) {
        const v = q32[k]!;
        out[p] = v;
        out[p + 1] = v >> 8;
        out[p + 2] = v >> 16;
      }
      break;
    case 's16le':
      for (let k = 0; k < count; k++, p += 2) {
        const v = q32[k]!;
        out[p] = v;
        out[p + 1] = v >> 8;
      }
      break;
    case 's32le':
      for (let k = 0; k < count; k++, p += 4) {
        const v = q32[k]!;
        out[p] = v;
        out[p + 1] = v >> 8;
        out[p + 2] = v >> 16;
        out[p + 3] = v >> 24;
      }
      break;
    case 's24be':
      for (let k = 0; k < count; k++, p += 3) {
        const v = q32[k]!;
        out[p] = v >> 16;
        out[p + 1] = v >> 8;
        out[p + 2] = v;
      }
      break;
    case 's16be':
      for (let k = 0; k < count; k++, p += 2) {
        const v = q32[k]!;
        out[p] = v >> 8;
        out[p + 1] = v;
      }
      break;
    case 's32be':
      for (let k = 0; k < count; k++, p += 4) {
        const v = q32[k]!;
        out[p] = v >> 24;
        out[p + 1] = v >> 16;
        out[p + 2] = v >> 8;
        out[p + 3] = v;
      }
      break;
    case 'u8':
      for (let k = 0; k < count; k++) out[k] = q32[k]! + 128;
      break;
    case 's8':
      for (let k = 0; k < count; k++) out[k] = q32[k]!;
      break;
    default:
      throw new Error(`cannot write ${encoding}`);
  }
  return { bytes, clipped };
}

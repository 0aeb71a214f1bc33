/**
 * Byte-level builders for audio fixtures the WAV writer does not make: AIFF/AIFC, RIFF files with
 * hand-set chunk sizes (odd, past the end, 0, 0xFFFFFFFF), raw fmt bodies, bext/iXML/LIST bodies.
 * Everything is built from integers chosen by the test, so the decoded values are known exactly.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AudioSource } from '../../src/audio/types.js';

export function tempDir(prefix = 'dubstage-audio-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Read a whole source into planar Float32 arrays (small fixtures only). */
export function readAll(source: AudioSource, blockFrames = 7): Float32Array[] {
  const n = source.header.format.channels;
  const total = source.header.format.frames;
  const out = Array.from({ length: n }, () => new Float32Array(total));
  const block = Array.from({ length: n }, () => new Float32Array(blockFrames));
  let done = 0;
  for (;;) {
    const got = source.read(block, blockFrames);
    if (got === 0) break;
    for (let c = 0; c < n; c++) out[c]!.set(block[c]!.subarray(0, got), done);
    done += got;
  }
  return out;
}

// ---- RIFF ----

export interface RawChunk {
  id: string;
  body: Uint8Array;
  /** Size written in the header instead of body.length (lies about the size). */
  declaredSize?: number;
  /** Write the pad byte after an odd body (default true). */
  pad?: boolean;
}

/** A RIFF-family file from chunks in the given order; the RIFF size field is computed unless given. */
export function riffFile(chunks: RawChunk[], options: { riffId?: 'RIFF' | 'RF64' | 'BW64'; riffSize?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const h = Buffer.alloc(8);
    h.write(c.id, 0, 'latin1');
    h.writeUInt32LE((c.declaredSize ?? c.body.length) >>> 0, 4);
    parts.push(h, Buffer.from(c.body));
    if (c.body.length & 1 && c.pad !== false) parts.push(Buffer.alloc(1));
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write(options.riffId ?? 'RIFF', 0, 'latin1');
  head.writeUInt32LE((options.riffSize ?? body.length + 4) >>> 0, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** A 16-byte (or 40-byte extensible) fmt body with every field set by hand. */
export function fmtBody(f: {
  tag?: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign?: number;
  /** Extensible: mask and sub-format tag (1 PCM, 3 float). */
  channelMask?: number;
  subFormat?: number;
  validBits?: number;
}): Buffer {
  const extensible = f.channelMask !== undefined;
  const b = Buffer.alloc(extensible ? 40 : 16);
  const blockAlign = f.blockAlign ?? (f.channels * f.bits) / 8;
  b.writeUInt16LE(extensible ? 0xfffe : (f.tag ?? 1), 0);
  b.writeUInt16LE(f.channels, 2);
  b.writeUInt32LE(f.sampleRate, 4);
  b.writeUInt32LE(f.sampleRate * blockAlign, 8);
  b.writeUInt16LE(blockAlign, 12);
  b.writeUInt16LE(f.bits, 14);
  if (extensible) {
    b.writeUInt16LE(22, 16);
    b.writeUInt16LE(f.validBits ?? f.bits, 18);
    b.writeUInt32LE(f.channelMask! >>> 0, 20);
    Buffer.from([f.subFormat ?? f.tag ?? 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(b, 24);
  }
  return b;
}

/** Interleaved little-endian 16-bit integers. */
export function s16le(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeInt16LE(v, i * 2));
  return b;
}

/** ds64 body: riff size, data size, sample count, no table. */
export function ds64Body(riffSize: number, dataSize: number, sampleCount: number): Buffer {
  const b = Buffer.alloc(28);
  b.writeBigUInt64LE(BigInt(riffSize), 0);
  b.writeBigUInt64LE(BigInt(dataSize), 8);
  b.writeBigUInt64LE(BigInt(sampleCount), 16);
  return b;
}

/** EBU Tech 3285 bext v2 with every field we read. Loudness values are in LUFS/LU/dBTP (null = 0x7FFF). */
export function bextBody(b: {
  description: string;
  originator: string;
  originatorReference: string;
  originationDate: string;
  originationTime: string;
  timeReferenceSamples: number;
  loudness?: Array<number | null>;
  codingHistory?: string;
}): Buffer {
  const out = Buffer.alloc(602);
  out.write(b.description, 0, 'latin1');
  out.write(b.originator, 256, 'latin1');
  out.write(b.originatorReference, 288, 'latin1');
  out.write(b.originationDate, 320, 'latin1');
  out.write(b.originationTime, 330, 'latin1');
  out.writeUInt32LE(b.timeReferenceSamples % 2 ** 32, 338);
  out.writeUInt32LE(Math.floor(b.timeReferenceSamples / 2 ** 32), 342);
  out.writeUInt16LE(2, 346);
  const loud = b.loudness ?? [null, null, null, null, null];
  loud.forEach((v, i) => out.writeInt16LE(v === null ? 0x7fff : Math.round(v * 100), 412 + i * 2));
  return Buffer.concat([out, Buffer.from(b.codingHistory ?? '', 'latin1')]);
}

export function ixmlBody(tracks: Array<{ index: number; name: string; function?: string }>, extra = ''): Buffer {
  const t = tracks
    .map((x) => `<TRACK><CHANNEL_INDEX>${x.index}</CHANNEL_INDEX><INTERLEAVE_INDEX>${x.index}</INTERLEAVE_INDEX><NAME>${x.name}</NAME>${x.function ? `<FUNCTION>${x.function}</FUNCTION>` : ''}</TRACK>`)
    .join('');
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><BWFXML>${extra}<TRACK_LIST><TRACK_COUNT>${tracks.length}</TRACK_COUNT>${t}</TRACK_LIST></BWFXML>`, 'utf8');
}

/** LIST/INFO with NUL-terminated strings (odd lengths get their pad byte). */
export function listInfoBody(entries: Record<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.from('INFO', 'latin1')];
  for (const [id, text] of Object.entries(entries)) {
    const body = Buffer.from(`${text}\0`, 'latin1');
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    parts.push(h, body);
    if (body.length & 1) parts.push(Buffer.alloc(1));
  }
  return Buffer.concat(parts);
}

// ---- AIFF / AIFC ----

/** IEEE 754 80-bit extended, as AIFF stores the sample rate (positive integers). */
export function extended80(value: number): Buffer {
  const b = Buffer.alloc(10);
  if (value === 0) return b;
  const exp = Math.floor(Math.log2(value));
  // mantissa with the integer bit at bit 63 (exact for integer rates, which need < 53 bits)
  const m = BigInt(value) << BigInt(63 - exp);
  b.writeUInt16BE(exp + 16383, 0);
  b.writeBigUInt64BE(m, 2);
  return b;
}

export type AiffCompression = 'NONE' | 'sowt' | 'fl32' | 'fl64' | 'twos' | 'in24' | 'ima4';

export interface AiffSpec {
  container: 'aiff' | 'aifc';
  compression?: AiffCompression;
  channels: number;
  sampleRate: number;
  bits: number;
  /** Interleaved sample bytes as they go into SSND. */
  sampleBytes: Uint8Array;
  frames: number;
  /** COMM frame count override (to promise more than SSND holds). */
  declaredFrames?: number;
  /** SSND offset word (bytes skipped before the first sample). */
  ssndOffset?: number;
  chunksBefore?: Array<{ id: string; body: Uint8Array }>;
  chunksAfter?: Array<{ id: string; body: Uint8Array }>;
  /** Cut the file to this many bytes after building it. */
  truncateTo?: number;
}

function iffChunk(id: string, body: Uint8Array, declaredSize?: number): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32BE(declaredSize ?? body.length, 4);
  return Buffer.concat([h, Buffer.from(body), body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function aiffFile(spec: AiffSpec): Buffer {
  const aifc = spec.container === 'aifc';
  const comm = Buffer.alloc(aifc ? 24 : 18);
  comm.writeInt16BE(spec.channels, 0);
  comm.writeUInt32BE(spec.declaredFrames ?? spec.frames, 2);
  comm.writeInt16BE(spec.bits, 6);
  extended80(spec.sampleRate).copy(comm, 8);
  if (aifc) {
    // compression type, then an empty pstring name (count byte 0 and its pad byte)
    comm.write(spec.compression ?? 'NONE', 18, 'latin1');
  }
  const offset = spec.ssndOffset ?? 0;
  const ssndBody = Buffer.concat([Buffer.alloc(8), Buffer.alloc(offset), Buffer.from(spec.sampleBytes)]);
  ssndBody.writeUInt32BE(offset, 0);
  const parts: Buffer[] = [];
  if (aifc) {
    const fver = Buffer.alloc(4);
    fver.writeUInt32BE(0xa2805140, 0);
    parts.push(iffChunk('FVER', fver));
  }
  parts.push(iffChunk('COMM', comm));
  for (const c of spec.chunksBefore ?? []) parts.push(iffChunk(c.id, c.body));
  parts.push(iffChunk('SSND', ssndBody));
  for (const c of spec.chunksAfter ?? []) parts.push(iffChunk(c.id, c.body));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('FORM', 0, 'latin1');
  head.writeUInt32BE(body.length + 4, 4);
  head.write(aifc ? 'AIFC' : 'AIFF', 8, 'latin1');
  const whole = Buffer.concat([head, body]);
  return spec.truncateTo !== undefined ? whole.subarray(0, spec.truncateTo) : whole;
}

// ---- FLAC ----

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private nbits = 0;
  /** Write the low `n` bits of `value` (n <= 32), most significant first. */
  bits(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.nbits === 8) {
        this.bytes.push(this.acc);
        this.acc = 0;
        this.nbits = 0;
      }
    }
  }
  /** Zero-pad to a byte boundary. */
  align(): void {
    while (this.nbits !== 0) this.bits(0, 1);
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Buffer {
    this.align();
    return Buffer.from(this.bytes);
  }
}

function crc8(b: Uint8Array): number {
  let crc = 0;
  for (const x of b) {
    crc ^= x;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(b: Uint8Array): number {
  let crc = 0;
  for (const x of b) {
    crc ^= x << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const FLAC_RATE_CODES: Record<number, number> = { 44100: 0b1001, 48000: 0b1010, 96000: 0b1011 };
const FLAC_BITS_CODES: Record<number, number> = { 16: 0b100, 24: 0b110 };

/**
 * A valid FLAC stream with VERBATIM subframes only (no compression): STREAMINFO, then fixed-size
 * frames with their CRC-8 and CRC-16. Enough for a decoder to return samples we chose.
 * `planar` holds signed integers of `bits` bits; fewer than 128 frames.
 */
export function flacVerbatim(sampleRate: 44100 | 48000 | 96000, bits: 16 | 24, planar: number[][], blockSize = 256): Buffer {
  const channels = planar.length;
  const total = planar[0]!.length;
  const info = new BitWriter();
  info.bits(blockSize, 16);
  info.bits(blockSize, 16);
  info.bits(0, 24);
  info.bits(0, 24);
  info.bits(sampleRate, 20);
  info.bits(channels - 1, 3);
  info.bits(bits - 1, 5);
  info.bits(Math.floor(total / 2 ** 32), 4);
  info.bits(total % 2 ** 32, 32);
  for (let i = 0; i < 4; i++) info.bits(0, 32);
  const streaminfo = info.done();
  const meta = Buffer.alloc(4);
  meta[0] = 0x80; // last metadata block, type 0
  meta.writeUIntBE(streaminfo.length, 1, 3);
  const frames: Buffer[] = [];
  for (let start = 0, n = 0; start < total; start += blockSize, n++) {
    const size = Math.min(blockSize, total - start);
    const h = new BitWriter();
    h.bits(0b11111111111110, 14);
    h.bits(0, 1);
    h.bits(0, 1); // fixed block size
    h.bits(0b0111, 4); // block size - 1 in 16 bits at the end of the header
    h.bits(FLAC_RATE_CODES[sampleRate]!, 4);
    h.bits(channels - 1, 4); // independent channels
    h.bits(FLAC_BITS_CODES[bits]!, 3);
    h.bits(0, 1);
    h.bits(n, 8); // frame number, UTF-8 coded (one byte below 128)
    h.bits(size - 1, 16);
    const header = h.done();
    const body = new BitWriter();
    for (let c = 0; c < channels; c++) {
      body.bits(0, 1);
      body.bits(0b000001, 6); // VERBATIM
      body.bits(0, 1);
      for (let i = 0; i < size; i++) {
        const v = planar[c]![start + i]!;
        body.bits(v < 0 ? v + 2 ** bits : v, bits);
      }
    }
    const frame = Buffer.concat([header, Buffer.from([crc8(header)]), body.done()]);
    const crc = Buffer.alloc(2);
    crc.writeUInt16BE(crc16(frame), 0);
    frames.push(frame, crc);
  }
  return Buffer.concat([Buffer.from('fLaC', 'latin1'), meta, streaminfo, ...frames]);
}

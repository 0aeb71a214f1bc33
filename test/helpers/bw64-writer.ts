/**
 * A small RIFF/BW64 writer for tests: PCM fmt, data, and any extra chunks (axml, chna, dbmd, iXML)
 * before or after the data, with the RIFF pad byte. `sizeOverride` writes a chunk header that lies
 * about its size (for the "chunk claims more bytes than the file holds" cases).
 */
import { writeFileSync } from 'node:fs';

export interface ExtraChunk {
  id: string;
  data: Uint8Array;
  /** Size to write in the header instead of data.length. */
  sizeOverride?: number;
}

export interface Bw64Spec {
  form?: 'RIFF' | 'BW64';
  sampleRate: number;
  /** 32: IEEE float (format tag 3), the samples written as they are (NaN and ±Inf too). */
  bitDepth: 16 | 24 | 32;
  channelCount: number;
  /** Planar samples in [-1, 1); all the same length. Omit for silence of `frames` frames. */
  samples?: Float32Array[];
  frames?: number;
  before?: ExtraChunk[];
  after?: ExtraChunk[];
}

export interface WrittenChunk {
  id: string;
  offset: number;
  dataOffset: number;
  size: number;
}

function chunkBytes(id: string, data: Uint8Array, sizeOverride?: number): Buffer {
  const pad = data.length & 1;
  const out = Buffer.alloc(8 + data.length + pad);
  out.write(id.padEnd(4, ' '), 0, 'latin1');
  out.writeUInt32LE(sizeOverride ?? data.length, 4);
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8);
  return out;
}

function pcm(spec: Bw64Spec): Buffer {
  const frames = spec.samples ? (spec.samples[0]?.length ?? 0) : (spec.frames ?? 0);
  const bytes = spec.bitDepth / 8;
  const out = Buffer.alloc(frames * spec.channelCount * bytes);
  if (!spec.samples) return out;
  const full = 2 ** (spec.bitDepth - 1);
  let at = 0;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < spec.channelCount; c++) {
      if (bytes === 4) {
        out.writeFloatLE(spec.samples[c]![i]!, at);
        at += bytes;
        continue;
      }
      const v = Math.max(-full, Math.min(full - 1, Math.round(spec.samples[c]![i]! * full)));
      if (bytes === 2) out.writeInt16LE(v, at);
      else out.writeIntLE(v, at, 3);
      at += bytes;
    }
  }
  return out;
}

/** Write the file; returns the chunk table as written (offsets of headers and bodies). */
export function writeBw64(path: string, spec: Bw64Spec): WrittenChunk[] {
  const blockAlign = (spec.channelCount * spec.bitDepth) / 8;
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(spec.bitDepth === 32 ? 3 : 1, 0);
  fmt.writeUInt16LE(spec.channelCount, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(spec.bitDepth, 14);
  const list: ExtraChunk[] = [{ id: 'fmt ', data: fmt }, ...(spec.before ?? []), { id: 'data', data: pcm(spec) }, ...(spec.after ?? [])];
  const parts: Buffer[] = [];
  const table: WrittenChunk[] = [];
  let offset = 12;
  for (const c of list) {
    const b = chunkBytes(c.id, c.data, c.sizeOverride);
    table.push({ id: c.id, offset, dataOffset: offset + 8, size: c.sizeOverride ?? c.data.length });
    parts.push(b);
    offset += b.length;
  }
  const head = Buffer.alloc(12);
  head.write(spec.form ?? 'RIFF', 0, 'latin1');
  head.writeUInt32LE(offset - 8, 4);
  head.write('WAVE', 8, 'latin1');
  writeFileSync(path, Buffer.concat([head, ...parts]));
  return table;
}

/**
 * Test Wave64 files as Sound Forge, Pyramix and libsndfile write them: the 'riff' GUID with the file's
 * 64-bit size, the 'wave' GUID, then chunks named by GUID with 64-bit sizes that count their own
 * 24-byte header, each padded to an 8-byte boundary. 24-bit PCM (or 32-bit float), an optional bext
 * (TimeReference) and channel mask (WAVE_FORMAT_EXTENSIBLE).
 */
import fs from 'node:fs';
import { bextChunk } from './wav-writer.js';

const RIFF_GUID = [0x72, 0x69, 0x66, 0x66, 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00];
const TAIL = [0xf3, 0xac, 0xd3, 0x11, 0x8c, 0xd1, 0x00, 0xc0, 0x4f, 0x8e, 0xdb, 0x8a];

export interface TestW64 {
  sampleRate?: number;
  channels: Float32Array[];
  float?: boolean;
  channelMask?: number;
  timeReferenceSamples?: number;
  /** Cut the file this many bytes short of what its data chunk declares. */
  truncateBytes?: number;
}

function chunk(id: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(24);
  head.write(id, 0, 'latin1');
  Buffer.from(TAIL).copy(head, 4);
  head.writeBigUInt64LE(BigInt(24 + body.length), 16);
  return Buffer.concat([head, body, Buffer.alloc((8 - (body.length % 8)) % 8)]);
}

export function w64Bytes(w: TestW64): Buffer {
  const rate = w.sampleRate ?? 48000;
  const n = w.channels.length;
  const frames = w.channels[0]!.length;
  const bytesPer = w.float ? 4 : 3;
  const extensible = w.channelMask !== undefined;
  const fmt = Buffer.alloc(extensible ? 40 : 16);
  fmt.writeUInt16LE(extensible ? 0xfffe : w.float ? 3 : 1, 0);
  fmt.writeUInt16LE(n, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * n * bytesPer, 8);
  fmt.writeUInt16LE(n * bytesPer, 12);
  fmt.writeUInt16LE(bytesPer * 8, 14);
  if (extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bytesPer * 8, 18);
    fmt.writeUInt32LE(w.channelMask!, 20);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT
    Buffer.from([w.float ? 3 : 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(fmt, 24);
  }
  const data = Buffer.alloc(frames * n * bytesPer);
  for (let i = 0, o = 0; i < frames; i++) {
    for (let c = 0; c < n; c++, o += bytesPer) {
      const v = w.channels[c]![i]!;
      if (w.float) data.writeFloatLE(v, o);
      else data.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(v * 8388608))), o, 3);
    }
  }
  const chunks = [chunk('fmt ', fmt)];
  if (w.timeReferenceSamples !== undefined) chunks.push(chunk('bext', bextChunk('', w.timeReferenceSamples)));
  chunks.push(chunk('data', data));
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(40);
  Buffer.from(RIFF_GUID).copy(head, 0);
  head.writeBigUInt64LE(BigInt(40 + body.length), 16);
  head.write('wave', 24, 'latin1');
  Buffer.from(TAIL).copy(head, 28);
  const out = Buffer.concat([head, body]);
  return w.truncateBytes ? out.subarray(0, out.length - w.truncateBytes - ((8 - (data.length % 8)) % 8)) : out;
}

export function writeTestW64(file: string, w: TestW64): void {
  fs.writeFileSync(file, w64Bytes(w));
}

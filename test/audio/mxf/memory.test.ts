// A 100 GB MXF opens in flat memory: a clip-wrapped file whose essence is synthesized on the fly by a
// ByteSource (never held), opened, read at its start and its end, and the reader's memory stays small.
import { describe, expect, it } from 'vitest';
import { openMxfTrack, readMxf } from '../../../src/audio/mxf/index.js';
import type { ByteSource } from '../../../src/audio/types.js';
import { buildMxf, testPcm } from './mxf-writer.js';

const ESSENCE_BYTES = 100e9 - (100e9 % 18); // 100 GB of 5.1 24-bit frames

function hugeMxf(): { src: ByteSource; reads: number[] } {
  const small = buildMxf({ pattern: 'OP1a', wrapping: 'clip', audio: [{ bits: 24, channels: 6, pcm: testPcm(4800, 6, 24) }] });
  const valueAt = small.audioValueOffsets[0]!;
  const keyAt = valueAt - 21; // 16-byte key, 5-byte BER length (0x84 + 4 bytes)
  const smallLength = small.bytes.readUInt32BE(keyAt + 17);
  const kl = Buffer.alloc(25);
  small.bytes.copy(kl, 0, keyAt, keyAt + 16);
  kl[16] = 0x88;
  kl.writeBigUInt64BE(BigInt(ESSENCE_BYTES), 17);
  const prefix = Buffer.concat([small.bytes.subarray(0, keyAt), kl]);
  const suffix = small.bytes.subarray(valueAt + smallLength);
  const size = prefix.length + ESSENCE_BYTES + suffix.length;
  const reads: number[] = [];
  const byteAt = (i: number) => (i * 131) & 0xff; // the essence: a byte pattern, computed
  return {
    reads,
    src: {
      name: 'huge.mxf',
      size,
      read(buf, offset, length, position) {
        reads.push(length);
        let n = 0;
        for (; n < length && position + n < size; n++) {
          const p = position + n;
          buf[offset + n] = p < prefix.length ? prefix[p]! : p < prefix.length + ESSENCE_BYTES ? byteAt(p - prefix.length) : suffix[p - prefix.length - ESSENCE_BYTES]!;
        }
        return n;
      },
      close() {},
    },
  };
}

describe('a 100 GB MXF', () => {
  it('opens and reads at both ends in flat memory, touching a few KB besides what is read', () => {
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const { src, reads } = hugeMxf();
    const info = readMxf(src);
    expect(info.audioTracks[0]!.frames).toBe(ESSENCE_BYTES / 18);
    expect(info.audioTracks[0]!.wrapping).toBe('clip');
    // the walk read KLV headers and metadata, never the essence
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(200_000);
    const { source } = openMxfTrack(src, 'huge.mxf', null, { useWasm: false }, info);
    const out = Array.from({ length: 6 }, () => new Float32Array(4800));
    expect(source.read(out, 4800)).toBe(4800);
    source.seek(source.header.format.frames - 100);
    expect(source.read(out, 4800)).toBe(100);
    expect(source.read(out, 4800)).toBe(0);
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(32 * 1024 * 1024);
    expect(source.header.format.durationSeconds).toBeGreaterThan(100e9 / 18 / 48000 - 1);
  });
});

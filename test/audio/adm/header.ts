/**
 * Test-only: an AudioHeader for a RIFF/BW64 file from a few positional reads (fmt and the chunk
 * table), standing in for src/audio's reader so the ADM tests do not depend on it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { AudioHeader, ChunkInfo } from '../../../src/audio/types.js';

export function testHeader(path: string): AudioHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(8);
    const chunks: ChunkInfo[] = [];
    let pos = 12;
    while (pos + 8 <= size) {
      readSync(fd, head, 0, 8, pos);
      const id = head.toString('latin1', 0, 4);
      const len = head.readUInt32LE(4);
      chunks.push({ id, offset: pos, dataOffset: pos + 8, size: len });
      pos += 8 + len + (len & 1);
    }
    const fmtChunk = chunks.find((c) => c.id === 'fmt ')!;
    const fmt = Buffer.alloc(16);
    readSync(fd, fmt, 0, 16, fmtChunk.dataOffset);
    const channels = fmt.readUInt16LE(2);
    const sampleRate = fmt.readUInt32LE(4);
    const blockAlign = fmt.readUInt16LE(12);
    const bitDepth = fmt.readUInt16LE(14);
    const data = chunks.find((c) => c.id === 'data')!;
    const dataBytes = Math.min(data.size, size - data.dataOffset);
    const frames = Math.floor(dataBytes / blockAlign);
    const has = (id: string): boolean => chunks.some((c) => c.id === id);
    return {
      path,
      format: {
        container: 'wav',
        sampleRate,
        bitDepth,
        sampleFormat: 'int',
        channels,
        channelLabels: [],
        labelSource: 'unknown',
        frames,
        durationSeconds: frames / sampleRate,
      },
      channelMask: null,
      codec: '1',
      blockAlign,
      dataOffset: data.dataOffset,
      dataBytes,
      bigEndian: false,
      chunks,
      bext: null,
      ixml: null,
      info: {},
      hasAxml: has('axml'),
      hasChna: has('chna'),
      hasDbmd: has('dbmd'),
      warnings: [],
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Apple Core Audio Format (CAF) with linear PCM, as a Dolby Atmos master set's `.atmos.audio`: the
 * 'caff' file header (version 1), then chunks of a 4-character type and a signed 64-bit big-endian
 * size; 'desc' (32 bytes: sample rate f64, format id 'lpcm', format flags — bit 0 float, bit 1 little
 * endian —, bytes per packet, frames per packet, channels per frame, bits per channel) and 'data'
 * (a 4-byte edit count, then interleaved frames; size -1 = to the end of the file). Every field is
 * checked with its byte offset before anything is sized by it. The samples stream through the same
 * PcmSource as WAV and AIFF (positional reads, the WASM decoder).
 */
import { DubstageError } from '../../errors.js';
import { readBytes } from '../bytesource.js';
import { bytesPerSample, type SampleEncoding } from '../pcm.js';
import { checkChannels, checkSampleRate } from '../limits.js';
import type { AudioHeader, ByteSource, ChunkInfo } from '../types.js';
import { noBwfMetadata } from '../types.js';

export interface CafHeader extends AudioHeader {
  encoding: SampleEncoding;
}

const MAX_CHUNKS = 4096;

export function isCaf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x63 && head[1] === 0x61 && head[2] === 0x66 && head[3] === 0x66; // 'caff'
}

const FLAG_FLOAT = 1;
const FLAG_LITTLE_ENDIAN = 2;

export function readCafHeader(src: ByteSource): CafHeader {
  const name = src.name;
  const fail = (code: 'not-audio' | 'bad-chunk' | 'missing-fmt' | 'unsupported-codec' | 'bad-format' | 'truncated', message: string, byteOffset: number, field?: string): never => {
    throw new DubstageError({ code, message: `${name}: ${message}`, path: name, byteOffset, ...(field ? { field } : {}) });
  };
  const head = readBytes(src, 0, 8);
  if (head.length < 8 || !isCaf(head)) fail('not-audio', `not a CAF file (expected 'caff' at byte 0)`, 0);
  const version = head.readUInt16BE(4);
  if (version !== 1) fail('bad-format', `CAF file version ${version} at byte 4 (expected 1)`, 4, 'mFileVersion');
  const chunks: ChunkInfo[] = [];
  const warnings: string[] = [];
  let desc: { at: number; body: Buffer } | null = null;
  let data: { at: number; start: number; bytes: number; declared: number | null } | null = null;
  let pos = 8;
  while (pos + 12 <= src.size) {
    if (chunks.length >= MAX_CHUNKS) fail('bad-chunk', `more than ${MAX_CHUNKS} chunks (at byte ${pos}); not a CAF file dubstage can trust`, pos);
    const h = readBytes(src, pos, 12);
    const id = h.toString('latin1', 0, 4);
    const size = Number(h.readBigInt64BE(4));
    if (!/^[\x20-\x7e]{4}$/.test(id)) fail('bad-chunk', `garbage where a CAF chunk header was expected at byte ${pos}`, pos);
    const body = pos + 12;
    if (size < -1 || (size === -1 && id !== 'data')) fail('bad-chunk', `CAF '${id}' chunk at byte ${pos} declares a size of ${size} bytes`, pos + 4, 'mChunkSize');
    chunks.push({ id, offset: pos, dataOffset: body, size: size === -1 ? src.size - body : size });
    if (id === 'desc') {
      if (size !== 32) fail('bad-chunk', `CAF desc chunk at byte ${pos} is ${size} bytes, expected 32`, pos + 4, 'mChunkSize');
      if (body + 32 > src.size) fail('truncated', `the file ends at byte ${src.size} inside the CAF desc chunk at byte ${pos}`, src.size);
      desc = { at: body, body: readBytes(src, body, 32) };
    } else if (id === 'data') {
      if (body + 4 > src.size) fail('truncated', `the file ends at byte ${src.size} inside the CAF data chunk header at byte ${pos}`, src.size);
      const declared = size === -1 ? null : size - 4;
      if (declared !== null && declared < 0) fail('bad-chunk', `CAF data chunk at byte ${pos} is ${size} bytes: shorter than its 4-byte edit count`, pos + 4, 'mChunkSize');
      const present = src.size - body - 4;
      if (declared !== null && declared > present) warnings.push(`CAF data chunk at byte ${pos} declares ${declared} bytes of audio but the file holds ${present}: measured as far as it goes`);
      data = { at: pos, start: body + 4, bytes: declared === null ? present : Math.min(declared, present), declared };
      if (size === -1) break; // runs to the end of the file (a file still being written)
    }
    if (size > src.size - body) break;
    pos = body + size;
  }
  if (!desc) return fail('missing-fmt', 'CAF file without a desc chunk (the audio description)', 8);
  const d = desc.body;
  const at = desc.at;
  const sampleRate = d.readDoubleBE(0);
  const formatId = d.toString('latin1', 8, 12);
  const flags = d.readUInt32BE(12);
  const bytesPerPacket = d.readUInt32BE(16);
  const framesPerPacket = d.readUInt32BE(20);
  const channels = d.readUInt32BE(24);
  const bits = d.readUInt32BE(28);
  const where = `CAF desc chunk at byte ${at - 12}`;
  if (formatId !== 'lpcm') fail('unsupported-codec', `${where}: format '${formatId.replace(/[^\x20-\x7e]/g, '.')}' at byte ${at + 8} is not linear PCM ('lpcm')`, at + 8, 'mFormatID');
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate) || Math.round(sampleRate) !== sampleRate) fail('bad-format', `${where}: sample rate ${sampleRate} at byte ${at} is not a whole positive number`, at, 'mSampleRate');
  checkChannels(name, channels, 'desc.mChannelsPerFrame', at + 24, where);
  checkSampleRate(name, sampleRate, 'desc.mSampleRate', at, where);
  const float = (flags & FLAG_FLOAT) !== 0;
  const little = (flags & FLAG_LITTLE_ENDIAN) !== 0;
  const table: Record<string, SampleEncoding | undefined> = {
    'i16b': 's16be', 'i16l': 's16le', 'i24b': 's24be', 'i24l': 's24le', 'i32b': 's32be', 'i32l': 's32le',
    'f32b': 'f32be', 'f32l': 'f32le', 'f64b': 'f64be', 'f64l': 'f64le',
  };
  const encoding = table[`${float ? 'f' : 'i'}${bits}${little ? 'l' : 'b'}`];
  if (!encoding) return fail('unsupported-codec', `${where}: ${bits}-bit ${float ? 'float' : 'integer'} PCM (bits per channel at byte ${at + 28}) is not supported (16, 24 or 32-bit integer; 32 or 64-bit float)`, at + 28, 'mBitsPerChannel');
  const blockAlign = channels * bytesPerSample(encoding);
  if (framesPerPacket !== 1) fail('bad-format', `${where}: ${framesPerPacket} frames per packet at byte ${at + 20} (linear PCM has 1)`, at + 20, 'mFramesPerPacket');
  if (bytesPerPacket !== blockAlign) fail('bad-format', `${where}: ${bytesPerPacket} bytes per packet at byte ${at + 16}, but ${channels} channels of ${bits} bits make ${blockAlign}`, at + 16, 'mBytesPerPacket');
  if (!data) return fail('truncated', `CAF file without a data chunk (the file ends at byte ${src.size})`, src.size);
  const frames = Math.floor(data.bytes / blockAlign);
  return {
    path: name,
    format: { container: 'caf', sampleRate, bitDepth: bits, sampleFormat: float ? 'float' : 'int', channels, channelLabels: [], labelSource: 'unknown', frames, durationSeconds: frames / sampleRate },
    channelMask: null,
    codec: 'lpcm',
    blockAlign,
    dataOffset: data.start,
    dataBytes: frames * blockAlign,
    bigEndian: !little,
    chunks,
    ...noBwfMetadata(),
    warnings,
    encoding,
  };
}

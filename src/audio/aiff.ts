/**
 * AIFF and AIFC headers (big-endian IFF): COMM gives channels, frames, bits and the 80-bit extended
 * sample rate; SSND holds the samples after its offset/blockSize words.
 */
import { DubstageError } from '../errors.js';
import { readBytes } from './bytesource.js';
import { MAX_CHUNKS, truncation } from './riff.js';
import { checkChannels, checkSampleRate } from './limits.js';
import { bytesPerSample, type SampleEncoding } from './pcm.js';
import type { AudioHeader, ByteSource, ChunkInfo, Container } from './types.js';

export interface AiffHeader extends AudioHeader {
  encoding: SampleEncoding;
}

export function isAiff(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  const s = Buffer.from(head.subarray(0, 12)).toString('latin1');
  return s.startsWith('FORM') && (s.slice(8) === 'AIFF' || s.slice(8) === 'AIFC');
}

/** IEEE 754 80-bit extended (as AIFF stores the sample rate). */
export function readExtended(b: Buffer, at: number): number {
  const exp = b.readUInt16BE(at) & 0x7fff;
  const sign = b[at]! & 0x80 ? -1 : 1;
  const hi = b.readUInt32BE(at + 2);
  const lo = b.readUInt32BE(at + 6);
  if (exp === 0 && hi === 0 && lo === 0) return 0;
  return sign * (hi * 2 ** (exp - 16383 - 31) + lo * 2 ** (exp - 16383 - 63));
}

export function readAiffHeader(src: ByteSource): AiffHeader {
  const name = src.name;
  const fail = (code: 'not-audio' | 'bad-chunk' | 'missing-fmt' | 'unsupported-codec' | 'bad-format' | 'truncated', message: string, byteOffset: number): never => {
    throw new DubstageError({ code, message: `${name}: ${message}`, path: name, byteOffset });
  };
  const head = readBytes(src, 0, 12);
  if (!isAiff(head)) fail('not-audio', `not an AIFF/AIFC file (expected 'FORM' .... 'AIFF' or 'AIFC' at byte 0)`, 0);
  const container: Container = head.toString('latin1', 8, 12) === 'AIFC' ? 'aifc' : 'aiff';
  const chunks: ChunkInfo[] = [];
  const warnings: string[] = [];
  let comm: Buffer | null = null;
  let commOffset = 0;
  let ssnd: ChunkInfo | null = null;
  let ssndDataStart = 0;
  let ssndCut = false;
  const info: Record<string, string> = {};
  let pos = 12;
  while (pos + 8 <= src.size) {
    if (chunks.length >= MAX_CHUNKS) {
      if (ssnd && comm) {
        warnings.push(`more than ${MAX_CHUNKS} chunks; the rest from byte ${pos} ignored`);
        break;
      }
      fail('bad-chunk', `more than ${MAX_CHUNKS} chunks before the audio was found (at byte ${pos}); not an AIFF file dubstage can trust`, pos);
    }
    const hdr = readBytes(src, pos, 8);
    const id = hdr.toString('latin1', 0, 4);
    const size = hdr.readUInt32BE(4);
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      if (ssnd && comm) break;
      fail('bad-chunk', `garbage where a chunk header was expected at byte ${pos}`, pos);
    }
    const chunk: ChunkInfo = { id, offset: pos, dataOffset: pos + 8, size };
    chunks.push(chunk);
    if (id === 'COMM') {
      comm = readBytes(src, pos + 8, Math.min(size, 1024));
      commOffset = pos;
    } else if (id === 'SSND') {
      const words = readBytes(src, pos + 8, 8);
      if (words.length < 8) fail('truncated', `SSND chunk at byte ${pos} is cut short`, pos);
      ssndDataStart = pos + 16 + words.readUInt32BE(0);
      ssnd = chunk;
      if (pos + 8 + size > src.size) {
        warnings.push(`SSND chunk at byte ${pos} declares ${size} bytes but the file ends after ${src.size - pos - 8}: ${pos + 8 + size - src.size} bytes missing; measured as far as it goes`);
        chunk.size = src.size - pos - 8;
        ssndCut = true;
        break;
      }
    } else if (pos + 8 + size > src.size) {
      if (ssnd && comm) {
        warnings.push(`'${id}' chunk at byte ${pos} runs past the end of the file; ignored`);
        break;
      }
      fail('bad-chunk', `'${id}' chunk at byte ${pos} declares ${size} bytes, past the end of the file (${src.size - pos - 8} left)`, pos);
    } else if ((id === 'NAME' || id === 'AUTH' || id === '(c) ' || id === 'ANNO') && size < 65536) {
      info[id] = readBytes(src, pos + 8, size).toString('latin1').replace(/\0+$/, '');
    }
    pos += 8 + size + (size & 1);
  }
  if (!comm) fail('missing-fmt', `no COMM chunk (expected the format description before the end of the file)`, 12);
  const c = comm!;
  if (c.length < 18) fail('bad-chunk', `COMM chunk at byte ${commOffset} is ${c.length} bytes; 18 expected`, commOffset);
  const channels = c.readInt16BE(0);
  const declaredFrames = c.readUInt32BE(2);
  const bits = c.readInt16BE(6);
  const sampleRate = Math.round(readExtended(c, 8));
  const where = `COMM chunk at byte ${commOffset}`;
  if (channels <= 0) fail('bad-format', `COMM chunk at byte ${commOffset} says ${channels} channels`, commOffset + 8);
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) fail('bad-format', `COMM chunk at byte ${commOffset} says a sample rate of ${sampleRate}`, commOffset + 16);
  // every field is checked before anything downstream is sized by it (the body starts 8 bytes in)
  checkChannels(name, channels, 'COMM.numChannels', commOffset + 8, where);
  checkSampleRate(name, sampleRate, 'COMM.sampleRate', commOffset + 16, where);
  let compression = 'NONE';
  if (container === 'aifc') {
    if (c.length < 22) fail('bad-chunk', `AIFC COMM chunk at byte ${commOffset} lacks its compression type`, commOffset);
    compression = c.toString('latin1', 18, 22);
  }
  const bytesPer = Math.ceil(bits / 8);
  let encoding: SampleEncoding | undefined;
  let sampleFormat: 'int' | 'float' = 'int';
  let bitDepth = bits;
  switch (compression) {
    case 'NONE':
    case 'twos':
      encoding = ({ 1: 's8', 2: 's16be', 3: 's24be', 4: 's32be' } as Record<number, SampleEncoding>)[bytesPer];
      break;
    case 'sowt':
      encoding = ({ 1: 's8', 2: 's16le', 3: 's24le', 4: 's32le' } as Record<number, SampleEncoding>)[bytesPer];
      break;
    case 'in24':
      encoding = 's24be';
      bitDepth = 24;
      break;
    case 'in32':
      encoding = 's32be';
      bitDepth = 32;
      break;
    case 'raw ':
      encoding = 'u8';
      bitDepth = 8;
      break;
    case 'fl32':
    case 'FL32':
      encoding = 'f32be';
      sampleFormat = 'float';
      bitDepth = 32;
      break;
    case 'fl64':
    case 'FL64':
      encoding = 'f64be';
      sampleFormat = 'float';
      bitDepth = 64;
      break;
  }
  if (!encoding) {
    return fail('unsupported-codec', `COMM chunk at byte ${commOffset}: AIFC compression '${compression}' with ${bits} bits is not supported (NONE, sowt, in24, in32, fl32, fl64 expected)`, commOffset + 26);
  }
  if (ssnd && ssndDataStart > ssnd.dataOffset + ssnd.size) {
    const at = ssnd.offset + 8;
    throw new DubstageError({ code: 'bad-chunk', message: `${name}: SSND chunk at byte ${ssnd.offset}: sample data offset (SSND.offset, byte ${at}) is ${ssndDataStart - ssnd.offset - 16}, past the end of the ${ssnd.size}-byte chunk`, path: name, byteOffset: at, field: 'SSND.offset' });
  }
  if (!ssnd) {
    if (declaredFrames === 0) {
      warnings.push('no SSND chunk: the file holds no audio');
    } else fail('truncated', `no SSND chunk (the file ends at byte ${src.size}; COMM promised ${declaredFrames} frames)`, src.size);
  }
  const blockAlign = channels * bytesPerSample(encoding);
  const available = ssnd ? Math.max(0, ssnd.dataOffset + ssnd.size - ssndDataStart) : 0;
  let frames = Math.min(declaredFrames, Math.floor(available / blockAlign));
  // a cut-short SSND was already reported with its missing bytes; this is for a whole SSND that is too small
  if (frames < declaredFrames && !ssndCut) {
    warnings.push(`COMM promises ${declaredFrames} frames but SSND holds ${frames}: ${(declaredFrames - frames) * blockAlign} bytes missing; measured as far as it goes`);
  }
  if (!Number.isFinite(frames)) frames = 0;
  return {
    path: name,
    format: {
      container,
      sampleRate,
      bitDepth,
      sampleFormat,
      channels,
      channelLabels: [],
      labelSource: 'unknown',
      frames,
      durationSeconds: frames / sampleRate,
      ...(frames < declaredFrames ? { truncation: truncation(declaredFrames, frames, blockAlign, sampleRate) } : {}),
    },
    channelMask: null,
    codec: compression,
    blockAlign,
    dataOffset: ssndDataStart,
    dataBytes: frames * blockAlign,
    bigEndian: !encoding.endsWith('le'),
    chunks,
    bext: null,
    ixml: null,
    info,
    hasAxml: false,
    hasChna: false,
    hasDbmd: false,
    warnings,
    encoding,
  };
}

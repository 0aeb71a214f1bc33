/**
 * Sony Wave64 (.w64) headers: RIFF's layout with 64-bit sizes, so one file holds more than 4 GiB
 * (Sound Forge, Vegas, Pyramix, Nuendo and libsndfile write it for long multichannel prints). Chunks
 * are named by 16-byte GUIDs (a chunk's four letters, then a fixed tail), sized by a 64-bit
 * little-endian count that includes the 24-byte chunk header, and start on 8-byte boundaries. The
 * body of 'fmt ' is a WAVEFORMATEX as in WAV. Walked with positional reads, never loading the samples.
 */
import { DubstageError, type ErrorCode } from '../errors.js';
import { readBytes } from './bytesource.js';
import { decodeFmt, MAX_CHUNKS, parseBext, parseIxml, type RiffHeader } from './riff.js';
import type { BextInfo, ByteSource, ChunkInfo, IxmlInfo } from './types.js';

/** The tail of the file's 'riff' GUID {66666972-912E-11CF-A5D6-28DB04C10000}. */
const RIFF_TAIL = [0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00];
/** The tail of every other standard GUID ('wave', 'fmt ', 'data', 'bext', ...: {xxxxxxxx-ACF3-11D3-8CD1-00C04F8EDB8A}). */
const CHUNK_TAIL = [0xf3, 0xac, 0xd3, 0x11, 0x8c, 0xd1, 0x00, 0xc0, 0x4f, 0x8e, 0xdb, 0x8a];
const HEADER_BYTES = 24;
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

const WAVE_FORMAT_PCM = 0x0001;

function tailIs(buf: Uint8Array, at: number, tail: number[], length = tail.length): boolean {
  for (let i = 0; i < length; i++) if (buf[at + i] !== tail[i]) return false;
  return true;
}

/** The first 12 bytes (all that open.ts sniffs) are 'riff' and the start of its GUID's tail. */
export function isWave64(head: Uint8Array): boolean {
  return head.length >= 12 && head[0] === 0x72 && head[1] === 0x69 && head[2] === 0x66 && head[3] === 0x66 && tailIs(head, 4, RIFF_TAIL, 8);
}

/** A chunk GUID as a name: its four letters when it has the standard tail, else the GUID in hex. */
function chunkName(guid: Uint8Array): string {
  const letters = String.fromCharCode(guid[0]!, guid[1]!, guid[2]!, guid[3]!);
  if (tailIs(guid, 4, CHUNK_TAIL) && /^[\x20-\x7e]{4}$/.test(letters)) return letters;
  if (tailIs(guid, 4, RIFF_TAIL) || (letters === 'list' && guid[4] === 0x2f)) return letters;
  return Buffer.from(guid).toString('hex');
}

export function readWave64Header(src: ByteSource): RiffHeader {
  const name = src.name;
  const fail = (code: ErrorCode, message: string, byteOffset: number): never => {
    throw new DubstageError({ code, message: `${name}: ${message}`, path: name, byteOffset });
  };
  const fileSize = src.size;
  const head = readBytes(src, 0, 40);
  if (head.length < 40) fail('truncated', `file is ${fileSize} bytes; a Wave64 header needs at least 40`, 0);
  if (!isWave64(head) || !tailIs(head, 4, RIFF_TAIL)) fail('not-audio', `not a Wave64 file (expected the 'riff' GUID at byte 0)`, 0);
  if (!(head[24] === 0x77 && head[25] === 0x61 && head[26] === 0x76 && head[27] === 0x65 && tailIs(head, 28, CHUNK_TAIL))) {
    fail('not-audio', `a Wave64 'riff' header without the 'wave' GUID at byte 24`, 24);
  }
  const warnings: string[] = [];
  const declared = Number(head.readBigUInt64LE(16));
  if (declared !== fileSize) warnings.push(`the 'riff' header declares ${declared} bytes but the file is ${fileSize}`);

  const chunks: ChunkInfo[] = [];
  let fmt: Buffer | null = null;
  let fmtOffset = 0;
  let data: ChunkInfo | null = null;
  let bext: BextInfo | null = null;
  let ixml: IxmlInfo | null = null;
  let pos = 40;
  while (pos + HEADER_BYTES <= fileSize) {
    if (chunks.length >= MAX_CHUNKS) {
      if (data && fmt) {
        warnings.push(`more than ${MAX_CHUNKS} chunks; the rest from byte ${pos} ignored`);
        break;
      }
      fail('bad-chunk', `more than ${MAX_CHUNKS} chunks before the audio was found (at byte ${pos})`, pos);
    }
    const hdr = readBytes(src, pos, HEADER_BYTES);
    const id = chunkName(hdr.subarray(0, 16));
    const total = Number(hdr.readBigUInt64LE(16));
    if (total < HEADER_BYTES) {
      if (data && fmt) {
        warnings.push(`chunk '${id}' at byte ${pos} declares ${total} bytes (less than its own 24-byte header); the rest of the file ignored`);
        break;
      }
      fail('bad-chunk', `chunk '${id}' at byte ${pos} declares ${total} bytes; a Wave64 chunk counts its own 24-byte header, so at least 24 expected`, pos);
    }
    let size = total - HEADER_BYTES;
    const chunk: ChunkInfo = { id, offset: pos, dataOffset: pos + HEADER_BYTES, size };
    const available = fileSize - chunk.dataOffset;
    if (id === 'data') {
      data = chunk;
      if (size > available) {
        warnings.push(`data chunk at byte ${pos} declares ${size} bytes but the file ends after ${available}: ${size - available} bytes missing; measured as far as it goes`);
        chunk.size = available;
        chunks.push(chunk);
        break;
      }
    } else if (size > available) {
      if (data && fmt) {
        warnings.push(`'${id}' chunk at byte ${pos} declares ${size} bytes, past the end of the file; ignored`);
        chunks.push(chunk);
        break;
      }
      fail('bad-chunk', `'${id}' chunk at byte ${pos} declares ${size} bytes, past the end of the file (${available} left)`, pos);
    } else if (id === 'fmt ') {
      fmt = readBytes(src, chunk.dataOffset, Math.min(size, 4096));
      fmtOffset = pos;
    } else if (id === 'bext' && size <= MAX_METADATA_BYTES) {
      bext = parseBext(readBytes(src, chunk.dataOffset, size));
    } else if (id === 'iXML' && size <= MAX_METADATA_BYTES) {
      try {
        ixml = parseIxml(readBytes(src, chunk.dataOffset, size).toString('utf8'));
      } catch (err) {
        warnings.push(`iXML chunk at byte ${pos} is not readable XML: ${(err as Error).message}`);
      }
    }
    chunks.push(chunk);
    size = chunk.size;
    // chunks start on 8-byte boundaries
    pos = chunk.dataOffset + size + ((8 - (size % 8)) % 8);
  }

  if (!fmt) return fail('missing-fmt', `no 'fmt ' chunk before the end of the file (expected one before 'data')`, 40);
  // the same WAVEFORMATEX as in WAV, decoded and checked field by field by the RIFF reader's decoder
  const { formatTag, channels, sampleRate, blockAlign, bitsPerSample, validBits, channelMask, encoding, sampleFormat } = decodeFmt(name, fmt, fmtOffset, fmtOffset + HEADER_BYTES, warnings);
  if (!data) return fail('truncated', `no 'data' chunk (the file ends at byte ${fileSize})`, fileSize);
  const frames = Math.floor(data.size / blockAlign);
  if (data.size % blockAlign !== 0) warnings.push(`data chunk holds ${data.size} bytes, not a whole number of ${blockAlign}-byte frames; the last ${data.size % blockAlign} bytes are ignored`);
  return {
    path: name,
    format: {
      container: 'w64',
      sampleRate,
      bitDepth: validBits < bitsPerSample && formatTag === WAVE_FORMAT_PCM ? validBits : bitsPerSample,
      sampleFormat,
      channels,
      channelLabels: [],
      labelSource: 'unknown',
      frames,
      durationSeconds: frames / sampleRate,
    },
    channelMask,
    codec: formatTag === WAVE_FORMAT_PCM ? 'pcm' : 'float',
    blockAlign,
    dataOffset: data.dataOffset,
    dataBytes: frames * blockAlign,
    bigEndian: false,
    chunks,
    bext,
    ixml,
    info: {},
    hasAxml: chunks.some((c) => c.id === 'axml'),
    hasChna: chunks.some((c) => c.id === 'chna'),
    hasDbmd: chunks.some((c) => c.id === 'dbmd'),
    warnings,
    encoding,
  };
}

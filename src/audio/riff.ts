/**
 * WAV (RIFF), RF64 and BW64 (ds64) headers: walk the chunks with positional reads, never load the
 * sample data. Tolerates odd-sized chunks (pad byte), chunks after data, a data size of 0 or
 * 0xFFFFFFFF (read to end of file, with a warning) and a data chunk cut short (measured as far as it goes).
 */
import { XMLParser } from 'fast-xml-parser';
import { DubstageError } from '../errors.js';
import { readBytes } from './bytesource.js';
import { checkChannels, checkSampleRate } from './limits.js';
import type { SampleEncoding } from './pcm.js';
import type { AudioHeader, BextInfo, ByteSource, ChunkInfo, Container, IxmlInfo, IxmlTrack, Truncation } from './types.js';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Metadata chunks larger than this are listed but not parsed (an iXML is a few KB). */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
/** Real files have a handful of chunks; a file of millions of empty ones is refused, not walked. */
export const MAX_CHUNKS = 10000;

export interface RiffHeader extends AudioHeader {
  encoding: SampleEncoding;
}

const CODEC_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM', 0x0006: 'A-law', 0x0007: 'mu-law', 0x0011: 'IMA ADPCM', 0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3', 0x00ff: 'AAC', 0x2000: 'AC-3', 0xf1ac: 'FLAC',
};

function fourcc(buf: Uint8Array, at: number): string {
  return String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!);
}

export function isRiffWave(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  const id = fourcc(head, 0);
  return (id === 'RIFF' || id === 'RF64' || id === 'BW64') && fourcc(head, 8) === 'WAVE';
}

export function readRiffHeader(src: ByteSource): RiffHeader {
  const name = src.name;
  const fail = (code: 'not-audio' | 'bad-chunk' | 'missing-fmt' | 'unsupported-codec' | 'bad-format' | 'truncated', message: string, byteOffset: number): never => {
    throw new DubstageError({ code, message: `${name}: ${message}`, path: name, byteOffset });
  };
  const head = readBytes(src, 0, 12);
  if (head.length < 12) fail('truncated', `file is ${src.size} bytes; a WAV header needs at least 12`, 0);
  if (!isRiffWave(head)) fail('not-audio', `not a WAV/RF64/BW64 file (expected 'RIFF', 'RF64' or 'BW64' then 'WAVE' at byte 0, found '${printable(head.subarray(0, 4))}')`, 0);
  const riffId = fourcc(head, 0);
  const container: Container = riffId === 'RIFF' ? 'wav' : riffId === 'RF64' ? 'rf64' : 'bw64';
  const warnings: string[] = [];
  /** Set when the data chunk is cut short: the size its header declared. */
  let declaredDataBytes: number | null = null;
  const chunks: ChunkInfo[] = [];

  let ds64Data: number | null = null;
  const ds64Table = new Map<string, number>();
  let fmt: Buffer | null = null;
  let fmtOffset = 0;
  let data: ChunkInfo | null = null;
  let bext: BextInfo | null = null;
  let ixml: IxmlInfo | null = null;
  const info: Record<string, string> = {};

  let pos = 12;
  const fileSize = src.size;
  while (pos + 8 <= fileSize) {
    if (chunks.length >= MAX_CHUNKS) {
      if (data && fmt) {
        warnings.push(`more than ${MAX_CHUNKS} chunks; the rest from byte ${pos} ignored`);
        break;
      }
      fail('bad-chunk', `more than ${MAX_CHUNKS} chunks before the audio was found (at byte ${pos}); not a WAV file dubstage can trust`, pos);
    }
    const hdr = readBytes(src, pos, 8);
    const id = fourcc(hdr, 0);
    const size32 = hdr.readUInt32LE(4);
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      if (data) {
        warnings.push(`unreadable bytes after the data chunk at byte ${pos} ignored`);
        break;
      }
      fail('bad-chunk', `garbage where a chunk header was expected at byte ${pos} (id bytes '${printable(hdr.subarray(0, 4))}')`, pos);
    }
    let size = size32;
    if (container !== 'wav' && size32 === 0xffffffff) {
      if (id === 'data' && ds64Data !== null) size = ds64Data;
      else if (ds64Table.has(id)) size = ds64Table.get(id)!;
    }
    const chunk: ChunkInfo = { id, offset: pos, dataOffset: pos + 8, size };
    if (id !== 'data' && pos + 8 + size > fileSize) {
      // a data chunk cut short is measured as far as it goes (below); any other chunk that runs past
      // the end is tolerated only after the audio is known
      if (data && fmt) {
        warnings.push(`'${id.trim()}' chunk at byte ${pos} declares ${size} bytes, past the end of the file; ignored`);
        chunks.push(chunk);
        break;
      }
      fail('bad-chunk', `'${id}' chunk at byte ${pos} declares ${size} bytes, past the end of the file (${fileSize - pos - 8} left)`, pos);
    } else if (id === 'ds64') {
      if (container === 'wav') warnings.push(`ds64 chunk in a plain RIFF file at byte ${pos} ignored`);
      else {
        const body = readBytes(src, pos + 8, Math.min(size, 4096));
        if (body.length < 24) fail('bad-chunk', `ds64 chunk at byte ${pos} is ${body.length} bytes; at least 24 expected`, pos);
        ds64Data = Number(body.readBigUInt64LE(8));
        const tableLength = body.length >= 28 ? body.readUInt32LE(24) : 0;
        for (let i = 0; i < tableLength && 28 + i * 12 + 12 <= body.length; i++) {
          ds64Table.set(fourcc(body, 28 + i * 12), Number(body.readBigUInt64LE(28 + i * 12 + 4)));
        }
      }
    } else if (id === 'fmt ') {
      fmt = readBytes(src, pos + 8, Math.min(size, 4096));
      fmtOffset = pos;
    } else if (id === 'data') {
      let available = fileSize - (pos + 8);
      if (container === 'wav' && (size32 === 0 || size32 === 0xffffffff)) {
        warnings.push(`data chunk at byte ${pos} declares size ${size32 === 0 ? 0 : '0xFFFFFFFF'}; reading to end of file (${available} bytes)`);
        size = available;
      } else if (container === 'wav' && available > size && available - size >= 2 ** 32 && (available - size) % 2 ** 32 === 0) {
        // a plain RIFF written past 4 GiB: the 32-bit size wrapped, and the data runs to the end of the file
        warnings.push(`data chunk at byte ${pos} declares ${size} bytes but ${available} follow it: the 32-bit size field wrapped (a WAV over 4 GiB should be RF64/BW64); reading to end of file`);
        size = available;
      } else if (container !== 'wav' && size32 === 0xffffffff && ds64Data === null) {
        warnings.push(`data chunk at byte ${pos} has size 0xFFFFFFFF and no ds64 chunk; reading to end of file`);
        size = available;
      }
      chunk.size = size;
      data = chunk;
      if (pos + 8 + size > fileSize) {
        warnings.push(`data chunk at byte ${pos} declares ${size} bytes but the file ends after ${available}: ${size - available} bytes missing; measured as far as it goes`);
        declaredDataBytes = size;
        chunk.size = available;
        chunks.push(chunk);
        break;
      }
    } else if (id === 'bext' && size <= MAX_METADATA_BYTES) {
      bext = parseBext(readBytes(src, pos + 8, size));
    } else if (id === 'iXML' && size <= MAX_METADATA_BYTES) {
      try {
        ixml = parseIxml(readBytes(src, pos + 8, size).toString('utf8'));
      } catch (err) {
        warnings.push(`iXML chunk at byte ${pos} is not readable XML: ${(err as Error).message}`);
      }
    } else if (id === 'LIST' && size <= MAX_METADATA_BYTES) {
      Object.assign(info, parseListInfo(readBytes(src, pos + 8, size)));
    }
    chunks.push(chunk);
    // odd-sized chunks are followed by a pad byte
    pos += 8 + size + (size & 1);
  }

  if (!fmt) fail('missing-fmt', `no 'fmt ' chunk before the end of the file (expected one before 'data')`, 12);
  const { formatTag, channels, sampleRate, blockAlign, bitsPerSample, validBits, channelMask, encoding, sampleFormat } = decodeFmt(name, fmt!, fmtOffset, fmtOffset + 8, warnings);
  if (!data) fail('truncated', `no 'data' chunk (the file ends at byte ${fileSize})`, fileSize);
  const d = data!;
  const wholeFrames = Math.floor(d.size / blockAlign);
  if (d.size % blockAlign !== 0) {
    warnings.push(`data chunk holds ${d.size} bytes, not a whole number of ${blockAlign}-byte frames; the last ${d.size % blockAlign} bytes are ignored`);
  }
  return {
    path: name,
    format: {
      container,
      sampleRate,
      bitDepth: validBits < bitsPerSample && formatTag === WAVE_FORMAT_PCM ? validBits : bitsPerSample,
      sampleFormat,
      channels,
      channelLabels: [],
      labelSource: 'unknown',
      frames: wholeFrames,
      durationSeconds: wholeFrames / sampleRate,
      ...(declaredDataBytes !== null ? { truncation: truncation(Math.floor(declaredDataBytes / blockAlign), wholeFrames, blockAlign, sampleRate) } : {}),
    },
    channelMask,
    codec: formatTag === WAVE_FORMAT_PCM ? 'pcm' : 'float',
    blockAlign,
    dataOffset: d.dataOffset,
    dataBytes: wholeFrames * blockAlign,
    bigEndian: false,
    chunks,
    bext,
    ixml,
    info,
    hasAxml: chunks.some((c) => c.id === 'axml'),
    hasChna: chunks.some((c) => c.id === 'chna'),
    hasDbmd: chunks.some((c) => c.id === 'dbmd'),
    warnings,
    encoding,
  };
}

/** The decoded 'fmt ' chunk (WAVEFORMATEX / EXTENSIBLE), shared by the RIFF/RF64/BW64 and Wave64 readers. */
export interface DecodedFmt {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  validBits: number;
  channelMask: number | null;
  encoding: SampleEncoding;
  sampleFormat: 'int' | 'float';
}

/**
 * Decode and check every field of a 'fmt ' chunk before anything downstream is sized by it: `f` is its
 * body, `fmtOffset` where the chunk starts and `body` where its body starts (8 bytes in for RIFF, 24 for
 * Wave64). Errors name the field and its byte offset; a wrong byte rate (it sizes nothing) is a warning.
 */
export function decodeFmt(name: string, f: Buffer, fmtOffset: number, body: number, warnings: string[]): DecodedFmt {
  const failAt = (code: 'bad-chunk' | 'bad-format', message: string, byteOffset: number): never => {
    throw new DubstageError({ code, message: `${name}: ${message}`, path: name, byteOffset });
  };
  if (f.length < 16) failAt('bad-chunk', `'fmt ' chunk at byte ${fmtOffset} is ${f.length} bytes; at least 16 expected`, fmtOffset);
  // every field is checked here, before anything downstream is sized by it (body starts 8 bytes in)
  const where = `'fmt ' chunk at byte ${fmtOffset}`;
  const bad = (field: string, at: number, message: string, code: 'bad-format' | 'unsupported-codec' = 'bad-format'): never => {
    throw new DubstageError({ code, message: `${name}: ${where}: ${message}`, path: name, byteOffset: at, field });
  };
  let formatTag = f.readUInt16LE(0);
  const channels = f.readUInt16LE(2);
  const sampleRate = f.readUInt32LE(4);
  const byteRate = f.readUInt32LE(8);
  const blockAlign = f.readUInt16LE(12);
  const bitsPerSample = f.readUInt16LE(14);
  let channelMask: number | null = null;
  let validBits = bitsPerSample;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (f.length < 40) failAt('bad-chunk', `WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk at byte ${fmtOffset} is ${f.length} bytes; 40 expected`, fmtOffset);
    validBits = f.readUInt16LE(18) || bitsPerSample;
    channelMask = f.readUInt32LE(20);
    formatTag = f.readUInt16LE(24);
  }
  if (channels === 0) failAt('bad-format', `'fmt ' chunk at byte ${fmtOffset} says 0 channels`, body + 2);
  if (sampleRate === 0) failAt('bad-format', `'fmt ' chunk at byte ${fmtOffset} says a sample rate of 0`, body + 4);
  checkChannels(name, channels, 'fmt.nChannels', body + 2, where);
  checkSampleRate(name, sampleRate, 'fmt.nSamplesPerSec', body + 4, where);
  let encoding: SampleEncoding;
  let sampleFormat: 'int' | 'float';
  if (formatTag === WAVE_FORMAT_PCM) {
    sampleFormat = 'int';
    // 12- or 20-bit samples sit left-justified in whole bytes: decode the container width
    const e = ({ 1: 'u8', 2: 's16le', 3: 's24le', 4: 's32le' } as Record<number, SampleEncoding>)[Math.ceil(bitsPerSample / 8)];
    if (!e || bitsPerSample < 8) bad('fmt.wBitsPerSample', body + 14, `PCM with ${bitsPerSample} bits per sample is not supported (8 to 32 expected)`, 'unsupported-codec');
    encoding = e!;
  } else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    sampleFormat = 'float';
    if (bitsPerSample !== 32 && bitsPerSample !== 64) bad('fmt.wBitsPerSample', body + 14, `float with ${bitsPerSample} bits per sample is not supported (32 or 64 expected)`, 'unsupported-codec');
    encoding = bitsPerSample === 32 ? 'f32le' : 'f64le';
  } else {
    const codecName = CODEC_NAMES[formatTag] ?? 'unknown';
    bad(channelMask !== null ? 'fmt.SubFormat' : 'fmt.wFormatTag', channelMask !== null ? body + 24 : body, `codec 0x${formatTag.toString(16).padStart(4, '0')} (${codecName}) is not supported; dubstage measures PCM (integer 8/16/24/32-bit) and IEEE float (32/64-bit)`, 'unsupported-codec');
  }
  if (validBits > bitsPerSample) {
    bad('fmt.wValidBitsPerSample', body + 18, `valid bits per sample is ${validBits}, more than the ${bitsPerSample}-bit container`);
  }
  const expectAlign = channels * Math.ceil(bitsPerSample / 8);
  if (blockAlign !== expectAlign) {
    bad('fmt.nBlockAlign', body + 12, `says block align ${blockAlign}; ${channels} channels of ${bitsPerSample} bits need ${expectAlign}`);
  }
  // nAvgBytesPerSec sizes nothing; writers get it wrong often enough that a wrong one is a warning
  if (byteRate !== sampleRate * blockAlign) {
    warnings.push(`${where}: byte rate (fmt.nAvgBytesPerSec, byte ${body + 8}) is ${byteRate}; ${sampleRate} Hz × ${blockAlign} bytes is ${sampleRate * blockAlign}; ignored`);
  }
  return { formatTag, channels, sampleRate, blockAlign, bitsPerSample, validBits, channelMask, encoding: encoding!, sampleFormat: sampleFormat! };
}

/** What a cut-short audio chunk lacks, from the frames its header declared and the frames present. */
export function truncation(declaredFrames: number, frames: number, blockAlign: number, sampleRate: number): Truncation {
  const missingFrames = Math.max(0, declaredFrames - frames);
  return { declaredFrames, missingFrames, missingBytes: missingFrames * blockAlign, missingSeconds: missingFrames / sampleRate };
}

function printable(b: Uint8Array): string {
  return Array.from(b, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('');
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, Math.min(buf.length, start + length));
  const nul = slice.indexOf(0);
  return (nul >= 0 ? slice.subarray(0, nul) : slice).toString('latin1').trim();
}

/** EBU Tech 3285 bext; v2 loudness fields are int16 × 100, 0x7FFF = not set. */
export function parseBext(b: Buffer): BextInfo {
  const u32 = (at: number) => (b.length >= at + 4 ? b.readUInt32LE(at) : 0);
  const version = b.length >= 348 ? b.readUInt16LE(346) : 0;
  const loud = (at: number): number | null => {
    if (version < 2 || b.length < at + 2) return null;
    const v = b.readInt16LE(at);
    return v === 0x7fff ? null : v / 100;
  };
  const umidBytes = b.subarray(348, Math.min(b.length, 412));
  const umid = umidBytes.some((x) => x !== 0) ? umidBytes.toString('hex') : undefined;
  const out: BextInfo = {
    description: cString(b, 0, 256),
    originator: cString(b, 256, 32),
    originatorReference: cString(b, 288, 32),
    originationDate: cString(b, 320, 10),
    originationTime: cString(b, 330, 8),
    timeReferenceSamples: u32(338) + u32(342) * 4294967296,
    version,
    loudnessValueLufs: loud(412),
    loudnessRangeLu: loud(414),
    maxTruePeakDbtp: loud(416),
    maxMomentaryLufs: loud(418),
    maxShortTermLufs: loud(420),
    codingHistory: b.length > 602 ? cString(b, 602, b.length - 602) : '',
  };
  if (umid) out.umid = umid;
  return out;
}

const ixmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
  isArray: (tagName) => tagName === 'TRACK',
});

/** iXML is lenient by design (no schema); read what is there. */
export function parseIxml(text: string): IxmlInfo {
  if (/<!ENTITY/i.test(text)) throw new Error('entity declarations are not accepted');
  const doc = ixmlParser.parse(text) as Record<string, unknown>;
  const root = (doc.BWFXML ?? doc.bwfxml) as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new Error('no BWFXML root element');
  const s = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
  const speed = (root.SPEED ?? {}) as Record<string, unknown>;
  const trackList = (root.TRACK_LIST ?? {}) as Record<string, unknown>;
  const tracks: IxmlTrack[] = ((trackList.TRACK as Array<Record<string, unknown>>) ?? []).map((t) => ({
    channelIndex: numOrNull(s(t.CHANNEL_INDEX)),
    interleaveIndex: numOrNull(s(t.INTERLEAVE_INDEX)),
    name: s(t.NAME) ?? '',
    function: s(t.FUNCTION) ?? '',
  }));
  const out: IxmlInfo = { tracks };
  const set = (k: keyof IxmlInfo, v: string | undefined) => {
    if (v) (out as unknown as Record<string, string>)[k] = v;
  };
  set('project', s(root.PROJECT));
  set('scene', s(root.SCENE));
  set('take', s(root.TAKE));
  set('tape', s(root.TAPE));
  set('timecodeRate', s(speed.TIMECODE_RATE));
  set('timecodeFlag', s(speed.TIMECODE_FLAG));
  return out;
}

function numOrNull(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function parseListInfo(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  if (b.length < 4 || b.toString('latin1', 0, 4) !== 'INFO') return out;
  let p = 4;
  while (p + 8 <= b.length) {
    const id = b.toString('latin1', p, p + 4);
    const size = b.readUInt32LE(p + 4);
    if (p + 8 + size > b.length) break;
    out[id] = cString(b, p + 8, size);
    p += 8 + size + (size & 1);
  }
  return out;
}

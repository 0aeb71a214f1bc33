/**
 * Short compressed reference files (FLAC, MP3, Ogg) decoded through node-web-audio-api. It decodes the
 * whole file into memory and cannot stream, so a file is refused above a size limit, and above a limit on
 * what its header says it decodes to (a small file of near-silence can hold hours): delivery masters are
 * PCM and go through the streaming readers.
 */
import { readRegularFile } from './bytesource.js';
import { DubstageError } from '../errors.js';
import { checksumBytes } from './checksum.js';
import { applyLabels, type OpenOptions } from './open.js';
import type { AudioHeader, AudioSource, Container } from './types.js';
import { noBwfMetadata } from './types.js';

/** 64 MiB of typical compressed input decodes to a few hundred MB of float samples; beyond that, refuse. */
export const COMPRESSED_MAX_BYTES = 64 * 1024 * 1024;
/** Decoded float samples allowed in memory: about 46 minutes of 48 kHz stereo, 15 of 5.1. */
export const COMPRESSED_MAX_DECODED_BYTES = 1024 * 1024 * 1024;

export type CompressedKind = 'flac' | 'mp3' | 'ogg';

export function sniffCompressed(head: Uint8Array): CompressedKind | null {
  const s = Buffer.from(head.subarray(0, 4)).toString('latin1');
  if (s === 'fLaC') return 'flac';
  if (s === 'OggS') return 'ogg';
  if (s.startsWith('ID3') || (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)) return 'mp3';
  return null;
}

export async function decodeCompressed(path: string, kind: CompressedKind, size: number, options: OpenOptions): Promise<AudioSource> {
  if (size > COMPRESSED_MAX_BYTES) {
    throw new DubstageError({
      code: 'too-large',
      message: `${path}: ${kind.toUpperCase()} file of ${(size / 1048576).toFixed(0)} MiB; compressed files are decoded whole into memory, so dubstage reads them only up to ${COMPRESSED_MAX_BYTES / 1048576} MiB (short reference files). Convert deliverables to WAV/BW64 to measure them in a streaming pass.`,
      path,
    });
  }
  const bytes = readRegularFile(path, COMPRESSED_MAX_BYTES, `${kind.toUpperCase()} file`);
  const native = nativeFormat(kind, bytes);
  // a small file of near-silence can decode to gigabytes: bound the decoded size before decoding
  const decodedBytes = native?.decodedBytes;
  if (decodedBytes !== undefined && decodedBytes > COMPRESSED_MAX_DECODED_BYTES) {
    throw new DubstageError({
      code: 'too-large',
      message: `${path}: ${kind.toUpperCase()} file would decode to about ${(decodedBytes / 1048576).toFixed(0)} MiB of samples; compressed files are decoded whole into memory, so dubstage decodes them only up to ${COMPRESSED_MAX_DECODED_BYTES / 1048576} MiB (short reference files). Convert deliverables to WAV/BW64 to measure them in a streaming pass.`,
      path,
    });
  }
  let decoded: { numberOfChannels: number; sampleRate: number; length: number; getChannelData(c: number): Float32Array };
  try {
    const wa = (await import('node-web-audio-api')) as unknown as {
      OfflineAudioContext: new (ch: number, len: number, rate: number) => {
        decodeAudioData(b: ArrayBuffer): Promise<typeof decoded>;
      };
    };
    // decodeAudioData resamples to the context's rate: open the context at the file's own rate
    const ctx = new wa.OfflineAudioContext(1, 1, native?.sampleRate ?? 48000);
    decoded = await ctx.decodeAudioData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (err) {
    throw new DubstageError({ code: 'unsupported-codec', message: `${path}: could not decode ${kind.toUpperCase()}: ${(err as Error).message}`, path });
  }
  if (kind === 'ogg' && decoded.numberOfChannels > 2) {
    // measured: the decoder corrupts multichannel Vorbis (dependencies.md §1)
    throw new DubstageError({ code: 'unsupported-codec', message: `${path}: multichannel Ogg Vorbis is not decoded reliably; convert it to WAV`, path });
  }
  const warnings = [`${kind.toUpperCase()} decoded in memory through node-web-audio-api (lossy sources measure the decoded signal)`];
  if (!native) warnings.push(`${kind.toUpperCase()} sample rate not found in the stream header; decoded at ${decoded.sampleRate} Hz`);
  const data = Array.from({ length: decoded.numberOfChannels }, (_, c) => decoded.getChannelData(c));
  const header: AudioHeader = {
    path,
    format: {
      container: kind as Container,
      sampleRate: decoded.sampleRate,
      bitDepth: native?.bitDepth ?? 32,
      sampleFormat: native?.bitDepth ? 'int' : 'float',
      channels: decoded.numberOfChannels,
      channelLabels: [],
      labelSource: 'unknown',
      frames: decoded.length,
      durationSeconds: decoded.length / decoded.sampleRate,
    },
    channelMask: null,
    codec: kind,
    blockAlign: 4 * decoded.numberOfChannels,
    dataOffset: 0,
    dataBytes: size,
    bigEndian: false,
    chunks: [],
    ...noBwfMetadata(),
    warnings,
  };
  applyLabels(header, options.channels);
  const source = memorySource(header, data);
  if (options.checksums) {
    // decoded whole from memory already (the size limit above): hash those bytes
    const sums = checksumBytes(path, bytes);
    source.checksums = () => [sums];
  }
  return source;
}

export interface NativeFormat {
  sampleRate: number;
  /** FLAC only: the integer bit depth from STREAMINFO (lossy formats have none). */
  bitDepth?: number;
  /** Float32 bytes the whole stream decodes to, from the header (estimated for MP3), when known. */
  decodedBytes?: number;
}

const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
/** Layer III bitrates in kbit/s by index: MPEG-1, then MPEG-2/2.5. */
const MP3_KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/** The stream's own sample rate (and FLAC bit depth, decoded size) from its header, or null when not found. */
export function nativeFormat(kind: CompressedKind, bytes: Uint8Array): NativeFormat | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === 'flac') {
    // 'fLaC', a metadata block header, then STREAMINFO: rate 20 bits at byte 18, channels-1 3 bits,
    // bits-1 5 bits, total samples 36 bits
    if (b.length < 26 || (b[4]! & 0x7f) !== 0) return null;
    const sampleRate = (b[18]! << 12) | (b[19]! << 4) | (b[20]! >> 4);
    const channels = ((b[20]! >> 1) & 7) + 1;
    const bitDepth = (((b[20]! & 1) << 4) | (b[21]! >> 4)) + 1;
    const totalSamples = (b[21]! & 0x0f) * 2 ** 32 + b.readUInt32BE(22);
    if (sampleRate <= 0) return null;
    const out: NativeFormat = { sampleRate, bitDepth };
    if (totalSamples > 0) out.decodedBytes = totalSamples * channels * 4;
    return out;
  }
  if (kind === 'ogg') {
    // first page: 27-byte header, segment table, then the identification packet
    if (b.length < 28) return null;
    const packet = 27 + b[26]!;
    const id = b.toString('latin1', packet, packet + 8);
    let out: NativeFormat | null = null;
    let channels = 0;
    if (id === 'OpusHead' && b.length >= packet + 10) {
      out = { sampleRate: 48000 }; // Opus always decodes at 48 kHz, and its granule counts 48 kHz samples
      channels = b[packet + 9]!;
    } else if (id.startsWith('\x01vorbis') && b.length >= packet + 16) {
      const rate = b.readUInt32LE(packet + 12);
      if (rate > 0) out = { sampleRate: rate };
      channels = b[packet + 11]!;
    }
    if (!out) return null;
    // the last page's granule position is the stream's length in samples
    for (let p = b.length - 27; p >= Math.max(0, b.length - 65536); p--) {
      if (b[p] !== 0x4f || b.toString('latin1', p, p + 4) !== 'OggS') continue;
      const granule = b.readBigInt64LE(p + 6);
      if (granule > 0n) {
        out.decodedBytes = Number(granule) * channels * 4;
        break;
      }
    }
    return out;
  }
  // MP3: skip an ID3v2 tag (syncsafe size), then the first frame header's version, rate and bitrate
  let p = 0;
  if (b.length >= 10 && b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) {
    p = 10 + ((b[6]! & 0x7f) << 21) + ((b[7]! & 0x7f) << 14) + ((b[8]! & 0x7f) << 7) + (b[9]! & 0x7f) + (b[5]! & 0x10 ? 10 : 0);
  }
  for (const end = Math.min(b.length - 3, p + 65536); p < end; p++) {
    if (b[p] !== 0xff || (b[p + 1]! & 0xe0) !== 0xe0) continue;
    const version = (b[p + 1]! >> 3) & 3;
    const layer = (b[p + 1]! >> 1) & 3;
    const rate = MP3_RATES[version]?.[(b[p + 2]! >> 2) & 3];
    if (layer === 0 || !rate) continue;
    const out: NativeFormat = { sampleRate: rate };
    const kbps = layer === 1 ? (version === 3 ? MP3_KBPS_V1 : MP3_KBPS_V2)[b[p + 2]! >> 4] : undefined;
    if (kbps) {
      // constant-bitrate estimate from the first frame (a VBR file's first frame is close enough for a bound)
      const channels = b[p + 3]! >> 6 === 3 ? 1 : 2;
      out.decodedBytes = Math.round((((b.length - p) * 8) / (kbps * 1000)) * rate) * channels * 4;
    }
    return out;
  }
  return null;
}

/** An AudioSource over planar arrays already in memory. */
export function memorySource(header: AudioHeader, data: Float32Array[]): AudioSource {
  let pos = 0;
  return {
    header,
    files: [header.path],
    seek(frame) {
      pos = Math.max(0, Math.min(frame, header.format.frames));
    },
    read(out, maxFrames) {
      const n = Math.min(maxFrames, header.format.frames - pos);
      if (n <= 0) return 0;
      for (let c = 0; c < data.length; c++) out[c]!.set(data[c]!.subarray(pos, pos + n), 0);
      pos += n;
      return n;
    },
    close() {},
  };
}

/**
 * Short compressed reference files (FLAC, MP3, Ogg) decoded through node-web-audio-api. It decodes the
 * whole file into memory (about 4.5x the file size) and cannot stream, so it is refused above a size limit:
 * delivery masters are PCM and go through the streaming readers.
 */
import { readFileSync } from 'node:fs';
import { DubstageError } from '../errors.js';
import { applyLabels, type OpenOptions } from './open.js';
import type { AudioHeader, AudioSource, Container } from './types.js';

/** 64 MiB of compressed input decodes to roughly 300 MB of float samples; beyond that, refuse. */
export const COMPRESSED_MAX_BYTES = 64 * 1024 * 1024;

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
  let native: NativeFormat | null = null;
  let decoded: { numberOfChannels: number; sampleRate: number; length: number; getChannelData(c: number): Float32Array };
  try {
    const wa = (await import('node-web-audio-api')) as unknown as {
      OfflineAudioContext: new (ch: number, len: number, rate: number) => {
        decodeAudioData(b: ArrayBuffer): Promise<typeof decoded>;
      };
    };
    const bytes = readFileSync(path);
    native = nativeFormat(kind, bytes);
    // decodeAudioData resamples to the context's rate: open the context at the file's own rate
    const ctx = new wa.OfflineAudioContext(1, 1, native?.sampleRate ?? 48000);
    decoded = await ctx.decodeAudioData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
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
    bext: null,
    ixml: null,
    info: {},
    hasAxml: false,
    hasChna: false,
    hasDbmd: false,
    warnings,
  };
  applyLabels(header, options.channels);
  return memorySource(header, data);
}

interface NativeFormat {
  sampleRate: number;
  /** FLAC only: the integer bit depth from STREAMINFO (lossy formats have none). */
  bitDepth?: number;
}

const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The stream's own sample rate (and FLAC bit depth) from its header, or null when not found. */
export function nativeFormat(kind: CompressedKind, b: Uint8Array): NativeFormat | null {
  if (kind === 'flac') {
    // 'fLaC', a metadata block header, then STREAMINFO: rate is 20 bits at byte 18, bits-1 is 5 bits after channels
    if (b.length < 22 || (b[4]! & 0x7f) !== 0) return null;
    const sampleRate = (b[18]! << 12) | (b[19]! << 4) | (b[20]! >> 4);
    const bitDepth = (((b[20]! & 1) << 4) | (b[21]! >> 4)) + 1;
    return sampleRate > 0 ? { sampleRate, bitDepth } : null;
  }
  if (kind === 'ogg') {
    // first page: 27-byte header, segment table, then the identification packet
    if (b.length < 28) return null;
    const packet = 27 + b[26]!;
    const id = Buffer.from(b.subarray(packet, packet + 8)).toString('latin1');
    if (id === 'OpusHead') return { sampleRate: 48000 }; // Opus always decodes at 48 kHz
    if (id.startsWith('\x01vorbis') && b.length >= packet + 16) {
      const rate = Buffer.from(b.subarray(packet + 12, packet + 16)).readUInt32LE(0);
      return rate > 0 ? { sampleRate: rate } : null;
    }
    return null;
  }
  // MP3: skip an ID3v2 tag (syncsafe size), then the first frame header's version and rate index
  let p = 0;
  if (b.length >= 10 && b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) {
    p = 10 + ((b[6]! & 0x7f) << 21) + ((b[7]! & 0x7f) << 14) + ((b[8]! & 0x7f) << 7) + (b[9]! & 0x7f) + (b[5]! & 0x10 ? 10 : 0);
  }
  for (const end = Math.min(b.length - 3, p + 65536); p < end; p++) {
    if (b[p] !== 0xff || (b[p + 1]! & 0xe0) !== 0xe0) continue;
    const version = (b[p + 1]! >> 3) & 3;
    const layer = (b[p + 1]! >> 1) & 3;
    const rateIndex = (b[p + 2]! >> 2) & 3;
    const rate = MP3_RATES[version]?.[rateIndex];
    if (layer !== 0 && rate) return { sampleRate: rate };
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

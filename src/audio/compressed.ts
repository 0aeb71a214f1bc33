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
  let decoded: { numberOfChannels: number; sampleRate: number; length: number; getChannelData(c: number): Float32Array };
  try {
    const wa = (await import('node-web-audio-api')) as unknown as {
      OfflineAudioContext: new (ch: number, len: number, rate: number) => {
        decodeAudioData(b: ArrayBuffer): Promise<typeof decoded>;
      };
    };
    const bytes = readFileSync(path);
    const ctx = new wa.OfflineAudioContext(1, 1, 48000);
    decoded = await ctx.decodeAudioData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (err) {
    throw new DubstageError({ code: 'unsupported-codec', message: `${path}: could not decode ${kind.toUpperCase()}: ${(err as Error).message}`, path });
  }
  if (kind === 'ogg' && decoded.numberOfChannels > 2) {
    // measured: the decoder corrupts multichannel Vorbis (dependencies.md §1)
    throw new DubstageError({ code: 'unsupported-codec', message: `${path}: multichannel Ogg Vorbis is not decoded reliably; convert it to WAV`, path });
  }
  const data = Array.from({ length: decoded.numberOfChannels }, (_, c) => decoded.getChannelData(c));
  const header: AudioHeader = {
    path,
    format: {
      container: kind as Container,
      sampleRate: decoded.sampleRate,
      bitDepth: 32,
      sampleFormat: 'float',
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
    warnings: [`${kind.toUpperCase()} decoded in memory through node-web-audio-api (lossy sources measure the decoded signal)`],
  };
  applyLabels(header, options.channels);
  return memorySource(header, data);
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

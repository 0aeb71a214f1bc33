import type { ChannelLabel } from '../../src/audio/channels.js';
import type { AudioHeader, AudioSource } from '../../src/audio/types.js';

/**
 * An AudioSource over planar float arrays in memory (a 32-bit float WAV as far as its header says).
 * `maxRead` caps each read, so reads come back in odd-sized pieces as from disk (Infinity: whole requests).
 */
export function memorySource(
  path: string,
  channels: Float32Array[],
  options: { labels?: ChannelLabel[]; sampleRate?: number; maxRead?: number } = {},
): AudioSource {
  const frames = channels[0]!.length;
  const sampleRate = options.sampleRate ?? 48000;
  const labels = options.labels ?? channels.map((_, c) => `Ch${c + 1}` as ChannelLabel);
  const maxRead = options.maxRead ?? 3001;
  const header: AudioHeader = {
    path,
    format: {
      container: 'wav', sampleRate, bitDepth: 32, sampleFormat: 'float', channels: channels.length,
      channelLabels: labels, labelSource: 'user', frames, durationSeconds: frames / sampleRate,
    },
    channelMask: null, codec: '3', blockAlign: 4 * channels.length, dataOffset: 0, dataBytes: frames * 4 * channels.length,
    bigEndian: false, chunks: [], bext: null, ixml: null, info: {}, hasAxml: false, hasChna: false, hasDbmd: false, warnings: [],
  };
  let position = 0;
  return {
    header,
    files: [path],
    seek(frame: number) {
      position = Math.max(0, Math.min(frame, frames));
    },
    read(out: Float32Array[], maxFrames: number) {
      const n = Math.min(maxFrames, frames - position, maxRead);
      if (n <= 0) return 0;
      channels.forEach((ch, c) => out[c]!.set(ch.subarray(position, position + n)));
      position += n;
      return n;
    },
    close() {},
  };
}

/** A seeded generator of uniform values in [-1, 1) (the same sequence on every run). */
export function signedRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return 2 * (s / 2 ** 32) - 1;
  };
}

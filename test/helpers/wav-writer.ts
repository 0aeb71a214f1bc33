/**
 * Test WAVs: planar float samples → 24-bit (or 16/32-bit, float) PCM WAV with an optional bext
 * chunk (TimeReference, description) and channel mask. Thin layer over src/audio/writer.ts.
 */
import type { SampleEncoding } from '../../src/audio/pcm.js';
import { writeWav } from '../../src/audio/writer.js';

export interface TestWav {
  sampleRate?: number;
  /** 24 unless said; 32 with float: true writes f32le. */
  bitDepth?: 16 | 24 | 32;
  float?: boolean;
  channels: Float32Array[];
  /** BWF TimeReference: samples since midnight of the first sample. */
  timeReferenceSamples?: number;
  description?: string;
  channelMask?: number;
}

/** A bext chunk (EBU Tech 3285 v2 layout: 602 fixed bytes, no coding history). */
export function bextChunk(description: string, timeReferenceSamples: number): Uint8Array {
  const b = Buffer.alloc(602);
  b.write(description.slice(0, 256), 0, 'latin1');
  b.write('dubstage tests', 256, 'latin1');
  b.write('2026-01-01', 320, 'latin1');
  b.write('00:00:00', 330, 'latin1');
  b.writeUInt32LE(timeReferenceSamples % 2 ** 32, 338);
  b.writeUInt32LE(Math.floor(timeReferenceSamples / 2 ** 32), 342);
  b.writeUInt16LE(2, 346);
  for (let i = 0; i < 5; i++) b.writeInt16LE(0x7fff, 412 + i * 2);
  return b;
}

export function writeTestWav(path: string, w: TestWav): void {
  const bits = w.bitDepth ?? 24;
  const encoding: SampleEncoding = w.float ? 'f32le' : bits === 16 ? 's16le' : bits === 32 ? 's32le' : 's24le';
  const chunksBeforeData =
    w.timeReferenceSamples !== undefined || w.description !== undefined
      ? [{ id: 'bext', body: bextChunk(w.description ?? '', w.timeReferenceSamples ?? 0) }]
      : [];
  writeWav(
    path,
    { sampleRate: w.sampleRate ?? 48000, channels: w.channels.length, encoding, channelMask: w.channelMask, chunksBeforeData },
    w.channels,
  );
}

/** Deterministic white noise in [-1, 1) (a tiny LCG, so fixtures are the same on every machine). */
export function noise(frames: number, seed: number): Float32Array {
  const out = new Float32Array(frames);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < frames; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function sine(frames: number, sampleRate: number, hz: number, amplitude: number): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return out;
}

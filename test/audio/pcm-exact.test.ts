import { describe, expect, it } from 'vitest';
import { bytesPerSample, decodeInterleaved, type PcmDecodeOptions, type SampleEncoding } from '../../src/audio/pcm.js';

/** The plain formulation: assemble each integer from its bytes, scale by 2^(bits-1). */
function referenceSample(b: Uint8Array, p: number, enc: SampleEncoding): number {
  switch (enc) {
    case 's16le':
      return (((b[p]! | (b[p + 1]! << 8)) << 16) >> 16) / 32768;
    case 's24le':
      return ((b[p]! << 8) | (b[p + 1]! << 16) | (b[p + 2]! << 24)) / 2147483648;
    case 's32le':
      return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) / 2147483648;
    default:
      throw new Error(`no reference for ${enc}`);
  }
}

function randomBytes(n: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

/** Samples at the edges of the integer range, repeated over the block. */
function edgeBytes(n: number, bps: number): Uint8Array {
  const patterns = [
    [0x00, 0x00, 0x00, 0x80], // most negative (top byte 0x80 for each width, low bytes 0)
    [0xff, 0xff, 0xff, 0x7f], // most positive
    [0x00, 0x00, 0x00, 0x00],
    [0xff, 0xff, 0xff, 0xff], // -1 LSB
    [0x01, 0x00, 0x00, 0x00], // +1 LSB
  ];
  const out = new Uint8Array(n);
  for (let i = 0, k = 0; i + bps <= n; i += bps, k++) {
    const pat = patterns[k % patterns.length]!;
    for (let j = 0; j < bps; j++) out[i + j] = j === bps - 1 ? pat[3]! : pat[j]!;
  }
  return out;
}

/** Both decoders: the plain JS and the default (WASM when built; pcm-wasm.test.ts checks it is). */
const PATHS: [string, PcmDecodeOptions][] = [
  ['JS', { useWasm: false }],
  ['default', {}],
];

function check(bytes: Uint8Array, frames: number, channels: number, blockAlign: number, enc: SampleEncoding, outOffset: number): void {
  for (const [, options] of PATHS) checkPath(bytes, frames, channels, blockAlign, enc, outOffset, options);
}

function checkPath(bytes: Uint8Array, frames: number, channels: number, blockAlign: number, enc: SampleEncoding, outOffset: number, options: PcmDecodeOptions): void {
  const bps = bytesPerSample(enc);
  const out = Array.from({ length: channels }, () => new Float32Array(outOffset + frames + 2).fill(9));
  decodeInterleaved(bytes, frames, channels, blockAlign, enc, out, outOffset, options);
  let mismatches = 0;
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    for (let i = 0; i < outOffset; i++) if (dst[i] !== 9) mismatches++;
    for (let i = 0; i < frames; i++) {
      const want = Math.fround(referenceSample(bytes, i * blockAlign + c * bps, enc));
      if (!Object.is(dst[outOffset + i], want)) mismatches++;
    }
    if (dst[outOffset + frames] !== 9) mismatches++;
  }
  expect(mismatches).toBe(0);
}

describe('decodeInterleaved little-endian integers', () => {
  const encodings: SampleEncoding[] = ['s16le', 's24le', 's32le'];
  for (const enc of encodings) {
    const bps = bytesPerSample(enc);
    for (const channels of [1, 2, 6, 8]) {
      for (const pad of [0, 1, 3]) {
        it(`equals byte assembly: ${enc}, ${channels} ch, ${pad} padding bytes per frame`, () => {
          const blockAlign = channels * bps + pad;
          const frames = 1031;
          // Random bytes, edge values, and a view that starts at an odd offset in its buffer.
          const random = randomBytes(frames * blockAlign, channels * 31 + pad);
          check(random, frames, channels, blockAlign, enc, 0);
          check(random, frames, channels, blockAlign, enc, 5);
          check(edgeBytes(frames * blockAlign, bps), frames, channels, blockAlign, enc, 0);
          const shifted = randomBytes(frames * blockAlign + 3, 99).subarray(3);
          check(shifted, frames, channels, blockAlign, enc, 1);
          check(shifted, 1, channels, blockAlign, enc, 0);
          check(shifted, 0, channels, blockAlign, enc, 0);
        });
      }
    }
  }

  for (const [name, options] of PATHS) {
    it(`reads the extremes of 24-bit exactly (${name})`, () => {
      const bytes = Uint8Array.from([0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]);
      const out = [new Float32Array(3)];
      decodeInterleaved(bytes, 3, 1, 3, 's24le', out, 0, options);
      expect(Array.from(out[0]!)).toEqual([-1, 8388607 / 8388608, -1 / 8388608]);
    });
  }
});

import { describe, expect, it } from 'vitest';
import {
  bytesPerSample,
  decodeInterleaved,
  decodeInterleavedJs,
  usingPcmWasm,
  type SampleEncoding,
} from '../../src/audio/pcm.js';
import { defaultWasm, loadWasm, wasmPath } from '../../src/dsp/wasm/load.js';

/** The eight encodings the WASM decoder has; the others (u8, s8, f64) always run in JS. */
const WASM_ENCODINGS: SampleEncoding[] = ['s24le', 's16le', 's32le', 'f32le', 's24be', 's16be', 's32be', 'f32be'];

function randomBytes(n: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

const bigEndian = (enc: SampleEncoding) => enc.endsWith('be');

/** Write the integer (two's complement, bps bytes) or float32 bit pattern `bits` as sample i. */
function putSample(dst: Uint8Array, p: number, bits: number, bps: number, be: boolean): void {
  for (let j = 0; j < bps; j++) dst[p + (be ? bps - 1 - j : j)] = (bits >>> (8 * j)) & 0xff;
}

/** Edge values of each width: the integer extremes, 0, +-1 LSB; for floats zeros, infinities, NaNs, subnormals, extremes. */
function edgePatterns(enc: SampleEncoding): number[] {
  if (enc.startsWith('f32')) {
    return [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc12345, 1, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x00800000];
  }
  const bits = 8 * bytesPerSample(enc);
  const top = 2 ** (bits - 1);
  return [top, top - 1, 0, 2 ** bits - 1, 1, top + 1, top - 2, 0x5a5a5a5a % 2 ** bits];
}

function edgeBytes(frames: number, channels: number, blockAlign: number, enc: SampleEncoding): Uint8Array {
  const bps = bytesPerSample(enc);
  const pats = edgePatterns(enc);
  const out = randomBytes(frames * blockAlign, 7); // padding bytes stay random
  for (let f = 0, k = 0; f < frames; f++) for (let c = 0; c < channels; c++, k++) putSample(out, f * blockAlign + c * bps, pats[k % pats.length]!, bps, bigEndian(enc));
  return out;
}

/** Decode by both paths into sentinel-filled arrays and count the float32 bit patterns that differ (any NaN equals any NaN). */
function mismatches(bytes: Uint8Array, frames: number, channels: number, blockAlign: number, enc: SampleEncoding, outOffset: number): number {
  const length = outOffset + frames + 9;
  const wasm = Array.from({ length: channels }, () => new Float32Array(length).fill(7.5));
  const js = Array.from({ length: channels }, () => new Float32Array(length).fill(7.5));
  decodeInterleaved(bytes, frames, channels, blockAlign, enc, wasm, outOffset, { useWasm: true });
  decodeInterleavedJs(bytes, frames, channels, blockAlign, enc, js, outOffset);
  let bad = 0;
  for (let c = 0; c < channels; c++) {
    const w = new Uint32Array(wasm[c]!.buffer);
    const j = new Uint32Array(js[c]!.buffer);
    for (let i = 0; i < length; i++) {
      if (w[i] !== j[i] && !(Number.isNaN(wasm[c]![i]) && Number.isNaN(js[c]![i]))) bad++;
    }
  }
  return bad;
}

describe('WASM PCM decoder', () => {
  it('the WASM build is there (npm run build:wasm); a missing module or useWasm: false selects the JS decoder', () => {
    expect(defaultWasm('pcm'), `no WASM PCM decoder at ${wasmPath('pcm')}: run npm run build:wasm`).not.toBeNull();
    expect(usingPcmWasm()).toBe(true);
    expect(usingPcmWasm({ useWasm: false })).toBe(false);
    expect(usingPcmWasm({ wasm: loadWasm('/nonexistent/pcm.wasm') })).toBe(false);
    // and the JS decoder then still decodes
    const out = [new Float32Array(2)];
    decodeInterleaved(Uint8Array.from([0x00, 0x00, 0x80, 0xff, 0xff, 0x7f]), 2, 1, 3, 's24le', out, 0, { wasm: null });
    expect(Array.from(out[0]!)).toEqual([-1, 8388607 / 8388608]);
  });

  for (const enc of WASM_ENCODINGS) {
    const bps = bytesPerSample(enc);
    it(`equals the JS decoder bit for bit: ${enc}, channels 1..16 and 32, padding, odd frame counts, outOffset, several chunks`, () => {
      let bad = 0;
      let runs = 0;
      for (const channels of [1, 2, 3, 5, 6, 8, 12, 16, 32]) {
        for (const pad of [0, 1, 3]) {
          const blockAlign = channels * bps + pad;
          // over two chunks of the kernel's memory for every layout (a chunk holds at most 64 Ki floats)
          const long = Math.floor(65536 / channels) * 2 + 13;
          for (const frames of [1, 7, 9, 1031, long]) {
            const random = randomBytes(frames * blockAlign + 5, channels * 131 + pad * 7 + frames);
            bad += mismatches(random, frames, channels, blockAlign, enc, 0);
            // a view starting at an odd byte of its buffer, written at an odd offset
            bad += mismatches(random.subarray(5), frames, channels, blockAlign, enc, 3);
            bad += mismatches(edgeBytes(frames, channels, blockAlign, enc), frames, channels, blockAlign, enc, 1);
            runs += 3;
          }
        }
      }
      expect(runs).toBe(9 * 3 * 5 * 3);
      expect(bad).toBe(0);
    });
  }

  it('reads every 24-bit and every 16-bit value as the JS decoder does, both byte orders', () => {
    for (const [enc, bits] of [['s24le', 24], ['s24be', 24], ['s16le', 16], ['s16be', 16]] as const) {
      const bps = bits / 8;
      const block = Math.min(2 ** bits, 1 << 20);
      let bad = 0;
      for (let v0 = 0; v0 < 2 ** bits; v0 += block) {
        // mono, then the same values as stereo frames
        const bytes = new Uint8Array(block * bps);
        for (let i = 0; i < block; i++) putSample(bytes, i * bps, v0 + i, bps, bigEndian(enc));
        bad += mismatches(bytes, block, 1, bps, enc, 2);
        bad += mismatches(bytes, block / 2, 2, 2 * bps, enc, 0);
      }
      expect(bad, enc).toBe(0);
    }
  });

  it('equals the JS decoder with wide frame padding, up to the widest frame the WASM decoder takes and past it', () => {
    for (const enc of WASM_ENCODINGS) {
      const bps = bytesPerSample(enc);
      for (const [channels, blockAlign] of [[2, 200], [3, 254], [32, 228], [1, 255], [5, 300]] as const) {
        const frames = 2001;
        expect(mismatches(randomBytes(frames * blockAlign, blockAlign), frames, channels, blockAlign, enc, 4), `${enc} ${channels} ch, blockAlign ${blockAlign}`).toBe(0);
        expect(mismatches(edgeBytes(frames, channels, blockAlign, enc), frames, channels, blockAlign, enc, 0)).toBe(0);
      }
    }
  });

  it('falls back to JS, with the JS effect, when a destination or the byte view is short', () => {
    // a destination shorter than outOffset + frames: JS drops the stores past its end
    const bytes = randomBytes(100 * 6, 3);
    const wasm = [new Float32Array(50), new Float32Array(100)];
    const js = [new Float32Array(50), new Float32Array(100)];
    decodeInterleaved(bytes, 100, 2, 6, 's24le', wasm, 0, { useWasm: true });
    decodeInterleavedJs(bytes, 100, 2, 6, 's24le', js, 0);
    expect(wasm).toEqual(js);
    // bytes ending inside the frames asked for: the JS decoder's DataView throws
    expect(() => decodeInterleaved(bytes.subarray(0, 500), 100, 2, 6, 's16le', js, 0, { useWasm: true })).toThrow(RangeError);
  });

  it('leaves the encodings it has not (u8, s8, f64) to the JS decoder', () => {
    for (const enc of ['u8', 's8', 'f64le', 'f64be'] as SampleEncoding[]) {
      const bps = bytesPerSample(enc);
      expect(mismatches(randomBytes(101 * 3 * bps, 11), 101, 3, 3 * bps, enc, 2), enc).toBe(0);
    }
  });
});

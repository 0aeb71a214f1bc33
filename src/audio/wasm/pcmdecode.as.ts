// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): interleaved PCM bytes -> planar f32,
// the WASM SIMD twin of decodeInterleaved (../pcm.ts) for 16/24/32-bit integers and 32-bit floats,
// either byte order. Per channel, four frames at a time: each sample's bytes are gathered as one
// 32-bit lane (v128.load32_lane at the sample's first byte: it also reads the bytes after a 16- or
// 24-bit sample, which the swizzle drops), a byte swizzle puts the sample in the top of the lane with
// zeros below (the integer << (32 - bits), as the JS assembles it), then i32 -> f32 and * 2^-31.
// Exact as the JS: a 16/24-bit integer converts to f32 without rounding and a power-of-two scale is
// exact; a 32-bit integer rounds once to nearest-even in both (JS: int / 2^31 exact in double, then
// fround), and scaling by 2^-31 commutes with that rounding (no overflow, no subnormals).
// Floats are copied bit for bit (after the byte swap for big-endian).
//
// Memory (fixed, no allocator): INPUT holds the chunk's bytes, frame f at INPUT + f * blockAlign,
// plus SLACK bytes so the gather may read past the last frame (up to seven padding frames of the last
// pair of vectors, and a sample's trailing bytes); OUTPUT holds channel c's floats at
// OUTPUT + c * stride * 4, stride a multiple of 8 (the padding lanes land there and are not copied out).
// Large chunks: each costs a few JS calls, and 48000 frames of 5.1 24-bit (the reader's usual block)
// fit in five.

const INPUT_BYTES: i32 = 192 * 1024;
const SLACK: i32 = 8 * 256 + 16;
const OUTPUT_FLOATS: i32 = 64 * 1024;

const INPUT: usize = memory.data(INPUT_BYTES + SLACK, 16);
const OUTPUT: usize = memory.data(OUTPUT_FLOATS * 4, 16);

export function inputPointer(): usize {
  return INPUT;
}
export function outputPointer(): usize {
  return OUTPUT;
}
/** Bytes of INPUT a chunk may fill; the caller keeps 8 * blockAlign + 4 <= slack(). */
export function inputBytes(): i32 {
  return INPUT_BYTES;
}
export function slack(): i32 {
  return SLACK;
}
/** Floats of OUTPUT: channels * stride must fit. */
export function outputFloats(): i32 {
  return OUTPUT_FLOATS;
}

// Encoding codes, as ../pcm.ts passes them.
const S16LE = 0;
const S24LE = 1;
const S32LE = 2;
const F32LE = 3;
const S16BE = 4;
const S24BE = 5;
const S32BE = 6;
const F32BE = 7;

/** The byte swizzle of an encoding: lane k takes bytes 4k + i, or 0 (index 0x80). */
@inline function swizzleFor(enc: i32): v128 {
  switch (enc) {
    case S16LE:
      return i8x16(-128, -128, 0, 1, -128, -128, 4, 5, -128, -128, 8, 9, -128, -128, 12, 13);
    case S24LE:
      return i8x16(-128, 0, 1, 2, -128, 4, 5, 6, -128, 8, 9, 10, -128, 12, 13, 14);
    case S16BE:
      return i8x16(-128, -128, 1, 0, -128, -128, 5, 4, -128, -128, 9, 8, -128, -128, 13, 12);
    case S24BE:
      return i8x16(-128, 2, 1, 0, -128, 6, 5, 4, -128, 10, 9, 8, -128, 14, 13, 12);
    case S32BE:
    case F32BE:
      return i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    default:
      return i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  }
}

@inline function bytesPerSample(enc: i32): i32 {
  const bits = enc & 3;
  return bits == 0 ? 2 : bits == 1 ? 3 : 4;
}

/** Four samples at p, p + step, p + 2 step, p + 3 step, one per 32-bit lane. */
@inline function gather(p: usize, step: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + step, v, 1);
  v = v128.load32_lane(p + step * 2, v, 2);
  return v128.load32_lane(p + step * 3, v, 3);
}

/**
 * Decode `frames` frames of `channels` samples (frame stride `blockAlign` bytes) from INPUT into
 * OUTPUT, channel c at OUTPUT + c * stride * 4; writes up to the next multiple of 8 frames (two vectors
 * per pass: their loads overlap).
 */
export function decode(frames: i32, channels: i32, blockAlign: i32, enc: i32, stride: i32): void {
  // Tiles of TILE frames, every channel of a tile before the next: the tile's bytes stay in L1 while
  // the channels' strided passes read them again (whole-chunk passes re-read it from L2 per channel).
  for (let f0 = 0; f0 < frames; f0 += TILE) decodeTile(f0, min(TILE, frames - f0), channels, blockAlign, enc, stride);
}

const TILE: i32 = 256;

@inline function decodeTile(f0: i32, frames: i32, channels: i32, blockAlign: i32, enc: i32, stride: i32): void {
  const mask = swizzleFor(enc);
  const bps = bytesPerSample(enc);
  const isFloat = enc == F32LE || enc == F32BE;
  const scale = f32x4.splat(4.656612873077393e-10); // 2^-31
  const step = <usize>blockAlign;
  const step4 = step * 4;
  const step8 = step * 8;
  for (let c = 0; c < channels; c++) {
    let p = INPUT + <usize>f0 * step + <usize>(c * bps);
    let q = OUTPUT + (<usize>(c * stride + f0) << 2);
    const end = q + (<usize>frames << 2);
    if (isFloat) {
      for (; q < end; q += 32, p += step8) {
        v128.store(q, i8x16.swizzle(gather(p, step), mask));
        v128.store(q, i8x16.swizzle(gather(p + step4, step), mask), 16);
      }
    } else {
      for (; q < end; q += 32, p += step8) {
        const x = gather(p, step);
        const y = gather(p + step4, step);
        v128.store(q, f32x4.mul(f32x4.convert_i32x4_s(i8x16.swizzle(x, mask)), scale));
        v128.store(q, f32x4.mul(f32x4.convert_i32x4_s(i8x16.swizzle(y, mask)), scale), 16);
      }
    }
  }
}

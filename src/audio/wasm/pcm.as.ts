// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): interleaved PCM bytes -> planar f32,
// the WASM SIMD twin of decodeInterleaved (../pcm.ts) for 16/24/32-bit integers and 32-bit floats,
// either byte order. Two channels at a time, four frames at a time: one 8-byte load per frame from
// channel c's first byte holds the samples of c and c + 1 (and bytes after them, which the swizzle
// drops); a byte swizzle puts each sample in the top of its 32-bit lane with zeros below (the integer
// << (32 - bits), as the JS assembles it), then i32 -> f32, * 2^-31, and a 64-bit shuffle splits the
// two channels. A last odd channel gathers one 32-bit lane per frame (v128.load32_lane) the same way.
// Exact as the JS: a 16/24-bit integer converts to f32 without rounding and a power-of-two scale is
// exact; a 32-bit integer rounds once to nearest-even in both (JS: int / 2^31 exact in double, then
// fround), and scaling by 2^-31 commutes with that rounding (no overflow, no subnormals).
// Floats are copied bit for bit (after the byte swap for big-endian).
//
// Memory (fixed, no allocator): INPUT holds the chunk's bytes, frame f at INPUT + f * blockAlign,
// plus SLACK bytes so the loads may read past the last frame (up to seven padding frames of the last
// vectors, and up to 8 bytes from a sample's first); OUTPUT holds channel c's floats at
// OUTPUT + c * stride * 4, stride a multiple of 8 (the padding lanes land there and are not copied out).
// Large chunks: each costs a few JS calls, and 48000 frames of 5.1 24-bit (the reader's usual block)
// fit in five.

// SLACK covers frames up to 2048 bytes (an ADM master of 128 tracks at 24 bits is 384 bytes a frame;
// with 256 here such masters fell back to the JS decoder); the areas hold 2048 frames of 128 tracks.
const INPUT_BYTES: i32 = 768 * 1024;
const SLACK: i32 = 8 * 2048 + 16;
const OUTPUT_FLOATS: i32 = 256 * 1024;

const INPUT: usize = memory.data(INPUT_BYTES + SLACK, 16);
const OUTPUT: usize = memory.data(OUTPUT_FLOATS * 4, 16);

export function inputPointer(): usize {
  return INPUT;
}
export function outputPointer(): usize {
  return OUTPUT;
}
/** Bytes of INPUT a chunk may fill; the caller keeps 8 * blockAlign + 8 <= slack(). */
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

@inline function bytesPerSample(enc: i32): i32 {
  const bits = enc & 3;
  return bits == 0 ? 2 : bits == 1 ? 3 : 4;
}

const MASK: usize = memory.data(16, 16);

// Where lane k's sample starts in a loaded vector, for the byte swizzle.
const GATHERED = 0; // one sample per 32-bit lane: byte 4k
const PAIRS = 1; // 8 bytes of frame A (bytes 0-7), 8 of frame B (8-15), from channel c: lanes [A.c, B.c, A.c+1, B.c+1]
const CONTIGUOUS = 2; // consecutive samples (mono, no padding): byte k * bps

/**
 * The byte swizzle that puts each lane's sample at the top of its 32-bit lane, its bytes in
 * little-endian order, zeros (index 0x80) below: the integer << (32 - bits).
 */
function maskFor(enc: i32, layout: i32): v128 {
  const bps = bytesPerSample(enc);
  const big = enc >= S16BE;
  for (let lane = 0; lane < 4; lane++) {
    const start = layout == GATHERED ? lane * 4 : layout == PAIRS ? (lane & 1) * 8 + (lane >> 1) * bps : lane * bps;
    for (let k = 0; k < 4; k++) {
      const i = k - (4 - bps); // which byte of the sample, from its least significant
      store<u8>(MASK + <usize>(lane * 4 + k), i < 0 ? 0x80 : big ? start + bps - 1 - i : start + i);
    }
  }
  return v128.load(MASK);
}

/** Channel c's 8 bytes at p and at p + step (two frames), in one vector. */
@inline function twoFrames(p: usize, step: usize): v128 {
  return v128.load64_lane(p + step, v128.load64_zero(p), 1);
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
  decodeInto(OUTPUT, frames, channels, blockAlign, enc, stride);
}

/** decode, with channel c's floats at out + c * stride * 4 (another kernel's memory when it imports this one). */
export function decodeInto(out: usize, frames: i32, channels: i32, blockAlign: i32, enc: i32, stride: i32): void {
  const scale = f32x4.splat(4.656612873077393e-10); // 2^-31
  const isFloat = enc == F32LE || enc == F32BE;
  if (channels == 1 && blockAlign == bytesPerSample(enc)) {
    // mono without padding: one 16-byte load holds four samples (or more)
    const cmask = maskFor(enc, CONTIGUOUS);
    const step4 = <usize>blockAlign * 4;
    let p = INPUT;
    for (let q = out, end = out + (<usize>frames << 2); q < end; q += 32, p += step4 * 2) {
      let x = i8x16.swizzle(v128.load(p), cmask);
      let y = i8x16.swizzle(v128.load(p + step4), cmask);
      if (!isFloat) {
        x = f32x4.mul(f32x4.convert_i32x4_s(x), scale);
        y = f32x4.mul(f32x4.convert_i32x4_s(y), scale);
      }
      v128.store(q, x);
      v128.store(q, y, 16);
    }
    return;
  }
  const mask = maskFor(enc, GATHERED);
  const pmask = maskFor(enc, PAIRS);
  // Tiles of about TILE_BYTES (a multiple of 8 frames), every channel of a tile before the next: the
  // tile's bytes stay in L1 while the channels' strided passes read them again (whole-chunk passes
  // re-read them from L2 per channel).
  const tile = max(8, (TILE_BYTES / blockAlign) & ~7);
  for (let f0 = 0; f0 < frames; f0 += tile) decodeTile(out, f0, min(tile, frames - f0), channels, blockAlign, enc, stride, mask, pmask);
}

/** Input bytes per tile: well inside L1 with the tile's output. */
const TILE_BYTES: i32 = 8192;

@inline function decodeTile(out: usize, f0: i32, frames: i32, channels: i32, blockAlign: i32, enc: i32, stride: i32, mask: v128, pmask: v128): void {
  const bps = bytesPerSample(enc);
  const isFloat = enc == F32LE || enc == F32BE;
  const scale = f32x4.splat(4.656612873077393e-10); // 2^-31 (exactly: the shortest decimal of that double)
  const step = <usize>blockAlign;
  const step2 = step * 2;
  const step4 = step * 4;
  const step8 = step * 8;
  const st = <usize>stride << 2;
  let c = 0;
  // Two channels per pass: one 8-byte load per frame holds both samples (half the loads of a
  // per-channel gather, which is what bounds it).
  for (; c + 1 < channels; c += 2) {
    let p = INPUT + <usize>f0 * step + <usize>(c * bps);
    let q = out + (<usize>(c * stride + f0) << 2);
    const end = q + (<usize>frames << 2);
    for (; q < end; q += 16, p += step4) {
      let a = i8x16.swizzle(twoFrames(p, step), pmask); // [f0 c, f1 c, f0 c+1, f1 c+1]
      let b = i8x16.swizzle(twoFrames(p + step2, step), pmask); // frames 2, 3
      if (!isFloat) {
        a = f32x4.mul(f32x4.convert_i32x4_s(a), scale);
        b = f32x4.mul(f32x4.convert_i32x4_s(b), scale);
      }
      v128.store(q, i64x2.shuffle(a, b, 0, 2));
      v128.store(q + st, i64x2.shuffle(a, b, 1, 3));
    }
  }
  for (; c < channels; c++) {
    let p = INPUT + <usize>f0 * step + <usize>(c * bps);
    let q = out + (<usize>(c * stride + f0) << 2);
    const end = q + (<usize>frames << 2);
    for (; q < end; q += 32, p += step8) {
      let x = i8x16.swizzle(gather(p, step), mask);
      let y = i8x16.swizzle(gather(p + step4, step), mask);
      if (!isFloat) {
        x = f32x4.mul(f32x4.convert_i32x4_s(x), scale);
        y = f32x4.mul(f32x4.convert_i32x4_s(y), scale);
      }
      v128.store(q, x);
      v128.store(q, y, 16);
    }
  }
}

// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the stems / M&E null engine's
// per-block sums (../../analysis/stems/lockstep.ts), two channels per f64x2 vector (lane 0 channel c, lane 1
// channel c+1). Each lane does exactly the plain-JS loops' operations in their order, in double from the
// f32 samples: per block, the least-squares sums Σ part_k·ref and Σ part_k·part_l, each sequential from
// 0 over the block's frames; the residual e = −ref + part_0 + part_1 + ...; then per segment (the frames
// between window / series boundaries) Σ ref², Σ e², Σ e² where e·ref > 0 (adding +0 elsewhere leaves a
// sum that is never −0 unchanged) and the peaks |ref|, |e| (max: order-free). So every figure is
// bit-identical to the JS loops; the JS adds them into its accumulators as it adds its own.
//
// Memory (fixed, no allocator, never grown):
//   INPUT     f32 samples: slot s (0 = reference, 1 + k = part k), channel c at
//             INPUT + ((s * MAX_CHANNELS + c) * CAPACITY) * 4; the JS reads the files straight into it.
//   XREF      the current channel pair's reference as f64x2 per frame (read again by the segment pass)
//   RES       the current channel pair's residual, f64x2 per frame
//   STAGE     the pair's parts as f64x2, CHUNK frames at a time
//   TERMS     out: per channel the block's least-squares sums, term t at TERMS + (t * MAX_CHANNELS + c) * 8:
//             t < K: Σ part_t·ref; then Σ part_k·part_l for k ≤ l in row order (k = 0: l = 0..K-1, ...)
//   SEG_ENDS  in: i32 end frame (exclusive) of each segment of the block, in order
//   SEG_STATS out: per segment s, stat q (Σref², Σe², agree, peak|ref|, peak|e|) and channel c at
//             SEG_STATS + ((s * 5 + q) * MAX_CHANNELS + c) * 8
// An odd channel count runs channel `channels` (never read back) in the last vector's second lane.

const MAX_CHANNELS: i32 = 16;
const MAX_PARTS: i32 = 8;
const CAPACITY: i32 = 8192; // a multiple of 4: the conversion reads 4 frames at a time
const CHUNK: i32 = 256;
const MAX_SEGMENTS: i32 = 1024;
const MAX_TERMS: i32 = MAX_PARTS + (MAX_PARTS * (MAX_PARTS + 1)) / 2;
const STATS: i32 = 5;

const INPUT: usize = memory.data((1 + MAX_PARTS) * MAX_CHANNELS * CAPACITY * 4, 16);
const XREF: usize = memory.data((CAPACITY + 4) * 16, 16);
const RES: usize = memory.data(CAPACITY * 16, 16);
const STAGE: usize = memory.data(MAX_PARTS * (CHUNK + 4) * 16, 16);
const TERMS: usize = memory.data(MAX_TERMS * MAX_CHANNELS * 8, 16);
const SEG_ENDS: usize = memory.data(MAX_SEGMENTS * 4, 16);
const SEG_STATS: usize = memory.data(MAX_SEGMENTS * STATS * MAX_CHANNELS * 8, 16);

export function inputPointer(): usize {
  return INPUT;
}
export function termsPointer(): usize {
  return TERMS;
}
export function segmentEndsPointer(): usize {
  return SEG_ENDS;
}
export function segmentStatsPointer(): usize {
  return SEG_STATS;
}
export function maxChannels(): i32 {
  return MAX_CHANNELS;
}
export function maxParts(): i32 {
  return MAX_PARTS;
}
/** Frames per block at most. */
export function capacity(): i32 {
  return CAPACITY;
}
export function maxSegments(): i32 {
  return MAX_SEGMENTS;
}

/** Channel c of slot s. */
@inline function channelAt(s: i32, c: i32): usize {
  return INPUT + (<usize>((s * MAX_CHANNELS + c) * CAPACITY) << 2);
}

/**
 * Frames [from, from + count) of channels c and c+1 of slot s as f64x2 per frame at out (4 frames per
 * step: up to 3 frames past the end are written too, from samples inside the slot, and never read).
 */
@inline function convert(s: i32, c: i32, from: i32, count: i32, out: usize): void {
  const p = channelAt(s, c) + (<usize>from << 2);
  const q = p + (<usize>CAPACITY << 2);
  for (let j = 0; j < count; j += 4) {
    const a = v128.load(p + (<usize>j << 2));
    const b = v128.load(q + (<usize>j << 2));
    const lo = v128.shuffle<f32>(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
    const hi = v128.shuffle<f32>(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
    const o = out + (<usize>j << 4);
    v128.store(o, f64x2.promote_low_f32x4(lo));
    v128.store(o, f64x2.promote_low_f32x4(v128.shuffle<i64>(lo, lo, 1, 0)), 16);
    v128.store(o, f64x2.promote_low_f32x4(hi), 32);
    v128.store(o, f64x2.promote_low_f32x4(v128.shuffle<i64>(hi, hi, 1, 0)), 48);
  }
}

@inline function termAt(t: i32, c: i32): usize {
  return TERMS + (<usize>(t * MAX_CHANNELS + c) << 3);
}

/** Three parts, every sum in one pass (the stems case). */
function sums3(c: i32, n: i32): void {
  const z = f64x2.splat(0);
  let s0 = z, s1 = z, s2 = z, g00 = z, g01 = z, g02 = z, g11 = z, g12 = z, g22 = z;
  const p0 = STAGE;
  const p1 = STAGE + (<usize>(CHUNK + 4) << 4);
  const p2 = STAGE + (<usize>(2 * (CHUNK + 4)) << 4);
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = min(CHUNK, n - j0);
    const xr = XREF + (<usize>j0 << 4);
    const er = RES + (<usize>j0 << 4);
    convert(0, c, j0, m, xr);
    convert(1, c, j0, m, p0);
    convert(2, c, j0, m, p1);
    convert(3, c, j0, m, p2);
    for (let j = 0; j < m; j++) {
      const o = <usize>j << 4;
      const x = v128.load(xr + o);
      const a = v128.load(p0 + o);
      const b = v128.load(p1 + o);
      const d = v128.load(p2 + o);
      s0 = f64x2.add(s0, f64x2.mul(a, x));
      s1 = f64x2.add(s1, f64x2.mul(b, x));
      s2 = f64x2.add(s2, f64x2.mul(d, x));
      g00 = f64x2.add(g00, f64x2.mul(a, a));
      g01 = f64x2.add(g01, f64x2.mul(a, b));
      g02 = f64x2.add(g02, f64x2.mul(a, d));
      g11 = f64x2.add(g11, f64x2.mul(b, b));
      g12 = f64x2.add(g12, f64x2.mul(b, d));
      g22 = f64x2.add(g22, f64x2.mul(d, d));
      v128.store(er + o, f64x2.add(f64x2.add(f64x2.add(f64x2.neg(x), a), b), d));
    }
  }
  v128.store(termAt(0, c), s0);
  v128.store(termAt(1, c), s1);
  v128.store(termAt(2, c), s2);
  v128.store(termAt(3, c), g00);
  v128.store(termAt(4, c), g01);
  v128.store(termAt(5, c), g02);
  v128.store(termAt(6, c), g11);
  v128.store(termAt(7, c), g12);
  v128.store(termAt(8, c), g22);
}

/** Two parts (the M&E case). */
function sums2(c: i32, n: i32): void {
  const z = f64x2.splat(0);
  let s0 = z, s1 = z, g00 = z, g01 = z, g11 = z;
  const p0 = STAGE;
  const p1 = STAGE + (<usize>(CHUNK + 4) << 4);
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = min(CHUNK, n - j0);
    const xr = XREF + (<usize>j0 << 4);
    const er = RES + (<usize>j0 << 4);
    convert(0, c, j0, m, xr);
    convert(1, c, j0, m, p0);
    convert(2, c, j0, m, p1);
    for (let j = 0; j < m; j++) {
      const o = <usize>j << 4;
      const x = v128.load(xr + o);
      const a = v128.load(p0 + o);
      const b = v128.load(p1 + o);
      s0 = f64x2.add(s0, f64x2.mul(a, x));
      s1 = f64x2.add(s1, f64x2.mul(b, x));
      g00 = f64x2.add(g00, f64x2.mul(a, a));
      g01 = f64x2.add(g01, f64x2.mul(a, b));
      g11 = f64x2.add(g11, f64x2.mul(b, b));
      v128.store(er + o, f64x2.add(f64x2.add(f64x2.neg(x), a), b));
    }
  }
  v128.store(termAt(0, c), s0);
  v128.store(termAt(1, c), s1);
  v128.store(termAt(2, c), g00);
  v128.store(termAt(3, c), g01);
  v128.store(termAt(4, c), g11);
}

/**
 * Any part count: one loop per sum over each chunk, as the JS general loops (one per sum over the
 * block); a sum's running value rides in TERMS between chunks, so it is still one sequential sum.
 */
function sumsAny(c: i32, n: i32, parts: i32): void {
  const z = f64x2.splat(0);
  const terms = parts + (parts * (parts + 1)) / 2;
  for (let t = 0; t < terms; t++) v128.store(termAt(t, c), z);
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = min(CHUNK, n - j0);
    const xr = XREF + (<usize>j0 << 4);
    const er = RES + (<usize>j0 << 4);
    convert(0, c, j0, m, xr);
    for (let k = 0; k < parts; k++) convert(1 + k, c, j0, m, STAGE + (<usize>(k * (CHUNK + 4)) << 4));
    for (let j = 0; j < m; j++) v128.store(er + (<usize>j << 4), f64x2.neg(v128.load(xr + (<usize>j << 4))));
    let t = parts;
    for (let k = 0; k < parts; k++) {
      const pk = STAGE + (<usize>(k * (CHUNK + 4)) << 4);
      let sx = v128.load(termAt(k, c));
      for (let j = 0; j < m; j++) {
        const o = <usize>j << 4;
        const a = v128.load(pk + o);
        sx = f64x2.add(sx, f64x2.mul(a, v128.load(xr + o)));
        v128.store(er + o, f64x2.add(v128.load(er + o), a));
      }
      v128.store(termAt(k, c), sx);
      for (let l = k; l < parts; l++) {
        const pl = STAGE + (<usize>(l * (CHUNK + 4)) << 4);
        let sg = v128.load(termAt(t, c));
        for (let j = 0; j < m; j++) {
          const o = <usize>j << 4;
          sg = f64x2.add(sg, f64x2.mul(v128.load(pk + o), v128.load(pl + o)));
        }
        v128.store(termAt(t, c), sg);
        t++;
      }
    }
  }
}

@inline function statAt(s: i32, q: i32, c: i32): usize {
  return SEG_STATS + (<usize>((s * STATS + q) * MAX_CHANNELS + c) << 3);
}

/** The segment sums of channels c and c+1 from XREF and RES. */
function segments(c: i32, count: i32): void {
  const z = f64x2.splat(0);
  let j = 0;
  for (let s = 0; s < count; s++) {
    const end = load<i32>(SEG_ENDS + (<usize>s << 2));
    let eRef = z, eRes = z, agree = z, pRef = z, pRes = z;
    for (; j < end; j++) {
      const o = <usize>j << 4;
      const x = v128.load(XREF + o);
      const e = v128.load(RES + o);
      const ee = f64x2.mul(e, e);
      eRef = f64x2.add(eRef, f64x2.mul(x, x));
      eRes = f64x2.add(eRes, ee);
      agree = f64x2.add(agree, v128.and(ee, f64x2.gt(f64x2.mul(e, x), z)));
      pRef = f64x2.pmax(pRef, f64x2.abs(x));
      pRes = f64x2.pmax(pRes, f64x2.abs(e));
    }
    v128.store(statAt(s, 0, c), eRef);
    v128.store(statAt(s, 1, c), eRes);
    v128.store(statAt(s, 2, c), agree);
    v128.store(statAt(s, 3, c), pRef);
    v128.store(statAt(s, 4, c), pRes);
  }
}

/**
 * One block of `frames` frames (≤ CAPACITY) of `channels` channels (≤ MAX_CHANNELS) and `parts` parts
 * (1..MAX_PARTS) in INPUT: the least-squares sums into TERMS and the stats of the `segmentCount`
 * segments listed in SEG_ENDS (the last ending at `frames`) into SEG_STATS.
 */
export function block(channels: i32, parts: i32, frames: i32, segmentCount: i32): void {
  for (let c = 0; c < channels; c += 2) {
    if (parts === 3) sums3(c, frames);
    else if (parts === 2) sums2(c, frames);
    else sumsAny(c, frames, parts);
    segments(c, segmentCount);
  }
}

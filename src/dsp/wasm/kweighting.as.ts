// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): BS.1770 K-weighting of several
// channels at once, two channels per f64x2 vector. Each lane runs exactly the operations of the
// plain-JS kWeightSumSquares (../kweighting.ts) in the same order and in double, so every channel's
// Σy² and filter state are bit-identical to it. The IIR is sequential in time; the speed comes from
// running several channels' recurrences side by side (up to three vectors: six channels).
// The RLB high-pass numerator is exactly (1, -2, 1) (the JS side uses this kernel only then), so its
// products are exact: 1·s = s, -2·sy1 = -(sy1 + sy1), 1·sy2 = sy2, and s + -(d) is s - d by IEEE
// definition; hb0·s + hb1·sy1 + hb2·sy2 is therefore (s - (sy1 + sy1)) + sy2 bit for bit, three
// fewer multiplies per sample.
// Samples are read four per channel with one v128.load each and shuffled into (a, b) pairs before
// promotion (a third of the scalar-load cost). Measured (kernel alone, 48 kHz, 480-sample calls, this
// machine): six channels as one runSix 1.28 ns/sample vs runFour + runTwo 1.38; runTwo (one vector, bound
// by its recurrence) gains from eight samples per iteration (1.55 -> 1.42), the others lose (1.28 -> 1.35).
//
// Memory (fixed, no allocator): INPUT holds channel c's samples at INPUT + c * CAPACITY * 4;
// STATE holds 8 doubles per channel (shelf x1 x2 y1 y2, unused, unused, high-pass y1 y2, as in JS);
// COEFS the ten coefficients (shelf b0 b1 b2 a1 a2, high-pass b0 b1 b2 a1 a2); SUMS one running Σy² per
// channel and PLAIN one running Σx² (unweighted, as the analyzer's sample sum of squares).

const MAX_CHANNELS: i32 = 32;
const CAPACITY: i32 = 4096;

const INPUT: usize = memory.data(MAX_CHANNELS * CAPACITY * 4, 16);
const STATE: usize = memory.data(MAX_CHANNELS * 8 * 8, 16);
const COEFS: usize = memory.data(10 * 8, 16);
const SUMS: usize = memory.data(MAX_CHANNELS * 8, 16);
const PLAIN: usize = memory.data(MAX_CHANNELS * 8, 16);

export function inputPointer(): usize {
  return INPUT;
}
export function statePointer(): usize {
  return STATE;
}
export function coefsPointer(): usize {
  return COEFS;
}
export function sumsPointer(): usize {
  return SUMS;
}
export function plainPointer(): usize {
  return PLAIN;
}
export function maxChannels(): i32 {
  return MAX_CHANNELS;
}
/** Samples per channel per call. */
export function capacity(): i32 {
  return CAPACITY;
}

@inline function coef(i: i32): v128 {
  return f64x2.splat(f64.load(COEFS + (<usize>i << 3)));
}

/** State slot j of channels c and c+1 as one vector. */
@inline function loadState(c: i32, j: i32): v128 {
  const a = f64.load(STATE + (<usize>(c * 8 + j) << 3));
  const b = f64.load(STATE + (<usize>((c + 1) * 8 + j) << 3));
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

@inline function storeState(c: i32, j: i32, v: v128): void {
  f64.store(STATE + (<usize>(c * 8 + j) << 3), f64x2.extract_lane(v, 0));
  f64.store(STATE + (<usize>((c + 1) * 8 + j) << 3), f64x2.extract_lane(v, 1));
}

@inline function sample(c: i32, i: i32): v128 {
  const a = <f64>f32.load(INPUT + (<usize>(c * CAPACITY + i) << 2));
  const b = <f64>f32.load(INPUT + (<usize>((c + 1) * CAPACITY + i) << 2));
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

/** Samples i..i+3 of channel c (unaligned when a call starts at an offset not a multiple of 4). */
@inline function block(c: i32, i: i32): v128 {
  return v128.load(INPUT + (<usize>(c * CAPACITY + i) << 2));
}

/** The running Σy² of channels c and c+1, or 0 to start a call's sums (as JS's `let sum = 0`). */
@inline function sums(c: i32, accumulate: i32): v128 {
  return accumulate ? v128.load(SUMS + (<usize>c << 3)) : f64x2.splat(0);
}

@inline function plains(c: i32, accumulate: i32): v128 {
  return accumulate ? v128.load(PLAIN + (<usize>c << 3)) : f64x2.splat(0);
}

/** Channels c..c+5: 3 vectors, so 3 recurrences are in flight. */
function runSix(c: i32, from: i32, to: i32, accumulate: i32): void {
  const b0 = coef(0), b1 = coef(1), b2 = coef(2), a1 = coef(3), a2 = coef(4), ha1 = coef(8), ha2 = coef(9);
  let sx1_0 = loadState(c, 0), sx2_0 = loadState(c, 1), sy1_0 = loadState(c, 2), sy2_0 = loadState(c, 3);
  let hy1_0 = loadState(c, 6), hy2_0 = loadState(c, 7);
  let sum0 = sums(c, accumulate), plain0 = plains(c, accumulate);
  let s0: v128, y0: v128;
  let sx1_1 = loadState(c + 2, 0), sx2_1 = loadState(c + 2, 1), sy1_1 = loadState(c + 2, 2), sy2_1 = loadState(c + 2, 3);
  let hy1_1 = loadState(c + 2, 6), hy2_1 = loadState(c + 2, 7);
  let sum1 = sums(c + 2, accumulate), plain1 = plains(c + 2, accumulate);
  let s1: v128, y1: v128;
  let sx1_2 = loadState(c + 4, 0), sx2_2 = loadState(c + 4, 1), sy1_2 = loadState(c + 4, 2), sy2_2 = loadState(c + 4, 3);
  let hy1_2 = loadState(c + 4, 6), hy2_2 = loadState(c + 4, 7);
  let sum2 = sums(c + 4, accumulate), plain2 = plains(c + 4, accumulate);
  let s2: v128, y2: v128;
  let i = from;
  // four samples of each channel pair per load pair, shuffled into (a, b) pairs and promoted
  for (; i + 4 <= to; i += 4) {
    const ina0 = block(c, i), inb0 = block(c + 1, i);
    const lo0 = v128.shuffle<f32>(ina0, inb0, 0, 4, 1, 5), hi0 = v128.shuffle<f32>(ina0, inb0, 2, 6, 3, 7);
    const ina1 = block(c + 2, i), inb1 = block(c + 2 + 1, i);
    const lo1 = v128.shuffle<f32>(ina1, inb1, 0, 4, 1, 5), hi1 = v128.shuffle<f32>(ina1, inb1, 2, 6, 3, 7);
    const ina2 = block(c + 4, i), inb2 = block(c + 4 + 1, i);
    const lo2 = v128.shuffle<f32>(ina2, inb2, 0, 4, 1, 5), hi2 = v128.shuffle<f32>(ina2, inb2, 2, 6, 3, 7);
    const x0_0 = f64x2.promote_low_f32x4(lo0);
    const x0_1 = f64x2.promote_low_f32x4(lo1);
    const x0_2 = f64x2.promote_low_f32x4(lo2);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x0_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x0_0, x0_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x0_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x0_1, x0_1));
    s2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_2), f64x2.mul(b1, sx1_2)), f64x2.mul(b2, sx2_2)), f64x2.mul(a1, sy1_2)), f64x2.mul(a2, sy2_2));
    y2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s2, f64x2.add(sy1_2, sy1_2)), sy2_2), f64x2.mul(ha1, hy1_2)), f64x2.mul(ha2, hy2_2));
    sx2_2 = sx1_2; sx1_2 = x0_2; sy2_2 = sy1_2; sy1_2 = s2; hy2_2 = hy1_2; hy1_2 = y2;
    sum2 = f64x2.add(sum2, f64x2.mul(y2, y2));
    plain2 = f64x2.add(plain2, f64x2.mul(x0_2, x0_2));
    const x1_0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo0, lo0, 2, 3, 0, 1));
    const x1_1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo1, lo1, 2, 3, 0, 1));
    const x1_2 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo2, lo2, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x1_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x1_0, x1_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x1_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x1_1, x1_1));
    s2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_2), f64x2.mul(b1, sx1_2)), f64x2.mul(b2, sx2_2)), f64x2.mul(a1, sy1_2)), f64x2.mul(a2, sy2_2));
    y2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s2, f64x2.add(sy1_2, sy1_2)), sy2_2), f64x2.mul(ha1, hy1_2)), f64x2.mul(ha2, hy2_2));
    sx2_2 = sx1_2; sx1_2 = x1_2; sy2_2 = sy1_2; sy1_2 = s2; hy2_2 = hy1_2; hy1_2 = y2;
    sum2 = f64x2.add(sum2, f64x2.mul(y2, y2));
    plain2 = f64x2.add(plain2, f64x2.mul(x1_2, x1_2));
    const x2_0 = f64x2.promote_low_f32x4(hi0);
    const x2_1 = f64x2.promote_low_f32x4(hi1);
    const x2_2 = f64x2.promote_low_f32x4(hi2);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x2_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x2_0, x2_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x2_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x2_1, x2_1));
    s2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_2), f64x2.mul(b1, sx1_2)), f64x2.mul(b2, sx2_2)), f64x2.mul(a1, sy1_2)), f64x2.mul(a2, sy2_2));
    y2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s2, f64x2.add(sy1_2, sy1_2)), sy2_2), f64x2.mul(ha1, hy1_2)), f64x2.mul(ha2, hy2_2));
    sx2_2 = sx1_2; sx1_2 = x2_2; sy2_2 = sy1_2; sy1_2 = s2; hy2_2 = hy1_2; hy1_2 = y2;
    sum2 = f64x2.add(sum2, f64x2.mul(y2, y2));
    plain2 = f64x2.add(plain2, f64x2.mul(x2_2, x2_2));
    const x3_0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi0, hi0, 2, 3, 0, 1));
    const x3_1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi1, hi1, 2, 3, 0, 1));
    const x3_2 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi2, hi2, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x3_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x3_0, x3_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x3_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x3_1, x3_1));
    s2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_2), f64x2.mul(b1, sx1_2)), f64x2.mul(b2, sx2_2)), f64x2.mul(a1, sy1_2)), f64x2.mul(a2, sy2_2));
    y2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s2, f64x2.add(sy1_2, sy1_2)), sy2_2), f64x2.mul(ha1, hy1_2)), f64x2.mul(ha2, hy2_2));
    sx2_2 = sx1_2; sx1_2 = x3_2; sy2_2 = sy1_2; sy1_2 = s2; hy2_2 = hy1_2; hy1_2 = y2;
    sum2 = f64x2.add(sum2, f64x2.mul(y2, y2));
    plain2 = f64x2.add(plain2, f64x2.mul(x3_2, x3_2));
  }
  for (; i < to; i++) {
    const x_0 = sample(c, i);
    const x_1 = sample(c + 2, i);
    const x_2 = sample(c + 4, i);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x_0, x_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x_1, x_1));
    s2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x_2), f64x2.mul(b1, sx1_2)), f64x2.mul(b2, sx2_2)), f64x2.mul(a1, sy1_2)), f64x2.mul(a2, sy2_2));
    y2 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s2, f64x2.add(sy1_2, sy1_2)), sy2_2), f64x2.mul(ha1, hy1_2)), f64x2.mul(ha2, hy2_2));
    sx2_2 = sx1_2; sx1_2 = x_2; sy2_2 = sy1_2; sy1_2 = s2; hy2_2 = hy1_2; hy1_2 = y2;
    sum2 = f64x2.add(sum2, f64x2.mul(y2, y2));
    plain2 = f64x2.add(plain2, f64x2.mul(x_2, x_2));
  }
  storeState(c, 0, sx1_0);
  storeState(c, 1, sx2_0);
  storeState(c, 2, sy1_0);
  storeState(c, 3, sy2_0);
  storeState(c, 6, hy1_0);
  storeState(c, 7, hy2_0);
  v128.store(SUMS + (<usize>(c) << 3), sum0);
  v128.store(PLAIN + (<usize>(c) << 3), plain0);
  storeState(c + 2, 0, sx1_1);
  storeState(c + 2, 1, sx2_1);
  storeState(c + 2, 2, sy1_1);
  storeState(c + 2, 3, sy2_1);
  storeState(c + 2, 6, hy1_1);
  storeState(c + 2, 7, hy2_1);
  v128.store(SUMS + (<usize>(c + 2) << 3), sum1);
  v128.store(PLAIN + (<usize>(c + 2) << 3), plain1);
  storeState(c + 4, 0, sx1_2);
  storeState(c + 4, 1, sx2_2);
  storeState(c + 4, 2, sy1_2);
  storeState(c + 4, 3, sy2_2);
  storeState(c + 4, 6, hy1_2);
  storeState(c + 4, 7, hy2_2);
  v128.store(SUMS + (<usize>(c + 4) << 3), sum2);
  v128.store(PLAIN + (<usize>(c + 4) << 3), plain2);
}

/** Channels c..c+3: 2 vectors, so 2 recurrences are in flight. */
function runFour(c: i32, from: i32, to: i32, accumulate: i32): void {
  const b0 = coef(0), b1 = coef(1), b2 = coef(2), a1 = coef(3), a2 = coef(4), ha1 = coef(8), ha2 = coef(9);
  let sx1_0 = loadState(c, 0), sx2_0 = loadState(c, 1), sy1_0 = loadState(c, 2), sy2_0 = loadState(c, 3);
  let hy1_0 = loadState(c, 6), hy2_0 = loadState(c, 7);
  let sum0 = sums(c, accumulate), plain0 = plains(c, accumulate);
  let s0: v128, y0: v128;
  let sx1_1 = loadState(c + 2, 0), sx2_1 = loadState(c + 2, 1), sy1_1 = loadState(c + 2, 2), sy2_1 = loadState(c + 2, 3);
  let hy1_1 = loadState(c + 2, 6), hy2_1 = loadState(c + 2, 7);
  let sum1 = sums(c + 2, accumulate), plain1 = plains(c + 2, accumulate);
  let s1: v128, y1: v128;
  let i = from;
  // four samples of each channel pair per load pair, shuffled into (a, b) pairs and promoted
  for (; i + 4 <= to; i += 4) {
    const ina0 = block(c, i), inb0 = block(c + 1, i);
    const lo0 = v128.shuffle<f32>(ina0, inb0, 0, 4, 1, 5), hi0 = v128.shuffle<f32>(ina0, inb0, 2, 6, 3, 7);
    const ina1 = block(c + 2, i), inb1 = block(c + 2 + 1, i);
    const lo1 = v128.shuffle<f32>(ina1, inb1, 0, 4, 1, 5), hi1 = v128.shuffle<f32>(ina1, inb1, 2, 6, 3, 7);
    const x0_0 = f64x2.promote_low_f32x4(lo0);
    const x0_1 = f64x2.promote_low_f32x4(lo1);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x0_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x0_0, x0_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x0_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x0_1, x0_1));
    const x1_0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo0, lo0, 2, 3, 0, 1));
    const x1_1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo1, lo1, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x1_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x1_0, x1_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x1_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x1_1, x1_1));
    const x2_0 = f64x2.promote_low_f32x4(hi0);
    const x2_1 = f64x2.promote_low_f32x4(hi1);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x2_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x2_0, x2_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x2_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x2_1, x2_1));
    const x3_0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi0, hi0, 2, 3, 0, 1));
    const x3_1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi1, hi1, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x3_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x3_0, x3_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x3_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x3_1, x3_1));
  }
  for (; i < to; i++) {
    const x_0 = sample(c, i);
    const x_1 = sample(c + 2, i);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x_0, x_0));
    s1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x_1), f64x2.mul(b1, sx1_1)), f64x2.mul(b2, sx2_1)), f64x2.mul(a1, sy1_1)), f64x2.mul(a2, sy2_1));
    y1 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s1, f64x2.add(sy1_1, sy1_1)), sy2_1), f64x2.mul(ha1, hy1_1)), f64x2.mul(ha2, hy2_1));
    sx2_1 = sx1_1; sx1_1 = x_1; sy2_1 = sy1_1; sy1_1 = s1; hy2_1 = hy1_1; hy1_1 = y1;
    sum1 = f64x2.add(sum1, f64x2.mul(y1, y1));
    plain1 = f64x2.add(plain1, f64x2.mul(x_1, x_1));
  }
  storeState(c, 0, sx1_0);
  storeState(c, 1, sx2_0);
  storeState(c, 2, sy1_0);
  storeState(c, 3, sy2_0);
  storeState(c, 6, hy1_0);
  storeState(c, 7, hy2_0);
  v128.store(SUMS + (<usize>(c) << 3), sum0);
  v128.store(PLAIN + (<usize>(c) << 3), plain0);
  storeState(c + 2, 0, sx1_1);
  storeState(c + 2, 1, sx2_1);
  storeState(c + 2, 2, sy1_1);
  storeState(c + 2, 3, sy2_1);
  storeState(c + 2, 6, hy1_1);
  storeState(c + 2, 7, hy2_1);
  v128.store(SUMS + (<usize>(c + 2) << 3), sum1);
  v128.store(PLAIN + (<usize>(c + 2) << 3), plain1);
}

/** Channels c..c+1: 1 vector, so 1 recurrence is in flight. */
function runTwo(c: i32, from: i32, to: i32, accumulate: i32): void {
  const b0 = coef(0), b1 = coef(1), b2 = coef(2), a1 = coef(3), a2 = coef(4), ha1 = coef(8), ha2 = coef(9);
  let sx1_0 = loadState(c, 0), sx2_0 = loadState(c, 1), sy1_0 = loadState(c, 2), sy2_0 = loadState(c, 3);
  let hy1_0 = loadState(c, 6), hy2_0 = loadState(c, 7);
  let sum0 = sums(c, accumulate), plain0 = plains(c, accumulate);
  let s0: v128, y0: v128;
  let i = from;
  // eight samples (two blocks of four) of the pair per iteration, shuffled into (a, b) pairs and promoted
  for (; i + 8 <= to; i += 8) {
    const ina0_0 = block(c, i), inb0_0 = block(c + 1, i);
    const lo0_0 = v128.shuffle<f32>(ina0_0, inb0_0, 0, 4, 1, 5), hi0_0 = v128.shuffle<f32>(ina0_0, inb0_0, 2, 6, 3, 7);
    const x0_0_0 = f64x2.promote_low_f32x4(lo0_0);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_0_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x0_0_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x0_0_0, x0_0_0));
    const x1_0_0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo0_0, lo0_0, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_0_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x1_0_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x1_0_0, x1_0_0));
    const x2_0_0 = f64x2.promote_low_f32x4(hi0_0);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_0_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x2_0_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x2_0_0, x2_0_0));
    const x3_0_0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi0_0, hi0_0, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_0_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x3_0_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x3_0_0, x3_0_0));
    const ina0_1 = block(c, i + 4), inb0_1 = block(c + 1, i + 4);
    const lo0_1 = v128.shuffle<f32>(ina0_1, inb0_1, 0, 4, 1, 5), hi0_1 = v128.shuffle<f32>(ina0_1, inb0_1, 2, 6, 3, 7);
    const x0_0_1 = f64x2.promote_low_f32x4(lo0_1);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x0_0_1), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x0_0_1; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x0_0_1, x0_0_1));
    const x1_0_1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(lo0_1, lo0_1, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x1_0_1), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x1_0_1; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x1_0_1, x1_0_1));
    const x2_0_1 = f64x2.promote_low_f32x4(hi0_1);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x2_0_1), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x2_0_1; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x2_0_1, x2_0_1));
    const x3_0_1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(hi0_1, hi0_1, 2, 3, 0, 1));
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x3_0_1), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x3_0_1; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x3_0_1, x3_0_1));
  }
  for (; i < to; i++) {
    const x_0 = sample(c, i);
    s0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x_0), f64x2.mul(b1, sx1_0)), f64x2.mul(b2, sx2_0)), f64x2.mul(a1, sy1_0)), f64x2.mul(a2, sy2_0));
    y0 = f64x2.sub(f64x2.sub(f64x2.add(f64x2.sub(s0, f64x2.add(sy1_0, sy1_0)), sy2_0), f64x2.mul(ha1, hy1_0)), f64x2.mul(ha2, hy2_0));
    sx2_0 = sx1_0; sx1_0 = x_0; sy2_0 = sy1_0; sy1_0 = s0; hy2_0 = hy1_0; hy1_0 = y0;
    sum0 = f64x2.add(sum0, f64x2.mul(y0, y0));
    plain0 = f64x2.add(plain0, f64x2.mul(x_0, x_0));
  }
  storeState(c, 0, sx1_0);
  storeState(c, 1, sx2_0);
  storeState(c, 2, sy1_0);
  storeState(c, 3, sy2_0);
  storeState(c, 6, hy1_0);
  storeState(c, 7, hy2_0);
  v128.store(SUMS + (<usize>(c) << 3), sum0);
  v128.store(PLAIN + (<usize>(c) << 3), plain0);
}


/**
 * Filter samples offset..offset+count-1 of `channels` channels (an even number: the caller pads an odd
 * count with a scratch channel) from INPUT, updating STATE; each channel's Σy² and Σx² (unweighted, as the
 * analyzer's sample sum of squares) over these samples go to SUMS and PLAIN, added to what is there if
 * `accumulate` (a range filtered in several calls then sums in the same order as one JS loop), else from 0.
 */
export function run(channels: i32, count: i32, accumulate: i32, offset: i32): void {
  // two or three vectors at a time keep the FP units busy; one alone waits on its recurrence, so
  // split into sixes and fours only (2 + 4k channels: one six, then fours)
  const to = offset + count;
  let c = 0;
  while (c < channels) {
    const left = channels - c;
    if (left == 2) {
      runTwo(c, offset, to, accumulate);
      c += 2;
    } else if (left % 4 == 2) {
      runSix(c, offset, to, accumulate);
      c += 6;
    } else {
      runFour(c, offset, to, accumulate);
      c += 4;
    }
  }
}

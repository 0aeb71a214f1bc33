// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): BS.1770 K-weighting of several
// channels at once, two channels per f64x2 vector. Each lane runs exactly the operations of the
// plain-JS kWeightSumSquares (../kweighting.ts) in the same order and in double, so every channel's
// Σy² and filter state are bit-identical to it. The IIR is sequential in time; the speed comes from
// running several channels' recurrences side by side.
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

/** Channels c..c+3 (two vectors side by side, so two recurrences are in flight). */
function runFour(c: i32, count: i32): void {
  const b0 = coef(0), b1 = coef(1), b2 = coef(2), a1 = coef(3), a2 = coef(4);
  const hb0 = coef(5), hb1 = coef(6), hb2 = coef(7), ha1 = coef(8), ha2 = coef(9);
  let sx1 = loadState(c, 0), sx2 = loadState(c, 1), sy1 = loadState(c, 2), sy2 = loadState(c, 3);
  let hy1 = loadState(c, 6), hy2 = loadState(c, 7);
  let tx1 = loadState(c + 2, 0), tx2 = loadState(c + 2, 1), ty1 = loadState(c + 2, 2), ty2 = loadState(c + 2, 3);
  let gy1 = loadState(c + 2, 6), gy2 = loadState(c + 2, 7);
  let sum = v128.load(SUMS + (<usize>c << 3)), sum2 = v128.load(SUMS + (<usize>(c + 2) << 3));
  let plain = v128.load(PLAIN + (<usize>c << 3)), plain2 = v128.load(PLAIN + (<usize>(c + 2) << 3));
  for (let i = 0; i < count; i++) {
    const x = sample(c, i);
    const s = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x), f64x2.mul(b1, sx1)), f64x2.mul(b2, sx2)), f64x2.mul(a1, sy1)), f64x2.mul(a2, sy2));
    const y = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(hb0, s), f64x2.mul(hb1, sy1)), f64x2.mul(hb2, sy2)), f64x2.mul(ha1, hy1)), f64x2.mul(ha2, hy2));
    sx2 = sx1;
    sx1 = x;
    sy2 = sy1;
    sy1 = s;
    hy2 = hy1;
    hy1 = y;
    sum = f64x2.add(sum, f64x2.mul(y, y));
    plain = f64x2.add(plain, f64x2.mul(x, x));
    const u = sample(c + 2, i);
    const t = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, u), f64x2.mul(b1, tx1)), f64x2.mul(b2, tx2)), f64x2.mul(a1, ty1)), f64x2.mul(a2, ty2));
    const g = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(hb0, t), f64x2.mul(hb1, ty1)), f64x2.mul(hb2, ty2)), f64x2.mul(ha1, gy1)), f64x2.mul(ha2, gy2));
    tx2 = tx1;
    tx1 = u;
    ty2 = ty1;
    ty1 = t;
    gy2 = gy1;
    gy1 = g;
    sum2 = f64x2.add(sum2, f64x2.mul(g, g));
    plain2 = f64x2.add(plain2, f64x2.mul(u, u));
  }
  storeState(c, 0, sx1);
  storeState(c, 1, sx2);
  storeState(c, 2, sy1);
  storeState(c, 3, sy2);
  storeState(c, 6, hy1);
  storeState(c, 7, hy2);
  storeState(c + 2, 0, tx1);
  storeState(c + 2, 1, tx2);
  storeState(c + 2, 2, ty1);
  storeState(c + 2, 3, ty2);
  storeState(c + 2, 6, gy1);
  storeState(c + 2, 7, gy2);
  v128.store(SUMS + (<usize>c << 3), sum);
  v128.store(SUMS + (<usize>(c + 2) << 3), sum2);
  v128.store(PLAIN + (<usize>c << 3), plain);
  v128.store(PLAIN + (<usize>(c + 2) << 3), plain2);
}

/** Channels c and c+1. */
function runTwo(c: i32, count: i32): void {
  const b0 = coef(0), b1 = coef(1), b2 = coef(2), a1 = coef(3), a2 = coef(4);
  const hb0 = coef(5), hb1 = coef(6), hb2 = coef(7), ha1 = coef(8), ha2 = coef(9);
  let sx1 = loadState(c, 0), sx2 = loadState(c, 1), sy1 = loadState(c, 2), sy2 = loadState(c, 3);
  let hy1 = loadState(c, 6), hy2 = loadState(c, 7);
  let sum = v128.load(SUMS + (<usize>c << 3));
  let plain = v128.load(PLAIN + (<usize>c << 3));
  for (let i = 0; i < count; i++) {
    const x = sample(c, i);
    const s = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(b0, x), f64x2.mul(b1, sx1)), f64x2.mul(b2, sx2)), f64x2.mul(a1, sy1)), f64x2.mul(a2, sy2));
    const y = f64x2.sub(f64x2.sub(f64x2.add(f64x2.add(f64x2.mul(hb0, s), f64x2.mul(hb1, sy1)), f64x2.mul(hb2, sy2)), f64x2.mul(ha1, hy1)), f64x2.mul(ha2, hy2));
    sx2 = sx1;
    sx1 = x;
    sy2 = sy1;
    sy1 = s;
    hy2 = hy1;
    hy1 = y;
    sum = f64x2.add(sum, f64x2.mul(y, y));
    plain = f64x2.add(plain, f64x2.mul(x, x));
  }
  storeState(c, 0, sx1);
  storeState(c, 1, sx2);
  storeState(c, 2, sy1);
  storeState(c, 3, sy2);
  storeState(c, 6, hy1);
  storeState(c, 7, hy2);
  v128.store(SUMS + (<usize>c << 3), sum);
  v128.store(PLAIN + (<usize>c << 3), plain);
}

/**
 * Filter `count` samples of `channels` channels (an even number: the caller pads an odd count with a
 * scratch channel) from INPUT, updating STATE and adding each channel's y² to its SUMS running sum
 * and x² to its PLAIN one (so a range filtered in several calls sums in the same order as one JS loop).
 */
export function run(channels: i32, count: i32): void {
  let c = 0;
  for (; c + 4 <= channels; c += 4) runFour(c, count);
  for (; c + 2 <= channels; c += 2) runTwo(c, count);
}

// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the true-peak polyphase FIR in SIMD
// across time (each vector holds consecutive outputs of one phase), two ways:
// - peak(): f64x2, every output summed tap by tap in the same order and the same double precision as
//   the plain-JS kernel (compileKernel in ../truepeak.ts), so both return bit-identical peaks;
// - peakAbove(): an f32x4 pass over the central half of the taps (the rest bounded by tailBound from
//   the caller), then over all taps, each twice as fast as the one after it, with bounded rounding error
//   (errorBound from the caller); only when neither can rule out beating the running maximum does it run
//   peak(). Either way a value above the running maximum is the exact double one.
//
// Memory (fixed, no allocator): TAPS holds each tap splatted into both f64 lanes, phase-major
// (phase p, tap k at TAPS + (p * taps + k) * 16), TAPS32 the same in four f32 lanes; INPUT holds the
// Float32 stretch with its taps-1 history samples first. The caller writes taps, calls init() once,
// then writes INPUT and calls peak() or peakAbove() per stretch.

const MAX_PHASES: i32 = 15;
const MAX_TAPS: i32 = 64;
const CAPACITY: i32 = 16384;

const TAPS: usize = memory.data(MAX_PHASES * MAX_TAPS * 16, 16);
const TAPS32: usize = memory.data(MAX_PHASES * MAX_TAPS * 16, 16);
const INPUT: usize = memory.data(CAPACITY * 4 + 16, 16);

let phaseCount: i32 = 0;
let tapCount: i32 = 0;

export function tapsPointer(): usize {
  return TAPS;
}
export function taps32Pointer(): usize {
  return TAPS32;
}
export function inputPointer(): usize {
  return INPUT;
}
/** Samples INPUT holds, history included. */
export function inputCapacity(): i32 {
  return CAPACITY;
}
export function maxPhases(): i32 {
  return MAX_PHASES;
}
export function maxTaps(): i32 {
  return MAX_TAPS;
}

export function init(phases: i32, taps: i32): void {
  phaseCount = phases;
  tapCount = taps;
}

@inline function tapAt(p: i32, k: i32): v128 {
  return v128.load(TAPS + (<usize>(p * tapCount + k) << 4));
}

/** Input samples n-k and n-k+1 as doubles. */
@inline function pairAt(n: i32, k: i32): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(INPUT + (<usize>(n - k) << 2)));
}

/** Max |y| over outputs n..n+3 of three phases (4x oversampling): six independent sums per tap. */
@inline function group3(n: i32): v128 {
  const T = tapCount;
  let xa = pairAt(n, 0);
  let xb = pairAt(n + 2, 0);
  let t0 = tapAt(0, 0);
  let t1 = tapAt(1, 0);
  let t2 = tapAt(2, 0);
  let a0 = f64x2.mul(t0, xa);
  let b0 = f64x2.mul(t0, xb);
  let a1 = f64x2.mul(t1, xa);
  let b1 = f64x2.mul(t1, xb);
  let a2 = f64x2.mul(t2, xa);
  let b2 = f64x2.mul(t2, xb);
  for (let k = 1; k < T; k++) {
    xa = pairAt(n, k);
    xb = pairAt(n + 2, k);
    t0 = tapAt(0, k);
    t1 = tapAt(1, k);
    t2 = tapAt(2, k);
    a0 = f64x2.add(a0, f64x2.mul(t0, xa));
    b0 = f64x2.add(b0, f64x2.mul(t0, xb));
    a1 = f64x2.add(a1, f64x2.mul(t1, xa));
    b1 = f64x2.add(b1, f64x2.mul(t1, xb));
    a2 = f64x2.add(a2, f64x2.mul(t2, xa));
    b2 = f64x2.add(b2, f64x2.mul(t2, xb));
  }
  let m = f64x2.pmax(f64x2.abs(a0), f64x2.abs(b0));
  m = f64x2.pmax(m, f64x2.abs(a1));
  m = f64x2.pmax(m, f64x2.abs(b1));
  m = f64x2.pmax(m, f64x2.abs(a2));
  return f64x2.pmax(m, f64x2.abs(b2));
}

/** Max |y| over outputs n..n+7 of one phase (2x oversampling): four independent sums per tap. */
@inline function group1(n: i32): v128 {
  const T = tapCount;
  let t = tapAt(0, 0);
  let a = f64x2.mul(t, pairAt(n, 0));
  let b = f64x2.mul(t, pairAt(n + 2, 0));
  let c = f64x2.mul(t, pairAt(n + 4, 0));
  let d = f64x2.mul(t, pairAt(n + 6, 0));
  for (let k = 1; k < T; k++) {
    t = tapAt(0, k);
    a = f64x2.add(a, f64x2.mul(t, pairAt(n, k)));
    b = f64x2.add(b, f64x2.mul(t, pairAt(n + 2, k)));
    c = f64x2.add(c, f64x2.mul(t, pairAt(n + 4, k)));
    d = f64x2.add(d, f64x2.mul(t, pairAt(n + 6, k)));
  }
  let m = f64x2.pmax(f64x2.abs(a), f64x2.abs(b));
  m = f64x2.pmax(m, f64x2.abs(c));
  return f64x2.pmax(m, f64x2.abs(d));
}

/** Any phase count: outputs n..n+3, one phase at a time. */
@inline function groupAny(n: i32): v128 {
  const T = tapCount;
  let m = f64x2.splat(0);
  for (let p = 0; p < phaseCount; p++) {
    let t = tapAt(p, 0);
    let a = f64x2.mul(t, pairAt(n, 0));
    let b = f64x2.mul(t, pairAt(n + 2, 0));
    for (let k = 1; k < T; k++) {
      t = tapAt(p, k);
      a = f64x2.add(a, f64x2.mul(t, pairAt(n, k)));
      b = f64x2.add(b, f64x2.mul(t, pairAt(n + 2, k)));
    }
    m = f64x2.pmax(m, f64x2.pmax(f64x2.abs(a), f64x2.abs(b)));
  }
  return m;
}

/** One output of every phase, scalar, same summation order. */
function single(n: i32): f64 {
  const T = tapCount;
  let peak: f64 = 0;
  for (let p = 0; p < phaseCount; p++) {
    const base = TAPS + (<usize>(p * T) << 4);
    let y: f64 = f64.load(base) * <f64>f32.load(INPUT + (<usize>n << 2));
    for (let k = 1; k < T; k++) {
      y += f64.load(base + (<usize>k << 4)) * <f64>f32.load(INPUT + (<usize>(n - k) << 2));
    }
    const a = abs<f64>(y);
    if (a > peak) peak = a;
  }
  return peak;
}

/**
 * Max |y| over every fractional phase for the `count` samples after the taps-1 history in INPUT.
 * The last group overlaps the one before it instead of reading past the stretch (max is idempotent).
 */
export function peak(count: i32): f64 {
  return peakFrom(tapCount - 1, count);
}

/** peak() for the outputs first .. first+count-1 of INPUT. */
function peakFrom(first: i32, count: i32): f64 {
  const end = first + count;
  let m = f64x2.splat(0);
  if (phaseCount == 3) {
    if (count >= 4) {
      let n = first;
      for (; n + 4 <= end; n += 4) m = f64x2.pmax(m, group3(n));
      if (n < end) m = f64x2.pmax(m, group3(end - 4));
    }
  } else if (phaseCount == 1) {
    if (count >= 8) {
      let n = first;
      for (; n + 8 <= end; n += 8) m = f64x2.pmax(m, group1(n));
      if (n < end) m = f64x2.pmax(m, group1(end - 8));
    }
  } else if (count >= 4) {
    let n = first;
    for (; n + 4 <= end; n += 4) m = f64x2.pmax(m, groupAny(n));
    if (n < end) m = f64x2.pmax(m, groupAny(end - 4));
  }
  let result = max<f64>(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  const groupSize = phaseCount == 1 ? 8 : 4;
  if (count < groupSize) {
    for (let n = first; n < end; n++) {
      const y = single(n);
      if (y > result) result = y;
    }
  }
  return result;
}

// ---- f32x4 screening pass -------------------------------------------------------------------------

@inline function tap32At(p: i32, k: i32): v128 {
  return v128.load(TAPS32 + (<usize>(p * tapCount + k) << 4));
}

/** Input samples n-k .. n-k+3. */
@inline function quadAt(n: i32, k: i32): v128 {
  return v128.load(INPUT + (<usize>(n - k) << 2));
}

/** Max |Σ_{k0 ≤ k < k1} taps·x| (f32) over outputs n..n+7 of three phases. */
@inline function group3f(n: i32, k0: i32, k1: i32): v128 {
  let xa = quadAt(n, k0);
  let xb = quadAt(n + 4, k0);
  let t0 = tap32At(0, k0);
  let t1 = tap32At(1, k0);
  let t2 = tap32At(2, k0);
  let a0 = f32x4.mul(t0, xa);
  let b0 = f32x4.mul(t0, xb);
  let a1 = f32x4.mul(t1, xa);
  let b1 = f32x4.mul(t1, xb);
  let a2 = f32x4.mul(t2, xa);
  let b2 = f32x4.mul(t2, xb);
  for (let k = k0 + 1; k < k1; k++) {
    xa = quadAt(n, k);
    xb = quadAt(n + 4, k);
    t0 = tap32At(0, k);
    t1 = tap32At(1, k);
    t2 = tap32At(2, k);
    a0 = f32x4.add(a0, f32x4.mul(t0, xa));
    b0 = f32x4.add(b0, f32x4.mul(t0, xb));
    a1 = f32x4.add(a1, f32x4.mul(t1, xa));
    b1 = f32x4.add(b1, f32x4.mul(t1, xb));
    a2 = f32x4.add(a2, f32x4.mul(t2, xa));
    b2 = f32x4.add(b2, f32x4.mul(t2, xb));
  }
  let m = f32x4.pmax(f32x4.abs(a0), f32x4.abs(b0));
  m = f32x4.pmax(m, f32x4.abs(a1));
  m = f32x4.pmax(m, f32x4.abs(b1));
  m = f32x4.pmax(m, f32x4.abs(a2));
  return f32x4.pmax(m, f32x4.abs(b2));
}

/** Max |Σ_{k0 ≤ k < k1} taps·x| (f32) over outputs n..n+15 of one phase. */
@inline function group1f(n: i32, k0: i32, k1: i32): v128 {
  let t = tap32At(0, k0);
  let a = f32x4.mul(t, quadAt(n, k0));
  let b = f32x4.mul(t, quadAt(n + 4, k0));
  let c = f32x4.mul(t, quadAt(n + 8, k0));
  let d = f32x4.mul(t, quadAt(n + 12, k0));
  for (let k = k0 + 1; k < k1; k++) {
    t = tap32At(0, k);
    a = f32x4.add(a, f32x4.mul(t, quadAt(n, k)));
    b = f32x4.add(b, f32x4.mul(t, quadAt(n + 4, k)));
    c = f32x4.add(c, f32x4.mul(t, quadAt(n + 8, k)));
    d = f32x4.add(d, f32x4.mul(t, quadAt(n + 12, k)));
  }
  let m = f32x4.pmax(f32x4.abs(a), f32x4.abs(b));
  m = f32x4.pmax(m, f32x4.abs(c));
  return f32x4.pmax(m, f32x4.abs(d));
}

/** Any phase count: outputs n..n+7, one phase at a time, taps k0 .. k1-1. */
@inline function groupAnyf(n: i32, k0: i32, k1: i32): v128 {
  let m = f32x4.splat(0);
  for (let p = 0; p < phaseCount; p++) {
    let t = tap32At(p, k0);
    let a = f32x4.mul(t, quadAt(n, k0));
    let b = f32x4.mul(t, quadAt(n + 4, k0));
    for (let k = k0 + 1; k < k1; k++) {
      t = tap32At(p, k);
      a = f32x4.add(a, f32x4.mul(t, quadAt(n, k)));
      b = f32x4.add(b, f32x4.mul(t, quadAt(n + 4, k)));
    }
    m = f32x4.pmax(m, f32x4.pmax(f32x4.abs(a), f32x4.abs(b)));
  }
  return m;
}

/** Max |Σ_{k0 ≤ k < k1} taps·x| (f32) over outputs first .. first+count-1 (count ≥ the group size). */
function screenMax(first: i32, count: i32, k0: i32, k1: i32): f64 {
  const end = first + count;
  let m = f32x4.splat(0);
  let n = first;
  if (phaseCount == 3) {
    for (; n + 8 <= end; n += 8) m = f32x4.pmax(m, group3f(n, k0, k1));
    if (n < end) m = f32x4.pmax(m, group3f(end - 8, k0, k1));
  } else if (phaseCount == 1) {
    for (; n + 16 <= end; n += 16) m = f32x4.pmax(m, group1f(n, k0, k1));
    if (n < end) m = f32x4.pmax(m, group1f(end - 16, k0, k1));
  } else {
    for (; n + 8 <= end; n += 8) m = f32x4.pmax(m, groupAnyf(n, k0, k1));
    if (n < end) m = f32x4.pmax(m, groupAnyf(end - 8, k0, k1));
  }
  const lo = max<f32>(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1));
  const hi = max<f32>(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3));
  return <f64>max<f32>(lo, hi);
}

/**
 * Like peak(count) wherever the result matters: returns the exact double max |y| when it exceeds
 * `runningMax`, otherwise some value not above it. errorBound must bound |f32 output - exact output|
 * for every output of the stretch, and also for the sums over the central half of the taps alone;
 * tailBound must bound |Σ taps·x| over the other taps (the caller derives both from the stretch's
 * sample peak). First the central taps alone, half the work, then all of them, then the exact sums.
 */
export function peakAbove(count: i32, runningMax: f64, errorBound: f64, tailBound: f64): f64 {
  return peakAboveFrom(tapCount - 1, count, runningMax, errorBound, tailBound);
}

function peakAboveFrom(first: i32, count: i32, runningMax: f64, errorBound: f64, tailBound: f64): f64 {
  const T = tapCount;
  const groupSize = phaseCount == 1 ? 16 : 8;
  if (count < groupSize) return peakFrom(first, count);
  // |y| ≤ |central sum| + tailBound: provably not above the running maximum (NaN or infinity fall through)
  const central = screenMax(first, count, T / 4, T - T / 4);
  if (central + errorBound + tailBound <= runningMax) return central;
  const approx = screenMax(first, count, 0, T);
  // not provably below the running maximum (an overflow to infinity lands here too): compute exactly
  if (!(approx + errorBound <= runningMax)) return peakFrom(first, count);
  return approx;
}

// ---- the whole meter (TruePeakMeter.process in ../truepeak.ts, step for step) ------------------------

// METER (f64 each): 0 interpolated peak (running max), 1 sample peak, 2 max and 3 min of the history
// samples, 4 skip gain (worstCaseGain with its margin), 5 error per unit input peak, 6 stretches
// oversampled, 7 skipped, 8 skipping enabled (0/1), 9 stretch length, 10 bound (1: signed range,
// 0: peak × gain), 11 the range bound's margin, 12 sub-stretch length, 13 tail gain (the largest Σ|taps|
// outside the central half of any phase, with a margin). The caller writes them all, calls meter(),
// reads 0-3, 6, 7.
const METER: usize = memory.data(14 * 8, 16);
/** Per phase: the sums of its positive taps and of its negative taps' magnitudes (written by the caller). */
const RANGE_GAINS: usize = memory.data(MAX_PHASES * 16, 16);

export function meterPointer(): usize {
  return METER;
}
export function rangeGainsPointer(): usize {
  return RANGE_GAINS;
}

// absRange's result
let rangeHi: f64 = 0;
let rangeLo: f64 = 0;

/** Max and min of INPUT[from, to) into rangeHi, rangeLo (-inf, +inf when empty); NaN ignored as the JS loop does. */
function absRange(from: i32, to: i32): void {
  let mh = f32x4.splat(-Infinity);
  let ml = f32x4.splat(Infinity);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const v = v128.load(INPUT + (<usize>i << 2));
    // pmax(a, b) is b only when a < b (pmin: b < a), so a NaN in b never wins
    mh = f32x4.pmax(mh, v);
    ml = f32x4.pmin(ml, v);
  }
  // lanes folded pairwise by shuffles (max and min are exact, so any grouping gives the same value)
  mh = f32x4.pmax(mh, v128.shuffle<f32>(mh, mh, 2, 3, 0, 1));
  ml = f32x4.pmin(ml, v128.shuffle<f32>(ml, ml, 2, 3, 0, 1));
  mh = f32x4.pmax(mh, v128.shuffle<f32>(mh, mh, 1, 0, 3, 2));
  ml = f32x4.pmin(ml, v128.shuffle<f32>(ml, ml, 1, 0, 3, 2));
  let hi = f32x4.extract_lane(mh, 0);
  let lo = f32x4.extract_lane(ml, 0);
  for (; i < to; i++) {
    const v = f32.load(INPUT + (<usize>i << 2));
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  rangeHi = <f64>hi;
  rangeLo = <f64>lo;
}

// The range bound of the samples in rangeHi, rangeLo (every tap's input lies in [bottom, top], so
// y ≤ P·top - N·bottom and -y ≤ N·top - P·bottom), with its margin; or peak × gain when rangeBound is 0.
function skipBound(top: f64, bottom: f64, signedRange: bool, gain: f64, rangeMargin: f64): f64 {
  if (!signedRange) return max<f64>(top, -bottom) * gain;
  let b: f64 = 0;
  for (let p = 0; p < phaseCount; p++) {
    const P = f64.load(RANGE_GAINS + (<usize>p << 4));
    const N = f64.load(RANGE_GAINS + (<usize>p << 4), 8);
    b = max<f64>(b, max<f64>(P * top - N * bottom, N * top - P * bottom));
  }
  return b * rangeMargin;
}

/**
 * Meter the `count` samples after the taps-1 history in INPUT, stretch by stretch: sample peak, skip
 * test; a stretch that may beat the running maximum is tested again in sub-stretches (each with the
 * taps-1 samples before it), and those that may are oversampled (screened). Counts are in sub-stretches.
 * Afterwards the last taps-1 samples are INPUT[count ..].
 */
export function meter(count: i32): void {
  const H = tapCount - 1;
  let interpolated = f64.load(METER);
  let samplePeak = f64.load(METER, 8);
  let historyHi = f64.load(METER, 16);
  let historyLo = f64.load(METER, 24);
  const gain = f64.load(METER, 32);
  const errorPerPeak = f64.load(METER, 40);
  let oversampled = f64.load(METER, 48);
  let skipped = f64.load(METER, 56);
  const skip = f64.load(METER, 64) != 0;
  const stretch = <i32>f64.load(METER, 72);
  const signedRange = f64.load(METER, 80) != 0;
  const rangeMargin = f64.load(METER, 88);
  const sub = <i32>f64.load(METER, 96);
  const tailGain = f64.load(METER, 104);
  for (let start = 0; start < count; start += stretch) {
    const c = min<i32>(stretch, count - start);
    const subs = (c + sub - 1) / sub;
    // the stretch's range in two parts when it holds the next history: its last H samples are that history
    let nextHi: f64;
    let nextLo: f64;
    let hi: f64;
    let lo: f64;
    if (c >= H) {
      absRange(start + c, start + c + H);
      nextHi = rangeHi;
      nextLo = rangeLo;
      absRange(H + start, start + c);
      hi = max<f64>(rangeHi, nextHi);
      lo = min<f64>(rangeLo, nextLo);
    } else {
      absRange(H + start, H + start + c);
      hi = rangeHi;
      lo = rangeLo;
      absRange(start + c, start + c + H);
      nextHi = rangeHi;
      nextLo = rangeLo;
    }
    const peak = max<f64>(hi, -lo);
    if (peak > samplePeak) samplePeak = peak;
    const top = max<f64>(hi, historyHi);
    const bottom = min<f64>(lo, historyLo);
    if (!skip) {
      const inputPeak = max<f64>(top, -bottom);
      const p = peakAboveFrom(H + start, c, interpolated, inputPeak * errorPerPeak + 1e-37, inputPeak * tailGain);
      if (p > interpolated) interpolated = p;
      oversampled += subs;
    } else if (!(skipBound(top, bottom, signedRange, gain, rangeMargin) > interpolated)) {
      skipped += subs;
    } else {
      for (let j = 0; j < c; j += sub) {
        const cj = min<i32>(sub, c - j);
        // the sub-stretch and the taps-1 samples before it
        absRange(start + j, H + start + j + cj);
        if (skipBound(rangeHi, rangeLo, signedRange, gain, rangeMargin) > interpolated) {
          const inputPeak = max<f64>(rangeHi, -rangeLo);
          const p = peakAboveFrom(H + start + j, cj, interpolated, inputPeak * errorPerPeak + 1e-37, inputPeak * tailGain);
          if (p > interpolated) interpolated = p;
          oversampled += 1;
        } else {
          skipped += 1;
        }
      }
    }
    historyHi = nextHi;
    historyLo = nextLo;
  }
  f64.store(METER, interpolated);
  f64.store(METER, samplePeak, 8);
  f64.store(METER, historyHi, 16);
  f64.store(METER, historyLo, 24);
  f64.store(METER, oversampled, 48);
  f64.store(METER, skipped, 56);
}

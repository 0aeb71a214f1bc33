// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the per-sample scans of the QC
// analyzers (../block-scan.ts): block abs-peak (clipping, peak overs, silence), channel sums (DC offset),
// pair sums (phase) and the zero-run segmentation that lets the silence state machine step by run.
// Every f64 sum runs each lane's operations in the plain-JS order (two channels per f64x2 vector), so
// sums are bit-identical to the JS loops; maxima and compares are order-free.
//
// No allocator: the caller lays out the memory from heapBase() (channel samples, a table of channel
// pointers, results) and grows it from JS; every function takes its pointers as arguments.

export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** max |x[i]| for i < n, 0 for none; NaN never wins (pmax keeps the running value, as JS's `a > m`). */
export function absPeak(p: usize, n: i32): f64 {
  let m0 = f32x4.splat(0);
  let m1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    m0 = f32x4.pmax(m0, f32x4.abs(v128.load(at(p, i))));
    m1 = f32x4.pmax(m1, f32x4.abs(v128.load(at(p, i + 4))));
  }
  for (; i + 4 <= n; i += 4) m0 = f32x4.pmax(m0, f32x4.abs(v128.load(at(p, i))));
  m0 = f32x4.pmax(m0, m1);
  let peak = max<f32>(max<f32>(f32x4.extract_lane(m0, 0), f32x4.extract_lane(m0, 1)), max<f32>(f32x4.extract_lane(m0, 2), f32x4.extract_lane(m0, 3)));
  for (; i < n; i++) {
    const a = abs<f32>(f32.load(at(p, i)));
    if (a > peak) peak = a;
  }
  return <f64>peak;
}

@inline function ptr(table: usize, k: i32): usize {
  return <usize>i32.load(table + (<usize>k << 2));
}

/** Samples i..i+3 of channels x and y as (x0 y0 x1 y1) and (x2 y2 x3 y3). */
@inline function interleaveLo(x: v128, y: v128): v128 {
  return i32x4.shuffle(x, y, 0, 4, 1, 5);
}
@inline function interleaveHi(x: v128, y: v128): v128 {
  return i32x4.shuffle(x, y, 2, 6, 3, 7);
}
/** Lanes 0-1 / 2-3 of four f32 as f64x2. */
@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
}
@inline function pairAt(x: usize, y: usize, i: i32): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>f32.load(at(x, i))), 1, <f64>f32.load(at(y, i)));
}

/** Running sums of channels (a, b), (c, d), (e, f) over n samples, each from 0 in sample order. */
function sums3(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize, n: i32, out: usize): void {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const ab0 = interleaveLo(v128.load(at(a, i)), v128.load(at(b, i)));
    const ab1 = interleaveHi(v128.load(at(a, i)), v128.load(at(b, i)));
    const cd0 = interleaveLo(v128.load(at(c, i)), v128.load(at(d, i)));
    const cd1 = interleaveHi(v128.load(at(c, i)), v128.load(at(d, i)));
    const ef0 = interleaveLo(v128.load(at(e, i)), v128.load(at(f, i)));
    const ef1 = interleaveHi(v128.load(at(e, i)), v128.load(at(f, i)));
    s0 = f64x2.add(s0, low(ab0));
    s1 = f64x2.add(s1, low(cd0));
    s2 = f64x2.add(s2, low(ef0));
    s0 = f64x2.add(s0, high(ab0));
    s1 = f64x2.add(s1, high(cd0));
    s2 = f64x2.add(s2, high(ef0));
    s0 = f64x2.add(s0, low(ab1));
    s1 = f64x2.add(s1, low(cd1));
    s2 = f64x2.add(s2, low(ef1));
    s0 = f64x2.add(s0, high(ab1));
    s1 = f64x2.add(s1, high(cd1));
    s2 = f64x2.add(s2, high(ef1));
  }
  for (; i < n; i++) {
    s0 = f64x2.add(s0, pairAt(a, b, i));
    s1 = f64x2.add(s1, pairAt(c, d, i));
    s2 = f64x2.add(s2, pairAt(e, f, i));
  }
  v128.store(out, s0);
  v128.store(out, s1, 16);
  v128.store(out, s2, 32);
}

/** Running sums of channels (a, b) over n samples. */
function sums1(a: usize, b: usize, n: i32, out: usize): void {
  let s0 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(at(a, i));
    const y = v128.load(at(b, i));
    const ab0 = interleaveLo(x, y);
    const ab1 = interleaveHi(x, y);
    s0 = f64x2.add(s0, low(ab0));
    s0 = f64x2.add(s0, high(ab0));
    s0 = f64x2.add(s0, low(ab1));
    s0 = f64x2.add(s0, high(ab1));
  }
  for (; i < n; i++) s0 = f64x2.add(s0, pairAt(a, b, i));
  v128.store(out, s0);
}

/**
 * out[c] (f64) = x_c[0] + x_c[1] + ... + x_c[n-1] in that order, from 0, for the `channels` channels
 * whose sample pointers are the u32s at `table`. An odd last channel runs beside itself.
 */
export function channelSums(table: usize, channels: i32, n: i32, out: usize): void {
  let c = 0;
  for (; c + 6 <= channels; c += 6) {
    sums3(ptr(table, c), ptr(table, c + 1), ptr(table, c + 2), ptr(table, c + 3), ptr(table, c + 4), ptr(table, c + 5), n, out + (<usize>c << 3));
  }
  for (; c + 2 <= channels; c += 2) sums1(ptr(table, c), ptr(table, c + 1), n, out + (<usize>c << 3));
  if (c < channels) {
    // the lane-1 copy lands one slot past the last channel: the caller's out has room for it
    sums1(ptr(table, c), ptr(table, c), n, out + (<usize>c << 3));
  }
}

/**
 * Phase sums of pairs (x, y) and (u, w) over samples from..from+count: out (f64) = Σxx Σyy Σxy differ
 * for the first pair, then the same for the second; each sum from 0 in sample order. `differ` is 1 when
 * some x != y (f32 compare: NaN differs, -0 equals 0).
 */
function pairs2(x: usize, y: usize, u: usize, w: usize, from: i32, count: i32, out: usize): void {
  let ll = f64x2.splat(0); // (Σxx, Σuu)
  let rr = f64x2.splat(0); // (Σyy, Σww)
  let lr = f64x2.splat(0); // (Σxy, Σuw)
  let diffP = v128.splat<i32>(0);
  let diffQ = v128.splat<i32>(0);
  const end = from + count;
  let i = from;
  for (; i + 4 <= end; i += 4) {
    const vx = v128.load(at(x, i));
    const vy = v128.load(at(y, i));
    const vu = v128.load(at(u, i));
    const vw = v128.load(at(w, i));
    diffP = v128.or(diffP, f32x4.ne(vx, vy));
    diffQ = v128.or(diffQ, f32x4.ne(vu, vw));
    const l0 = interleaveLo(vx, vu);
    const l1 = interleaveHi(vx, vu);
    const r0 = interleaveLo(vy, vw);
    const r1 = interleaveHi(vy, vw);
    let l = low(l0);
    let r = low(r0);
    ll = f64x2.add(ll, f64x2.mul(l, l));
    rr = f64x2.add(rr, f64x2.mul(r, r));
    lr = f64x2.add(lr, f64x2.mul(l, r));
    l = high(l0);
    r = high(r0);
    ll = f64x2.add(ll, f64x2.mul(l, l));
    rr = f64x2.add(rr, f64x2.mul(r, r));
    lr = f64x2.add(lr, f64x2.mul(l, r));
    l = low(l1);
    r = low(r1);
    ll = f64x2.add(ll, f64x2.mul(l, l));
    rr = f64x2.add(rr, f64x2.mul(r, r));
    lr = f64x2.add(lr, f64x2.mul(l, r));
    l = high(l1);
    r = high(r1);
    ll = f64x2.add(ll, f64x2.mul(l, l));
    rr = f64x2.add(rr, f64x2.mul(r, r));
    lr = f64x2.add(lr, f64x2.mul(l, r));
  }
  let dp = v128.any_true(diffP);
  let dq = v128.any_true(diffQ);
  for (; i < end; i++) {
    const a = f32.load(at(x, i));
    const b = f32.load(at(y, i));
    const c = f32.load(at(u, i));
    const d = f32.load(at(w, i));
    if (a != b) dp = true;
    if (c != d) dq = true;
    const l = f64x2.replace_lane(f64x2.splat(<f64>a), 1, <f64>c);
    const r = f64x2.replace_lane(f64x2.splat(<f64>b), 1, <f64>d);
    ll = f64x2.add(ll, f64x2.mul(l, l));
    rr = f64x2.add(rr, f64x2.mul(r, r));
    lr = f64x2.add(lr, f64x2.mul(l, r));
  }
  f64.store(out, f64x2.extract_lane(ll, 0));
  f64.store(out, f64x2.extract_lane(rr, 0), 8);
  f64.store(out, f64x2.extract_lane(lr, 0), 16);
  f64.store(out, dp ? 1.0 : 0.0, 24);
  f64.store(out, f64x2.extract_lane(ll, 1), 32);
  f64.store(out, f64x2.extract_lane(rr, 1), 40);
  f64.store(out, f64x2.extract_lane(lr, 1), 48);
  f64.store(out, dq ? 1.0 : 0.0, 56);
}

/** One pair: (Σxx, Σyy) in one vector, Σxy in lane 0 of another (lane 1 holds y·x, unused). */
function pairs1(x: usize, y: usize, from: i32, count: i32, out: usize): void {
  let sq = f64x2.splat(0);
  let cross = f64x2.splat(0);
  let diff = v128.splat<i32>(0);
  const end = from + count;
  let i = from;
  for (; i + 4 <= end; i += 4) {
    const vx = v128.load(at(x, i));
    const vy = v128.load(at(y, i));
    diff = v128.or(diff, f32x4.ne(vx, vy));
    const v0 = interleaveLo(vx, vy);
    const v1 = interleaveHi(vx, vy);
    let v = low(v0);
    sq = f64x2.add(sq, f64x2.mul(v, v));
    cross = f64x2.add(cross, f64x2.mul(v, i64x2.shuffle(v, v, 1, 0)));
    v = high(v0);
    sq = f64x2.add(sq, f64x2.mul(v, v));
    cross = f64x2.add(cross, f64x2.mul(v, i64x2.shuffle(v, v, 1, 0)));
    v = low(v1);
    sq = f64x2.add(sq, f64x2.mul(v, v));
    cross = f64x2.add(cross, f64x2.mul(v, i64x2.shuffle(v, v, 1, 0)));
    v = high(v1);
    sq = f64x2.add(sq, f64x2.mul(v, v));
    cross = f64x2.add(cross, f64x2.mul(v, i64x2.shuffle(v, v, 1, 0)));
  }
  let d = v128.any_true(diff);
  for (; i < end; i++) {
    const a = f32.load(at(x, i));
    const b = f32.load(at(y, i));
    if (a != b) d = true;
    const v = f64x2.replace_lane(f64x2.splat(<f64>a), 1, <f64>b);
    sq = f64x2.add(sq, f64x2.mul(v, v));
    cross = f64x2.add(cross, f64x2.mul(v, i64x2.shuffle(v, v, 1, 0)));
  }
  f64.store(out, f64x2.extract_lane(sq, 0));
  f64.store(out, f64x2.extract_lane(sq, 1), 8);
  f64.store(out, f64x2.extract_lane(cross, 0), 16);
  f64.store(out, d ? 1.0 : 0.0, 24);
}

/**
 * Phase sums of `pairs` channel pairs (two u32 sample pointers each at `table`) over samples
 * from..from+count: four f64 per pair at `out` (Σxx Σyy Σxy differ), two pairs per loop.
 */
export function pairSums(table: usize, pairs: i32, from: i32, count: i32, out: usize): void {
  let k = 0;
  for (; k + 2 <= pairs; k += 2) {
    pairs2(ptr(table, 2 * k), ptr(table, 2 * k + 1), ptr(table, 2 * k + 2), ptr(table, 2 * k + 3), from, count, out + (<usize>k << 5));
  }
  if (k < pairs) pairs1(ptr(table, 2 * k), ptr(table, 2 * k + 1), from, count, out + (<usize>k << 5));
}

/** The first index in from..to with |x| >= thr, or -1. */
function firstActive(p: usize, from: i32, to: i32, thr: f32): i32 {
  const t = f32x4.splat(thr);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const a = i32x4.bitmask(f32x4.ge(f32x4.abs(v128.load(at(p, i))), t));
    if (a != 0) return i + ctz<i32>(a);
  }
  for (; i < to; i++) if (abs<f32>(f32.load(at(p, i))) >= thr) return i;
  return -1;
}

/** The last index in from..to with |x| >= thr, or -1. */
function lastActive(p: usize, from: i32, to: i32, thr: f32): i32 {
  const t = f32x4.splat(thr);
  let i = to;
  for (; i - 4 >= from; i -= 4) {
    const a = i32x4.bitmask(f32x4.ge(f32x4.abs(v128.load(at(p, i - 4))), t));
    if (a != 0) return i - 4 + 31 - clz<i32>(a);
  }
  for (; i > from; i--) if (abs<f32>(f32.load(at(p, i - 1))) >= thr) return i - 1;
  return -1;
}

/**
 * The channel's n samples as alternating stretches of exact zero and of non-zero samples, written as
 * four i32 per stretch at `out`: start, end, first and last index with |x| >= thr (-1 when none; -2
 * marks a zero stretch). NaN is non-zero and never >= thr. Returns the number of stretches.
 */
export function segments(p: usize, n: i32, thr: f32, out: usize): i32 {
  const zero = f32x4.splat(0);
  let count = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    let first = -2;
    let last = -2;
    if (f32.load(at(p, i)) == 0) {
      i++;
      while (i + 4 <= n && i32x4.all_true(f32x4.eq(v128.load(at(p, i)), zero))) i += 4;
      while (i < n && f32.load(at(p, i)) == 0) i++;
    } else {
      // the next zero, sixteen samples per test; then the active samples at either end of the stretch
      i++;
      for (; i + 16 <= n; i += 16) {
        const z = v128.or(
          v128.or(f32x4.eq(v128.load(at(p, i)), zero), f32x4.eq(v128.load(at(p, i + 4)), zero)),
          v128.or(f32x4.eq(v128.load(at(p, i + 8)), zero), f32x4.eq(v128.load(at(p, i + 12)), zero)),
        );
        if (v128.any_true(z)) break;
      }
      while (i < n && f32.load(at(p, i)) != 0) i++;
      first = firstActive(p, start, i, thr);
      last = first < 0 ? -1 : lastActive(p, first, i, thr);
    }
    const o = out + (<usize>count << 4);
    i32.store(o, start);
    i32.store(o, i, 4);
    i32.store(o, first, 8);
    i32.store(o, last, 12);
    count++;
  }
  return count;
}

/** 1 when some channel of the table (0 entries skipped) has |x| >= thr at a sample in from..to. */
export function anyActive(table: usize, channels: i32, from: i32, to: i32, thr: f32): i32 {
  const t = f32x4.splat(thr);
  for (let c = 0; c < channels; c++) {
    const p = ptr(table, c);
    if (p == 0) continue;
    let i = from;
    for (; i + 4 <= to; i += 4) if (v128.any_true(f32x4.ge(f32x4.abs(v128.load(at(p, i))), t))) return 1;
    for (; i < to; i++) if (abs<f32>(f32.load(at(p, i))) >= thr) return 1;
  }
  return 0;
}

// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): biquad cascades (transposed direct
// form II, as BiquadCascade.process in ../biquad.ts) for several filters at once, two cascades per f64x2
// vector. Each lane runs exactly BiquadCascade's operations in its order and in double:
//   y = b0*v + z0;  z0 = (b1*v - a1*y) + z1;  z1 = b2*v - a2*y
// so every lane's outputs, state and Σy² are bit-identical to the plain-JS loop. A cascade is sequential
// in time; the speed comes from two lanes per vector, no bounds checks and the sections of a vector
// unrolled so their recurrences overlap.
//
// Memory (fixed, no allocator): INPUT holds channel c's samples (f32) at INPUT + c * CAPACITY * 4.
// Per vector v (lane 0, lane 1 side by side in each v128): SOURCE the two input channels (i32 each);
// COEFS for section s the five v128 b0 b1 b2 a1 a2 at COEFS + ((v * MAX_SECTIONS + s) * 5 + j) * 16;
// STATE z0 z1 at STATE + ((v * MAX_SECTIONS + s) * 2 + j) * 16; SUMS the running Σy² of each lane and
// PLAIN the running Σx² of each lane's input, summed in sample order across calls until JS resets them.

const MAX_CHANNELS: i32 = 32;
const MAX_VECTORS: i32 = 32;
const MAX_SECTIONS: i32 = 8;
const CAPACITY: i32 = 4096;

const INPUT: usize = memory.data(MAX_CHANNELS * CAPACITY * 4, 16);
const SOURCE: usize = memory.data(MAX_VECTORS * 2 * 4, 16);
const COEFS: usize = memory.data(MAX_VECTORS * MAX_SECTIONS * 5 * 16, 16);
const STATE: usize = memory.data(MAX_VECTORS * MAX_SECTIONS * 2 * 16, 16);
const SUMS: usize = memory.data(MAX_VECTORS * 16, 16);
const PLAIN: usize = memory.data(MAX_VECTORS * 16, 16);

export function inputPointer(): usize {
  return INPUT;
}
export function sourcePointer(): usize {
  return SOURCE;
}
export function coefsPointer(): usize {
  return COEFS;
}
export function statePointer(): usize {
  return STATE;
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
export function maxVectors(): i32 {
  return MAX_VECTORS;
}
export function maxSections(): i32 {
  return MAX_SECTIONS;
}
/** Samples per channel per call. */
export function capacity(): i32 {
  return CAPACITY;
}

@inline function coef(v: i32, s: i32, j: i32): v128 {
  return v128.load(COEFS + ((<usize>((v * MAX_SECTIONS + s) * 5 + j)) << 4));
}
@inline function stateAt(v: i32, s: i32, j: i32): usize {
  return STATE + ((<usize>((v * MAX_SECTIONS + s) * 2 + j)) << 4);
}
@inline function inputOf(v: i32, lane: i32): usize {
  return INPUT + ((<usize>(i32.load(SOURCE + (<usize>(v * 2 + lane) << 2)) * CAPACITY)) << 2);
}

/**
 * Vector v, four sections (order-8 filters, the common case): the state in locals, the coefficients
 * loaded where used (held in locals they would crowd the state out of the 16 vector registers, and a
 * spilled state puts a store and a load on the recurrence's critical path).
 */
function runFour(v: i32, count: i32): void {
  const in0 = inputOf(v, 0);
  const in1 = inputOf(v, 1);
  const c = COEFS + ((<usize>(v * MAX_SECTIONS * 5)) << 4);
  let z00 = v128.load(stateAt(v, 0, 0)), z01 = v128.load(stateAt(v, 0, 1));
  let z10 = v128.load(stateAt(v, 1, 0)), z11 = v128.load(stateAt(v, 1, 1));
  let z20 = v128.load(stateAt(v, 2, 0)), z21 = v128.load(stateAt(v, 2, 1));
  let z30 = v128.load(stateAt(v, 3, 0)), z31 = v128.load(stateAt(v, 3, 1));
  let sum = v128.load(SUMS + (<usize>v << 4));
  let plain = v128.load(PLAIN + (<usize>v << 4));
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 2;
    const u = f64x2.replace_lane(f64x2.splat(<f64>f32.load(in0 + o)), 1, <f64>f32.load(in1 + o));
    plain = f64x2.add(plain, f64x2.mul(u, u));
    const y0 = f64x2.add(f64x2.mul(v128.load(c, 0), u), z00);
    z00 = f64x2.add(f64x2.sub(f64x2.mul(v128.load(c, 16), u), f64x2.mul(v128.load(c, 48), y0)), z01);
    z01 = f64x2.sub(f64x2.mul(v128.load(c, 32), u), f64x2.mul(v128.load(c, 64), y0));
    const y1 = f64x2.add(f64x2.mul(v128.load(c, 80), y0), z10);
    z10 = f64x2.add(f64x2.sub(f64x2.mul(v128.load(c, 96), y0), f64x2.mul(v128.load(c, 128), y1)), z11);
    z11 = f64x2.sub(f64x2.mul(v128.load(c, 112), y0), f64x2.mul(v128.load(c, 144), y1));
    const y2 = f64x2.add(f64x2.mul(v128.load(c, 160), y1), z20);
    z20 = f64x2.add(f64x2.sub(f64x2.mul(v128.load(c, 176), y1), f64x2.mul(v128.load(c, 208), y2)), z21);
    z21 = f64x2.sub(f64x2.mul(v128.load(c, 192), y1), f64x2.mul(v128.load(c, 224), y2));
    const y3 = f64x2.add(f64x2.mul(v128.load(c, 240), y2), z30);
    z30 = f64x2.add(f64x2.sub(f64x2.mul(v128.load(c, 256), y2), f64x2.mul(v128.load(c, 288), y3)), z31);
    z31 = f64x2.sub(f64x2.mul(v128.load(c, 272), y2), f64x2.mul(v128.load(c, 304), y3));
    sum = f64x2.add(sum, f64x2.mul(y3, y3));
  }
  v128.store(stateAt(v, 0, 0), z00);
  v128.store(stateAt(v, 0, 1), z01);
  v128.store(stateAt(v, 1, 0), z10);
  v128.store(stateAt(v, 1, 1), z11);
  v128.store(stateAt(v, 2, 0), z20);
  v128.store(stateAt(v, 2, 1), z21);
  v128.store(stateAt(v, 3, 0), z30);
  v128.store(stateAt(v, 3, 1), z31);
  v128.store(SUMS + (<usize>v << 4), sum);
  v128.store(PLAIN + (<usize>v << 4), plain);
}

/**
 * Lane 0 of vector v alone, four sections, in scalar doubles: a lone cascade (the LFE's) is bound by its
 * recurrences' latency, and scalar code has fewer operations around them than a half-used vector.
 */
function runFourLane0(v: i32, count: i32): void {
  const in0 = inputOf(v, 0);
  const c = COEFS + ((<usize>(v * MAX_SECTIONS * 5)) << 4);
  const b00 = f64.load(c, 0), b01 = f64.load(c, 16), b02 = f64.load(c, 32), a01 = f64.load(c, 48), a02 = f64.load(c, 64);
  const b10 = f64.load(c, 80), b11 = f64.load(c, 96), b12 = f64.load(c, 112), a11 = f64.load(c, 128), a12 = f64.load(c, 144);
  const b20 = f64.load(c, 160), b21 = f64.load(c, 176), b22 = f64.load(c, 192), a21 = f64.load(c, 208), a22 = f64.load(c, 224);
  const b30 = f64.load(c, 240), b31 = f64.load(c, 256), b32 = f64.load(c, 272), a31 = f64.load(c, 288), a32 = f64.load(c, 304);
  let z00 = f64.load(stateAt(v, 0, 0)), z01 = f64.load(stateAt(v, 0, 1));
  let z10 = f64.load(stateAt(v, 1, 0)), z11 = f64.load(stateAt(v, 1, 1));
  let z20 = f64.load(stateAt(v, 2, 0)), z21 = f64.load(stateAt(v, 2, 1));
  let z30 = f64.load(stateAt(v, 3, 0)), z31 = f64.load(stateAt(v, 3, 1));
  let sum = f64.load(SUMS + (<usize>v << 4));
  let plain = f64.load(PLAIN + (<usize>v << 4));
  for (let i = 0; i < count; i++) {
    const u = <f64>f32.load(in0 + (<usize>i << 2));
    plain += u * u;
    const y0 = b00 * u + z00;
    z00 = b01 * u - a01 * y0 + z01;
    z01 = b02 * u - a02 * y0;
    const y1 = b10 * y0 + z10;
    z10 = b11 * y0 - a11 * y1 + z11;
    z11 = b12 * y0 - a12 * y1;
    const y2 = b20 * y1 + z20;
    z20 = b21 * y1 - a21 * y2 + z21;
    z21 = b22 * y1 - a22 * y2;
    const y3 = b30 * y2 + z30;
    z30 = b31 * y2 - a31 * y3 + z31;
    z31 = b32 * y2 - a32 * y3;
    sum += y3 * y3;
  }
  f64.store(stateAt(v, 0, 0), z00);
  f64.store(stateAt(v, 0, 1), z01);
  f64.store(stateAt(v, 1, 0), z10);
  f64.store(stateAt(v, 1, 1), z11);
  f64.store(stateAt(v, 2, 0), z20);
  f64.store(stateAt(v, 2, 1), z21);
  f64.store(stateAt(v, 3, 0), z30);
  f64.store(stateAt(v, 3, 1), z31);
  f64.store(SUMS + (<usize>v << 4), sum);
  f64.store(PLAIN + (<usize>v << 4), plain);
}

/** Vector v, any number of sections up to MAX_SECTIONS: state kept in memory, one section at a time. */
function runAny(v: i32, sections: i32, count: i32): void {
  const in0 = inputOf(v, 0);
  const in1 = inputOf(v, 1);
  let sum = v128.load(SUMS + (<usize>v << 4));
  let plain = v128.load(PLAIN + (<usize>v << 4));
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 2;
    let u = f64x2.replace_lane(f64x2.splat(<f64>f32.load(in0 + o)), 1, <f64>f32.load(in1 + o));
    plain = f64x2.add(plain, f64x2.mul(u, u));
    for (let s = 0; s < sections; s++) {
      const p0 = stateAt(v, s, 0);
      const p1 = stateAt(v, s, 1);
      const y = f64x2.add(f64x2.mul(coef(v, s, 0), u), v128.load(p0));
      v128.store(p0, f64x2.add(f64x2.sub(f64x2.mul(coef(v, s, 1), u), f64x2.mul(coef(v, s, 3), y)), v128.load(p1)));
      v128.store(p1, f64x2.sub(f64x2.mul(coef(v, s, 2), u), f64x2.mul(coef(v, s, 4), y)));
      u = y;
    }
    sum = f64x2.add(sum, f64x2.mul(u, u));
  }
  v128.store(SUMS + (<usize>v << 4), sum);
  v128.store(PLAIN + (<usize>v << 4), plain);
}

/**
 * Filter `count` samples through vectors 0..vectors-1, each a pair of `sections`-section cascades fed
 * from its SOURCE channels in INPUT: updates STATE and adds each lane's y² to SUMS and x² to PLAIN.
 * With `lastLane0Only` the last vector's lane 1 is unused (an odd number of cascades) and not updated.
 */
export function run(vectors: i32, sections: i32, count: i32, lastLane0Only: bool): void {
  for (let v = 0; v < vectors; v++) {
    if (sections == 4) {
      if (lastLane0Only && v == vectors - 1) runFourLane0(v, count);
      else runFour(v, count);
    } else runAny(v, sections, count);
  }
}

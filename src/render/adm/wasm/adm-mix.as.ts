// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the ADM renderer's mixing loops
// (../mix.ts), four frames per f32x4, all in single precision: hold  out += in * g;
// ramp  out += in * (g0 + d * (p0 + k * dp)) with k counting from 0 at the slice's first frame. The
// plain-JS twin rounds each operation to f32 (Math.fround) in the same order, so the two agree bit for bit.
//
// Memory (fixed, no allocator, never grown):
//   INPUT   f32 samples of the item being mixed (CAPACITY frames)
//   OUTPUT  f32 output channel o at OUTPUT + o * CAPACITY * 4 (every requested layout's channels in turn)

const CAPACITY: i32 = 48000;
const MAX_OUTPUTS: i32 = 64;

const INPUT: usize = memory.data(CAPACITY * 4, 16);
const OUTPUT: usize = memory.data(MAX_OUTPUTS * CAPACITY * 4, 16);

export function inputPointer(): usize {
  return INPUT;
}
export function outputPointer(): usize {
  return OUTPUT;
}
export function capacity(): i32 {
  return CAPACITY;
}
export function maxOutputs(): i32 {
  return MAX_OUTPUTS;
}

export function hold(out: i32, g: f32, i0: i32, i1: i32): void {
  const o: usize = OUTPUT + <usize>out * <usize>CAPACITY * 4;
  const gv = f32x4.splat(g);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const p = o + (<usize>i << 2);
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(v128.load(INPUT + (<usize>i << 2)), gv)));
  }
  for (; i < i1; i++) {
    const p = o + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + load<f32>(INPUT + (<usize>i << 2)) * g);
  }
}

export function ramp(out: i32, g0: f32, d: f32, p0: f32, dp: f32, i0: i32, i1: i32): void {
  rampFrom(out, g0, d, p0, dp, i0, i1, 0);
}

/** ramp over [i0, i1) as frames k0... of a ramp that starts k0 frames before i0 (k0 a multiple of 4: the lanes stay exact integers). */
@inline function rampFrom(out: i32, g0: f32, d: f32, p0: f32, dp: f32, i0: i32, i1: i32, k0: f32): void {
  const o: usize = OUTPUT + <usize>out * <usize>CAPACITY * 4;
  const g0v = f32x4.splat(g0);
  const dv = f32x4.splat(d);
  const p0v = f32x4.splat(p0);
  const dpv = f32x4.splat(dp);
  const four = f32x4.splat(4);
  let kv = f32x4.add(f32x4.splat(k0), f32x4(0, 1, 2, 3));
  let i = i0;
  let k: f32 = k0;
  for (; i + 4 <= i1; i += 4) {
    const g = f32x4.add(g0v, f32x4.mul(dv, f32x4.add(p0v, f32x4.mul(kv, dpv))));
    const p = o + (<usize>i << 2);
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(v128.load(INPUT + (<usize>i << 2)), g)));
    kv = f32x4.add(kv, four);
    k += 4;
  }
  for (; i < i1; i++, k++) {
    const p = o + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + load<f32>(INPUT + (<usize>i << 2)) * (g0 + d * (p0 + k * dp)));
  }
}

// Many outputs of one item at once (the renderer's usual call: every speaker of every layout over one
// segment): the input vector is loaded once for all of them, in runs of RUN frames so the outputs'
// runs stay in the cache. TABLE holds per output its index (as f32) and g0, d; d = 0 for all = a hold.
// Per output the arithmetic is hold's or ramp's exactly (each output sums the items in the same order).
const MAX_TABLE: i32 = MAX_OUTPUTS;
const TABLE: usize = memory.data(MAX_TABLE * 3 * 4, 16);
const RUN: i32 = 512;

export function tablePointer(): usize {
  return TABLE;
}

export function holdMany(count: i32, i0: i32, i1: i32): void {
  for (let r0 = i0; r0 < i1; r0 += RUN) {
    const r1 = min(r0 + RUN, i1);
    for (let t = 0; t < count; t++) {
      const e = TABLE + (<usize>t * 12);
      hold(<i32>load<f32>(e), load<f32>(e, 4), r0, r1);
    }
  }
}

export function rampMany(count: i32, p0: f32, dp: f32, i0: i32, i1: i32): void {
  for (let r0 = i0; r0 < i1; r0 += RUN) {
    const r1 = min(r0 + RUN, i1);
    const k0 = <f32>(r0 - i0);
    for (let t = 0; t < count; t++) {
      const e = TABLE + (<usize>t * 12);
      const d = load<f32>(e, 8);
      if (d == 0) hold(<i32>load<f32>(e), load<f32>(e, 4), r0, r1);
      else rampFrom(<i32>load<f32>(e), load<f32>(e, 4), d, p0, dp, r0, r1, k0);
    }
  }
}

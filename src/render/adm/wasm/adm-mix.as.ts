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
  const o: usize = OUTPUT + <usize>out * <usize>CAPACITY * 4;
  const g0v = f32x4.splat(g0);
  const dv = f32x4.splat(d);
  const p0v = f32x4.splat(p0);
  const dpv = f32x4.splat(dp);
  const four = f32x4.splat(4);
  let kv = f32x4(0, 1, 2, 3);
  let i = i0;
  let k: f32 = 0;
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

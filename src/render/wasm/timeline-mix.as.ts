// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the timeline renderer's mixing loops
// (../mix.ts), four frames per f32x4, in single precision: zero a bus, add one bus into another (a premix
// group), and add media samples into a bus times a held gain or a per-frame envelope (a fade). Each lane
// does the plain-JS twin's operations in its order (the product rounded to f32, then the sum), so the two
// agree bit for bit.
//
// Memory: no allocator. The JS side lays its buffers out from heapBase() on and grows the memory once,
// before it makes its views; every argument is a byte address and a frame count.

export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

export function zero(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/** dst[k] += src[k] */
export function add(dst: usize, src: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const d = dst + (<usize>k << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>k << 2))));
  }
  for (; k < n; k++) {
    const d = dst + (<usize>k << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>k << 2)));
  }
}

/** dst[k] += src[k] * g */
export function mixGain(dst: usize, src: usize, n: i32, g: f32): void {
  const gv = f32x4.splat(g);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const d = dst + (<usize>k << 2);
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(v128.load(src + (<usize>k << 2)), gv)));
  }
  for (; k < n; k++) {
    const d = dst + (<usize>k << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>k << 2)) * g);
  }
}

/** dst[k] += src[k] * env[k] */
export function mixEnvelope(dst: usize, src: usize, env: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const d = dst + (<usize>k << 2);
    const o = <usize>k << 2;
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(v128.load(src + o), v128.load(env + o))));
  }
  for (; k < n; k++) {
    const d = dst + (<usize>k << 2);
    const o = <usize>k << 2;
    store<f32>(d, load<f32>(d) + load<f32>(src + o) * load<f32>(env + o));
  }
}

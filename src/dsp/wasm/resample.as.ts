// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the FIR of whole-number decimation
// (StreamingResampler with L = 1, as 48 -> 16 kHz), many outputs at once. Output k is
//   y[k] = Σ_{i=0..K} taps[i] · x[k·M + i]
// summed in order i = 0..K from +0 in double, then rounded to float, exactly as the plain-JS loop of
// ../resample.ts; two outputs per f64x2 vector and six vectors in flight (more would spill a running
// sum to the stack, on its add chain), so the twelve sums' add chains overlap (each sum is still one chain in tap order, so the results are bit-identical).
//
// Memory (fixed, no allocator): TAPS the K + 1 taps (f64); INPUT the input frames (f32) from the first
// output's first tap on; STREAMS the input split into its M phases as doubles (stream r holds
// x[m·M + r] at m), so the two lanes of a vector (outputs k and k + 1) read x[k·M + i] and
// x[(k + 1)·M + i] as one contiguous load; OUTPUT the outputs (f32).

const MAX_TAPS: i32 = 2048;
const MAX_INPUT: i32 = 65536;
const MAX_OUTPUT: i32 = 16384;

const TAPS: usize = memory.data(MAX_TAPS * 8, 16);
const INPUT: usize = memory.data(MAX_INPUT * 4, 16);
// m streams of ceil(frames / m) + 2 doubles rounded down to even (each starts 16-byte aligned):
// at most frames + 3m doubles in all
const STREAMS: usize = memory.data((MAX_INPUT + 3 * 64) * 8, 16);
const OUTPUT: usize = memory.data(MAX_OUTPUT * 4, 16);

export function tapsPointer(): usize {
  return TAPS;
}
export function inputPointer(): usize {
  return INPUT;
}
export function outputPointer(): usize {
  return OUTPUT;
}
export function maxTaps(): i32 {
  return MAX_TAPS;
}
export function maxInput(): i32 {
  return MAX_INPUT;
}
export function maxOutput(): i32 {
  return MAX_OUTPUT;
}
/** Largest decimation factor M (streams are laid out for up to this many phases). */
export function maxFactor(): i32 {
  return 64;
}

/**
 * Outputs 0..count-1 from INPUT (which holds at least (count - 1)·M + taps frames) with decimation
 * factor `m` and `taps` taps, written to OUTPUT. Needs count <= MAX_OUTPUT, m <= 64, taps <= MAX_TAPS.
 */
export function run(count: i32, m: i32, taps: i32): void {
  const frames = (count - 1) * m + taps;
  // stream length, rounded up to even so every stream starts 16-byte aligned
  const len = ((frames + m - 1) / m + 2) & ~1;
  for (let r = 0; r < m; r++) {
    const s = STREAMS + ((<usize>(r * len)) << 3);
    for (let j = 0, x = r; x < frames; j++, x += m) f64.store(s + (<usize>j << 3), <f64>f32.load(INPUT + (<usize>x << 2)));
  }
  // tap i of output pair (k, k + 1) is at stream i % m, element k + i / m: step one stream per tap, and
  // back to stream 0 one element on after m taps
  const streamBytes = <usize>len << 3;
  const wrapBytes = <usize>8 - <usize>m * streamBytes;
  let k = 0;
  for (; k + 12 <= count; k += 12) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0), a5 = f64x2.splat(0);
    let p = STREAMS + (<usize>k << 3);
    let r = 0;
    for (let i = 0; i < taps; i++) {
      const t = f64x2.splat(f64.load(TAPS + (<usize>i << 3)));
      a0 = f64x2.add(a0, f64x2.mul(t, v128.load(p, 0)));
      a1 = f64x2.add(a1, f64x2.mul(t, v128.load(p, 16)));
      a2 = f64x2.add(a2, f64x2.mul(t, v128.load(p, 32)));
      a3 = f64x2.add(a3, f64x2.mul(t, v128.load(p, 48)));
      a4 = f64x2.add(a4, f64x2.mul(t, v128.load(p, 64)));
      a5 = f64x2.add(a5, f64x2.mul(t, v128.load(p, 80)));
      p += streamBytes;
      if (++r == m) {
        r = 0;
        p += wrapBytes;
      }
    }
    const o = OUTPUT + (<usize>k << 2);
    storePair(o, a0);
    storePair(o + 8, a1);
    storePair(o + 16, a2);
    storePair(o + 24, a3);
    storePair(o + 32, a4);
    storePair(o + 40, a5);
  }
  for (; k + 2 <= count; k += 2) {
    let a = f64x2.splat(0);
    let r = 0;
    let q = 0;
    for (let i = 0; i < taps; i++) {
      a = f64x2.add(a, f64x2.mul(f64x2.splat(f64.load(TAPS + (<usize>i << 3))), v128.load(STREAMS + ((<usize>(r * len + k + q)) << 3))));
      if (++r == m) {
        r = 0;
        q++;
      }
    }
    storePair(OUTPUT + (<usize>k << 2), a);
  }
  if (k < count) {
    let a: f64 = 0;
    const base = k * m;
    for (let i = 0; i < taps; i++) a += f64.load(TAPS + (<usize>i << 3)) * <f64>f32.load(INPUT + (<usize>(base + i) << 2));
    f32.store(OUTPUT + (<usize>k << 2), <f32>a);
  }
}

@inline function storePair(at: usize, a: v128): void {
  f32.store(at, <f32>f64x2.extract_lane(a, 0));
  f32.store(at + 4, <f32>f64x2.extract_lane(a, 1));
}

// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the ADM renderer's mixing loop
// (../mix.ts). One call mixes every sounding item of a span of frames (where no item's gains change
// course) into every output: per output o and frame i
//   out[o][i] += x * g0[o] + (x * (p0 + k * dp)) * d[o],   x = the item's sample, k = i - i0
// a hold being d = 0. Four frames per f32x4, four outputs per group; the items are added in table order
// over tiles of frames whose outputs stay in L1, each item's coefficients held in registers. The
// plain-JS twin rounds each operation to f32 (Math.fround) in the same order, so the two agree bit for bit.
//
// Memory (fixed, no allocator, never grown):
//   INPUT   slot s's samples at INPUT + s * STRIDE (MAX_SLOTS slots: one per track an item plays)
//   OUTPUT  output o's samples at OUTPUT + o * STRIDE (every requested layout's channels in turn)
//   TABLE   one entry per item of the span, ENTRY(outputs) floats each:
//           [slot, group mask, -, -] [p0 x4] [dp x4] then per output [g0 x4] [d x4]
//           (splatted, so the loop loads vectors; group mask bit g: outputs 4g..4g+3 get something)
//   LIVE    the entries whose input is not digital silence over the span (filled by mix)

import { decodeInto, inputBytes as pcmBytes, inputPointer as pcmInput, slack as pcmSlackBytes } from '../../../audio/wasm/pcm.as';

const CAPACITY: i32 = 8192;
const MAX_SLOTS: i32 = 256;
const MAX_OUTPUTS: i32 = 64;
const MAX_ENTRIES: i32 = MAX_SLOTS;
// a slot's (and an output's) samples start one cache line past a multiple of the capacity: hundreds of
// streams 32 KiB apart would all fall in the same cache sets
const STRIDE: usize = <usize>CAPACITY * 4 + 64;
// frames mixed per tile: the tile's outputs stay in L1 while every item adds into them
const TILE: i32 = 256;

const INPUT: usize = memory.data(<i32>STRIDE * MAX_SLOTS, 64);
const OUTPUT: usize = memory.data(<i32>STRIDE * MAX_OUTPUTS, 64);
const TABLE: usize = memory.data(MAX_ENTRIES * (12 + 8 * MAX_OUTPUTS) * 4, 16);
const LIVE: usize = memory.data(MAX_ENTRIES * 4, 16);

export function inputPointer(): usize {
  return INPUT;
}

// The PCM decoder (../../../audio/wasm/pcm.as.ts) in this module's memory: a split pass reads the file's
// bytes into its input area and decodes them straight into the slots (slot = track), no copy between.
export function pcmInputPointer(): usize {
  return pcmInput();
}
export function pcmInputBytes(): i32 {
  return pcmBytes();
}
export function pcmSlack(): i32 {
  return pcmSlackBytes();
}
/** Decode `frames` frames of `channels` tracks from the PCM input area into slots 0..channels-1 at frame `at`. */
export function decodeToSlots(at: i32, frames: i32, channels: i32, blockAlign: i32, enc: i32): void {
  decodeInto(INPUT + (<usize>at << 2), frames, channels, blockAlign, enc, <i32>(STRIDE >> 2));
}
export function outputPointer(): usize {
  return OUTPUT;
}
export function tablePointer(): usize {
  return TABLE;
}
export function stride(): i32 {
  return <i32>STRIDE;
}
export function capacity(): i32 {
  return CAPACITY;
}
export function maxSlots(): i32 {
  return MAX_SLOTS;
}
export function maxOutputs(): i32 {
  return MAX_OUTPUTS;
}

/** Whether slot's samples over [i0, i1) are all zero bits (an object's track is mostly digital silence). */
@inline function silent(slot: usize, i0: i32, i1: i32): bool {
  const base = INPUT + slot * STRIDE;
  let acc = v128.splat<i32>(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) acc = v128.or(acc, v128.load(base + (<usize>i << 2)));
  if (v128.any_true(acc)) return false;
  for (; i < i1; i++) if (load<i32>(base + (<usize>i << 2)) != 0) return false;
  return true;
}

/** Mix `count` table entries into `outputs` outputs (a multiple of 4) over frames [i0, i1). */
export function mix(count: i32, outputs: i32, i0: i32, i1: i32): void {
  const entry: usize = (12 + 8 * <usize>outputs) * 4;
  let live = 0;
  for (let e = 0; e < count; e++) {
    const t = TABLE + <usize>e * entry;
    // an entry that sends nothing (mask 0) is not read at all
    if (load<f32>(t, 4) != 0 && !silent(<usize>load<f32>(t), i0, i1)) {
      store<i32>(LIVE + (<usize>live << 2), e);
      live++;
    }
  }
  if (live == 0) return;
  const groups = outputs >> 2;
  const four = f32x4.splat(4);
  for (let g = 0; g < groups; g++) {
    const bit = <i32>1 << g;
    const o0 = OUTPUT + <usize>(4 * g) * STRIDE;
    const o1 = o0 + STRIDE;
    const o2 = o1 + STRIDE;
    const o3 = o2 + STRIDE;
    const coef: usize = 48 + <usize>(4 * g) * 32;
    for (let t0 = i0; t0 < i1; t0 += TILE) {
      const t1 = min(t0 + TILE, i1);
      const v1 = t0 + ((t1 - t0) & ~3);
      // each item in table order adds into the tile: per output sample the same sum, in the same order, as the twin
      for (let l = 0; l < live; l++) {
        const t = TABLE + <usize>load<i32>(LIVE + (<usize>l << 2)) * entry;
        if ((<i32>load<f32>(t, 4) & bit) == 0) continue;
        const x0 = INPUT + <usize>load<f32>(t) * STRIDE;
        const p0 = v128.load(t, 16);
        const dp = v128.load(t, 32);
        const c = t + coef;
        const g0 = v128.load(c);
        const d0 = v128.load(c, 16);
        const g1 = v128.load(c, 32);
        const d1 = v128.load(c, 48);
        const g2 = v128.load(c, 64);
        const d2 = v128.load(c, 80);
        const g3 = v128.load(c, 96);
        const d3 = v128.load(c, 112);
        let kv = f32x4.add(f32x4.splat(<f32>(t0 - i0)), f32x4(0, 1, 2, 3));
        for (let i = t0; i < v1; i += 4) {
          const at = <usize>i << 2;
          const x = v128.load(x0 + at);
          const xr = f32x4.mul(x, f32x4.add(p0, f32x4.mul(kv, dp)));
          v128.store(o0 + at, f32x4.add(v128.load(o0 + at), f32x4.add(f32x4.mul(x, g0), f32x4.mul(xr, d0))));
          v128.store(o1 + at, f32x4.add(v128.load(o1 + at), f32x4.add(f32x4.mul(x, g1), f32x4.mul(xr, d1))));
          v128.store(o2 + at, f32x4.add(v128.load(o2 + at), f32x4.add(f32x4.mul(x, g2), f32x4.mul(xr, d2))));
          v128.store(o3 + at, f32x4.add(v128.load(o3 + at), f32x4.add(f32x4.mul(x, g3), f32x4.mul(xr, d3))));
          kv = f32x4.add(kv, four);
        }
        for (let i = v1; i < t1; i++) {
          const at = <usize>i << 2;
          const x = load<f32>(x0 + at);
          const xr = x * (load<f32>(t, 16) + <f32>(i - i0) * load<f32>(t, 32));
          store<f32>(o0 + at, load<f32>(o0 + at) + (x * load<f32>(c) + xr * load<f32>(c, 16)));
          store<f32>(o1 + at, load<f32>(o1 + at) + (x * load<f32>(c, 32) + xr * load<f32>(c, 48)));
          store<f32>(o2 + at, load<f32>(o2 + at) + (x * load<f32>(c, 64) + xr * load<f32>(c, 80)));
          store<f32>(o3 + at, load<f32>(o3 + at) + (x * load<f32>(c, 96) + xr * load<f32>(c, 112)));
        }
      }
    }
  }
}

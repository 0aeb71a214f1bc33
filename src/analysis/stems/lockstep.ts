/**
 * The lockstep read: one streaming pass over the reference and every part together (flat memory: one
 * block per file), each part positioned so its frame n + offset lines up with reference frame n. Per
 * block and channel it sums the least-squares terms (Σ part_k·reference, Σ part_k·part_l) and, per
 * segment between window and series boundaries, the residual Σ parts − reference's stats, which go to
 * the ResidualMeter.
 *
 * Speed: the sums run in a WASM SIMD kernel (../../dsp/wasm/null-sums.as.ts via ../../dsp/null-sums.ts:
 * two channels per f64x2, the files read straight into its memory) that gives the plain-JS loops' exact
 * numbers; the JS loops below stay as the fallback (no .wasm, DUBSTAGE_WASM=0, `useWasm: false`).
 */
import type { AudioSource } from '../../audio/types.js';
import { defaultNullSumsWasm, nullSums, SEGMENT_STATS, type NullSums } from '../../dsp/null-sums.js';
import type { ResidualMeter } from './residual.js';
import type { NullTestOptions } from './types.js';

/** Per channel: Σ part_k·part_l (K×K, upper triangle filled: k ≤ l) and Σ part_k·reference. */
export interface LeastSquaresSums {
  gram: Float64Array[];
  cross: Float64Array[];
}

/** Read `frames` frames into `out` from the source's current position; zero-fill past the end. Returns frames read. */
function readInto(source: AudioSource, out: Float32Array[], scratch: Float32Array[], frames: number, at = 0): number {
  let got = 0;
  while (got < frames) {
    // The first read of a block goes straight into `out` (the usual whole block in one read: no copy).
    if (at === 0 && got === 0) {
      const n = source.read(out, frames);
      if (n <= 0) break;
      got = n;
      continue;
    }
    const n = source.read(scratch, frames - got);
    if (n <= 0) break;
    for (let c = 0; c < out.length; c++) out[c]!.set(scratch[c]!.subarray(0, n), at + got);
    got += n;
  }
  for (let c = 0; c < out.length; c++) out[c]!.fill(0, at + got, at + frames);
  return got;
}

/** The kernel when this test's blocks fit its fixed memory, else null (the plain-JS loops). */
function fitsKernel(w: NullSums | null, channels: number, parts: number, blockFrames: number, segmentsPerBlock: number): NullSums | null {
  if (w === null) return null;
  const fits = channels <= w.maxChannels && parts >= 1 && parts <= w.maxParts && blockFrames <= w.capacity && segmentsPerBlock <= w.maxSegments;
  return fits ? w : null;
}

/** The WASM kernel unless the options rule it out or the blocks do not fit it. */
function chooseKernel(options: NullTestOptions, channels: number, parts: number, blockFrames: number, segmentsPerBlock: number): NullSums | null {
  const module = options.useWasm === false || options.generalLoops ? null : options.wasm !== undefined ? options.wasm : defaultNullSumsWasm();
  return module === null ? null : fitsKernel(nullSums(module), channels, parts, blockFrames, segmentsPerBlock);
}

/** What the pass reads: part k shifted by `offsets[k]` frames (positive = late; null = 0) against the reference. */
export interface LockstepRead {
  reference: AudioSource;
  parts: AudioSource[];
  offsets: Array<number | null>;
  /** Reference frame the pass starts at. */
  fromFrame: number;
  blockFrames: number;
  /** Read alongside, never summed: its per-segment Σ e·p and Σ p² go to the meter (NullTestOptions.probe). */
  probe?: { source: AudioSource; offset: number };
}

/** The pass: segment sums go to `meter`, the least-squares sums are returned. `scratch`: blockFrames per channel. */
export function readLockstep(read: LockstepRead, meter: ResidualMeter, options: NullTestOptions, scratch: Float32Array[]): LeastSquaresSums {
  const { reference, parts, offsets, fromFrame, blockFrames, probe } = read;
  const channels = reference.header.format.channels;
  const K = parts.length;
  // the probe is read as one more part, last, but never summed into the residual
  const readers = probe ? [...parts, probe.source] : parts;
  const readOffsets = probe ? [...offsets, probe.offset] : offsets;
  const leadZeros = readOffsets.map((o) => Math.max(0, -(fromFrame + (o ?? 0))));
  readers.forEach((p, k) => p.seek(Math.max(0, fromFrame + (readOffsets[k] ?? 0))));
  reference.seek(fromFrame);
  // The WASM kernel when the blocks fit its fixed memory: the files are read straight into it.
  const segmentsPerBlock = meter.maxSegments(blockFrames);
  const kernel = probe ? null : chooseKernel(options, channels, K, blockFrames, segmentsPerBlock);
  options.onLoops?.(kernel ? 'wasm' : (K === 3 || K === 2) && !options.generalLoops ? 'one-pass' : 'general');
  const refBuf = Array.from({ length: channels }, (_, c) => (kernel ? kernel.input(0, c, blockFrames) : new Float32Array(blockFrames)));
  const partBufs = readers.map((_, k) => Array.from({ length: channels }, (_, c) => (kernel ? kernel.input(1 + k, c, blockFrames) : new Float32Array(blockFrames))));
  const probeBuf = probe ? partBufs.pop()! : null;
  const sums: LeastSquaresSums = {
    gram: Array.from({ length: channels }, () => new Float64Array(K * K)),
    cross: Array.from({ length: channels }, () => new Float64Array(K)),
  };
  const sumBlock = kernel
    ? wasmBlockSums(kernel, channels, K, sums, meter)
    : jsBlockSums(refBuf, partBufs, blockFrames, sums, meter, segmentsPerBlock, Boolean(options.generalLoops), probeBuf);
  const readBufs = probeBuf ? [...partBufs, probeBuf] : partBufs;
  const totalFrames = reference.header.format.frames - fromFrame;
  for (;;) {
    const n = readInto(reference, refBuf, scratch, blockFrames);
    if (n === 0) break;
    for (let k = 0; k < readers.length; k++) {
      const zeros = Math.min(leadZeros[k]!, n);
      for (const buf of readBufs[k]!) buf.fill(0, 0, zeros);
      if (zeros < n) readInto(readers[k]!, readBufs[k]!, scratch, n - zeros, zeros);
      leadZeros[k]! -= zeros;
    }
    sumBlock(n);
    options.onProgress?.(meter.framesCompared, totalFrames);
  }
  return sums;
}

/**
 * The block of n frames already in the kernel's memory: its segments (cut as the JS loops cut them), the
 * kernel's sums, then the same accumulation.
 */
function wasmBlockSums(w: NullSums, channels: number, K: number, sums: LeastSquaresSums, meter: ResidualMeter): (n: number) => void {
  const stride = w.maxChannels;
  return (n) => {
    const segments = meter.cut(n, w.segmentEnds);
    w.block(channels, K, n, segments);
    for (let c = 0; c < channels; c++) {
      const xc = sums.cross[c]!;
      const g = sums.gram[c]!;
      let t = K;
      for (let k = 0; k < K; k++) {
        xc[k]! += w.terms[k * stride + c]!;
        for (let l = k; l < K; l++) g[k * K + l]! += w.terms[t++ * stride + c]!;
      }
    }
    const stats = w.segmentStats;
    for (let s = 0, i = 0; s < segments; s++) {
      const base = s * SEGMENT_STATS * stride;
      for (let c = 0; c < channels; c++) {
        meter.add(c, stats[base + c]!, stats[base + stride + c]!, stats[base + 2 * stride + c]!, stats[base + 3 * stride + c]!, stats[base + 4 * stride + c]!);
      }
      const end = w.segmentEnds[s]!;
      meter.advance(end - i);
      i = end;
    }
  };
}

/** The plain-JS sums of a block: per channel the least-squares terms and the residual, then its segments' stats. */
function jsBlockSums(
  refBuf: Float32Array[],
  partBufs: Float32Array[][],
  blockFrames: number,
  sums: LeastSquaresSums,
  meter: ResidualMeter,
  segmentsPerBlock: number,
  generalLoops: boolean,
  probeBuf: Float32Array[] | null = null,
): (n: number) => void {
  const channels = refBuf.length;
  const K = partBufs.length;
  const residual = Array.from({ length: channels }, () => new Float64Array(blockFrames));
  const ends = new Int32Array(segmentsPerBlock);
  return (n) => {
    for (let c = 0; c < channels; c++) {
      const x = refBuf[c]!;
      const e = residual[c]!;
      const g = sums.gram[c]!;
      const xc = sums.cross[c]!;
      if (K === 3 && !generalLoops) termsThree(x, partBufs[0]![c]!, partBufs[1]![c]!, partBufs[2]![c]!, e, n, g, xc);
      else if (K === 2 && !generalLoops) termsTwo(x, partBufs[0]![c]!, partBufs[1]![c]!, e, n, g, xc);
      else termsGeneral(x, partBufs, c, e, n, g, xc);
    }
    const segments = meter.cut(n, ends);
    for (let s = 0, i = 0; s < segments; s++) {
      const end = ends[s]!;
      for (let c = 0; c < channels; c++) segmentStats(refBuf[c]!, residual[c]!, i, end, c, meter);
      if (probeBuf) for (let c = 0; c < channels; c++) probeStats(probeBuf[c]!, residual[c]!, i, end, c, meter);
      meter.advance(end - i);
      i = end;
    }
  };
}

// The usual part counts in one pass: every sum below is the general loop's own sequential sum (same terms,
// same order, same block-wise carry), so the results are the same numbers; the independent sums just run
// side by side instead of one pass each.

/** Three parts: Σ p_k·x and Σ p_k·p_l (k ≤ l) into xc and g, and the residual p0 + p1 + p2 − x into e. */
function termsThree(x: Float32Array, p0: Float32Array, p1: Float32Array, p2: Float32Array, e: Float64Array, n: number, g: Float64Array, xc: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0, g00 = 0, g01 = 0, g02 = 0, g11 = 0, g12 = 0, g22 = 0;
  for (let j = 0; j < n; j++) {
    const xv = x[j]!;
    const a = p0[j]!;
    const b = p1[j]!;
    const d = p2[j]!;
    s0 += a * xv;
    s1 += b * xv;
    s2 += d * xv;
    g00 += a * a;
    g01 += a * b;
    g02 += a * d;
    g11 += b * b;
    g12 += b * d;
    g22 += d * d;
    e[j] = -xv + a + b + d;
  }
  xc[0]! += s0;
  xc[1]! += s1;
  xc[2]! += s2;
  g[0]! += g00;
  g[1]! += g01;
  g[2]! += g02;
  g[4]! += g11;
  g[5]! += g12;
  g[8]! += g22;
}

/** Two parts: as termsThree. */
function termsTwo(x: Float32Array, p0: Float32Array, p1: Float32Array, e: Float64Array, n: number, g: Float64Array, xc: Float64Array): void {
  let s0 = 0, s1 = 0, g00 = 0, g01 = 0, g11 = 0;
  for (let j = 0; j < n; j++) {
    const xv = x[j]!;
    const a = p0[j]!;
    const b = p1[j]!;
    s0 += a * xv;
    s1 += b * xv;
    g00 += a * a;
    g01 += a * b;
    g11 += b * b;
    e[j] = -xv + a + b;
  }
  xc[0]! += s0;
  xc[1]! += s1;
  g[0]! += g00;
  g[1]! += g01;
  g[3]! += g11;
}

/** Any number of parts, one pass per sum, on channel c. */
function termsGeneral(x: Float32Array, partBufs: Float32Array[][], c: number, e: Float64Array, n: number, g: Float64Array, xc: Float64Array): void {
  const K = partBufs.length;
  for (let j = 0; j < n; j++) e[j] = -x[j]!;
  for (let k = 0; k < K; k++) {
    const pk = partBufs[k]![c]!;
    let sx = 0;
    for (let j = 0; j < n; j++) {
      sx += pk[j]! * x[j]!;
      e[j]! += pk[j]!;
    }
    xc[k]! += sx;
    for (let l = k; l < K; l++) {
      const pl = partBufs[l]![c]!;
      let sg = 0;
      for (let j = 0; j < n; j++) sg += pk[j]! * pl[j]!;
      g[k * K + l]! += sg;
    }
  }
}

/** Frames [i, end) of channel c: Σ ref², Σ e², Σ e² where e·ref > 0, peak |ref|, peak |e|, to the meter. */
function segmentStats(x: Float32Array, res: Float64Array, i: number, end: number, c: number, meter: ResidualMeter): void {
  let eRef = 0;
  let pRef = 0;
  let eRes = 0;
  let pRes = 0;
  let agree = 0;
  for (let j = i; j < end; j++) {
    const xv = x[j]!;
    const e = res[j]!;
    eRef += xv * xv;
    eRes += e * e;
    if (e * xv > 0) agree += e * e;
    const ax = xv < 0 ? -xv : xv;
    const ae = e < 0 ? -e : e;
    if (ax > pRef) pRef = ax;
    if (ae > pRes) pRes = ae;
  }
  meter.add(c, eRef, eRes, agree, pRef, pRes);
}

/** Frames [i, end) of channel c: Σ e·p and Σ p² of the residual against the probe, to the meter. */
function probeStats(p: Float32Array, res: Float64Array, i: number, end: number, c: number, meter: ResidualMeter): void {
  let ep = 0;
  let pp = 0;
  for (let j = i; j < end; j++) {
    const pv = p[j]!;
    ep += res[j]! * pv;
    pp += pv * pv;
  }
  meter.addProbe(c, ep, pp);
}

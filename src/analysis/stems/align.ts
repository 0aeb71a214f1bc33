/**
 * Alignment: each part is cross-correlated (FFT, on a decimated mono excerpt where that part is loudest)
 * against the reference, then refined sample-exactly at full rate. The offset is reported per part and
 * compensated in the null, so a late stem shows as an offset, and any other fault still shows.
 * Reads short excerpts only (seconds per part); leaves the sources' positions wherever it stopped.
 */
import type { AudioSource } from '../../audio/types.js';
import { crossCorrelate } from '../../dsp/fft.js';
import { ALIGN_EXCERPT_SECONDS, MAX_OFFSET_SECONDS } from './thresholds.js';
import type { NamedSource, NullTestOptions, PartAlignment } from './types.js';

/** Mono sum of `length` frames from `start` (zeros outside the file) into `out`. */
function readMono(source: AudioSource, start: number, length: number, scratch: Float32Array[], out: Float32Array): void {
  out.fill(0);
  const total = source.header.format.frames;
  const from = Math.max(0, start);
  const to = Math.min(total, start + length);
  if (to <= from) return;
  source.seek(from);
  const block = scratch[0]!.length;
  let pos = from;
  while (pos < to) {
    const n = source.read(scratch, Math.min(block, to - pos));
    if (n <= 0) break;
    const base = pos - start;
    for (const ch of scratch) for (let i = 0; i < n; i++) out[base + i]! += ch[i]!;
    pos += n;
  }
}

function decimate(x: Float32Array, factor: number): Float64Array {
  const out = new Float64Array(Math.floor(x.length / factor));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < factor; k++) s += x[i * factor + k]!;
    out[i] = s / factor;
  }
  return out;
}

/** Our choice [P]: an offset must correlate better than in sync by more than this factor's complement (1 %). */
const SYNC_PREFERENCE = 0.99;

/** Our choice [P]: below this normalised correlation a part is not found in the reference at any lag. */
const MIN_CORRELATION = 0.02;

interface Alignment {
  offsetFrames: number | null;
  correlation: number | null;
}

/** Where the part is loudest: the start of the loudest of five candidate excerpts, and its energy (0: silent). */
function loudestExcerpt(part: AudioSource, frames: number, length: number, scratch: Float32Array[], partExcerpt: Float32Array): { start: number; energy: number } {
  let bestStart = 0;
  let bestEnergy = 0;
  for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
    const start = Math.max(0, Math.min(frames - length, Math.round(fraction * frames - length / 2)));
    readMono(part, start, length, scratch, partExcerpt);
    let e = 0;
    for (let i = 0; i < length; i++) e += partExcerpt[i]! * partExcerpt[i]!;
    if (e > bestEnergy) {
      bestEnergy = e;
      bestStart = start;
    }
  }
  return { start: bestStart, energy: bestEnergy };
}

/**
 * The exact offset within ±2 decimation steps of the coarse one: the largest |Σ part·ref| at full rate
 * (refExcerpt[j] = reference[start − margin + j]), with that sum.
 */
function refine(partExcerpt: Float32Array, refExcerpt: Float32Array, coarseOffset: number, factor: number, margin: number): { offset: number; value: number } {
  const length = partExcerpt.length;
  let best = coarseOffset;
  let bestValue = 0;
  let bestAbs = -1;
  for (let offset = coarseOffset - 2 * factor; offset <= coarseOffset + 2 * factor; offset++) {
    if (Math.abs(offset) > margin) continue;
    let s = 0;
    const shift = margin - offset;
    for (let j = 0; j < length; j++) s += partExcerpt[j]! * refExcerpt[j + shift]!;
    if (Math.abs(s) > bestAbs) {
      bestAbs = Math.abs(s);
      best = offset;
      bestValue = s;
    }
  }
  return { offset: best, value: bestValue };
}

/**
 * Offset of `part` against `reference`: positive when the part is late (part[n + L] ≈ its share of
 * reference[n]). Coarse FFT correlation on a decimated excerpt where the part is loudest, then an exact
 * time-domain search around it at full rate.
 */
function align(reference: AudioSource, part: AudioSource, maxOffsetFrames: number, excerptFrames: number, scratch: Float32Array[]): Alignment {
  const rate = reference.header.format.sampleRate;
  const factor = Math.max(1, Math.floor(rate / 12000));
  const frames = Math.min(reference.header.format.frames, part.header.format.frames);
  const length = Math.max(factor, Math.min(excerptFrames, frames) - (Math.min(excerptFrames, frames) % factor));
  const margin = Math.ceil(maxOffsetFrames / factor) * factor;
  const partExcerpt = new Float32Array(length);
  const loudest = loudestExcerpt(part, frames, length, scratch, partExcerpt);
  if (loudest.energy === 0) return { offsetFrames: null, correlation: null };
  readMono(part, loudest.start, length, scratch, partExcerpt);
  // refExcerpt[j] = reference[start − margin + j]
  const refExcerpt = new Float32Array(length + 2 * margin);
  readMono(reference, loudest.start - margin, length + 2 * margin, scratch, refExcerpt);

  // Σ part[j]·ref[j + lag] peaks at lag = margin − L.
  const coarse = crossCorrelate(decimate(partExcerpt, factor), decimate(refExcerpt, factor), (2 * margin) / factor);
  let best = refine(partExcerpt, refExcerpt, margin - coarse.lag * factor, factor, margin);
  // Periodic content (sustained tones) correlates as well a whole number of periods away: a lag no
  // better than in sync is no lag (the null is the same either way).
  if (best.offset !== 0) {
    let s0 = 0;
    for (let j = 0; j < length; j++) s0 += partExcerpt[j]! * refExcerpt[j + margin]!;
    if (Math.abs(s0) >= SYNC_PREFERENCE * Math.abs(best.value)) best = { offset: 0, value: s0 };
  }
  let refEnergy = 0;
  for (let j = 0; j < length; j++) refEnergy += refExcerpt[j + margin - best.offset]! ** 2;
  const correlation = refEnergy > 0 ? best.value / Math.sqrt(loudest.energy * refEnergy) : null;
  // A part the reference does not carry (an M&E left without the foley) correlates nowhere: no lag is
  // found, and the null runs in sync, where its gain says it is missing.
  if (correlation === null || Math.abs(correlation) < MIN_CORRELATION) return { offsetFrames: 0, correlation };
  return { offsetFrames: best.offset, correlation };
}

/** Each part's offset against the reference (searched, or `offsetsFrames` when given) and its length difference. */
export function alignParts(reference: AudioSource, parts: NamedSource[], options: NullTestOptions, fps: number, scratch: Float32Array[]): PartAlignment[] {
  const fmt = reference.header.format;
  const rate = fmt.sampleRate;
  const maxOffsetFrames = Math.round((options.maxOffsetSeconds ?? MAX_OFFSET_SECONDS) * rate);
  const excerptFrames = Math.round((options.excerptSeconds ?? ALIGN_EXCERPT_SECONDS) * rate);
  return parts.map((p, k) => {
    const given = options.offsetsFrames?.[k];
    const a: Alignment = given !== undefined ? { offsetFrames: given, correlation: null } : align(reference, p.source, maxOffsetFrames, excerptFrames, scratch);
    return {
      name: p.name,
      path: p.source.header.path,
      offsetFrames: a.offsetFrames,
      offsetSeconds: a.offsetFrames !== null ? a.offsetFrames / rate : null,
      offsetPictureFrames: a.offsetFrames !== null ? (a.offsetFrames / rate) * fps : null,
      correlation: a.correlation,
      lengthDifferenceFrames: p.source.header.format.frames - fmt.frames,
    };
  });
}

/**
 * The bext chunk of a corrected file: the same bytes, with the version raised to 2 and the EBU Tech 3285
 * v2 loudness fields (offsets 412-421: LoudnessValue, LoudnessRange, MaxTruePeakLevel,
 * MaxMomentaryLoudness, MaxShortTermLoudness; int16 × 100, 0x7FFF when not known) set from the measured
 * output. Same size: the chunk layout of the file does not move.
 */
import type { LoudnessSummary } from '../analysis/results.js';

/** Bytes a bext body needs to hold the loudness fields (they end at 422; the v2 body is 602 + history). */
export const BEXT_LOUDNESS_END = 422;
const VERSION_AT = 346;
const LOUDNESS_AT = 412;
const NOT_SET = 0x7fff;

/** The five fields as written: hundredths, rounded; null (silence, too short) is 0x7FFF. */
export function bextLoudnessFields(l: LoudnessSummary): Array<number | null> {
  return [l.integratedLufs, l.loudnessRangeLu, l.truePeakDbtp, l.momentaryMaxLufs, l.shortTermMaxLufs];
}

function hundredths(v: number | null): number {
  if (v === null || !Number.isFinite(v)) return NOT_SET;
  // int16 range; a value that cannot be held is "not set" rather than a wrapped lie
  const h = Math.round(v * 100);
  return h >= -32768 && h < NOT_SET ? h : NOT_SET;
}

/** A copy of `body` with version ≥ 2 and the loudness fields of `loudness`; null when the body is too short to hold them. */
export function bextWithLoudness(body: Uint8Array, loudness: LoudnessSummary): Buffer | null {
  if (body.length < BEXT_LOUDNESS_END) return null;
  const out = Buffer.from(body);
  if (out.readUInt16LE(VERSION_AT) < 2) out.writeUInt16LE(2, VERSION_AT);
  bextLoudnessFields(loudness).forEach((v, i) => out.writeInt16LE(hundredths(v), LOUDNESS_AT + 2 * i));
  return out;
}

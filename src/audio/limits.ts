/**
 * What a header may say before a reader trusts it. Every number a reader takes from a file is checked
 * against these (or against the file's length) before anything is sized by it: a corrupt field is a
 * typed error naming the field and its byte offset, never a huge allocation or an Infinity downstream.
 */
import { DubstageError } from '../errors.js';

/** BS.1770 and the delivery formats live between telephone band and DXD × 2; the K-filter and the
 * speech resampler are designed for this range. */
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 768000;
/** ADM masters carry up to 128 tracks; a block buffer per channel must stay bounded. */
export const MAX_CHANNELS = 1024;

/** Refuse a sample rate outside [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE] (or not finite) read from `field` at `byteOffset`. */
export function checkSampleRate(path: string, rate: number, field: string, byteOffset: number, where: string): void {
  if (Number.isFinite(rate) && rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE) return;
  throw new DubstageError({
    code: 'bad-format',
    message: `${path}: ${where}: sample rate (${field}, byte ${byteOffset}) is ${formatValue(rate)} Hz; expected ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`,
    path,
    byteOffset,
    field,
  });
}

/** Refuse a channel count outside 1..MAX_CHANNELS. */
export function checkChannels(path: string, channels: number, field: string, byteOffset: number, where: string): void {
  if (Number.isInteger(channels) && channels >= 1 && channels <= MAX_CHANNELS) return;
  throw new DubstageError({
    code: 'bad-format',
    message: `${path}: ${where}: channel count (${field}, byte ${byteOffset}) is ${formatValue(channels)}; expected 1 to ${MAX_CHANNELS}`,
    path,
    byteOffset,
    field,
  });
}

export function formatValue(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'infinite' : 'minus infinite';
}

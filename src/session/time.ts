/**
 * Exact time: integer counts at rational rates (OpenTimelineIO style), seconds only at the edge.
 * 23.976 is 24000/1001; 29.97 is 30000/1001. Timecode with SMPTE drop-frame for 29.97, 59.94, 119.88.
 * A value no time can be made of (a zero, negative or non-finite rate, a non-integer count) is a
 * DubstageError 'bad-format'; the adapters check what they read first and name the line.
 */
import { DubstageError } from '../errors.js';

function badTime(message: string): DubstageError {
  return new DubstageError({ code: 'bad-format', message });
}

/** Highest frame rate taken as a frame rate (120 fps HFR with room to spare); beyond it is a sample rate or garbage. */
export const MAX_FRAME_RATE = 1000;
/** Lowest: below one frame a second no timecode can be counted (0.0001 would round to a rate of 0). */
export const MIN_FRAME_RATE = 1;
export interface Rational {
  num: number;
  den: number;
}

/** A count of units at `rate` units per second (frames at a frame rate, samples at a sample rate). */
export interface RationalTime {
  value: number;
  rate: Rational;
}

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function rational(num: number, den = 1): Rational {
  if (den === 0) throw badTime(`a rate or time of ${num}/0: zero denominator`);
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    throw badTime(`a rate or time of ${num}/${den}: whole numbers expected`);
  }
  const g = gcd(num, den) || 1;
  const s = den < 0 ? -1 : 1;
  return { num: (s * num) / g, den: (s * den) / g };
}

export function rateToNumber(r: Rational): number {
  return r.num / r.den;
}

export function rationalEquals(a: Rational, b: Rational): boolean {
  return a.num * b.den === b.num * a.den;
}

/**
 * Normalise a frame rate written as a number or string: 23.976/23.98 → 24000/1001, 29.97 → 30000/1001,
 * 59.94 → 60000/1001, 119.88 → 120000/1001, 47.952 → 48000/1001; "30000/1001", "1001/30000s"
 * (FCPXML frameDuration), integers as themselves.
 */
export function parseFrameRate(input: string | number): Rational {
  if (typeof input === 'number') return frameRateFromNumber(input);
  // "29.97 DF", "30000/1001 NDF", "25 fps": the drop-frame flag is the caller's business
  const t = input.trim().replace(/\s*(fps|NDF|DF|ND|D)$/i, '').trim();
  // a trailing 's' marks a frame duration in seconds, FCPXML's spelling
  if (/\ds$/.test(t)) return frameRateFromDuration(t);
  const frac = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (frac) {
    const a = Number(frac[1]);
    const b = Number(frac[2]);
    if (b === 0 || a === 0 || !Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a / b > MAX_FRAME_RATE || a / b < MIN_FRAME_RATE) throw badFrameRate(input);
    // 23976/1000 (MC 6.5) and 11988/100 (MC 23.12) are NTSC rates spelled approximately
    return ntscOrExact(a, b);
  }
  const n = Number(t);
  if (!t || !Number.isFinite(n) || n < MIN_FRAME_RATE || n > MAX_FRAME_RATE) throw badFrameRate(input);
  return frameRateFromNumber(n);
}

function badFrameRate(input: string | number): DubstageError {
  return badTime(`bad frame rate '${input}': expected ${MIN_FRAME_RATE} to ${MAX_FRAME_RATE} fps, e.g. 24, 23.976, 29.97, 30000/1001`);
}

/** Inverse of a frame duration such as FCPXML's "1001/24000s". */
export function frameRateFromDuration(duration: string): Rational {
  const t = duration.trim().replace(/s$/, '');
  const frac = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (frac) {
    const a = Number(frac[1]);
    const b = Number(frac[2]);
    if (a === 0 || b === 0 || !Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b / a > MAX_FRAME_RATE || b / a < MIN_FRAME_RATE) throw badFrameDuration(duration);
    return ntscOrExact(b, a);
  }
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0 || 1 / n > MAX_FRAME_RATE || 1 / n < MIN_FRAME_RATE) throw badFrameDuration(duration);
  return frameRateFromNumber(1 / n);
}

function badFrameDuration(duration: string): DubstageError {
  return badTime(`bad frame duration '${duration}': expected a duration such as 1001/24000s (${MIN_FRAME_RATE} to ${MAX_FRAME_RATE} frames a second)`);
}

/** An exact fraction, except that one within tolerance of an NTSC rate becomes that rate. */
function ntscOrExact(num: number, den: number): Rational {
  const exact = rational(num, den);
  const ntsc = frameRateFromNumber(num / den);
  return ntsc.den === 1001 ? ntsc : exact;
}

function frameRateFromNumber(n: number): Rational {
  if (!Number.isFinite(n) || n < MIN_FRAME_RATE || n > MAX_FRAME_RATE) throw badFrameRate(n);
  const nominal = Math.round(n);
  // NTSC family: nominal × 1000/1001 within half a thousandth
  if (Math.abs(n - (nominal * 1000) / 1001) < 0.006 && Math.abs(n - nominal) > 0.005) {
    return rational(nominal * 1000, 1001);
  }
  if (Math.abs(n - nominal) < 1e-9) return rational(nominal, 1);
  // other non-integers (e.g. 12.5): rational with up to 3 decimals
  return rational(Math.round(n * 1000), 1000);
}

/** Nominal (rounded) frames per second used for timecode counting: 30 for 29.97. */
export function nominalFps(rate: Rational): number {
  return Math.round(rate.num / rate.den);
}

/** Drop-frame is only defined for the 1000/1001 rates that are multiples of 30. */
export function dropFrameAllowed(rate: Rational): boolean {
  const nominal = nominalFps(rate);
  return nominal % 30 === 0 && rate.den === 1001 && rate.num === nominal * 1000;
}

/** Frames dropped per minute (except every tenth): 2 at 29.97, 4 at 59.94, 8 at 119.88. */
function dropsPerMinute(rate: Rational): number {
  return (nominalFps(rate) / 30) * 2;
}

export interface TimecodeFields {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
}

/** Timecode fields → frame count since 00:00:00:00. */
export function timecodeToFrames(tc: TimecodeFields, rate: Rational, dropFrame: boolean): number {
  const fps = nominalFps(rate);
  const totalMinutes = tc.hours * 60 + tc.minutes;
  let frames = ((totalMinutes * 60 + tc.seconds) * fps) + tc.frames;
  if (dropFrame) {
    const drop = dropsPerMinute(rate);
    frames -= drop * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return frames;
}

/** Frame count → timecode fields (drop-frame counting skips labels, never frames). */
export function framesToTimecodeFields(frameCount: number, rate: Rational, dropFrame: boolean): TimecodeFields {
  const fps = nominalFps(rate);
  let f = frameCount;
  const negative = f < 0;
  if (negative) f = -f;
  if (dropFrame) {
    const drop = dropsPerMinute(rate);
    const framesPer10Min = fps * 600 - drop * 9;
    const framesPerMin = fps * 60 - drop;
    const tens = Math.floor(f / framesPer10Min);
    let rem = f % framesPer10Min;
    // the first minute of each ten keeps all its labels
    if (rem >= fps * 60) {
      rem -= fps * 60;
      f += drop * 9 * tens + drop * (1 + Math.floor(rem / framesPerMin));
    } else {
      f += drop * 9 * tens;
    }
  }
  const frames = f % fps;
  const totalSeconds = Math.floor(f / fps);
  return {
    hours: Math.floor(totalSeconds / 3600),
    minutes: Math.floor(totalSeconds / 60) % 60,
    seconds: totalSeconds % 60,
    frames,
  };
}

export function formatTimecode(frameCount: number, rate: Rational, dropFrame: boolean): string {
  const t = framesToTimecodeFields(frameCount, rate, dropFrame);
  const p = (n: number) => String(n).padStart(2, '0');
  const fw = nominalFps(rate) > 100 ? 3 : 2;
  return `${p(t.hours)}:${p(t.minutes)}:${p(t.seconds)}${dropFrame ? ';' : ':'}${String(t.frames).padStart(fw, '0')}`;
}

export interface ParsedTimecode extends TimecodeFields {
  /** True when the text used ';' (or '.') before the frames, the drop-frame convention. */
  dropFrameMarked: boolean;
}

/** Parse "HH:MM:SS:FF", "HH:MM:SS;FF", "HH;MM;SS;FF", "HH:MM:SS.FF". Returns null when it is not timecode. */
export function parseTimecode(text: string): ParsedTimecode | null {
  const m = /^\s*(-)?(\d{1,2})[:;.](\d{2})[:;.](\d{2})([:;.,])(\d{2,3})\s*$/.exec(text);
  if (!m) return null;
  return {
    hours: Number(m[2]),
    minutes: Number(m[3]),
    seconds: Number(m[4]),
    frames: Number(m[6]),
    dropFrameMarked: m[5] === ';' || m[5] === ',' || text.includes(';'),
  };
}

/** Frames at `rate` → exact seconds. */
export function framesToSeconds(frames: number, rate: Rational): number {
  return (frames * rate.den) / rate.num;
}

export function toSeconds(t: RationalTime): number {
  return (t.value * t.rate.den) / t.rate.num;
}

/** Seconds → nearest whole count at `rate`. */
export function secondsToCount(seconds: number, rate: Rational): number {
  return Math.round((seconds * rate.num) / rate.den);
}

/** Timecode text at a rate → seconds from 00:00:00:00 (real seconds at the exact rate). */
export function timecodeToSeconds(text: string, rate: Rational, dropFrame?: boolean): number | null {
  const tc = parseTimecode(text);
  if (!tc) return null;
  const df = dropFrame ?? (tc.dropFrameMarked && dropFrameAllowed(rate));
  return framesToSeconds(timecodeToFrames(tc, rate, df), rate);
}

/** Seconds → timecode at a rate (floor to the frame that contains the instant). */
export function secondsToTimecode(seconds: number, rate: Rational, dropFrame: boolean): string {
  const frames = Math.floor((seconds * rate.num) / rate.den + 1e-9);
  return formatTimecode(frames, rate, dropFrame);
}

// ---- Exact arithmetic between times at different rates (added for adapters and fade folding). ----
// Counts × rate terms pass 2^53 over long timelines (3 h of samples × 1001 × 24000), so cross
// products are taken in BigInt.

/** The slowest rate at which both rates' units are whole counts (24000/1001 and 48000 → 48000). */
export function commonRate(a: Rational, b: Rational): Rational {
  const lcm = (x: number, y: number) => (x / gcd(x, y)) * y;
  return rational(lcm(a.num, b.num), gcd(a.den, b.den));
}

/** Re-express a time at another rate; exact when the rates allow it, otherwise floored or rounded. */
export function rescaleTime(t: RationalTime, rate: Rational, mode: 'floor' | 'round' = 'round'): RationalTime {
  checkTime(t);
  checkRate(rate);
  if (rationalEquals(t.rate, rate)) return { value: t.value, rate };
  // value × (rate.num / rate.den) / (t.rate.num / t.rate.den)
  const num = BigInt(t.value) * BigInt(rate.num) * BigInt(t.rate.den);
  const den = BigInt(rate.den) * BigInt(t.rate.num);
  return { value: Number(divBig(num, den, mode)), rate };
}

function divBig(num: bigint, den: bigint, mode: 'floor' | 'round'): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (mode === 'round') num += den / 2n;
  const q = num / den;
  return num % den !== 0n && num < 0n ? q - 1n : q;
}

/** A rate times can be made at: whole positive terms (a zero rate would divide by zero below). */
function checkRate(r: Rational): void {
  if (!(Number.isSafeInteger(r.num) && Number.isSafeInteger(r.den) && r.num > 0 && r.den > 0)) {
    throw badTime(`a rate of ${r.num}/${r.den}: positive whole numbers expected`);
  }
}

/** A count at a rate: a whole count (BigInt arithmetic below takes nothing else). */
function checkTime(t: RationalTime): void {
  if (!Number.isSafeInteger(t.value)) throw badTime(`a time of ${t.value} units: a whole count expected`);
  checkRate(t.rate);
}

/** -1, 0 or 1, exactly, whatever the two rates. */
export function compareTime(a: RationalTime, b: RationalTime): number {
  checkTime(a);
  checkTime(b);
  const l = BigInt(a.value) * BigInt(a.rate.den) * BigInt(b.rate.num);
  const r = BigInt(b.value) * BigInt(b.rate.den) * BigInt(a.rate.num);
  return l < r ? -1 : l > r ? 1 : 0;
}

/** a + b at their common rate (a's rate when they share one). */
export function addTime(a: RationalTime, b: RationalTime): RationalTime {
  const rate = rationalEquals(a.rate, b.rate) ? a.rate : commonRate(a.rate, b.rate);
  return { value: rescaleTime(a, rate).value + rescaleTime(b, rate).value, rate };
}

/** a − b at their common rate. */
export function subtractTime(a: RationalTime, b: RationalTime): RationalTime {
  const rate = rationalEquals(a.rate, b.rate) ? a.rate : commonRate(a.rate, b.rate);
  return { value: rescaleTime(a, rate).value - rescaleTime(b, rate).value, rate };
}

export function timeAt(value: number, rate: Rational): RationalTime {
  return { value, rate };
}

/** Whole frames at `frameRate` contained in a time (floor), for timecode display. */
export function timeToFrames(t: RationalTime, frameRate: Rational): number {
  return rescaleTime(t, frameRate, 'floor').value;
}

/**
 * parseFrameRate for a value read from a file: a bad rate is a 'bad-session' DubstageError naming the
 * file and the line it was read from (the adapters' single way to take a frame rate from their text).
 */
export function parseFrameRateAt(input: string | number, filePath: string, line?: number, what = 'frame rate'): Rational {
  try {
    return parseFrameRate(input);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const info: ConstructorParameters<typeof DubstageError>[0] = {
      code: 'bad-session',
      message: `${filePath}: ${line !== undefined ? `line ${line}: ` : ''}${what}: ${reason}`,
      path: filePath,
    };
    if (line !== undefined) info.line = line;
    throw new DubstageError(info);
  }
}

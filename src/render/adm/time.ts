/**
 * Exact ADM times (BS.2076 "hh:mm:ss.fffff" or "hh:mm:ss.nnnnnSdddd") as a rational number of
 * seconds, so that a block boundary lands on the same sample BS.2127 computes with fractions.
 */
export interface Rational {
  n: bigint;
  d: bigint;
}

export const ZERO: Rational = { n: 0n, d: 1n };

export function parseAdmTime(text: string): Rational | null {
  const m = /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?(?:S(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const whole = BigInt(m[1]!) * 3600n + BigInt(m[2]!) * 60n + BigInt(m[3]!);
  if (!m[4]) return { n: whole, d: 1n };
  if (m[5]) {
    const d = BigInt(m[5]);
    if (d === 0n) return null;
    return { n: whole * d + BigInt(m[4]), d };
  }
  const d = 10n ** BigInt(m[4].length);
  return { n: whole * d + BigInt(m[4]), d };
}

export const add = (a: Rational, b: Rational): Rational => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
export const cmp = (a: Rational, b: Rational): number => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
export const seconds = (a: Rational): number => Number(a.n) / Number(a.d);

/** ceil(t * rate) as an exact integer sample index. */
export function ceilSample(t: Rational, rate: number): number {
  const num = t.n * BigInt(rate);
  const q = num / t.d;
  return Number(q * t.d < num ? q + 1n : q);
}

/** t * rate as a float sample position (for interpolation ramps). */
export function samplePosition(t: Rational, rate: number): number {
  const num = t.n * BigInt(rate);
  const q = num / t.d;
  return Number(q) + Number(num - q * t.d) / Number(t.d);
}

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
  const fast = plainTime(text);
  if (fast) return fast;
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

const POW10 = [1n, 10n, 100n, 1000n, 10000n, 100000n, 1000000n, 10000000n, 100000000n, 1000000000n];

/** The common "hh:mm:ss.fffff" (up to 9 fraction digits, no spaces) without a regular expression, else null. */
function plainTime(t: string): Rational | null {
  const n = t.length;
  if (n < 8 || n > 22) return null;
  let i = 0;
  let h = 0;
  for (; i < n; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    h = h * 10 + c;
  }
  if (i === 0 || i > 6 || t.charCodeAt(i) !== 58 || n < i + 6 || t.charCodeAt(i + 3) !== 58) return null;
  const d = (k: number): number => {
    const c = t.charCodeAt(k) - 48;
    return c >= 0 && c <= 9 ? c : -1;
  };
  const m1 = d(i + 1), m2 = d(i + 2), s1 = d(i + 4), s2 = d(i + 5);
  if (m1 < 0 || m2 < 0 || s1 < 0 || s2 < 0) return null;
  const whole = h * 3600 + (m1 * 10 + m2) * 60 + s1 * 10 + s2;
  i += 6;
  if (i === n) return { n: BigInt(whole), d: 1n };
  if (t.charCodeAt(i) !== 46) return null;
  let frac = 0;
  const digits = n - i - 1;
  if (digits < 1 || digits > 9) return null;
  for (let k = i + 1; k < n; k++) {
    const c = d(k);
    if (c < 0) return null;
    frac = frac * 10 + c;
  }
  const den = POW10[digits]!;
  return { n: BigInt(whole) * den + BigInt(frac), d: den };
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

/**
 * Stem polarity and gain: the least-squares gain of each part inside the reference, from the lockstep
 * pass's Gram matrix (Σ part_k·part_l) and cross terms (Σ part_k·reference). −1: polarity inverted;
 * 0.89: stem printed 1 dB hot.
 */
import { DB_FLOOR } from './levels.js';
import type { PartGain } from './types.js';

/** Solve A·x = b (n×n, row-major) by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]!) > Math.abs(m[pivot * n + col]!)) pivot = r;
    if (Math.abs(m[pivot * n + col]!) < 1e-300) return null;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k]!, m[col * n + k]!];
      [x[col], x[pivot]] = [x[pivot]!, x[col]!];
    }
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col]! / m[col * n + col]!;
      if (f === 0) continue;
      for (let k = col; k < n; k++) m[r * n + k]! -= f * m[col * n + k]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/** Least-squares gains of the parts from a Gram matrix and cross terms; silent parts get null. */
export function gains(names: string[], gram: Float64Array, cross: Float64Array): PartGain[] {
  const k = names.length;
  const active: number[] = [];
  for (let i = 0; i < k; i++) if (gram[i * k + i]! > DB_FLOOR) active.push(i);
  const n = active.length;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  active.forEach((i, r) => {
    b[r] = cross[i]!;
    active.forEach((j, c) => (a[r * n + c] = gram[i * k + j]!));
  });
  const x = n > 0 ? solve(a, b, n) : null;
  return names.map((name, i) => {
    const r = active.indexOf(i);
    const g = x && r >= 0 ? x[r]! : null;
    const gainDb = g !== null && g !== 0 ? 20 * Math.log10(Math.abs(g)) : null;
    return { name, gain: g, gainDb, stemExcessDb: gainDb !== null ? -gainDb : null, polarityInverted: g !== null && g < 0 };
  });
}

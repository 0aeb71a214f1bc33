/** Energy and amplitude to dB; silence (nothing above the floor) is null, never −Infinity. */
export const DB_FLOOR = 1e-30;
export const dbPower = (p: number): number | null => (p > DB_FLOOR ? 10 * Math.log10(p) : null);
export const dbAmp = (a: number): number | null => (a > 0 ? 20 * Math.log10(a) : null);

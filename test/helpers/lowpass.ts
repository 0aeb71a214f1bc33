/**
 * The low-passes a mix stage puts on an LFE, for fixtures: Butterworth of order 2 (12 dB/oct), 4 (24) or
 * 8 (48), and Linkwitz-Riley (two Butterworths of half the slope in series: LR4 = 24 dB/oct, LR8 = 48),
 * as bilinear-transform biquads (RBJ cookbook), written here apart from src/dsp so a fixture does not
 * share the analyzer's filter code.
 */
export type LowpassKind = 'butterworth' | 'linkwitz-riley';

function sectionQs(order: number): number[] {
  // Poles of an order-N Butterworth at angles (2k + 1)π / 2N from the imaginary axis; Q = 1 / (2 cos θ).
  return Array.from({ length: order / 2 }, (_, k) => 1 / (2 * Math.cos(((2 * k + 1) * Math.PI) / (2 * order))));
}

/** x low-passed at `hz` with `slopeDbPerOct` (12, 24 or 48), in float64, returned as a new Float32Array. */
export function lowpass(x: Float32Array, rate: number, hz: number, slopeDbPerOct: 12 | 24 | 48, kind: LowpassKind = 'butterworth'): Float32Array {
  const order = slopeDbPerOct / 6;
  const qs = kind === 'butterworth' ? sectionQs(order) : [...sectionQs(order / 2), ...sectionQs(order / 2)];
  if (kind === 'linkwitz-riley' && order < 4) throw new Error('Linkwitz-Riley needs 24 dB/oct or more');
  const w = (2 * Math.PI * hz) / rate;
  const sections = qs.map((q) => {
    const alpha = Math.sin(w) / (2 * q);
    const a0 = 1 + alpha;
    const b1 = (1 - Math.cos(w)) / a0;
    return { b0: b1 / 2, b1, b2: b1 / 2, a1: (-2 * Math.cos(w)) / a0, a2: (1 - alpha) / a0, x1: 0, x2: 0, y1: 0, y2: 0 };
  });
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let v = x[i]!;
    for (const s of sections) {
      const y = s.b0 * v + s.b1 * s.x1 + s.b2 * s.x2 - s.a1 * s.y1 - s.a2 * s.y2;
      s.x2 = s.x1;
      s.x1 = v;
      s.y2 = s.y1;
      s.y1 = y;
      v = y;
    }
    out[i] = v;
  }
  return out;
}

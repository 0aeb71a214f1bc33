/**
 * Second-order IIR sections (RBJ Audio EQ Cookbook designs), transposed direct form II in float64.
 * Cascades of Butterworth sections give the steeper band limits the channel checks need
 * (an LFE at 120 Hz 24 dB/oct is a 4th-order low-pass).
 */

export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export type FilterKind = 'lowpass' | 'highpass';

/** RBJ low-pass or high-pass at `frequencyHz` with quality `q` (a0 normalised to 1). */
export function designBiquad(kind: FilterKind, sampleRate: number, frequencyHz: number, q: number): BiquadCoefficients {
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  const a1 = (-2 * cos) / a0;
  const a2 = (1 - alpha) / a0;
  if (kind === 'lowpass') {
    const b1 = (1 - cos) / a0;
    return { b0: b1 / 2, b1, b2: b1 / 2, a1, a2 };
  }
  const b1 = -(1 + cos) / a0;
  return { b0: -b1 / 2, b1, b2: -b1 / 2, a1, a2 };
}

/** Q of each section of an even-order Butterworth filter (order 2 -> [0.7071], order 4 -> [0.5412, 1.3066]). */
export function butterworthQs(order: number): number[] {
  if (order < 2 || order % 2 !== 0) throw new Error(`Butterworth order must be even and >= 2, got ${order}`);
  const qs: number[] = [];
  for (let k = 0; k < order / 2; k++) {
    qs.push(1 / (2 * Math.cos(((2 * k + 1) * Math.PI) / (2 * order))));
  }
  return qs;
}

/** A cascade of biquads with its own state; `process` filters one sample. */
export class BiquadCascade {
  private readonly c: Float64Array; // 5 coefficients per section
  private readonly z: Float64Array; // 2 states per section
  readonly sections: number;

  constructor(coefficients: BiquadCoefficients[]) {
    this.sections = coefficients.length;
    this.c = new Float64Array(this.sections * 5);
    this.z = new Float64Array(this.sections * 2);
    coefficients.forEach((s, i) => this.c.set([s.b0, s.b1, s.b2, s.a1, s.a2], i * 5));
  }

  /** Butterworth low/high-pass of even `order` as a cascade. */
  static butterworth(kind: FilterKind, sampleRate: number, frequencyHz: number, order: number): BiquadCascade {
    return new BiquadCascade(butterworthQs(order).map((q) => designBiquad(kind, sampleRate, frequencyHz, q)));
  }

  process(x: number): number {
    const c = this.c;
    const z = this.z;
    let v = x;
    for (let s = 0, ci = 0, zi = 0; s < this.sections; s++, ci += 5, zi += 2) {
      const y = c[ci]! * v + z[zi]!;
      z[zi] = c[ci + 1]! * v - c[ci + 3]! * y + z[zi + 1]!;
      z[zi + 1] = c[ci + 2]! * v - c[ci + 4]! * y;
      v = y;
    }
    return v;
  }

  reset(): void {
    this.z.fill(0);
  }
}

/**
 * A small wrapper over fft.js (radix-4, power-of-two sizes) with the one operation the stems engine
 * needs: the cross-correlation of two real signals over a range of lags, in O(n log n).
 */
import FFT from 'fft.js';

export function nextPowerOfTwo(n: number): number {
  let p = 4; // fft.js needs a size of at least 4 (radix-4 with one radix-2 stage)
  while (p < n) p *= 2;
  return p;
}

/** A real-input FFT of one fixed size; buffers are allocated once. */
export class RealFft {
  readonly size: number;
  private readonly fft: FFT;
  private readonly input: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two >= 4, got ${size}`);
    this.size = size;
    this.fft = new FFT(size);
    this.input = new Float64Array(size);
  }

  /** A complex buffer (interleaved re, im) of this size. */
  createSpectrum(): Float64Array {
    return new Float64Array(this.size * 2);
  }

  /** Full complex spectrum of `data` zero-padded to the size, into `out` (interleaved re, im). */
  forward(data: ArrayLike<number>, out: Float64Array): void {
    const n = Math.min(data.length, this.size);
    for (let i = 0; i < n; i++) this.input[i] = data[i]!;
    this.input.fill(0, n);
    this.fft.realTransform(out, this.input);
    this.fft.completeSpectrum(out);
  }

  /** Inverse transform (scaled by 1/size, as fft.js does) of a full complex spectrum. */
  inverse(spectrum: Float64Array, out: Float64Array): void {
    this.fft.inverseTransform(out, spectrum);
  }
}

export interface CrossCorrelation {
  /** Lag of the largest |correlation|: `candidate[n + lag]` best matches `reference[n]`. */
  lag: number;
  /** The raw correlation sum at that lag (its sign says the polarity). */
  value: number;
  /** Correlation at every lag from -maxLag to +maxLag (index = lag + maxLag). */
  values: Float64Array;
}

/**
 * r[lag] = Σ reference[n] · candidate[n + lag] for |lag| <= maxLag, via FFT with zero padding wide enough
 * that no circular wrap-around reaches the lags asked for.
 */
export function crossCorrelate(reference: ArrayLike<number>, candidate: ArrayLike<number>, maxLag: number): CrossCorrelation {
  const size = nextPowerOfTwo(Math.max(reference.length, candidate.length) + maxLag + 1);
  const fft = new RealFft(size);
  const a = fft.createSpectrum();
  const b = fft.createSpectrum();
  fft.forward(reference, a);
  fft.forward(candidate, b);
  // conj(A)·B gives Σ a[n] b[n + k] at index k (mod size).
  for (let i = 0; i < size * 2; i += 2) {
    const re = a[i]! * b[i]! + a[i + 1]! * b[i + 1]!;
    const im = a[i]! * b[i + 1]! - a[i + 1]! * b[i]!;
    a[i] = re;
    a[i + 1] = im;
  }
  fft.inverse(a, b);
  const values = new Float64Array(2 * maxLag + 1);
  let best = 0;
  let bestAbs = -1;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const k = lag >= 0 ? lag : size + lag;
    const v = b[2 * k]!;
    values[lag + maxLag] = v;
    if (Math.abs(v) > bestAbs) {
      bestAbs = Math.abs(v);
      best = lag;
    }
  }
  return { lag: best, value: values[best + maxLag]!, values };
}

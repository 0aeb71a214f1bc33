/**
 * BS.1770 K-weighting (pre-filter shelf + RLB high-pass) at any sample rate.
 * BS.1770 gives only the 48 kHz biquads; like libebur128 and ffmpeg we re-derive both stages by the
 * bilinear transform with pre-warping from analog parameters fitted to that table, which reproduces
 * it at 48 kHz to 1e-15 and keeps every meter in agreement at 44.1/88.2/96/176.4/192 kHz.
 */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface KWeighting {
  shelf: Biquad;
  highPass: Biquad;
}

export function kWeightingCoefficients(sampleRate: number): KWeighting {
  return { shelf: highShelf(sampleRate), highPass: rlbHighPass(sampleRate) };
}

/** Stage 1: high shelf, +4 dB above ~1.7 kHz (the head's acoustic effect). */
function highShelf(sampleRate: number): Biquad {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const Q = 0.7071752369554196;
  const K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, gainDb / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  const a0 = 1 + K / Q + K * K;
  return {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
}

/** Stage 2: the revised low-frequency B-curve (RLB) high-pass at ~38 Hz. */
function rlbHighPass(sampleRate: number): Biquad {
  const f0 = 38.13547087602444;
  const Q = 0.5003270373238773;
  const K = Math.tan((Math.PI * f0) / sampleRate);
  const a0 = 1 + K / Q + K * K;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
}

/**
 * K-weight `x[from..to)` of one channel and return Σ y², carrying the filter state (8 doubles:
 * shelf x1 x2 y1 y2, high-pass x1 x2 y1 y2 — direct form I in double, as ffmpeg).
 */
export function kWeightSumSquares(x: Float32Array, from: number, to: number, k: KWeighting, state: Float64Array): number {
  const { b0, b1, b2, a1, a2 } = k.shelf;
  const h = k.highPass;
  const hb0 = h.b0;
  const hb1 = h.b1;
  const hb2 = h.b2;
  const ha1 = h.a1;
  const ha2 = h.a2;
  let sx1 = state[0]!;
  let sx2 = state[1]!;
  let sy1 = state[2]!;
  let sy2 = state[3]!;
  let hy1 = state[6]!;
  let hy2 = state[7]!;
  // the high-pass input is the shelf output: its x1/x2 are sy1/sy2 before the update
  let sum = 0;
  for (let i = from; i < to; i++) {
    const xi = x[i]!;
    const s = b0 * xi + b1 * sx1 + b2 * sx2 - a1 * sy1 - a2 * sy2;
    const y = hb0 * s + hb1 * sy1 + hb2 * sy2 - ha1 * hy1 - ha2 * hy2;
    sx2 = sx1;
    sx1 = xi;
    sy2 = sy1;
    sy1 = s;
    hy2 = hy1;
    hy1 = y;
    sum += y * y;
  }
  // flush denormals: long silence would otherwise decay the state into the slow subnormal range
  state[0] = sx1;
  state[1] = sx2;
  state[2] = Math.abs(sy1) < 1e-30 ? 0 : sy1;
  state[3] = Math.abs(sy2) < 1e-30 ? 0 : sy2;
  state[6] = Math.abs(hy1) < 1e-30 ? 0 : hy1;
  state[7] = Math.abs(hy2) < 1e-30 ? 0 : hy2;
  return sum;
}

/**
 * Gating values (400 ms block or 3 s short-term mean squares) folded into bins of 0.01 LU from -70 LUFS,
 * each bin holding its count and the exact sum of its energies: the same gated means as the list loops
 * (./loudness.ts integratedEnergy, loudnessRange) except for the one bin a relative gate falls in, which
 * is kept or dropped whole by its mean. So memory is flat in the programme's length (premix runs dozens
 * of meters at once) and a figure moves by less than 0.01 LU: the bin's values all lie within 0.01 LU of
 * the gate (integrated), or of the percentile (LRA, taken as the bin's mean energy).
 */

/** Values (per meter) kept as they are before folding: 27 minutes of gating blocks at 10 Hz. */
export const FOLD_AT_VALUES = 16384;

const LOW_LUFS = -70;
const STEP_LU = 0.01;
/** -70 to +50 LUFS (a premix group of many loud tracks can sum far above full scale); above: the top bin. */
const BINS = 12000;

function lufsToEnergy(l: number): number {
  return Math.pow(10, (l + 0.691) / 10);
}

export class EnergyHistogram {
  private readonly counts = new Uint32Array(BINS);
  private readonly sums = new Float64Array(BINS);
  private readonly absGate = lufsToEnergy(LOW_LUFS);

  static of(values: Float64Array): EnergyHistogram {
    const h = new EnergyHistogram();
    for (let i = 0; i < values.length; i++) h.add(values[i]!);
    return h;
  }

  /** A value below the absolute gate (-70 LUFS) is never counted by any gate: not kept. */
  add(e: number): void {
    if (!(e >= this.absGate)) return;
    const bin = Math.floor((-0.691 + 10 * Math.log10(e) - LOW_LUFS) / STEP_LU);
    const b = bin < 0 ? 0 : bin >= BINS ? BINS - 1 : bin;
    this.counts[b]! += 1;
    this.sums[b]! += e;
  }

  /** First bin kept by a relative gate `relLu` below the abs-gated mean (the gate's own bin by its mean), or -1 when none. */
  private gateBin(relLu: number): number {
    let sum = 0;
    let n = 0;
    for (let b = 0; b < BINS; b++) {
      sum += this.sums[b]!;
      n += this.counts[b]!;
    }
    if (n === 0) return -1;
    const gate = Math.max(this.absGate, (sum / n) * Math.pow(10, relLu / 10));
    for (let b = 0; b < BINS; b++) {
      if (this.counts[b] === 0) continue;
      const top = b === BINS - 1 ? Infinity : lufsToEnergy(LOW_LUFS + (b + 1) * STEP_LU);
      if (top <= gate) continue;
      // the gate's own bin: kept whole when its mean passes the gate, else from the next bin on
      return this.sums[b]! / this.counts[b]! >= gate ? b : b + 1;
    }
    return -1;
  }

  /** BS.1770 integrated: the mean energy of the blocks past both gates; 0 when none. */
  integratedEnergy(relLu = -10): number {
    const from = this.gateBin(relLu);
    if (from < 0) return 0;
    let sum = 0;
    let n = 0;
    for (let b = from; b < BINS; b++) {
      sum += this.sums[b]!;
      n += this.counts[b]!;
    }
    return n > 0 ? sum / n : 0;
  }

  /** Tech 3342 loudness range: P95 - P10 (nearest rank) of the values past the -20 LU gate; null when none. */
  loudnessRange(relLu = -20): number | null {
    const from = this.gateBin(relLu);
    if (from < 0) return null;
    let kept = 0;
    for (let b = from; b < BINS; b++) kept += this.counts[b]!;
    if (kept === 0) return null;
    const at = (p: number): number => {
      const rank = Math.round(((kept - 1) * p) / 100);
      let seen = 0;
      for (let b = from; b < BINS; b++) {
        seen += this.counts[b]!;
        if (seen > rank) return this.sums[b]! / this.counts[b]!;
      }
      return 0;
    };
    return 10 * Math.log10(at(95) / at(10));
  }
}

// Flat-memory gating (premix's meters): past FOLD_AT_VALUES gating blocks the windows fold their lists into
// 0.01 LU histograms. Integrated and LRA then stay within 0.01 LU of the exact list loops, on programmes
// built so the gates fall among many values (speech-like bursts, music-like slow swells, near-silence).
import { describe, expect, it } from 'vitest';
import { integratedEnergy, LoudnessWindows, loudnessRange } from '../../src/analyzers/loudness.js';
import { EnergyHistogram, FOLD_AT_VALUES } from '../../src/analyzers/loudness-histogram.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const energy = (lufs: number) => Math.pow(10, (lufs + 0.691) / 10);
const lufs = (e: number) => -0.691 + 10 * Math.log10(e);

/** 10 ms sub-block energies: bursts of `loud` LUFS with gaps near `quiet`, each with jitter. */
function programme(subBlocks: number, seed: number, loud: number, quiet: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(subBlocks);
  let on = true;
  let left = 0;
  for (let j = 0; j < subBlocks; j++) {
    if (left-- <= 0) {
      on = !on;
      left = Math.floor(50 + r() * 400);
    }
    out[j] = energy((on ? loud : quiet) + (r() - 0.5) * 12 + 4 * Math.sin(j / 3000));
  }
  return out;
}

describe('EnergyHistogram', () => {
  it('gives the list loops within 0.01 LU', () => {
    for (const [seed, loud, quiet] of [[1, -23, -45], [2, -30, -38], [3, -10, -80], [4, -50, -75]] as const) {
      const r = rng(seed);
      const values = Float64Array.from({ length: 30000 }, () => energy((r() < 0.6 ? loud : quiet) + (r() - 0.5) * 10));
      const h = EnergyHistogram.of(values);
      const exactI = lufs(integratedEnergy(values));
      expect(Math.abs(lufs(h.integratedEnergy(-10)) - exactI), `seed ${seed} integrated`).toBeLessThan(0.01);
      expect(Math.abs(h.loudnessRange(-20)! - loudnessRange(values)!), `seed ${seed} LRA`).toBeLessThan(0.01);
    }
  });

  it('nothing above the absolute gate: silence, as the lists say', () => {
    const quiet = Float64Array.from({ length: 100 }, () => energy(-80));
    const h = EnergyHistogram.of(quiet);
    expect(h.integratedEnergy(-10)).toBe(0);
    expect(h.loudnessRange(-20)).toBeNull();
    expect(integratedEnergy(quiet)).toBe(0);
    expect(loudnessRange(quiet)).toBeNull();
  });
});

describe('LoudnessWindows with flatMemory', () => {
  function figures(sub: Float64Array, flatMemory: boolean) {
    const w = new LoudnessWindows(48000, { flatMemory });
    for (let j = 0; j < sub.length; j++) w.push(sub[j]!);
    return w.finish({ labels: ['C'], channels: [{ samplePeak: 0.5, truePeak: 0.5, sumSquares: 1 }], frames: sub.length * 480 });
  }

  it('below the fold: the exact figures, bit for bit', () => {
    const sub = programme(60000, 7, -24, -50);
    const a = figures(sub, true);
    const b = figures(sub, false);
    expect(a.loudness).toEqual(b.loudness);
    expect(a.blockEnergies).toEqual(b.blockEnergies);
  });

  it('past the fold (40 minutes): within 0.01 LU, maxima exact, the lists dropped', () => {
    const sub = programme(10 * (FOLD_AT_VALUES + 8000), 8, -26, -48);
    const a = figures(sub, true);
    const b = figures(sub, false);
    expect(a.gatingBlocks).toBe(b.gatingBlocks);
    expect(a.lraShortTermValues).toBe(b.lraShortTermValues);
    expect(a.blockEnergies.length).toBe(0);
    expect(Math.abs(a.loudness.integratedLufs! - b.loudness.integratedLufs!)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(a.loudness.loudnessRangeLu! - b.loudness.loudnessRangeLu!)).toBeLessThanOrEqual(0.01);
    expect(a.loudness.momentaryMaxLufs).toBe(b.loudness.momentaryMaxLufs);
    expect(a.loudness.shortTermMaxLufs).toBe(b.loudness.shortTermMaxLufs);
    expect(b.loudness.loudnessRangeLu!).toBeGreaterThan(3);
  });
});

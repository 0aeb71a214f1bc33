import { describe, expect, it } from 'vitest';
import { BiquadCascade, butterworthQs } from '../../src/dsp/biquad.js';

const SR = 48000;

/** Steady-state gain (dB) of a filter for a sine at `hz`, measured after the filter settles. */
function gainDb(make: () => BiquadCascade, hz: number): number {
  const f = make();
  let inE = 0;
  let outE = 0;
  for (let i = 0; i < SR; i++) {
    const x = Math.sin((2 * Math.PI * hz * i) / SR);
    const y = f.process(x);
    if (i >= SR / 2) {
      inE += x * x;
      outE += y * y;
    }
  }
  return 10 * Math.log10(outE / inE);
}

describe('biquad Butterworth cascades', () => {
  it('has the textbook section Qs', () => {
    expect(butterworthQs(2)[0]).toBeCloseTo(Math.SQRT1_2, 9);
    const q4 = butterworthQs(4);
    expect(q4[0]).toBeCloseTo(0.5412, 4);
    expect(q4[1]).toBeCloseTo(1.3066, 4);
    expect(() => butterworthQs(3)).toThrow();
  });

  it('a 4th-order high-pass at 120 Hz is -3 dB at the cutoff and -24 dB an octave below', () => {
    const hp = () => BiquadCascade.butterworth('highpass', SR, 120, 4);
    expect(gainDb(hp, 120)).toBeCloseTo(-3.01, 1);
    expect(gainDb(hp, 60)).toBeCloseTo(-24.1, 0);
    expect(gainDb(hp, 1000)).toBeCloseTo(0, 1);
  });

  it('an 8th-order low-pass falls 48 dB an octave above its cutoff', () => {
    const lp = () => BiquadCascade.butterworth('lowpass', SR, 120, 8);
    expect(gainDb(lp, 120)).toBeCloseTo(-3.01, 1);
    expect(gainDb(lp, 240)).toBeCloseTo(-48.2, 0);
    expect(gainDb(lp, 30)).toBeCloseTo(0, 1);
  });
});

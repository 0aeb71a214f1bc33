// No allocation sized by an unchecked value (issue 15): a 4 Hz "programme" used to make the speech
// resampler design a filter of hundreds of millions of taps (gigabytes) before failing.
import { describe, expect, it } from 'vitest';
import { MAX_FILTER_TAPS, StreamingResampler } from '../../src/dsp/resample.js';
import { DubstageError } from '../../src/errors.js';

describe('StreamingResampler refuses a filter it should not build, before allocating it', () => {
  for (const rate of [4, 5, 8, 10]) {
    it(`${rate} Hz to 16 kHz`, () => {
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      let thrown: unknown;
      try {
        new StreamingResampler(rate, 16000);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(DubstageError);
      expect((thrown as DubstageError).code).toBe('bad-format');
      expect((thrown as DubstageError).message).toMatch(new RegExp(`^cannot resample ${rate} Hz to 16000 Hz: the filter would need \\d+ taps \\(at most ${MAX_FILTER_TAPS}\\); is the sample rate right\\?$`));
      expect(performance.now() - t0).toBeLessThan(500);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    });
  }

  it('1 Hz and 11 Hz (ratios of 16000/1) are refused by the phase count, also before any allocation', () => {
    for (const rate of [1, 11]) {
      let thrown: unknown;
      try {
        new StreamingResampler(rate, 16000);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(DubstageError);
      expect((thrown as DubstageError).message).toBe(`cannot resample ${rate} Hz to 16000 Hz: the ratio 16000/${rate} needs more than 4000 filter phases`);
    }
  });

  it('every rate the readers accept is designed within the cap', () => {
    for (const rate of [8000, 11025, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 705600, 768000]) {
      const r = new StreamingResampler(rate, 16000);
      expect(r.tapsPerPhase * r.up + 1).toBeLessThanOrEqual(MAX_FILTER_TAPS);
    }
  });
});

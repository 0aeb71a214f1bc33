// session/time throws the project's error for values no time can be made of (issue 15): what used to
// be "rational needs integers", "Division by zero", "bad frame rate '0'", "cannot be converted to a
// BigInt" and "bad frame duration" as plain Error/RangeError is a DubstageError 'bad-format'.
import { describe, expect, it } from 'vitest';
import { DubstageError } from '../../src/errors.js';
import {
  compareTime,
  frameRateFromDuration,
  parseFrameRate,
  parseFrameRateAt,
  rational,
  rescaleTime,
} from '../../src/session/time.js';

function refusal(fn: () => unknown): DubstageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).code).toBe('bad-format');
    return err as DubstageError;
  }
  throw new Error('expected a DubstageError');
}

describe('time arithmetic refuses what it cannot count', () => {
  it('a rational of non-integers or with a zero denominator', () => {
    expect(refusal(() => rational(1e308 * 10, 1)).message).toBe('a rate or time of Infinity/1: whole numbers expected');
    expect(refusal(() => rational(NaN, 1)).message).toContain('whole numbers expected');
    expect(refusal(() => rational(0.5, 1)).message).toContain('whole numbers expected');
    expect(refusal(() => rational(24, 0)).message).toBe('a rate or time of 24/0: zero denominator');
  });

  it('a zero rate (which would divide by zero) and a non-integer count (which BigInt refuses)', () => {
    expect(refusal(() => rescaleTime({ value: 10, rate: { num: 0, den: 1 } }, { num: 48000, den: 1 })).message).toBe('a rate of 0/1: positive whole numbers expected');
    expect(refusal(() => rescaleTime({ value: 10, rate: { num: 24, den: 1 } }, { num: 0, den: 1 })).message).toBe('a rate of 0/1: positive whole numbers expected');
    expect(refusal(() => compareTime({ value: NaN, rate: { num: 24, den: 1 } }, { value: 1, rate: { num: 24, den: 1 } })).message).toBe('a time of NaN units: a whole count expected');
    expect(refusal(() => compareTime({ value: 1.5, rate: { num: 24, den: 1 } }, { value: 1, rate: { num: 24, den: 1 } })).message).toBe('a time of 1.5 units: a whole count expected');
  });

  it("frame rates of '0', '0/1001', 1e400, 4294967296 and durations of 0 or 1/0", () => {
    for (const bad of ['0', '0.0001', '0.5', '0/1001', '1/1001', '30000/0', '1e400', '4294967296', '99999999999999999999', 'NaN', '-24']) {
      expect(refusal(() => parseFrameRate(bad)).message).toContain(`bad frame rate '${bad}'`);
    }
    expect(refusal(() => parseFrameRate(Infinity)).message).toContain("bad frame rate 'Infinity'");
    for (const bad of ['0/24000s', '1001/0s', '0s', '1e-400s', '1/100000s', '2s', '10000/1s']) {
      expect(refusal(() => frameRateFromDuration(bad)).message).toContain(`bad frame duration '${bad}'`);
    }
  });

  it('the real rates still parse exactly', () => {
    expect(parseFrameRate('23.976')).toEqual({ num: 24000, den: 1001 });
    expect(parseFrameRate('120')).toEqual({ num: 120, den: 1 });
    expect(frameRateFromDuration('1001/60000s')).toEqual({ num: 60000, den: 1001 });
    expect(frameRateFromDuration('100/2500s')).toEqual({ num: 25, den: 1 });
  });

  it('parseFrameRateAt names the file and the line it read', () => {
    const e = (() => {
      try {
        parseFrameRateAt('0', '/x/session.txt', 5, 'TIMECODE FORMAT');
      } catch (err) {
        return err as DubstageError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e).toBeInstanceOf(DubstageError);
    expect(e).toMatchObject({ code: 'bad-session', path: '/x/session.txt', line: 5 });
    expect(e.message).toMatch(/^\/x\/session\.txt: line 5: TIMECODE FORMAT: bad frame rate '0'/);
  });
});

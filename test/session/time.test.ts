import { describe, expect, it } from 'vitest';
import {
  addTime,
  compareTime,
  formatTimecode,
  frameRateFromDuration,
  parseFrameRate,
  parseTimecode,
  rational,
  rescaleTime,
  subtractTime,
  timecodeToFrames,
  framesToTimecodeFields,
  toSeconds,
} from '../../src/session/time.js';

const r2997 = rational(30000, 1001);
const r5994 = rational(60000, 1001);
const r11988 = rational(120000, 1001);
const r23976 = rational(24000, 1001);

function frames(text: string, rate = r2997, df = true): number {
  const tc = parseTimecode(text);
  if (!tc) throw new Error(`not timecode: ${text}`);
  return timecodeToFrames(tc, rate, df);
}

describe('drop-frame timecode', () => {
  it('29.97 DF skips ;00 and ;01 at each minute except every tenth', () => {
    // minute 0 keeps all 1800 labels; 00:01:00;00 and ;01 do not exist
    expect(frames('00:00:59;29')).toBe(1799);
    expect(formatTimecode(1799, r2997, true)).toBe('00:00:59;29');
    expect(formatTimecode(1800, r2997, true)).toBe('00:01:00;02');
    expect(frames('00:01:00;02')).toBe(1800);
    // second minute boundary: 1800 + 1798 frames later
    expect(formatTimecode(3597, r2997, true)).toBe('00:01:59;29');
    expect(formatTimecode(3598, r2997, true)).toBe('00:02:00;02');
    // ten-minute boundary keeps ;00: 10 × 1800 − 9 × 2 = 17982
    expect(formatTimecode(17981, r2997, true)).toBe('00:09:59;29');
    expect(formatTimecode(17982, r2997, true)).toBe('00:10:00;00');
    expect(formatTimecode(17983, r2997, true)).toBe('00:10:00;01');
    expect(formatTimecode(17982 + 1800, r2997, true)).toBe('00:11:00;02');
    // one hour: 6 × 17982 (session-formats.md: 107 892, verified against MC_TC_29.97_DF)
    expect(frames('01:00:00;00')).toBe(107892);
  });

  it('59.94 DF skips four labels a minute', () => {
    expect(formatTimecode(3599, r5994, true)).toBe('00:00:59;59');
    expect(formatTimecode(3600, r5994, true)).toBe('00:01:00;04');
    expect(frames('00:01:00;04', r5994)).toBe(3600);
    expect(formatTimecode(35964, r5994, true)).toBe('00:10:00;00'); // 36000 − 9 × 4
    expect(formatTimecode(35963, r5994, true)).toBe('00:09:59;59');
    expect(frames('01:00:00;00', r5994)).toBe(215784);
  });

  it('119.88 DF skips eight labels a minute and prints three-digit frames', () => {
    expect(formatTimecode(7199, r11988, true)).toBe('00:00:59;119');
    expect(formatTimecode(7200, r11988, true)).toBe('00:01:00;008');
    expect(formatTimecode(71928, r11988, true)).toBe('00:10:00;000'); // 72000 − 9 × 8
    expect(formatTimecode(71927, r11988, true)).toBe('00:09:59;119');
    // session-formats.md: 01:00:00;00 = 431 568 at 119.88 DF (MC_TC_119.88_DF)
    expect(frames('01:00:00;000', r11988)).toBe(431568);
  });

  it('round-trips every frame of a day at 29.97 DF and of two hours at 59.94 / 119.88 DF', () => {
    for (const [rate, count] of [
      [r2997, 24 * 107892],
      [r5994, 2 * 215784],
      [r11988, 2 * 431568],
    ] as const) {
      let bad = -1;
      for (let f = 0; f < count; f++) {
        if (timecodeToFrames(framesToTimecodeFields(f, rate, true), rate, true) !== f) {
          bad = f;
          break;
        }
      }
      expect(bad).toBe(-1);
    }
  });

  it('non-drop 29.97 counts every label (30 a second of timecode)', () => {
    expect(frames('01:00:00:00', r2997, false)).toBe(108000);
    expect(formatTimecode(1800, r2997, false)).toBe('00:01:00:00');
  });
});

describe('sample accuracy over a three-hour timeline', () => {
  it('23.976: 2002 samples a frame, exact at 03:00:00:00', () => {
    const f = frames('03:00:00:00', r23976, false);
    expect(f).toBe(3 * 3600 * 24);
    const samples = rescaleTime({ value: f, rate: r23976 }, rational(48000));
    expect(samples.value).toBe(f * 2002);
    // and back: no frame lost
    expect(rescaleTime(samples, r23976).value).toBe(f);
    expect(toSeconds({ value: f, rate: r23976 })).toBeCloseTo(10810.8, 9);
  });

  it('29.97 DF: 1601.6 samples a frame, floored exactly at 03:00:00;00 and at every tenth minute', () => {
    const f = frames('03:00:00;00');
    expect(f).toBe(3 * 107892);
    // 323676 × 1001 × 48000 / 30000 = 518 399 481.6 samples
    expect(rescaleTime({ value: f, rate: r2997 }, rational(48000), 'floor').value).toBe(518399481);
    expect(rescaleTime({ value: f, rate: r2997 }, rational(48000), 'round').value).toBe(518399482);
    // every 5 frames is a whole number of samples (8008); check each ten-minute mark to 3 h
    for (let tens = 0; tens <= 18; tens++) {
      const at = tens * 17982;
      const s = rescaleTime({ value: at, rate: r2997 }, rational(48000), 'floor').value;
      expect(s).toBe(Math.floor((at * 1001 * 48000) / 30000));
    }
  });

  it('adds and compares times at different rates without drift', () => {
    const oneFrame = { value: 1, rate: r23976 };
    const samples2002 = { value: 2002, rate: rational(48000) };
    expect(compareTime(oneFrame, samples2002)).toBe(0);
    const threeHours = { value: 259200, rate: r23976 };
    const plus = addTime(threeHours, { value: 1, rate: rational(48000) });
    expect(compareTime(plus, threeHours)).toBe(1);
    expect(compareTime(subtractTime(plus, threeHours), { value: 1, rate: rational(48000) })).toBe(0);
  });
});

describe('frame rate spellings', () => {
  it('normalises NTSC spellings to n×1000/1001', () => {
    for (const s of ['23.976', '23.98', '24000/1001', '23976/1000', '23.976 fps']) {
      expect(parseFrameRate(s)).toEqual(r23976);
    }
    expect(frameRateFromDuration('1001/24000s')).toEqual(r23976);
    expect(parseFrameRate('1001/30000s')).toEqual(r2997);
    expect(frameRateFromDuration('1/25s')).toEqual(rational(25));
    expect(parseFrameRate('29.97')).toEqual(r2997);
    expect(parseFrameRate('29.97DF')).toEqual(r2997);
    expect(parseFrameRate('30000/1001 NDF')).toEqual(r2997);
    expect(parseFrameRate('25 fps')).toEqual(rational(25));
    expect(() => parseFrameRate('fast')).toThrow(/bad frame rate/);
    expect(() => parseFrameRate('')).toThrow(/bad frame rate/);
    // session-formats.md §0: MC 23.12 writes 119.88 as 11988/100
    expect(parseFrameRate('11988/100')).toEqual(r11988);
    expect(parseFrameRate('25/2')).toEqual(rational(25, 2));
    expect(parseFrameRate(25)).toEqual(rational(25));
  });
});

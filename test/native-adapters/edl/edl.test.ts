// EDLs written here, so the expected timeline is known by construction.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { edlAdapter } from '../../../native-adapters/edl/index.js';
import { readSession } from '../../../native-adapters/index.js';
import { DubstageError } from '../../../src/errors.js';
import { sessionToJson } from '../../../src/session/json.js';
import { mediaReport } from '../../../src/session/media.js';
import { rational } from '../../../src/session/time.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-edl-'));
function write(name: string, lines: string[], eol = '\r\n'): string {
  const p = path.join(dir, name);
  writeFileSync(p, lines.join(eol) + eol);
  return p;
}

describe('EDL adapter', () => {
  it('reads a drop-frame EDL at 29.97 and counts DF timecode across the minute', async () => {
    const file = write('df.edl', [
      'TITLE: DF REEL 2',
      'FCM: DROP FRAME',
      '001  DX01     A     C        00:00:00;00 00:00:10;00 00:59:59;00 01:00:09;00',
      '* FROM CLIP NAME:  DX01_T3.WAV',
      '* SOURCE FILE: DX01_T3.WAV',
      '002  DX02     A     C        00:00:00;00 00:00:05;00 01:00:59;28 01:01:00;04',
      '* FROM CLIP NAME:  DX02_T1.WAV',
      '* LOC: 01:01:00;02 RED  FFOA',
    ]);
    const s = await readSession(file);
    const j = sessionToJson(s);
    expect(j.dropFrame).toBe(true);
    expect(j.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(j.warnings.some((w) => /29.97/.test(w))).toBe(true);
    expect(j.startTimecode).toBe('00:59:59;00');
    const [c1, c2] = j.tracks[0]!.clips;
    // 30 frames before the hour + 9 s × 30 into it (minute 60 keeps all labels)
    expect(c1!.durationSeconds).toBeCloseTo((30 + 270) * 1001 / 30000, 9);
    // 01:00:59;28 is 60 + 1798 frames after 00:59:59;00; 01:01:00;04 is two labels later than ;02,
    // and ;00/;01 do not exist at minute 61: 28, 29, 02, 03 = 4 frames
    expect(c2!.startSeconds).toBeCloseTo((30 + 1798) * 1001 / 30000, 9);
    expect(c2!.durationSeconds).toBeCloseTo(4 * 1001 / 30000, 9);
    expect(j.markers).toEqual([{ name: 'FFOA', startSeconds: expect.closeTo((30 + 1800) * 1001 / 30000, 9), timecode: '01:01:00;02' }]);
  });

  it('takes --fps over the assumption, and a ; before frames marks drop-frame without FCM', async () => {
    const file = write('semi.edl', [
      '001  AX       AA    C        00:00:00;00 00:00:01;00 01:00:00;00 01:00:01;00',
    ]);
    const j = sessionToJson(await readSession(file, { fps: rational(60000, 1001) }));
    expect(j.frameRate).toEqual({ num: 60000, den: 1001 });
    expect(j.dropFrame).toBe(true);
    expect(j.tracks.map((t) => t.name)).toEqual(['A1', 'A2']);
    expect(j.tracks[0]!.clips[0]!.durationSeconds).toBeCloseTo(60 * 1001 / 60000, 9);
    expect(j.warnings).toEqual([]);
  });

  it('reads Premiere clip gain comments per record channel', async () => {
    const file = write('gain.edl', [
      'TITLE: GAIN',
      '001  AX       AA    C        00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00',
      '* FROM CLIP NAME: music.wav',
      '* AUDIO LEVEL AT 00:00:00:00 IS -8.98 DB  (REEL AX A1)',
      '* AUDIO LEVEL AT 00:00:00:00 IS -3.00 DB  (REEL AX A2)',
    ], '\n');
    const j = sessionToJson(await readSession(file, { fps: rational(25) }));
    expect(j.tracks.map((t) => t.clips[0]!.gainDb)).toEqual([-8.98, -3]);
  });

  it('names a clip whose media is missing in the media report', async () => {
    writeFileSync(path.join(dir, 'PRESENT.WAV'), 'x');
    const file = write('media.edl', [
      'TITLE: MEDIA',
      'FCM: NON-DROP FRAME',
      '001  PRESENT  A     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00',
      '* FROM CLIP NAME:  present line',
      '* SOURCE FILE: PRESENT.WAV',
      '002  ABSENT   A2    C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00',
      '* FROM CLIP NAME:  absent line',
      '* SOURCE FILE: ABSENT.WAV',
    ]);
    const s = await readSession(file, { fps: rational(24) });
    expect(s.media.find((m) => m.name === 'PRESENT.WAV')!.resolvedPath).toBe(path.join(dir, 'PRESENT.WAV'));
    const report = mediaReport(s);
    expect(report.missing.map((p) => p.media.name)).toEqual(['ABSENT.WAV']);
    expect(report.missing[0]!.clips).toEqual([{ track: 'A2', clip: 'absent line' }]);
  });

  it('refuses a truncated event line, naming the line', async () => {
    const file = write('cut.edl', [
      'TITLE: CUT',
      'FCM: NON-DROP FRAME',
      '001  AX       A     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00',
      '002  AX       A     C        00:00:01:00 00:00:0',
    ]);
    const err = await readSession(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).line).toBe(4);
    expect((err as DubstageError).message).toMatch(/line 4: expected an event line/);
  });

  it('refuses a frame number the rate does not have, and record out before record in', async () => {
    const frames = write('frames.edl', ['001  AX  A  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:27']);
    await expect(readSession(frames, { fps: rational(25) })).rejects.toThrow(/line 1: frame number 27 does not exist at 25 fps/);
    const backwards = write('back.edl', ['001  AX  A  C  00:00:00:00 00:00:01:00 01:00:01:00 01:00:00:00']);
    await expect(readSession(backwards)).rejects.toThrow(/line 1: record out .* is before record in/);
  });

  it('sniffs content, not the extension', () => {
    const edl = Buffer.from('TITLE: X\r\n001  AX  A  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\r\n');
    expect(edlAdapter.sniff(edl, 'cues.txt')).toBe(true);
    expect(edlAdapter.sniff(Buffer.from('<REAPER_PROJECT 0.1 "7.51/win64"\n>\n'), 'x.edl')).toBe(false);
    expect(edlAdapter.sniff(Buffer.from('SESSION NAME:\tX\nSAMPLE RATE:\t48000\n'), 'x.edl')).toBe(false);
    expect(edlAdapter.sniff(Buffer.from('hello\nworld\n'), 'x.edl')).toBe(false);
  });
});

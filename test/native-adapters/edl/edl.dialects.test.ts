// EDL dialects met in real lists from writers outside the corpus, rebuilt here line by line so the
// expected reading is known by construction: an Avid dialogue list whose sound rolls keep their own
// 30 fps timecode in a 24 fps cut, and a Flame list whose clip notes carry no '*'.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../../native-adapters/index.js';
import { DubstageError } from '../../../src/errors.js';
import { rational } from '../../../src/session/time.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-edl-dialects-'));
function write(name: string, lines: string[], eol = '\r\n'): string {
  const p = path.join(dir, name);
  writeFileSync(p, lines.join(eol) + eol);
  return p;
}

describe('EDL: source timecode at the source rate', () => {
  // Avid DX list (Media Composer, 23.976 project, sound rolls at 30 fps TC): record frames stay under
  // 24, source frames of roll SR39 reach 26 and 27. Avid pads event lines with a trailing space.
  const avid = [
    'TITLE:   R3_DX ',
    'FCM: NON-DROP FRAME',
    '001  FKI_LEAD A     C        00:00:00:00 00:00:00:00 03:00:00:00 03:00:08:00 ',
    '* FROM CLIP NAME:  LEADER_HEAD.MOV ',
    '002  SR39     A     C        17:52:28:26 17:52:29:22 03:00:08:00 03:00:08:21 ',
    '* FROM CLIP NAME:  67-2A ',
    '* SOURCE FILE: A091C006_160825_R1BY',
    '003  SR39     A2    C        17:52:32:03 17:52:38:04 03:00:08:21 03:00:14:22 ',
    '* FROM CLIP NAME:  67-2B ',
    '* PATCH SR39:  FROM SOURCE 1 TO RECORD 2 ',
    '* SOURCE FILE: A091C006_160825_R1BY',
    '004  SR40     A     C        09:28:28:16 09:28:31:22 03:00:14:22 03:00:18:04 ',
    '* FROM CLIP NAME:  68-1 ',
  ];

  it('takes the rate from the record side and reads a source that counts past it at 30 fps', async () => {
    const s = await readSession(write('avid-dx.edl', avid));
    expect(s.frameRate).toEqual(rational(24));
    expect(s.startTimecode).toBe('03:00:00:00');
    const a1 = s.tracks.find((t) => t.name === 'A1')!;
    const a2 = s.tracks.find((t) => t.name === 'A2')!;
    const sr39 = a1.clips.find((c) => c.name === '67-2A')!;
    // 17:52:28:26 at 30 fps, the roll's own timecode; the record side stays at 24
    expect(sr39.sourceStart).toEqual({ value: ((17 * 60 + 52) * 60 + 28) * 30 + 26, rate: rational(30) });
    expect(sr39.duration).toEqual({ value: 21, rate: rational(24) });
    // every event of that source is at its rate, also one whose frames stay under 24
    expect(a2.clips[0]!.sourceStart).toEqual({ value: ((17 * 60 + 52) * 60 + 32) * 30 + 3, rate: rational(30) });
    // another roll within the record rate keeps the record rate
    expect(a1.clips.find((c) => c.name === '68-1')!.sourceStart).toEqual({ value: ((9 * 60 + 28) * 60 + 28) * 24 + 16, rate: rational(24) });
    expect(s.warnings.filter((w) => /source timecodes of file 'A091C006_160825_R1BY' count frames up to 26, past the 24 fps/.test(w))).toHaveLength(1);
    expect(s.warnings.some((w) => /line 5:/.test(w))).toBe(true);
  });

  it('keeps NTSC for a 30-frame source in a 23.976 list, and drop frame where the source says it', async () => {
    const s = await readSession(write('avid-dx-2398.edl', avid), { fps: rational(24000, 1001) });
    const sr39 = s.tracks[0]!.clips.find((c) => c.name === '67-2A')!;
    expect(sr39.sourceStart.rate).toEqual(rational(30000, 1001));
    const df = write('avid-dx-df.edl', [
      '001  SR39     A     C        17:52:28;26 17:52:29;22 03:00:08:00 03:00:08:21 ',
    ]);
    const d = await readSession(df, { fps: rational(24000, 1001) });
    // 17:52 drop-frame: 2 labels dropped in 1072 - 107 minutes
    const frames = ((17 * 60 + 52) * 60 + 28) * 30 + 26 - 2 * (17 * 60 + 52 - Math.floor((17 * 60 + 52) / 10));
    expect(d.tracks[0]!.clips[0]!.sourceStart).toEqual({ value: frames, rate: rational(30000, 1001) });
  });

  it('still refuses a record frame the rate has not, and a source frame no rate counts, naming file and line', async () => {
    const rec = write('rec99.edl', ['001  AX  A  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:27']);
    await expect(readSession(rec, { fps: rational(25) })).rejects.toThrow(/line 1: frame number 27 does not exist at 25 fps/);
    const src = write('src99.edl', ['TITLE: X', '001  AX  A  C  00:00:00:00 00:00:01:75 01:00:00:00 01:00:01:00']);
    const err = (await readSession(src).catch((e: unknown) => e)) as DubstageError;
    expect(err).toBeInstanceOf(DubstageError);
    expect(err).toMatchObject({ code: 'bad-session', path: src, line: 2 });
    expect(err.message).toContain(`${src}, line 2: source frame number 75 does not exist at 24 fps`);
  });
});

describe('EDL: Flame notes without the comment mark', () => {
  it("reads FROM/TO CLIP NAME without '*' and Flame's M2 with its extra fields", async () => {
    const s = await readSession(
      write('flame.edl', [
        'TITLE: MessyTL',
        'FCM: NON-DROP FRAME',
        '',
        '001  4B       AA    C        13:38:24:19 13:38:24:19 10:00:00:09 10:00:00:09 ',
        '001  2A       AA    D    010 13:39:27:21 13:39:28:10 10:00:00:09 10:00:00:22 ',
        'FROM CLIP NAME: 4b',
        'TO CLIP NAME: 2a',
        '* UNSUPPORTED EFFECT:0 RESIZE',
        'DLEDL: FOCUS_DESCR CENTERED',
        '',
        '002  CYAN     A     C        00:00:00:00 00:00:00:10 10:00:00:22 10:00:01:08 ',
        'Sh_0010_CYAN is here',
        'FROM CLIP NAME: CYAN',
        'M2   CYAN           000.0    MSTR     I +00:00:00:10',
      ]),
    );
    const a1 = s.tracks.find((t) => t.name === 'A1')!;
    expect(a1.clips.map((c) => c.name)).toEqual(['4b', '2a', 'CYAN']);
    // the dissolve: 10 frames of the outgoing 4b, the incoming 2a fading in over them
    expect(a1.clips[0]!.duration.value).toBe(10);
    expect(a1.clips[1]!.fadeInSeconds).toBeCloseTo(10 / 24, 9);
    // the free-text note is the only line not understood; M2 000.0 is a freeze, said for an audio event
    expect(s.warnings.some((w) => /1 line\(s\) not understood and skipped \(first at line 12\)/.test(w))).toBe(true);
    expect(s.warnings.some((w) => /audio event 002 plays its source at 0 fps \(M2\)/.test(w))).toBe(true);
  });
});

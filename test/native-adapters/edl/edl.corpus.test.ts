// Every EDL in the shared corpus reads; a few are checked against what the file says, counted by hand.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { edlAdapter } from '../../../native-adapters/edl/index.js';
import { readHead, readSession } from '../../../native-adapters/index.js';
import { sessionToJson } from '../../../src/session/json.js';
import { rational } from '../../../src/session/time.js';
import { samplesDir } from '../../helpers/corpus.js';

function edlFiles(): string[] {
  const root = samplesDir('edl');
  return readdirSync(root).flatMap((d) => readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)));
}

const track = (j: ReturnType<typeof sessionToJson>, name: string) => {
  const t = j.tracks.find((x) => x.name === name);
  if (!t) throw new Error(`no track ${name}`);
  return t;
};

describe('EDL corpus', () => {
  const files = edlFiles();

  it('has the 20 EDLs of the catalog', () => {
    expect(files.length).toBe(20);
  });

  for (const file of files) {
    it(`reads ${path.basename(path.dirname(file))}/${path.basename(file)}`, async () => {
      expect(edlAdapter.sniff(readHead(file), path.basename(file))).toBe(true);
      const s = await readSession(file);
      expect(s.format).toBe('edl');
      expect(s.startTimecode).toMatch(/^\d\d:\d\d:\d\d[:;]\d\d$/);
      for (const t of s.tracks) for (const c of t.clips) expect(c.duration.value).toBeGreaterThanOrEqual(0);
    });
  }

  it('multi_audio.edl: one AA event plus AUD 3 is one clip on each of A1, A2, A3', async () => {
    // 001  AX  AA  C  00:00:00:00 00:56:55:22 00:00:00:00 00:56:55:22 / AUD 3 ; no rate in the file
    const j = sessionToJson(await readSession(samplesDir('edl', 'OpenTimelineIO__otio-cmx3600-adapter', 'multi_audio.edl')));
    expect(j.name).toBe('MultiAudio');
    expect(j.tracks.map((t) => [t.name, t.clips.length])).toEqual([['A1', 1], ['A2', 1], ['A3', 1]]);
    expect(j.frameRate).toEqual({ num: 24, den: 1 });
    expect(j.warnings.some((w) => /assumed 24 fps/.test(w))).toBe(true);
    expect(j.startTimecode).toBe('00:00:00:00');
    for (const t of j.tracks) {
      expect(t.clips[0]!.startSeconds).toBe(0);
      // 56 min 55 s 22 fr at 24 = 3415 × 24 + 22 = 81982 frames
      expect(t.clips[0]!.durationSeconds).toBeCloseTo(81982 / 24, 9);
    }
  });

  it('INS4_R1_DX_092117.edl: Avid dialogue EDL, A/A2/A3 with PATCH', async () => {
    const file = samplesDir('edl', 'iluvcapra__pycmx', 'INS4_R1_DX_092117.edl');
    const s = await readSession(file);
    const j = sessionToJson(s);
    // 466 cut events: 325 on A, 92 on A2, 49 on A3 (grep -c of the channel field)
    expect(j.tracks.map((t) => [t.name, t.clips.length])).toEqual([['A1', 325], ['A2', 92], ['A3', 49]]);
    expect(j.startTimecode).toBe('01:00:00:00');
    const a1 = track(j, 'A1');
    // 001  FKI_LEAD A  C  00:00:00:00 00:00:00:00 01:00:00:00 01:00:08:00
    expect(a1.clips[0]).toMatchObject({ name: 'FKI_LEADER_HEAD_1920X1080.MOV', startSeconds: 0, durationSeconds: 8 });
    // 008  SR018  A  C  19:11:54:10 19:11:58:18 01:01:51:18 01:01:56:01  (FROM CLIP NAME 1-2B)
    const c8 = a1.clips.find((c) => c.name === '1-2B')!;
    expect(c8.startSeconds).toBeCloseTo((111 * 24 + 18) / 24, 9); // 1:51:18 after 01:00:00:00
    expect(c8.durationSeconds).toBeCloseTo(103 / 24, 9); // 01:01:56:01 − 01:01:51:18 = 4 s 7 fr
    expect(c8.sourceStartSeconds).toBeCloseTo(((19 * 3600 + 11 * 60 + 54) * 24 + 10) / 24, 9);
    const media = j.media.find((m) => m.id === c8.mediaId)!;
    expect(media.name).toBe('B140C001_160908_R16W'); // * SOURCE FILE: B140C001_160908_R16W
    // 003  FKI_LEAD A3 + * PATCH FKI_LEAD: FROM SOURCE 1 TO RECORD 3
    const a3first = s.tracks.find((t) => t.name === 'A3')!.clips[0]!;
    expect(a3first.channel).toBe(1);
    // "* LOC: 01:05:43:16 RED" and two more: colour-only locators
    expect(j.markers).toHaveLength(3);
    expect(j.markers[0]).toMatchObject({ name: 'RED', timecode: '01:05:43:16', startSeconds: expect.closeTo((343 * 24 + 16) / 24, 9) });
  });

  it('INS4_R1_DX_092117.edl at --fps 23.976 runs 1001/1000 slower', async () => {
    const j = sessionToJson(await readSession(samplesDir('edl', 'iluvcapra__pycmx', 'INS4_R1_DX_092117.edl'), { fps: rational(24000, 1001) }));
    expect(track(j, 'A1').clips[0]!.durationSeconds).toBeCloseTo(8.008, 9);
    expect(j.warnings.some((w) => /assumed/.test(w))).toBe(false);
  });

  it('TEST.edl: a 2-frame dissolve overlaps the outgoing clip and fades both', async () => {
    const j = sessionToJson(await readSession(samplesDir('edl', 'iluvcapra__pycmx', 'TEST.edl')));
    const a1 = track(j, 'A1');
    // 002  TC_R1_V6 A  C  ... 01:00:00:00 01:04:24:06, then 006 C zero-length + 006 D 002 at 01:04:24:06
    const outgoing = a1.clips[0]!;
    expect(outgoing.startSeconds).toBe(0);
    expect(outgoing.durationSeconds).toBeCloseTo((264 * 24 + 6 + 2) / 24, 9);
    expect(outgoing.fadeOutSeconds).toBeCloseTo(2 / 24, 9);
    const incoming = a1.clips[1]!;
    expect(incoming.startSeconds).toBeCloseTo((264 * 24 + 6) / 24, 9);
    expect(incoming.durationSeconds).toBeCloseTo(2 / 24, 9);
    expect(incoming.fadeInSeconds).toBeCloseTo(2 / 24, 9);
    // 027  TC_R1_V6 A12  C ... 01:06:08:06 01:07:27:01 + "* A12 VOL =  +3.0 DB  PAN L100"
    const c27 = track(j, 'A12').clips.find((c) => Math.abs(c.startSeconds - (368 * 24 + 6) / 24) < 1e-9)!;
    expect(c27.gainDb).toBe(3);
    expect(c27.durationSeconds).toBeCloseTo((78 * 24 + 19) / 24, 9); // 1:18:19 long
    // Avid "Marker Metadata" table: 30 rows; row 1 "White WBROGO 01:02:12:00 V1 002_020 - Phone Screen - CU"
    expect(j.markers).toHaveLength(30);
    expect(j.markers[0]).toMatchObject({ name: 'WBROGO', timecode: '01:02:12:00', startSeconds: 132 });
    // A…A12: the channel field names the record track
    expect(j.tracks.map((t) => t.name)).toEqual(['A1', 'A2', 'A5', 'A7', 'A8', 'A10', 'A11', 'A12']);
  });

  it('test_25.edl: AA events, AUD 3 4 after a picture event, a wipe to black fades out', async () => {
    const j = sessionToJson(await readSession(samplesDir('edl', 'iluvcapra__pycmx', 'test_25.edl')));
    // frame numbers reach 24 (00:00:59:24), so not 24 fps: 25 is assumed and said
    expect(j.frameRate).toEqual({ num: 25, den: 1 });
    expect(j.tracks.map((t) => [t.name, t.clips.length])).toEqual([['A1', 3], ['A2', 3], ['A3', 1], ['A4', 1]]);
    // 003  AX  V  C  00:00:00:00 00:00:30:01 00:00:59:24 00:01:30:00 + AUD 3 4
    expect(track(j, 'A3').clips[0]).toMatchObject({ name: 'Test rename', startSeconds: 59.96, durationSeconds: 30.04 });
    // 006 AA 00:01:30:00–00:01:59:01, then 007 W001 025 to BL: 25 frames of fade-out
    const c6 = track(j, 'A1').clips[1]!;
    expect(c6.startSeconds).toBe(90);
    expect(c6.durationSeconds).toBeCloseTo(29.04 + 1, 9);
    expect(c6.fadeOutSeconds).toBe(1);
  });
});

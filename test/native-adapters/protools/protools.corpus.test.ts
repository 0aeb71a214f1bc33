// Every Pro Tools session text in the shared corpus reads; some are checked against the file, counted by hand.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHead, readSession } from '../../../native-adapters/index.js';
import { protoolsAdapter } from '../../../native-adapters/protools/index.js';
import { sessionToJson } from '../../../src/session/json.js';
import { samplesDir } from '../../helpers/corpus.js';

function ptFiles(): string[] {
  const root = samplesDir('pt_text');
  return readdirSync(root).flatMap((d) => readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)));
}

const dfk = (name: string) => samplesDir('pt_text', 'orchetect__DAWFileKit', name);

describe('Pro Tools text corpus', () => {
  const files = ptFiles();

  it('has the 34 session texts of the catalog', () => {
    expect(files.length).toBe(34);
  });

  for (const file of files) {
    it(`reads ${path.basename(path.dirname(file))}/${path.basename(file)}`, async () => {
      expect(protoolsAdapter.sniff(readHead(file), path.basename(file))).toBe(true);
      const s = await readSession(file);
      expect(s.format).toBe('protools');
      expect(s.sampleRate).toBe(48000);
      for (const t of s.tracks) {
        expect(t.channels).toBeGreaterThanOrEqual(1);
        for (const c of t.clips) expect(c.duration.value).toBeGreaterThan(0);
      }
    });
  }

  it('OneOfEverything (PT 2020.3): stereo tracks are one track of two channels, fades are folded', async () => {
    const j = sessionToJson(await readSession(dfk('SessionText_OneOfEverything_23-976fps_DefaultExportOptions_PT2020.3.txt')));
    expect(j.startTimecode).toBe('00:59:55:00');
    expect(j.frameRate).toEqual({ num: 24000, den: 1001 });
    expect(j.tracks.map((t) => [t.name, t.channels, t.clips.length])).toEqual([
      ['Audio 1', 1, 1],
      ['Audio 2', 1, 1],
      ['Audio 3 (Stereo)', 2, 2],
      ['Audio 4 (Stereo)', 2, 1],
      ['Audio 5 (Stereo)', 2, 1],
    ]);
    const f = 1001 / 24000; // one frame at 23.976
    // Audio 1 Clip1 01:00:00:00–01:00:05:00: 5 s of TC after 00:59:55:00 = 120 frames, 120 long
    expect(j.tracks[0]!.clips[0]).toMatchObject({ name: 'Audio 1 Clip1', startSeconds: expect.closeTo(120 * f, 9), durationSeconds: expect.closeTo(120 * f, 9) });
    // Audio 3 Clip2.L/.R 01:00:18:17–01:00:21:19, Muted: one clip 'Audio 3 Clip2'
    const c2 = j.tracks[2]!.clips[1]!;
    expect(c2).toMatchObject({ name: 'Audio 3 Clip2', muted: true });
    expect(c2.startSeconds).toBeCloseTo((23 * 24 + 17) * f, 9);
    expect(c2.durationSeconds).toBeCloseTo((3 * 24 + 2) * f, 9);
    // Audio 4: (fade in) 01:00:01:04–01:00:01:09, clip to 01:00:03:17, (fade out) to 01:00:03:22
    const a4 = j.tracks[3]!.clips[0]!;
    expect(a4.name).toBe('Audio 4 Clip1');
    expect(a4.startSeconds).toBeCloseTo((6 * 24 + 4) * f, 9);
    expect(a4.durationSeconds).toBeCloseTo((2 * 24 + 18) * f, 9);
    expect(a4.fadeInSeconds).toBeCloseTo(5 * f, 9);
    expect(a4.fadeOutSeconds).toBeCloseTo(5 * f, 9);
    // files: 6 online + 1 offline; the offline one is used by Audio 5
    expect(j.media).toHaveLength(7);
    const offline = (await readSession(dfk('SessionText_OneOfEverything_23-976fps_DefaultExportOptions_PT2020.3.txt'))).media.filter((m) => m.offline);
    expect(offline.map((m) => m.name)).toEqual(['Audio 5 Offline Clip1.wav']);
    expect(j.tracks[4]!.clips[0]!.mediaId).toBe(offline[0]!.id);
    expect(j.media.find((m) => m.name === 'Audio 3 Clip1.wav')!.channels).toBe(2); // clips .L [1] and .R [2]
    expect(j.media.find((m) => m.name === 'Audio 1 Clip1.wav')!.channels).toBe(1); // listed without [n]
    // markers: 144144 samples (3.003 s) and 01:00:00:00 (Ticks reference, so the location is used)
    expect(j.markers.map((m) => [m.name, m.timecode])).toEqual([
      ['Marker 1', '00:59:58:00'],
      ['Marker 2', '01:00:00:00'],
    ]);
    expect(j.markers[0]!.startSeconds).toBeCloseTo(144144 / 48000, 9);
  });

  it('Robin Hood SpottingDF: 29.97 drop-frame clip times', async () => {
    const j = sessionToJson(await readSession(samplesDir('pt_text', 'iluvcapra__ptulsconv', 'Robin Hood SpottingDF.txt')));
    expect(j.dropFrame).toBe(true);
    expect(j.startTimecode).toBe('01:00:00;00');
    expect(j.tracks).toHaveLength(17); // 17 'TRACK NAME:' blocks
    const f = 1001 / 30000;
    const mx = j.tracks.find((t) => t.name === 'MX WT (Stereo)')!;
    expect(mx.channels).toBe(2);
    expect(mx.clips).toHaveLength(1);
    expect(mx.clips[0]!.name).toBe('RobinHood.1-01');
    // 01:00:08;00 = 240 frames (minute 60 drops nothing); 01:09:16;13 = 9×1800 + 16×30 + 13 − 9×2 = 16675
    expect(mx.clips[0]!.startSeconds).toBeCloseTo(240 * f, 9);
    expect(mx.clips[0]!.durationSeconds).toBeCloseTo((16675 - 240) * f, 9);
    const robin = j.tracks.find((t) => t.name === 'Robin')!;
    expect(robin.clips).toHaveLength(10);
    // event 1: 01:05:06;28 = 5×1800 + 6×30 + 28 − 5×2 = 9198; 00:00:03;04 long = 94 frames
    expect(robin.clips[0]!.startSeconds).toBeCloseTo(9198 * f, 9);
    expect(robin.clips[0]!.durationSeconds).toBeCloseTo(94 * f, 9);
    expect(robin.clips[0]!.name).toMatch(/^"What now, Sir Guy\?/);
  });

  it('TimeFormats (PT 2022.9): every time format places Audio Clip 1 where the samples export does', async () => {
    // the Samples export: 1201200 → 1843200 at 48 kHz after 23:57:00:00
    const truthStart = 1201200 / 48000;
    const truthEnd = 1843200 / 48000;
    const tolerances: [string, number][] = [
      ['Samples', 0],
      ['Samples_ShowSubframes', 0],
      ['Timecode', 1001 / 24000], // whole frames
      ['Timecode_ShowSubframes', 1001 / 2400000 + 1 / 48000], // hundredths of a frame, then the sample
      ['FeetFrames', 1 / 24], // film frames at 24 fps
      ['FeetFrames_ShowSubframes', 1 / 2400 + 1 / 48000],
      ['MinSecs', 1], // whole seconds
      ['MinSecs_ShowSubframes', 0.001],
      ['BarsBeats', 0.5], // beats at the assumed 120 bpm
      ['BarsBeats_ShowSubframes', 0.5 / 960], // ticks
    ];
    for (const [variant, tol] of tolerances) {
      const j = sessionToJson(await readSession(dfk(`SessionText_TimeFormats_${variant}_PT2022.9.txt`)));
      const clip = j.tracks.find((t) => t.name === 'Audio A')!.clips[0]!;
      expect(Math.abs(clip.startSeconds - truthStart), variant).toBeLessThanOrEqual(tol + 1e-9);
      expect(Math.abs(clip.startSeconds + clip.durationSeconds - truthEnd), variant).toBeLessThanOrEqual(tol + 1e-9);
      if (variant.startsWith('BarsBeats')) expect(j.warnings.some((w) => /no tempo map/.test(w))).toBe(true);
      if (variant === 'MinSecs') expect(j.warnings.some((w) => /whole seconds/.test(w))).toBe(true);
      // marker 1 has a Samples reference in every variant: exact
      expect(j.markers[0]!.startSeconds).toBeCloseTo(2695168 / 48000, 9);
    }
  });

  it('reads Mac Roman and UTF-8 exports of the same session to the same text', async () => {
    const mac = sessionToJson(await readSession(dfk('SessionText_ExtendedChars_TextEditFormat_PT2023.3.txt')));
    const utf = sessionToJson(await readSession(dfk('SessionText_ExtendedChars_UTF8Format_PT2023.3.txt')));
    expect(mac.markers.map((m) => m.name)).toEqual(utf.markers.map((m) => m.name));
    expect(mac.markers.map((m) => m.name)).toContain('Test Ellipsis…');
    expect(mac.markers.map((m) => m.name)).toContain('Test Em Dash —');
  });

  it('PT 2023.12 marker rulers: the extra TRACK NAME / TRACK TYPE columns', async () => {
    const j = sessionToJson(await readSession(dfk('SessionText_MarkerRulersAndTrackMarkers_PT2023.12.txt')));
    expect(j.markers.map((m) => m.name)).toEqual(['Marker 1', 'Marker 2', 'Marker 3', 'Marker 4', 'Marker 5', 'Marker 6', 'Marker 7']);
    // 480000 samples after 00:59:50:00 at 48 kHz = 10 s
    expect(j.markers[0]!).toMatchObject({ startSeconds: 10, timecode: '01:00:00:00' });
  });
});

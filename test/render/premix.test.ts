// Premix over sessions built by code in the formats that can express them, over media generated here:
// the render is compared sample by sample with an expected render computed independently (plain sums of
// the generated samples, ./fixtures.ts), and every track, group and scene figure with `measure` of that
// expected render, within 0.05 LU.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import { partitionPremix, premix, type PremixRun } from '../../src/render/premix.js';
import { planTimeline } from '../../src/render/timeline.js';
import { probeMedia } from '../../src/render/media.js';
import { close, expectedRender, maxDiff, measureExpected, programme, renderedTrack, SR, tempDir, writeMedia, writeRpp, type SpecMedia, type SpecTrack } from './fixtures.js';

describe('premix of a REAPER session', () => {
  const dir = tempDir();
  const media = writeMedia(dir, [
    { file: 'dx_take1.wav', channels: [programme(40, 11, 0.3)] },
    { file: 'dx_take2.wav', channels: [programme(40, 12, 0.15, 5)] },
    { file: 'score.wav', channels: [programme(50, 13, 0.1, 11), programme(50, 14, 0.1, 13)] },
    { file: 'hits.wav', channels: [programme(30, 15, 0.4, 3)] },
    { file: 'amb.wav', channels: [programme(50, 16, 0.05, 17)] },
  ] satisfies SpecMedia[]);
  const tracks: (SpecTrack & { folder?: 'open' | 'close' })[] = [
    {
      name: 'DX A', channels: 1, clips: [
        { media: 'dx_take1.wav', start: 0, length: 9, offset: 2.5, gainDb: -3, fadeIn: 0.5, fadeOut: 0.25 },
        // a crossfade: two overlapping clips, the outgoing fading out while the incoming fades in
        { media: 'dx_take2.wav', start: 8.5, length: 10, offset: 1, gainDb: 4, fadeIn: 0.5, fadeOut: 1 },
        { media: 'dx_take1.wav', start: 30, length: 8, offset: 20, gainDb: 0 },
      ],
    },
    { name: 'DX_B', channels: 1, volumeDb: -2, clips: [{ media: 'dx_take2.wav', start: 19, length: 10, offset: 10, fadeIn: 0.1, fadeOut: 0.1 }, { media: 'dx_take1.wav', start: 20, length: 3, offset: 0, muted: true }] },
    { name: 'DX alt', channels: 1, muted: true, clips: [{ media: 'dx_take1.wav', start: 2, length: 20, offset: 0 }] },
    { name: 'MX Score', channels: 2, volumeDb: -4, clips: [{ media: 'score.wav', start: 1, length: 38, offset: 5, fadeIn: 2, fadeOut: 3 }] },
    { name: 'Effects', channels: 2, folder: 'open', clips: [] },
    { name: 'hits', channels: 1, clips: [{ media: 'hits.wav', start: 4, length: 6, offset: 0, gainDb: 6 }, { media: 'hits.wav', start: 25, length: 5, offset: 10, gainDb: -6 }] },
    { name: 'amb', channels: 1, folder: 'close', clips: [{ media: 'amb.wav', start: 0, length: 40, offset: 3 }] },
  ];
  const markers = [
    { name: 'SC 1 kitchen', at: 0 },
    { name: 'SC 2 street', at: 12 },
    { name: 'SC 3 car', at: 26 },
  ];
  const session = path.join(dir, 'reel1.RPP');
  writeFileSync(session, writeRpp(tracks, markers));
  let run: PremixRun;
  const byName = (n: string) => tracks.find((t) => t.name === n)!;

  it('renders every track sample-accurately: clip gain, item offset, track volume, fades, crossfades, mute', async () => {
    run = await premix(await readSession(session), { series: true });
    for (const name of ['DX A', 'DX_B', 'MX Score', 'hits', 'amb']) {
      const t = byName(name);
      const got = await renderedTrack(session, name);
      const want = expectedRender([t], media, t.channels, 0, 40);
      expect(got[0]!.length).toBe(40 * SR);
      expect(maxDiff(got, want), name).toBeLessThan(2e-6);
    }
  });

  it('measures each track within 0.05 LU of measure on the expected render (the muted track too)', async () => {
    expect(run.result.session).toEqual({ format: 'rpp', name: 'reel1', sampleRate: 48000, startTimecode: '01:00:00:00', durationSeconds: 40 });
    // the folder track has no clips of its own: not listed
    expect(run.result.tracks.map((t) => t.name)).toEqual(['DX A', 'DX_B', 'DX alt', 'MX Score', 'hits', 'amb']);
    for (const t of run.result.tracks) {
      const spec = byName(t.name);
      const want = await measureExpected(dir, t.name, expectedRender([spec], media, spec.channels, 0, 40));
      close(t.loudness, want, t.name);
    }
    const dxAlt = run.result.tracks.find((t) => t.name === 'DX alt')!;
    expect(dxAlt.muted).toBe(true);
    expect(dxAlt.loudness.integratedLufs).not.toBeNull();
    expect(run.result.tracks.map((t) => [t.name, t.channels, t.role, t.clips, t.missingClips])).toEqual([
      ['DX A', 1, 'dialogue', 3, 0],
      ['DX_B', 1, 'dialogue', 2, 0],
      ['DX alt', 1, 'dialogue', 1, 0],
      ['MX Score', 2, 'music', 1, 0],
      ['hits', 1, 'other', 2, 0],
      ['amb', 1, 'effects', 1, 0],
    ]);
  });

  it('sums groups: dialogue by name (muted track left out), music, the REAPER folder', async () => {
    expect(run.result.groups.map((g) => [g.name, g.tracks, g.channels])).toEqual([
      ['dialogue', ['DX A', 'DX_B'], 1],
      ['music', ['MX Score'], 2],
      // AMB is an effects word; the folder is a group of its own
      ['effects', ['amb'], 1],
      ['Effects', ['hits', 'amb'], 1],
    ]);
    for (const g of run.result.groups) {
      const want = await measureExpected(dir, `group ${g.name}`, expectedRender(g.tracks.map(byName), media, g.channels, 0, 40));
      close(g.loudness, want, g.name);
    }
    expect(run.groupSeries.get('dialogue')!.shortTermLufs.length).toBeGreaterThan(300);
  });

  it('measures the dialogue per scene from markers, with the deviation from the median', async () => {
    const dx = expectedRender([byName('DX A'), byName('DX_B')], media, 1, 0, 40);
    const bounds = [0, 12, 26, 40];
    const want: number[] = [];
    for (let i = 0; i < 3; i++) want.push((await measureExpected(dir, `scene${i}`, dx, { from: bounds[i]!, to: bounds[i + 1]! })).integratedLufs!);
    const sorted = [...want].sort((a, b) => a - b);
    expect(run.result.scenes.map((s) => [s.name, s.startSeconds, s.endSeconds, s.startTimecode, s.endTimecode])).toEqual([
      ['SC 1 kitchen', 0, 12, '01:00:00:00', '01:00:12:00'],
      ['SC 2 street', 12, 26, '01:00:12:00', '01:00:26:00'],
      ['SC 3 car', 26, 40, '01:00:26:00', '01:00:40:00'],
    ]);
    run.result.scenes.forEach((s, i) => {
      expect(Math.abs(s.dialogueLufs! - want[i]!)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(s.deviationLu! - (want[i]! - sorted[1]!))).toBeLessThanOrEqual(0.05);
      // beyond ±3 LU is called out with its timecodes, within it is not
      const called = run.result.warnings.some((w) => w.includes(`scene '${s.name}' (${s.startTimecode}-${s.endTimecode})`));
      expect(called).toBe(Math.abs(s.deviationLu!) > 3);
    });
  });

  it('on two worker threads: each part renders its own tracks (a group with its members), the same document', async () => {
    const s = await readSession(session);
    const plan = planTimeline(s, probeMedia(s));
    const listed = plan.tracks.filter((t) => !(t.folder && t.clipCount === 0));
    const one = await premix(s, { threads: 1, series: true });
    const two = await premix(s, { threads: 2, series: true });
    expect(two.result).toEqual(one.result);
    expect(two.groupSeries).toEqual(one.groupSeries);
    expect(one.result).toEqual(run.result);
    // the parts: dialogue with its tracks, the folder group with the effects group (they share 'amb')
    const groups = one.result.groups.map((g) => ({ name: g.name, members: g.tracks.map((n) => listed.find((t) => t.name === n)!), channels: g.channels, source: 'role' as const }));
    const parts = partitionPremix(listed, groups, 0, true, 2);
    expect(parts.length).toBe(2);
    const rendered = parts.map((p) => new Set([...p.tracks.map((i) => listed[i]!.name), ...p.groups.flatMap((j) => one.result.groups[j]!.tracks)]));
    for (const name of rendered[0]!) expect(rendered[1]!.has(name), name).toBe(false);
    expect(parts.flatMap((p) => p.tracks).sort()).toEqual(listed.map((_, i) => i));
    const withAmb = parts.find((p) => p.tracks.includes(listed.findIndex((t) => t.name === 'amb')))!;
    expect(withAmb.groups.map((j) => one.result.groups[j]!.name).sort()).toEqual(['Effects', 'effects']);
    expect(parts.filter((p) => p.scenes).length).toBe(1);
  });

  it('scenes from regions; --from/--to limit the render; --group replaces a default group', async () => {
    const regionSession = path.join(dir, 'regions.RPP');
    writeFileSync(regionSession, writeRpp(tracks, [{ name: 'R1', at: 2, end: 10 }, { name: 'R2', at: 15, end: 35 }]));
    const r = await premix(await readSession(regionSession), { scenes: 'regions', from: '01:00:05:00', to: '30', groups: [{ name: 'dialogue', tracks: ['DX A', 'dx alt'] }] });
    expect(r.result.groups[0]).toMatchObject({ name: 'dialogue', tracks: ['DX A'] });
    const dx = expectedRender([byName('DX A')], media, 1, 5, 30);
    const whole = await measureExpected(dir, 'dxA-5-30', dx);
    close(r.result.tracks[0]!.loudness, whole, 'DX A 5-30 s');
    expect(r.result.scenes.map((s) => [s.name, s.startSeconds, s.endSeconds])).toEqual([['R1', 2, 10], ['R2', 15, 35]]);
    // a scene measures what lies inside the render: R1 from 5 s, R2 to 30 s
    const r1 = await measureExpected(dir, 'r1', dx, { from: 0, to: 5 });
    const r2 = await measureExpected(dir, 'r2', dx, { from: 10, to: 25 });
    expect(Math.abs(r.result.scenes[0]!.dialogueLufs! - r1.integratedLufs!)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r.result.scenes[1]!.dialogueLufs! - r2.integratedLufs!)).toBeLessThanOrEqual(0.05);
  });
});

describe('premix of an EDL and of an FCPXML (positions, offsets, volume)', () => {
  const dir = tempDir();
  const media = writeMedia(dir, [
    { file: 'DX01.wav', channels: [programme(30, 21, 0.3)] },
    { file: 'MX01.wav', channels: [programme(30, 22, 0.1, 9), programme(30, 23, 0.1, 8)] },
  ]);

  it('EDL: events at their record timecode, playing from their source timecode', async () => {
    const file = path.join(dir, 'reel.edl');
    writeFileSync(file, [
      'TITLE: REEL 1 DX',
      'FCM: NON-DROP FRAME',
      '001  DX01     A     C        00:00:02:00 00:00:08:00 01:00:00:00 01:00:06:00',
      '* FROM CLIP NAME:  DX01.wav',
      '002  DX01     A     C        00:00:15:00 00:00:20:12 01:00:10:00 01:00:15:12',
      '* FROM CLIP NAME:  DX01.wav',
      '003  MX01     A2    C        00:00:00:00 00:00:14:00 01:00:01:00 01:00:15:00',
      '* FROM CLIP NAME:  MX01.wav',
      '',
    ].join('\r\n'));
    const r = await premix(await readSession(file, { fps: { num: 25, den: 1 } }), { groups: [{ name: 'dialogue', tracks: ['A1'] }] });
    expect(r.result.session).toMatchObject({ format: 'edl', startTimecode: '01:00:00:00', durationSeconds: 15.48 });
    const a1: SpecTrack = { name: 'A1', channels: 1, clips: [{ media: 'DX01.wav', start: 0, length: 6, offset: 2 }, { media: 'DX01.wav', start: 10, length: 5.48, offset: 15 }] };
    // an EDL track is one channel: record track A2 plays source channel 2
    const a2: SpecTrack = { name: 'A2', channels: 1, clips: [{ media: 'MX01.wav', start: 1, length: 14, offset: 0, channelFrom: 1 }] };
    close(r.result.tracks[0]!.loudness, await measureExpected(dir, 'edl-a1', expectedRender([a1], media, 1, 0, 15.48)), 'A1');
    close(r.result.tracks[1]!.loudness, await measureExpected(dir, 'edl-a2', expectedRender([a2], media, 1, 0, 15.48)), 'A2');
    close(r.result.groups[0]!.loudness, await measureExpected(dir, 'edl-g', expectedRender([a1], media, 1, 0, 15.48)), 'dialogue');
  });

  it('FCPXML: asset-clip offset/start, adjust-volume, markers as scenes', async () => {
    const file = path.join(dir, 'cut.fcpxml');
    const f = (frames: number) => `${frames}/25s`;
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.10">
  <resources>
    <format id="r1" name="FFVideoFormat1080p25" frameDuration="1/25s" width="1920" height="1080"/>
    <asset id="r2" name="DX01" start="0s" duration="30s" hasAudio="1" audioSources="1" audioChannels="1" audioRate="48000">
      <media-rep kind="original-media" src="file://${encodeURI(path.join(dir, 'DX01.wav'))}"/>
    </asset>
    <asset id="r3" name="MX01" start="0s" duration="30s" hasAudio="1" audioSources="1" audioChannels="2" audioRate="48000">
      <media-rep kind="original-media" src="file://${encodeURI(path.join(dir, 'MX01.wav'))}"/>
    </asset>
  </resources>
  <library>
    <event name="Day 1">
      <project name="Cut 3">
        <sequence format="r1" duration="${f(500)}" tcStart="3600s" tcFormat="NDF" audioLayout="stereo" audioRate="48k">
          <spine>
            <asset-clip ref="r2" offset="3600s" name="DX01" start="${f(50)}" duration="${f(250)}" audioRole="dialogue">
              <adjust-volume amount="-4.5dB"/>
              <marker start="${f(50)}" duration="1/25s" value="Scene A"/>
              <marker start="${f(175)}" duration="1/25s" value="Scene B"/>
              <asset-clip ref="r3" lane="-1" offset="${f(75)}" name="MX01" start="${f(25)}" duration="${f(200)}" audioRole="music"/>
            </asset-clip>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>
`);
    const s = await readSession(file);
    const r = await premix(s);
    const dx: SpecTrack = { name: 'dialogue', channels: 1, clips: [{ media: 'DX01.wav', start: 0, length: 10, offset: 2, gainDb: -4.5 }] };
    // the connected clip's offset is on its parent's clock: 75 frames, 25 after the parent's start of 50
    const mx: SpecTrack = { name: 'music', channels: 2, clips: [{ media: 'MX01.wav', start: 1, length: 8, offset: 1 }] };
    const dxTrack = r.result.tracks.find((t) => t.role === 'dialogue')!;
    const mxTrack = r.result.tracks.find((t) => t.role === 'music')!;
    expect(mxTrack.channels).toBe(2);
    close(dxTrack.loudness, await measureExpected(dir, 'fcpxml-dx', expectedRender([dx], media, 1, 0, 10)), 'dialogue track');
    close(mxTrack.loudness, await measureExpected(dir, 'fcpxml-mx', expectedRender([mx], media, 2, 0, 10)), 'music track');
    expect(r.result.groups.map((g) => g.name)).toEqual(['dialogue', 'music']);
    expect(r.result.scenes.map((sc) => [sc.name, sc.startTimecode])).toEqual([['Scene A', '01:00:00:00'], ['Scene B', '01:00:05:00']]);
    const dxRender = expectedRender([dx], media, 1, 0, 10);
    const a = await measureExpected(dir, 'fcpxml-sa', dxRender, { from: 0, to: 5 });
    const b = await measureExpected(dir, 'fcpxml-sb', dxRender, { from: 5, to: 10 });
    expect(Math.abs(r.result.scenes[0]!.dialogueLufs! - a.integratedLufs!)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r.result.scenes[1]!.dialogueLufs! - b.integratedLufs!)).toBeLessThanOrEqual(0.05);
  });
});

describe('premix of bad input', () => {
  const dir = tempDir();
  writeMedia(dir, [{ file: 'short.wav', channels: [programme(5, 31, 0.3)] }]);
  writeFileSync(path.join(dir, 'notes.wav'), 'these are the spotting notes, not audio\n');

  it('every clip missing: silence everywhere, counted per track, said once', async () => {
    const file = path.join(dir, 'gone.RPP');
    writeFileSync(file, writeRpp([{ name: 'DX 1', channels: 1, clips: [{ media: 'lost1.wav', start: 0, length: 4, offset: 0 }, { media: 'lost2.wav', start: 6, length: 2.5, offset: 0 }] }]));
    const r = (await premix(await readSession(file))).result;
    expect(r.tracks[0]).toMatchObject({ clips: 2, missingClips: 2 });
    expect(r.tracks[0]!.loudness).toEqual({ integratedLufs: null, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp: null, samplePeakDbfs: null });
    expect(r.warnings).toContain("track 'DX 1': 2 of 2 clips (6.500 s) render as silence: media 'lost1.wav' not found (lost1.wav); media 'lost2.wav' not found (lost2.wav)");
    expect(r.warnings.some((w) => /no clip of the session can be played/.test(w))).toBe(true);
    expect(r.session.durationSeconds).toBe(8.5);
  });

  it('a track with no playable clip is silence without a render; beside it the session measures as whole', async () => {
    // DX 2's media are all missing: its figures and the silent FX group's are silence's; the dialogue group
    // (DX 1 + DX 2) equals DX 1 alone, and scenes read the dialogue as before, on one thread and on two
    const file = path.join(dir, 'half.RPP');
    writeFileSync(
      file,
      writeRpp(
        [
          { name: 'DX 1', channels: 1, clips: [{ media: 'short.wav', start: 0, length: 5, offset: 0 }] },
          { name: 'DX 2', channels: 1, clips: [{ media: 'gone.wav', start: 1, length: 60, offset: 0 }] },
          { name: 'FX 1', channels: 1, clips: [{ media: 'gone2.wav', start: 0, length: 90, offset: 0 }] },
        ],
        [{ name: 'SC 1', at: 0 }, { name: 'SC 2', at: 70 }],
      ),
    );
    const session = await readSession(file);
    for (const threads of [1, 2]) {
      const r = (await premix(session, { threads })).result;
      const nulls = { integratedLufs: null, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp: null, samplePeakDbfs: null };
      expect(r.tracks.map((t) => t.name)).toEqual(['DX 1', 'DX 2', 'FX 1']);
      expect(r.tracks[0]!.loudness.integratedLufs).not.toBeNull();
      expect(r.tracks[1]!.loudness).toEqual(nulls);
      expect(r.tracks[2]!.loudness).toEqual(nulls);
      const dialogue = r.groups.find((g) => g.name === 'dialogue')!;
      expect(dialogue.loudness).toEqual(r.tracks[0]!.loudness);
      expect(r.groups.find((g) => g.name === 'effects')!.loudness).toEqual(nulls);
      expect(r.scenes.map((sc) => sc.dialogueLufs === null)).toEqual([false, true]);
      expect(r.session.durationSeconds).toBe(90);
    }
  });

  it('media that is not audio is named with the reason, and renders as silence', async () => {
    const file = path.join(dir, 'text.RPP');
    writeFileSync(file, writeRpp([{ name: 'FX 1', channels: 1, clips: [{ media: 'notes.wav', start: 0, length: 2, offset: 0 }, { media: 'short.wav', start: 2, length: 3, offset: 0 }] }]));
    const r = (await premix(await readSession(file))).result;
    expect(r.tracks[0]).toMatchObject({ clips: 2, missingClips: 1 });
    expect(r.warnings.find((w) => w.startsWith("track 'FX 1': 1 of 2 clips (2.000 s)"))).toMatch(/notes\.wav: not an audio file dubstage reads/);
    expect(r.tracks[0]!.loudness.integratedLufs).not.toBeNull();
  });

  it('a clip past the end of its media: what exists renders, the rest is silence, with the clip and its timecode', async () => {
    const file = path.join(dir, 'past.RPP');
    writeFileSync(file, writeRpp([{ name: 'DX 1', channels: 1, clips: [{ media: 'short.wav', start: 10, length: 6, offset: 2 }] }]));
    const run = await premix(await readSession(file));
    expect(run.result.warnings).toContain("track 'DX 1': clip 'short.wav' at 01:00:10:00 runs 3.000 s past the end of its media 'short.wav' (5.000 s long); the rest renders as silence");
    const media = writeMedia(tempDir(), [{ file: 'short.wav', channels: [programme(5, 31, 0.3)] }]);
    const want = expectedRender([{ name: 'DX 1', channels: 1, clips: [{ media: 'short.wav', start: 10, length: 6, offset: 2 }] }], media, 1, 10, 16);
    close(run.result.tracks[0]!.loudness, await measureExpected(dir, 'past', want), 'DX 1');
    const got = await renderedTrack(file, 'DX 1');
    expect(maxDiff([got[0]!.subarray(10 * SR)], want)).toBeLessThan(2e-6);
  });
});

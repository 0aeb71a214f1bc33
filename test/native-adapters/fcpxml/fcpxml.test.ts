import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcpxmlAdapter, fcpxmlToSession } from '../../../native-adapters/fcpxml/index.js';
import { DubstageError } from '../../../src/errors.js';
import { toSeconds } from '../../../src/session/time.js';
import { samplesDir, otherCorpusFiles } from '../../helpers/corpus.js';

const dir = samplesDir('fcpxml');
const corpus = readdirSync(dir).flatMap((d) =>
  readdirSync(path.join(dir, d))
    .filter((f) => f.endsWith('.fcpxml'))
    .map((f) => path.join(dir, d, f)),
);
const dawkit = (f: string) => path.join(dir, 'orchetect__DAWFileKit', f);
const head = (p: string) => new Uint8Array(readFileSync(p).subarray(0, 65536));

describe('fcpxml adapter: corpus', () => {
  it('finds the FCPXML corpus', () => {
    expect(corpus.length).toBe(15);
  });

  for (const file of corpus) {
    it(`reads ${path.relative(dir, file)}`, async () => {
      expect(fcpxmlAdapter.sniff(head(file), path.basename(file))).toBe(true);
      const s = await fcpxmlAdapter.read(file, {});
      expect(s.format).toBe('fcpxml');
      for (const t of s.tracks) {
        expect(t.channels).toBeGreaterThan(0);
        for (const c of t.clips) expect(c.duration.value).toBeGreaterThan(0);
      }
    });
  }

  it('AudioOnly.fcpxml: one track per role, connected clips on their own role, rational offsets', async () => {
    const s = await fcpxmlAdapter.read(dawkit('AudioOnly.fcpxml'), {});
    // <format r1 frameDuration="1001/24000s">, <sequence tcStart="0s" tcFormat="NDF" audioRate="48k">
    expect(s.frameRate).toEqual({ num: 24000, den: 1001 });
    expect(s.startTimecode).toBe('00:00:00:00');
    expect(s.sampleRate).toBe(48000);
    // spine: 3 × asset-clip "Forest Day" (r2) whose <audio-channel-source srcCh="1, 2" role="music.music-1">
    // overrides audioRole="effects"; 2 × connected asset-clip "Water Lake 3" (r3, lane -1, audioRole="effects")
    expect(s.tracks.map((t) => [t.name, t.clips.length, t.channels])).toEqual([
      ['effects', 2, 2],
      ['music.music-1', 3, 2],
    ]);
    const music = s.tracks[1]!.clips;
    // offsets 0s, 1550549/24000s, 3101098/24000s = frames 0, 1549, 3098 at 24000/1001 (1549 × 1001 = 1550549)
    expect(music.map((c) => c.start.value)).toEqual([0, 1549, 3098]);
    expect(music.every((c) => c.start.rate.num === 24000 && c.start.rate.den === 1001)).toBe(true);
    expect(toSeconds(music[0]!.duration)).toBeCloseTo(1550549 / 24000, 12);
    // second Water Lake 3: parent offset 1550549/24000s + its offset 455817/20000s (parent start 0)
    // = 10487647/120000 s, not on a frame
    const lake = s.tracks[0]!.clips[1]!;
    expect(toSeconds(lake.start)).toBeCloseTo(10487647 / 120000, 12);
    expect(toSeconds(lake.duration)).toBeCloseTo(44901810 / 720000, 12);
    // media-rep src file:///Users/user/Movies/FCPXMLTest.fcpbundle/Demo%201/Original%20Media/Forest%20Day.caf
    expect(s.media.find((m) => m.id === music[0]!.mediaId)).toMatchObject({
      name: 'Forest Day',
      path: '/Users/user/Movies/FCPXMLTest.fcpbundle/Demo 1/Original Media/Forest Day.caf',
      channels: 2,
      sampleRate: 48000,
    });
    // "Marker 1" on the first Forest Day at start 998393/120000s (its parent clip starts at 0)
    expect(s.markers[0]!.name).toBe('Marker 1');
    expect(toSeconds(s.markers[0]!.start)).toBeCloseTo(998393 / 120000, 12);
  });

  it('SyncClipRoles.fcpxml: a sync clip cuts its content, carries its volume, tcStart 3590s', async () => {
    const s = await fcpxmlAdapter.read(dawkit('SyncClipRoles.fcpxml'), {});
    // tcStart="3590s" at 25 fps (frameDuration 100/2500s) = 00:59:50:00
    expect(s.startTimecode).toBe('00:59:50:00');
    // <audio role="dialogue.MixL" srcCh="1"> holding <audio lane="-1" role="dialogue.MixR" srcCh="2">
    expect(s.tracks.map((t) => [t.name, t.clips.length, t.channels])).toEqual([
      ['dialogue.MixL', 1, 1],
      ['dialogue.MixR', 1, 1],
    ]);
    const mixL = s.tracks[0]!.clips[0]!;
    // sync-clip offset 109947600/30000s = 3664.92 s → 74.92 s after tcStart (frame 1873); duration 4900/2500s = 1.96 s
    expect(mixL.start).toEqual({ value: 1873, rate: { num: 25, den: 1 } });
    expect(toSeconds(mixL.duration)).toBeCloseTo(1.96, 12);
    // <adjust-volume amount="-9dB"/> on the sync-clip
    expect(mixL.gainDb).toBe(-9);
    // the audio starts at 30.28 s on the timeline (clip 1.1 at 53.04 s, its lane -1 clip 22.76 s earlier);
    // the sync clip shows it from 74.92 s: 44.64 s into GM7873P7.WAV
    expect(toSeconds(mixL.sourceStart)).toBeCloseTo(44.64, 9);
  });

  it('DisabledClips.fcpxml: enabled="0" is muted; titles are not audio', async () => {
    const s = await fcpxmlAdapter.read(dawkit('DisabledClips.fcpxml'), {});
    // 2 titles (no audio) + asset-clip offset 48200/2400s and asset-clip offset 1046000/2400s enabled="0",
    // both duration 1663/4s, audioRole="dialogue"; frameDuration 100/2400s
    expect(s.tracks.map((t) => [t.name, t.clips.length])).toEqual([['dialogue', 2]]);
    const [a, b] = s.tracks[0]!.clips;
    expect([a!.start.value, a!.muted]).toEqual([482, false]); // 48200/2400 s × 24 = 482 frames
    expect([b!.start.value, b!.muted]).toEqual([10460, true]); // 1046000/2400 s × 24
    expect(toSeconds(a!.duration)).toBe(415.75);
  });

  it('MulticamMarkers.fcpxml: an mc-clip plays its active angle, offset by the angle\'s own gap', async () => {
    const s = await fcpxmlAdapter.read(dawkit('MulticamMarkers.fcpxml'), {});
    // tcStart 6918912000/1920000s = 3603.6 s = 01:00:00:00 at 23.976
    expect(s.startTimecode).toBe('01:00:00:00');
    expect(s.tracks.map((t) => [t.name, t.clips.length])).toEqual([['dialogue', 2]]);
    const [a, b] = s.tracks[0]!.clips;
    // mc-clip 1 at tcStart, duration 76876800/1920000s = 40.04 s, angle D: gap 101101/24000s then "Cam 4" (r6);
    // mc-clip start 19299280/1920000s → 10.0517 s − 4.2125 s into Cam 4
    expect(s.media.find((m) => m.id === a!.mediaId)!.name).toBe('Cam 4');
    expect(toSeconds(a!.start)).toBe(0);
    expect(toSeconds(a!.duration)).toBeCloseTo(40.04, 12);
    expect(toSeconds(a!.sourceStart)).toBeCloseTo(19299280 / 1920000 - 101101 / 24000, 12);
    // mc-clip 2 at 6995788800/1920000s (40.04 s in), angle B: gap 125125/24000s then "Cam 2"; start 313313/24000s
    expect(s.media.find((m) => m.id === b!.mediaId)!.name).toBe('Cam 2');
    expect(toSeconds(b!.start)).toBeCloseTo(40.04, 12);
    expect(toSeconds(b!.sourceStart)).toBeCloseTo((313313 - 125125) / 24000, 12);
  });

  it('29.97d.fcpxml: drop-frame from tcFormat="DF"', async () => {
    const s = await fcpxmlAdapter.read(dawkit('29.97d.fcpxml'), {});
    expect(s.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(s.dropFrame).toBe(true);
    expect(s.startTimecode).toBe('00:00:00;00');
  });
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dubstage-fcpxml-'));

/** A 23.976 project one hour in: all times are written as rational seconds the way FCP writes them. */
function project2398(): string {
  const f = (frames: number) => `${frames * 1001}/24000s`;
  const tc = 86400; // 01:00:00:00 at 24 fps nominal = 86400 frames
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.11">
  <resources>
    <format id="r1" name="FFVideoFormat1080p2398" frameDuration="1001/24000s" width="1920" height="1080"/>
    <asset id="r2" name="Dx Take 3" start="0s" duration="${f(2400)}" hasAudio="1" audioSources="1" audioChannels="1" audioRate="48000">
      <media-rep kind="original-media" src="file:///Volumes/Dx/Dx%20Take%203.wav"/>
    </asset>
    <asset id="r3" name="Score" start="0s" duration="${f(4800)}" hasAudio="1" audioChannels="2" audioRate="48000"/>
    <format id="r4" name="FFVideoFormatRateUndefined"/>
  </resources>
  <library>
    <event name="Reel 1">
      <project name="R1 Mix">
        <sequence format="r1" duration="${f(400)}" tcStart="${f(tc)}" tcFormat="NDF" audioLayout="stereo" audioRate="48k">
          <spine>
            <gap name="Gap" offset="${f(tc)}" start="3600s" duration="${f(48)}"/>
            <asset-clip ref="r2" offset="${f(tc + 48)}" name="Dx A" start="${f(24)}" duration="${f(100)}" audioRole="dialogue.dialogue-1">
              <asset-clip ref="r3" lane="-1" offset="${f(34)}" name="Score" start="${f(12)}" duration="${f(300)}" format="r4" audioRole="music.music-1">
                <adjust-volume amount="-6dB">
                  <param name="amount"><fadeIn type="linear" duration="${f(12)}"/></param>
                </adjust-volume>
              </asset-clip>
              <asset-clip ref="r9" lane="-2" offset="${f(24)}" name="Lost" duration="${f(10)}" audioRole="dialogue.dialogue-1"/>
            </asset-clip>
            <transition name="Cross Dissolve" offset="${f(tc + 142)}" duration="${f(12)}">
              <filter-audio ref="r5" name="Audio Crossfade"/>
            </transition>
            <asset-clip ref="r2" offset="${f(tc + 148)}" name="Dx B" start="${f(600)}" duration="${f(200)}" audioRole="dialogue.dialogue-1"/>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>
`;
}

describe('fcpxml adapter: files written by the test', () => {
  it('23.976 with rational offsets: frames exact, one track per role and lane, connected clip volume and fade', () => {
    const s = fcpxmlToSession(project2398(), '/x/r1.fcpxml');
    expect(s.frameRate).toEqual({ num: 24000, den: 1001 });
    expect(s.startTimecode).toBe('01:00:00:00');
    expect(s.name).toBe('R1 Mix');
    // dialogue.dialogue-1 sits on lane 0 (Dx A, Dx B) and lane -2 (Lost): split by lane
    expect(s.tracks.map((t) => [t.name, t.clips.length, t.role])).toEqual([
      ['dialogue.dialogue-1 (lane -2)', 1, 'dialogue'],
      ['dialogue.dialogue-1 (lane 0)', 2, 'dialogue'],
      ['music.music-1', 1, 'music'],
    ]);
    const [dxA, dxB] = s.tracks[1]!.clips;
    // offsets count from tcStart: Dx A at frame 48, Dx B at 148; 48 frames = 48 × 1001/24000 s = 2.002 s
    expect(dxA!.start).toEqual({ value: 48, rate: { num: 24000, den: 1001 } });
    expect(toSeconds(dxA!.start)).toBeCloseTo(2.002, 12);
    expect(dxA!.duration.value).toBe(100);
    expect(dxA!.sourceStart.value).toBe(24);
    expect(dxB!.start.value).toBe(148);
    expect(dxB!.sourceStart.value).toBe(600);
    // the 12-frame audio crossfade between them
    expect(dxA!.fadeOutSeconds).toBeCloseTo((12 * 1001) / 24000, 12);
    expect(dxB!.fadeInSeconds).toBeCloseTo((12 * 1001) / 24000, 12);
    // Score: connected at 34 frames into Dx A's local time (Dx A starts at source frame 24) → timeline 48 + 10 = 58;
    // runs its full 300 frames past Dx A's end (connected clips are not cut by their parent)
    const score = s.tracks[2]!.clips[0]!;
    expect([score.start.value, score.duration.value, score.sourceStart.value]).toEqual([58, 300, 12]);
    expect(score.gainDb).toBe(-6);
    expect(score.fadeInSeconds).toBeCloseTo((12 * 1001) / 24000, 12);
    expect(score.fadeInShape).toBe('linear');
    // Dx A's own volume is 0: the connected clip's -6 dB does not flow up, and Dx A's would not flow down
    expect(dxA!.gainDb).toBe(0);
  });

  it('a clip whose media is missing: no media-rep, or an asset that is not in resources', () => {
    const s = fcpxmlToSession(project2398(), '/x/r1.fcpxml');
    const score = s.tracks[2]!.clips[0]!;
    expect(s.media.find((m) => m.id === score.mediaId)).toMatchObject({ name: 'Score', path: null, resolvedPath: null });
    expect(s.warnings.some((w) => w.includes("asset 'Score' (r3) has no media-rep src"))).toBe(true);
    const lost = s.tracks[0]!.clips[0]!;
    expect(lost.mediaId).toBeNull();
    expect(s.warnings.some((w) => w.includes("asset 'r9' is not in <resources>"))).toBe(true);
    expect(s.media.find((m) => m.id === 'r2')!.path).toBe('/Volumes/Dx/Dx Take 3.wav');
  });

  it('reads a .fcpxmld bundle through its Info.fcpxml', async () => {
    const bundle = path.join(tmp, 'R1 Mix.fcpxmld');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(path.join(bundle, 'Info.fcpxml'), project2398());
    const s = await fcpxmlAdapter.read(bundle, {});
    expect(s.path).toBe(bundle);
    expect(s.tracks.length).toBe(3);
  });
});

describe('fcpxml adapter: bad input', () => {
  it('refuses every file of the other corpus formats by sniffing', () => {
    const others = otherCorpusFiles('fcpxml');
    expect(others.length).toBeGreaterThan(100);
    const claimed = others.filter((f) => fcpxmlAdapter.sniff(new Uint8Array(readFileSync(f).subarray(0, 65536)), path.basename(f)));
    expect(claimed).toEqual([]);
  });


  it('a truncated file is a bad-session error naming the line', async () => {
    const p = path.join(tmp, 'truncated.fcpxml');
    const text = project2398();
    writeFileSync(p, text.slice(0, text.indexOf('<transition')));
    const err = await fcpxmlAdapter.read(p, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).code).toBe('bad-session');
    expect((err as DubstageError).message).toMatch(/line \d+/);
    expect((err as DubstageError).line).toBeGreaterThan(0);
  });

  it('a garbled time value names the element and attribute', () => {
    const text = project2398().replace('name="Dx B" start="', 'name="Dx B" start="twelve');
    expect(() => fcpxmlToSession(text, '/x/bad.fcpxml')).toThrow(/<asset-clip name="Dx B"> start: 'twelve.*' is not an FCPXML time/);
  });

  it('a sequence whose format is missing names it', () => {
    const text = project2398().replace('<sequence format="r1"', '<sequence format="r7"');
    try {
      fcpxmlToSession(text, '/x/bad.fcpxml');
      throw new Error('no error');
    } catch (e) {
      expect((e as DubstageError).code).toBe('bad-session');
      expect((e as DubstageError).message).toMatch(/format 'r7' is not in <resources>/);
    }
  });

  it('a compound clip that contains itself is refused, not followed forever', () => {
    const text = `<?xml version="1.0"?><fcpxml version="1.11"><resources><format id="r1" frameDuration="1/25s"/>
<media id="r2" name="loop"><sequence format="r1"><spine><ref-clip ref="r2" offset="0s" duration="10s"/></spine></sequence></media></resources>
<library><event><project name="P"><sequence format="r1" tcStart="0s" duration="10s"><spine><ref-clip ref="r2" offset="0s" duration="10s"/></spine></sequence></project></event></library></fcpxml>`;
    expect(() => fcpxmlToSession(text, '/x/loop.fcpxml')).toThrow(/<ref-clip ref="r2">: nesting deeper than 32 levels/);
  });

  it('other formats are refused by sniffing', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(fcpxmlAdapter.sniff(enc('<?xml version="1.0"?>\n<!DOCTYPE xmeml>\n<xmeml version="4">'), 'x.fcpxml')).toBe(false);
    expect(fcpxmlAdapter.sniff(enc('<REAPER_PROJECT 0.1 "7.0" 1\n'), 'x.fcpxml')).toBe(false);
    expect(fcpxmlAdapter.sniff(enc(project2398()), 'x.xml')).toBe(true);
  });
});

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reaperAdapter, rppToSession } from '../../../native-adapters/reaper/index.js';
import { tokenize } from '../../../native-adapters/reaper/rpp.js';
import { DubstageError } from '../../../src/errors.js';
import { toSeconds } from '../../../src/session/time.js';
import { samplesDir, otherCorpusFiles } from '../../helpers/corpus.js';

const rppDir = samplesDir('rpp');
const corpus = readdirSync(rppDir).flatMap((d) =>
  readdirSync(path.join(rppDir, d))
    .filter((f) => /\.rpp$/i.test(f))
    .map((f) => path.join(rppDir, d, f)),
);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dubstage-rpp-'));
function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text.replace(/\n/g, '\r\n'));
  return p;
}

function head(p: string): Uint8Array {
  return new Uint8Array(readFileSync(p).subarray(0, 65536));
}

describe('reaper adapter: corpus', () => {
  it('finds the RPP corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(14);
  });

  for (const file of corpus) {
    it(`reads ${path.relative(rppDir, file)}`, async () => {
      const s = await reaperAdapter.read(file, {});
      expect(s.format).toBe('rpp');
      expect(s.sampleRate).toBeGreaterThan(0);
      for (const t of s.tracks) for (const c of t.clips) expect(c.duration.value).toBeGreaterThan(0);
    });
  }

  it('audio-file-x4.RPP: 1 track, 4 WAVE items at 0, 0.5, 1, 1.5 s', async () => {
    const s = await reaperAdapter.read(path.join(rppDir, 'CharlesHolbrow__rppp/audio-file-x4.RPP'), {});
    // one <TRACK> block "NAME kick" holding four <ITEM> blocks, each POSITION 0 / 0.5 / 1 / 1.5,
    // LENGTH 0.10179138321995, SOFFS 0, <SOURCE WAVE FILE "media/909-kick.wav">; SAMPLERATE 44100
    expect(s.tracks.length).toBe(1);
    expect(s.tracks[0]!.name).toBe('kick');
    expect(s.tracks[0]!.clips.length).toBe(4);
    expect(s.tracks[0]!.clips.map((c) => toSeconds(c.start))).toEqual([0, 0.5, 1, 1.5]);
    // 0.10179138321995 s × 44100 = 4489.0 samples
    expect(s.tracks[0]!.clips[0]!.duration).toEqual({ value: 4489, rate: { num: 44100, den: 1 } });
    expect(s.media.length).toBe(1);
    expect(s.media[0]!.path).toBe('media/909-kick.wav');
    expect(s.tracks[0]!.clips.every((c) => c.mediaId === s.media[0]!.id)).toBe(true);
    expect(s.startTimecode).toBe('00:00:00:00'); // PROJOFFS 0 0 0
  });

  it('ReaperSession.RPP (5.978): 2 tracks, VORBIS items with fades', async () => {
    const s = await reaperAdapter.read(path.join(rppDir, 'davemod__UnityReaperParser/ReaperSession.RPP'), {});
    // <TRACK> NAME Ambient: <ITEM> POSITION 1.5, LENGTH 25, FADEIN 1 7.272917, FADEOUT 1 13.478168,
    //   <SOURCE VORBIS FILE "Audio/Ambient.ogg">
    // <TRACK> NAME Gunshot: <ITEM> POSITION 1.5, LENGTH 1.49798185941043, FADEIN/FADEOUT 1 0.01,
    //   NAME "Gunshot 2.ogg", FILE "Audio/Gunshot 2.ogg"
    expect(s.tracks.map((t) => t.name)).toEqual(['Ambient', 'Gunshot']);
    expect(s.tracks.map((t) => t.clips.length)).toEqual([1, 1]);
    const amb = s.tracks[0]!.clips[0]!;
    expect(toSeconds(amb.start)).toBe(1.5);
    expect(toSeconds(amb.duration)).toBe(25);
    expect(amb.fadeInSeconds).toBe(7.272917);
    expect(amb.fadeOutSeconds).toBe(13.478168);
    expect(amb.fadeInShape).toBe('other'); // shape 1: not linear, curve not named
    const gun = s.tracks[1]!.clips[0]!;
    expect(gun.name).toBe('Gunshot 2.ogg');
    expect(s.media.find((m) => m.id === gun.mediaId)!.path).toBe('Audio/Gunshot 2.ogg');
  });

  it('vst.RPP (5.50c): MIDI and CLICK items are clips without media; a marker and a region', async () => {
    const s = await reaperAdapter.read(path.join(rppDir, 'Perlence__rpp/vst.RPP'), {});
    // 10 <TRACK> blocks; <SOURCE MIDI> on track "5.50", <SOURCE CLICK> on "|Beep Boop"
    expect(s.tracks.length).toBe(10);
    const clips = s.tracks.flatMap((t) => t.clips);
    expect(clips.length).toBe(2);
    expect(clips.every((c) => c.mediaId === null)).toBe(true);
    // MARKER 1 2 "" 0 (marker at 2 s); MARKER 1 4 "" 1 + MARKER 1 6 "" 1 (region 4..6 s)
    expect(s.markers.length).toBe(2);
    expect(toSeconds(s.markers[0]!.start)).toBe(2);
    expect(s.markers[0]!.duration).toBeUndefined();
    expect(toSeconds(s.markers[1]!.start)).toBe(4);
    expect(toSeconds(s.markers[1]!.duration!)).toBe(2);
  });

  it('empty-item-x3-with-text.RPP: text items are not clips', async () => {
    const s = await reaperAdapter.read(path.join(rppDir, 'CharlesHolbrow__rppp/empty-item-x3-with-text.RPP'), {});
    // three <ITEM> blocks holding only <NOTES>, no <SOURCE>
    expect(s.tracks.length).toBe(1);
    expect(s.tracks[0]!.clips.length).toBe(0);
  });

  it('Perlence empty.RPP (4.32): frame rate from SMPTESYNC 23.976024', async () => {
    const s = await reaperAdapter.read(path.join(rppDir, 'Perlence__rpp/empty.RPP'), {});
    expect(s.frameRate).toEqual({ num: 24000, den: 1001 });
    expect(s.sampleRate).toBe(48000); // SAMPLERATE 48000 0 0
  });
});

const project = (body: string, header = '  SAMPLERATE 48000 0 0\n  TIMEMODE 1 5 -1 25 0 0 -1\n  PROJOFFS 3600 0 0\n') =>
  `<REAPER_PROJECT 0.1 "7.51/win64" 1767030272\n${header}${body}>\n`;

describe('reaper adapter: files written by the test', () => {
  it('tokenizes all three quote styles', () => {
    expect(tokenize(`NAME '"'`)).toEqual(['NAME', '"']);
    expect(tokenize('NAME `\'\'\'"""`')).toEqual(['NAME', `'''"""`]);
    expect(tokenize('NAME hel"lo')).toEqual(['NAME', 'hel"lo']);
    expect(tokenize('NAME "<HELLO world >"')).toEqual(['NAME', '<HELLO world >']);
    expect(tokenize('FILE "a b.wav" 1')).toEqual(['FILE', 'a b.wav', '1']);
  });

  it('reads names in every quote style and leaves base64 and notes opaque', () => {
    const s = rppToSession(
      project(`  <TRACK
    NAME 'Dx "A"'
    <FXCHAIN
      <VST "VST: ReaEQ (Cockos)" reaeq.vst 0 "" 1919247729
        cmVlcWVkAAAAAAAAAAAAAAAA>AAAAAAAAAAAAAA==
        PD4+Pj4+
      >
    >
    <ITEM
      POSITION 1
      LENGTH 2
      NAME \`it's "quoted"\`
      <SOURCE WAVE
        FILE 'C:\\media\\a "b".wav'
      >
    >
  >
  <TRACK
    NAME "Mx 'B'"
    <ITEM
      POSITION 0
      LENGTH 1
      <NOTES
        |<NOT A BLOCK
        |>
      >
    >
  >
`),
      '/x/quotes.RPP',
    );
    expect(s.tracks.map((t) => t.name)).toEqual(['Dx "A"', "Mx 'B'"]);
    expect(s.tracks[0]!.clips[0]!.name).toBe(`it's "quoted"`);
    expect(s.media[0]!.path).toBe('C:\\media\\a "b".wav');
    expect(s.tracks[1]!.clips.length).toBe(0);
    expect(s.startTimecode).toBe('01:00:00:00'); // PROJOFFS 3600 at 25 fps
    expect(s.frameRate).toEqual({ num: 25, den: 1 });
  });

  it('nested folders: a muted folder mutes every track inside it, and the nesting closes', () => {
    // Dialogue (folder, muted) ⊃ { DX 1, Sub (folder) ⊃ { DX 2, DX 3 (closes 2 levels) } }, Music after
    const s = rppToSession(
      project(`  <TRACK
    NAME Dialogue
    MUTESOLO 1 0 0
    ISBUS 1 1
  >
  <TRACK
    NAME "DX 1"
    ISBUS 0 0
  >
  <TRACK
    NAME Sub
    ISBUS 1 1
  >
  <TRACK
    NAME "DX 2"
    ISBUS 0 0
  >
  <TRACK
    NAME "DX 3"
    ISBUS 2 -2
  >
  <TRACK
    NAME Music
    VOLPAN 0.5 0 -1 -1 1
    ISBUS 0 0
  >
`),
      '/x/folders.RPP',
    );
    expect(s.tracks.map((t) => [t.name, t.muted])).toEqual([
      ['Dialogue', true],
      ['DX 1', true],
      ['Sub', true],
      ['DX 2', true],
      ['DX 3', true],
      ['Music', false],
    ]);
    expect(s.tracks[5]!.volumeDb).toBeCloseTo(-6.0206, 3);
    expect(s.warnings.filter((w) => w.includes('folder'))).toEqual([]);
  });

  it('takes: the TAKE SEL take plays; item gain, fades, mute and SOFFS come through', () => {
    const s = rppToSession(
      project(`  <TRACK
    NAME FX
    <ITEM
      POSITION 10
      LENGTH 4
      FADEIN 0 0.5 0 1 0 0
      FADEOUT 5 1.25 0 1 0 0
      MUTE 1 0
      NAME "take one"
      VOLPAN 0.5 0 1 -1
      SOFFS 0
      <SOURCE WAVE
        FILE "one.wav"
      >
      TAKE SEL
      NAME "take two"
      TAKEVOLPAN 0 0.25 -1
      SOFFS 2.5
      <SOURCE SECTION
        LENGTH 3
        STARTPOS 1
        <SOURCE FLAC
          FILE "two.flac"
        >
      >
    >
  >
`),
      '/x/takes.RPP',
    );
    const c = s.tracks[0]!.clips[0]!;
    expect(c.name).toBe('take two');
    expect(s.media.find((m) => m.id === c.mediaId)!.path).toBe('two.flac');
    expect(toSeconds(c.start)).toBe(10);
    expect(toSeconds(c.sourceStart)).toBe(3.5); // SOFFS 2.5 + SECTION STARTPOS 1
    // item volume 0.5 (VOLPAN field 1) × take two's volume 0.25 (TAKEVOLPAN field 2) = −6.02 − 12.04 dB
    expect(c.gainDb).toBeCloseTo(-18.0618, 3);
    expect([c.fadeInSeconds, c.fadeOutSeconds, c.fadeInShape, c.fadeOutShape]).toEqual([0.5, 1.25, 'linear', 'other']);
    expect(c.muted).toBe(true);
  });

  it('a clip whose media is missing keeps its reference, unresolved; a SOURCE with no FILE is warned', async () => {
    const p = write(
      'missing.RPP',
      project(`  <TRACK
    NAME A
    <ITEM
      POSITION 0
      LENGTH 1
      <SOURCE WAVE
        FILE "Audio/not-here.wav"
      >
    >
    <ITEM
      POSITION 2
      LENGTH 1
      <SOURCE MP3
      >
    >
  >
`),
    );
    const s = await reaperAdapter.read(p, {});
    expect(s.tracks[0]!.clips.length).toBe(2);
    expect(s.media).toEqual([
      { id: 'm1', name: 'not-here.wav', path: 'Audio/not-here.wav', resolvedPath: null, embedded: false, channels: null, sampleRate: null },
    ]);
    expect(s.tracks[0]!.clips[1]!.mediaId).toBeNull();
    expect(s.warnings.some((w) => w.includes('names no FILE'))).toBe(true);
  });
});

describe('reaper adapter: bad input', () => {
  it('refuses every file of the other corpus formats by sniffing', () => {
    const others = otherCorpusFiles('rpp');
    expect(others.length).toBeGreaterThan(100);
    const claimed = others.filter((f) => reaperAdapter.sniff(new Uint8Array(readFileSync(f).subarray(0, 65536)), path.basename(f)));
    expect(claimed).toEqual([]);
  });


  const good = project(`  <TRACK
    NAME A
    <ITEM
      POSITION 0
      LENGTH 1
    >
  >
`);

  function errorOf(text: string): DubstageError {
    try {
      rppToSession(text, '/x/bad.RPP');
    } catch (e) {
      return e as DubstageError;
    }
    throw new Error('no error');
  }

  it('a truncated project names the block left open and its line', () => {
    const e = errorOf(good.slice(0, good.indexOf('LENGTH')));
    expect(e).toBeInstanceOf(DubstageError);
    expect(e.code).toBe('bad-session');
    expect(e.message).toMatch(/ends inside '<ITEM' opened at line 7/);
  });

  it('a stray closing line and an unterminated quote name their lines', () => {
    const stray = errorOf(good + '>\n');
    expect(stray.code).toBe('bad-session');
    expect(stray.message).toMatch(/line 13: unexpected text after the end of the project/);
    const quote = errorOf(good.replace('NAME A', 'NAME "A'));
    expect(quote.code).toBe('bad-session');
    expect(quote.line).toBe(6);
    expect(quote.message).toMatch(/unterminated "-quoted/);
  });

  it('garbage is refused by sniffing and by the reader', () => {
    const garbage = write('garbage.RPP', 'TITLE: not a project\nFCM: NON-DROP FRAME\n');
    expect(reaperAdapter.sniff(head(garbage), 'garbage.RPP')).toBe(false);
    const e = errorOf('TITLE: not a project\n');
    expect(e.code).toBe('bad-session');
    expect(e.line).toBe(1);
  });

  it('another format is refused by sniffing', () => {
    const xml = new TextEncoder().encode('<?xml version="1.0"?>\n<!DOCTYPE xmeml>\n<xmeml version="4">');
    expect(reaperAdapter.sniff(xml, 'session.rpp')).toBe(false);
    const ok = new TextEncoder().encode('<REAPER_PROJECT 0.1 "6.13/OSX64" 1\n');
    expect(reaperAdapter.sniff(ok, 'whatever.txt')).toBe(true);
  });
});

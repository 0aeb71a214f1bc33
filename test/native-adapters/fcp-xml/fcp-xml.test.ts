import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcpXmlAdapter, xmemlToSession } from '../../../native-adapters/fcp-xml/index.js';
import { DubstageError } from '../../../src/errors.js';
import { channelMediaFor } from '../../../src/session/channel-media.js';
import { toSeconds } from '../../../src/session/time.js';
import { samplesDir, otherCorpusFiles } from '../../helpers/corpus.js';

const dir = samplesDir('fcp7xml');
const corpus = readdirSync(dir).flatMap((d) =>
  readdirSync(path.join(dir, d))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => path.join(dir, d, f)),
);
const otio = (f: string) => path.join(dir, 'OpenTimelineIO__otio-fcp-adapter', f);
const head = (p: string) => new Uint8Array(readFileSync(p).subarray(0, 65536));

describe('fcp-xml adapter: corpus', () => {
  it('finds the xmeml corpus', () => {
    expect(corpus.length).toBe(7);
  });

  for (const file of corpus) {
    const rel = path.relative(dir, file);
    if (rel.endsWith('premiere_example_filter.xml')) {
      // a lone <filter> element (an adapter fixture, not a sequence): refused by sniffing, and by the reader
      it(`refuses ${rel}, which is not xmeml`, async () => {
        expect(fcpXmlAdapter.sniff(head(file), path.basename(file))).toBe(false);
        await expect(fcpXmlAdapter.read(file, {})).rejects.toMatchObject({ code: 'bad-session' });
      });
      continue;
    }
    it(`reads ${rel}`, async () => {
      expect(fcpXmlAdapter.sniff(head(file), path.basename(file))).toBe(true);
      const s = await fcpXmlAdapter.read(file, {});
      expect(s.format).toBe('fcp-xml');
      for (const t of s.tracks) for (const c of t.clips) expect(c.duration.value).toBeGreaterThan(0);
    });
  }

  it('premiere_example.xml: 8 exploded audio tracks are 4 stereo tracks', async () => {
    const s = await fcpXmlAdapter.read(otio('premiere_example.xml'), {});
    // sequence-1 <rate><timebase>30</timebase><ntsc>FALSE</ntsc>; <media><audio> holds 8 <track>s with
    // totalExplodedTrackCount="2" (currentExplodedTrackIndex 0,1,0,1,...): clipitems 13+14 | 15+16 | 17+18 |
    // 19+20 | 21 | 22 | 23+24 | 25+26 → per stereo pair 2, 2, 1, 2 edit events
    expect(s.frameRate).toEqual({ num: 30, den: 1 });
    expect(s.tracks.map((t) => t.channels)).toEqual([2, 2, 2, 2]);
    expect(s.tracks.map((t) => t.clips.length)).toEqual([2, 2, 1, 2]);
    // clipitem-13: <start>13</start><end>113</end><in>0</in><out>100</out>, <file id="file-1"/>
    const c13 = s.tracks[0]!.clips[0]!;
    expect(toSeconds(c13.start)).toBeCloseTo(13 / 30, 12);
    expect(toSeconds(c13.duration)).toBeCloseTo(100 / 30, 12);
    // file-1 is defined in full inside video clipitem-1: pathurl file://localhost/D%3a/media/sc01_sh010_anim.mov
    expect(s.media.find((m) => m.id === c13.mediaId)!.path).toBe('D:/media/sc01_sh010_anim.mov');
    // clipitem-21 (track 5): track_08.wav 153..351
    const c21 = s.tracks[2]!.clips[0]!;
    expect([c21.name, c21.start.value, c21.duration.value]).toEqual(['track_08.wav', 153, 198]);
    // sequence <marker>s: 3 (My MArker 1 at <in>113</in>, ...)
    expect(s.markers.length).toBe(3);
    expect(s.markers[0]!.name).toBe('My MArker 1');
    expect(s.markers[0]!.start.value).toBe(113);
  });

  it('empty_name_tags.xml: 23.976 (timebase 24 + ntsc TRUE), 33 stereo clips on A1', async () => {
    const s = await fcpXmlAdapter.read(otio('empty_name_tags.xml'), {});
    // top-level sequence-7 "myshow": <timebase>24</timebase><ntsc>TRUE</ntsc>; its <audio> (file line 18297)
    // has 8 exploded tracks = 4 stereo; the first pair holds 33 + 33 clipitems, the others none
    expect(s.frameRate).toEqual({ num: 24000, den: 1001 });
    expect(s.tracks.length).toBe(4);
    expect(s.tracks.map((t) => t.clips.length)).toEqual([33, 0, 0, 0]);
    // clipitem-619: <start>15</start><end>90</end><in>0</in><out>75</out>; clipitem-620: 90..222, in 75
    const [a, b] = s.tracks[0]!.clips;
    expect([a!.start.value, a!.duration.value, a!.sourceStart.value]).toEqual([15, 75, 0]);
    expect([b!.start.value, b!.duration.value, b!.sourceStart.value]).toEqual([90, 132, 75]);
    expect(toSeconds(a!.start)).toBeCloseTo((15 * 1001) / 24000, 12);
  });

  it('premiere_enable_property.xml: a disabled clip is muted; track names from MZ.TrackName', async () => {
    const s = await fcpXmlAdapter.read(otio('premiere_enable_property.xml'), {});
    // 6 audio <track>s in 3 exploded pairs: clipitems 135-138 (+139-142), 143 (+144), none
    expect(s.tracks.map((t) => t.clips.length)).toEqual([4, 1, 0]);
    expect(s.frameRate).toEqual({ num: 25, den: 1 });
    // clipitem-137 "audio_track_1_disabled_1": <enabled>FALSE</enabled>, 177..220
    const off = s.tracks[0]!.clips[2]!;
    expect([off.name, off.start.value, off.duration.value, off.muted]).toEqual(['audio_track_1_disabled_1', 177, 43, true]);
    expect(s.tracks[0]!.clips.filter((c) => c.muted).length).toBe(1);
  });

  it('hiero_xml_export.xml (xmeml v5, <ntsc> before <timebase>): start TC 01:00:00:00, no audio tracks', async () => {
    const s = await fcpXmlAdapter.read(otio('hiero_xml_export.xml'), {});
    expect(s.startTimecode).toBe('01:00:00:00');
    expect(s.frameRate).toEqual({ num: 24, den: 1 });
    expect(s.tracks.length).toBe(0);
  });
});

function rate(tb: number, ntsc: boolean) {
  return `<rate><timebase>${tb}</timebase><ntsc>${ntsc ? 'TRUE' : 'FALSE'}</ntsc></rate>`;
}

function clipitem(o: {
  id: string;
  name: string;
  start: number;
  end: number;
  inF: number;
  outF: number;
  file: string;
  ch?: number;
  enabled?: boolean;
  links?: string;
  extra?: string;
}) {
  return `<clipitem id="${o.id}"><name>${o.name}</name><enabled>${o.enabled === false ? 'FALSE' : 'TRUE'}</enabled>${rate(24, true)}
  <start>${o.start}</start><end>${o.end}</end><in>${o.inF}</in><out>${o.outF}</out>${o.file}
  <sourcetrack><mediatype>audio</mediatype><trackindex>${o.ch ?? 1}</trackindex></sourcetrack>${o.links ?? ''}${o.extra ?? ''}</clipitem>`;
}

const fileDef = `<file id="file-1"><name>Dx 01.wav</name><pathurl>file://localhost/Volumes/Media/Dx%2001%20%C3%A9t%C3%A9.wav</pathurl>${rate(24, true)}
  <media><audio><samplecharacteristics><depth>24</depth><samplerate>48000</samplerate></samplecharacteristics><channelcount>2</channelcount></audio></media></file>`;

const link = (ref: string, track: number, group: number) =>
  `<link><linkclipref>${ref}</linkclipref><mediatype>audio</mediatype><trackindex>${track}</trackindex><clipindex>1</clipindex><groupindex>${group}</groupindex></link>`;

const levels = (linear: number) =>
  `<filter><effect><name>Audio Levels</name><effectid>audiolevels</effectid><effectcategory>audiolevels</effectcategory><effecttype>audiolevels</effecttype><mediatype>audio</mediatype>
  <parameter><parameterid>level</parameterid><name>Level</name><valuemin>0</valuemin><valuemax>3.98109</valuemax><value>${linear}</value></parameter></effect></filter>`;

function xmeml(audioTracks: string, tc = '<timecode>' + rate(24, true) + '<string>01:00:00:00</string><frame>86400</frame><displayformat>NDF</displayformat></timecode>') {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xmeml>
<xmeml version="5">
  <sequence id="seq-1">
    <name>Reel 1 Dx</name>
    ${rate(24, true)}
    ${tc}
    <media>
      <video><track/></video>
      <audio>
        <format><samplecharacteristics><depth>24</depth><samplerate>48000</samplerate></samplecharacteristics></format>
        ${audioTracks}
      </audio>
    </media>
  </sequence>
</xmeml>
`;
}

describe('fcp-xml adapter: files written by the test', () => {
  it('FCP 7 stereo pair, file defined once, URL-decoded path, levels, cross fades with -1 edges', () => {
    // A1/A2: a linked stereo pair (one link group). Clip 1 (0..-1) crosses into clip 2 (-1..200) through a
    // 12-frame "Cross Fade (+3dB)" at 90..102; clip 2 has Audio Levels 0.5 (−6.02 dB) and is followed by
    // a 24-frame fade-out transition at its end (alignment end)
    const trans = (s: number, e: number, align: string) =>
      `<transitionitem>${rate(24, true)}<start>${s}</start><end>${e}</end><alignment>${align}</alignment><effect><name>Cross Fade (+3dB)</name><effectid>KGAudioTransCrossFade3dB</effectid><mediatype>audio</mediatype></effect></transitionitem>`;
    const track = (ch: number, ids: [string, string], other: [string, string], withFile: boolean) => `<track>
      ${clipitem({ id: ids[0], name: 'Dx 01', start: 0, end: -1, inF: 10, outF: 112, file: withFile ? fileDef : '<file id="file-1"/>', ch, links: link(ids[0], ch, 1) + link(other[0], 3 - ch, 1) })}
      ${trans(90, 102, 'center')}
      ${clipitem({ id: ids[1], name: 'Dx 01', start: -1, end: 200, inF: 500, outF: 610, file: '<file id="file-1"/>', ch, links: link(ids[1], ch, 1) + link(other[1], 3 - ch, 1), extra: levels(0.5) })}
      ${trans(176, 200, 'end')}
      <enabled>TRUE</enabled></track>`;
    const s = xmemlToSession(
      xmeml(track(1, ['c1', 'c2'], ['c3', 'c4'], true) + track(2, ['c3', 'c4'], ['c1', 'c2'], false)),
      '/x/pair.xml',
    );
    expect(s.frameRate).toEqual({ num: 24000, den: 1001 });
    expect(s.startTimecode).toBe('01:00:00:00');
    expect(s.sampleRate).toBe(48000);
    expect(s.tracks.length).toBe(1);
    const t = s.tracks[0]!;
    expect(t.channels).toBe(2);
    expect(t.clips.length).toBe(2);
    const [c1, c2] = t.clips;
    expect([c1!.start.value, c1!.duration.value, c1!.sourceStart.value]).toEqual([0, 102, 10]);
    expect([c2!.start.value, c2!.duration.value, c2!.sourceStart.value]).toEqual([90, 110, 500]);
    const twelveFrames = (12 * 1001) / 24000;
    expect(c1!.fadeOutSeconds).toBeCloseTo(twelveFrames, 12);
    expect(c1!.fadeOutShape).toBe('equal-power');
    expect(c2!.fadeInSeconds).toBeCloseTo(twelveFrames, 12);
    expect(c2!.fadeOutSeconds).toBeCloseTo((24 * 1001) / 24000, 12);
    expect(c1!.fadeInSeconds).toBe(0);
    expect(c1!.gainDb).toBe(0);
    expect(c2!.gainDb).toBeCloseTo(-6.0206, 3);
    expect(s.media.length).toBe(1);
    expect(s.media[0]).toMatchObject({ id: 'file-1', name: 'Dx 01.wav', path: '/Volumes/Media/Dx 01 été.wav', channels: 2, sampleRate: 48000 });
    expect(c1!.mediaId).toBe('file-1');
    expect(c2!.mediaId).toBe('file-1');
  });

  it('two mono tracks not linked as a pair stay two tracks, with their source channel', () => {
    const mono = (id: string, ch: number) =>
      `<track>${clipitem({ id, name: 'Boom', start: 0, end: 48, inF: 0, outF: 48, file: ch === 1 ? fileDef : '<file id="file-1"/>', ch, links: link(id, ch, ch) })}</track>`;
    const s = xmemlToSession(xmeml(mono('m1', 1) + mono('m2', 2)), '/x/mono.xml');
    expect(s.tracks.map((t) => [t.channels, t.clips[0]!.channel])).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  // the shape of auto-editor's Premiere export (xmeml v4): unexploded stereo tracks
  // (premiereTrackType="Stereo", currentExplodedTrackIndex="0"), stereo clipitems whose sourcetrack
  // trackindex 1 is the file's first audio track, not its first channel
  it('a Premiere stereo track plays both channels of its clips, not the channel its trackindex numbers', () => {
    const stereoTrack = (id: string, file: string) =>
      `<track currentExplodedTrackIndex="0" premiereTrackType="Stereo">${clipitem({ id, name: 'out', start: 0, end: 70, inF: 13, outF: 83, file, ch: 1 }).replace('<clipitem ', '<clipitem premiereChannelType="stereo" ')}</track>`;
    const s = xmemlToSession(xmeml(stereoTrack('s1', fileDef) + stereoTrack('s2', '<file id="file-1"/>')), '/x/stereo.xml');
    expect(s.tracks.map((t) => t.channels)).toEqual([2, 2]);
    for (const t of s.tracks) {
      expect(t.clips[0]!.channel ?? null).toBeNull();
      expect(channelMediaFor(t.clips[0]!, t.channels, new Map(s.media.map((m) => [m.id, m])))).toEqual([
        { mediaId: 'file-1', channel: 1 },
        { mediaId: 'file-1', channel: 2 },
      ]);
    }
  });

  it('drop-frame sequence timecode; a disabled track is muted; missing media is reported, not invented', () => {
    const tc = `<timecode>${rate(30, true)}<string>00:59:59;28</string><frame>107890</frame><displayformat>DF</displayformat></timecode>`;
    const body = `<track>
      ${clipitem({ id: 'a', name: 'no such file', start: 0, end: 30, inF: 0, outF: 30, file: '<file id="file-9"><name>gone.wav</name><pathurl>file:///nowhere/gone.wav</pathurl></file>' })}
      ${clipitem({ id: 'b', name: 'undefined file', start: 30, end: 60, inF: 0, outF: 30, file: '<file id="file-404"/>' })}
      ${clipitem({ id: 'c', name: 'off', start: 60, end: 90, inF: 0, outF: 30, file: '<file id="file-9"/>', enabled: false })}
      <enabled>FALSE</enabled></track>`;
    const s = xmemlToSession(xmeml(body, tc).replace(rate(24, true), rate(30, true)), '/x/df.xml');
    expect(s.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(s.dropFrame).toBe(true);
    expect(s.startTimecode).toBe('00:59:59;28');
    expect(s.tracks[0]!.muted).toBe(true);
    const [a, b, c] = s.tracks[0]!.clips;
    expect(s.media.find((m) => m.id === a!.mediaId)).toMatchObject({ path: '/nowhere/gone.wav', resolvedPath: null });
    expect(b!.mediaId).toBeNull();
    expect(s.warnings.some((w) => w.includes('file-404'))).toBe(true);
    expect(c!.muted).toBe(true);
    expect(c!.mediaId).toBe(a!.mediaId);
  });
});

describe('fcp-xml adapter: project exports', () => {
  it('finds a sequence inside <project><children><bin>, and picks one by name', () => {
    const seqXml = (name: string, tb: number) =>
      `<sequence id="${name}"><name>${name}</name>${rate(tb, false)}<media><audio><track>${clipitem({ id: `c-${name}`, name: 'FX', start: 5, end: 15, inF: 0, outF: 10, file: `<file id="f-${name}"><name>fx.wav</name><pathurl>file:///fx.wav</pathurl></file>` })}</track></audio></media></sequence>`;
    const text = `<?xml version="1.0"?><xmeml version="4"><project><name>P</name><children><bin><name>Reels</name><children>${seqXml('R1', 25)}${seqXml('R2', 24)}</children></bin></children></project></xmeml>`;
    const first = xmemlToSession(text, '/x/p.xml');
    expect(first.name).toBe('R1');
    expect(first.frameRate).toEqual({ num: 25, den: 1 });
    expect(first.warnings.some((w) => w.includes('2 sequences'))).toBe(true);
    const second = xmemlToSession(text, '/x/p.xml', { composition: 'R2' });
    expect(second.frameRate).toEqual({ num: 24, den: 1 });
    expect(second.tracks[0]!.clips[0]!.start.value).toBe(5);
  });
});

describe('fcp-xml adapter: bad input', () => {
  it('refuses every file of the other corpus formats by sniffing', () => {
    const others = otherCorpusFiles('fcp7xml');
    expect(others.length).toBeGreaterThan(100);
    const claimed = others.filter((f) => fcpXmlAdapter.sniff(new Uint8Array(readFileSync(f).subarray(0, 65536)), path.basename(f)));
    expect(claimed).toEqual([]);
  });


  const tmp = mkdtempSync(path.join(os.tmpdir(), 'dubstage-xmeml-'));
  const good = xmeml(`<track>${clipitem({ id: 'a', name: 'A', start: 0, end: 10, inF: 0, outF: 10, file: fileDef })}</track>`);

  it('a truncated file is a bad-session error naming the line', async () => {
    const p = path.join(tmp, 'truncated.xml');
    writeFileSync(p, good.slice(0, Math.floor(good.length * 0.6)));
    expect(fcpXmlAdapter.sniff(head(p), 'truncated.xml')).toBe(true);
    const err = await fcpXmlAdapter.read(p, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).code).toBe('bad-session');
    expect((err as DubstageError).line).toBeGreaterThan(0);
    expect((err as DubstageError).message).toMatch(/line \d+/);
  });

  it('garbled content is a bad-session error naming the line', () => {
    const garbled = good.replace('<start>0</start>', '<start>0</strat>');
    const line = garbled.slice(0, garbled.indexOf('</strat>')).split('\n').length;
    try {
      xmemlToSession(garbled, '/x/garbled.xml');
      throw new Error('no error');
    } catch (e) {
      expect((e as DubstageError).code).toBe('bad-session');
      expect((e as DubstageError).line).toBe(line);
    }
  });

  it('a sequence without a rate names the element', () => {
    const norate = good.replace(/<sequence id="seq-1">\s*<name>Reel 1 Dx<\/name>\s*<rate>.*?<\/rate>/s, '<sequence id="seq-1"><name>Reel 1 Dx</name>');
    expect(() => xmemlToSession(norate, '/x/norate.xml')).toThrow(/<sequence> 'Reel 1 Dx' has no <rate>/);
  });

  it('other formats are refused by sniffing', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(fcpXmlAdapter.sniff(enc('<?xml version="1.0"?>\n<!DOCTYPE fcpxml>\n<fcpxml version="1.11">'), 'x.xml')).toBe(false);
    expect(fcpXmlAdapter.sniff(enc('<REAPER_PROJECT 0.1 "7.0" 1\n'), 'x.xml')).toBe(false);
    expect(fcpXmlAdapter.sniff(enc('TITLE: REEL 1\nFCM: NON-DROP FRAME\n'), 'x.xml')).toBe(false);
    expect(fcpXmlAdapter.sniff(enc('\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<xmeml version="4">'), 'x.bin')).toBe(true);
  });
});

// Premix over sessions built by code in FCP 7 XML (xmeml) and Pro Tools session text, over media generated
// here: each track, group and scene within 0.05 LU of `measure` on the expected render, computed by plain
// loops (./fixtures.ts) from what the session states, independently of the adapters and the renderer.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import { premix } from '../../src/render/premix.js';
import { close, expectedRender, maxDiff, measureExpected, programme, renderedTrack, SR, tempDir, writeMedia, type SpecTrack } from './fixtures.js';

describe('premix of an FCP 7 XML (xmeml) sequence', () => {
  const dir = tempDir();
  const media = writeMedia(dir, [
    { file: 'dx1.wav', channels: [programme(30, 41, 0.3)] },
    { file: 'dx2.wav', channels: [programme(30, 42, 0.2, 5)] },
    { file: 'mx.wav', channels: [programme(40, 43, 0.1, 9), programme(40, 44, 0.1, 11)] },
  ]);
  const rate = '<rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate>';
  const fileDef = (id: string, name: string, channels: number) =>
    `<file id="${id}"><name>${name}</name><pathurl>file://localhost${encodeURI(path.join(dir, name))}</pathurl>${rate}<media><audio><samplecharacteristics><depth>32</depth><samplerate>48000</samplerate></samplecharacteristics><channelcount>${channels}</channelcount></audio></media></file>`;
  const levels = (linear: number) =>
    `<filter><effect><name>Audio Levels</name><effectid>audiolevels</effectid><effectcategory>audiolevels</effectcategory><effecttype>audiolevels</effecttype><mediatype>audio</mediatype><parameter><parameterid>level</parameterid><name>Level</name><valuemin>0</valuemin><valuemax>3.98109</valuemax><value>${linear}</value></parameter></effect></filter>`;
  const link = (ref: string, track: number, group: number) =>
    `<link><linkclipref>${ref}</linkclipref><mediatype>audio</mediatype><trackindex>${track}</trackindex><clipindex>1</clipindex><groupindex>${group}</groupindex></link>`;
  const clipitem = (o: { id: string; name: string; start: number; end: number; inF: number; outF: number; file: string; ch: number; enabled?: boolean; extra?: string }) =>
    `<clipitem id="${o.id}"><name>${o.name}</name><duration>750</duration>${rate}<start>${o.start}</start><end>${o.end}</end><enabled>${o.enabled === false ? 'FALSE' : 'TRUE'}</enabled><in>${o.inF}</in><out>${o.outF}</out>${o.file}<sourcetrack><mediatype>audio</mediatype><trackindex>${o.ch}</trackindex></sourcetrack>${o.extra ?? ''}</clipitem>`;
  // A1: dx1 (in 25) crosses into dx2 (in 100, levels 0.5) through a 20-frame "Cross Fade (0dB)" at
  // 115..135 (edges written as -1, as FCP 7 does); a disabled clip at the end. A2/A3: a linked stereo pair.
  const a1 = `<track>
    ${clipitem({ id: 'c1', name: 'dx1', start: 0, end: -1, inF: 25, outF: 160, file: fileDef('f1', 'dx1.wav', 1), ch: 1 })}
    <transitionitem>${rate}<start>115</start><end>135</end><alignment>center</alignment><effect><name>Cross Fade (0dB)</name><effectid>KGAudioTransCrossFade0dB</effectid><effecttype>transition</effecttype><mediatype>audio</mediatype></effect></transitionitem>
    ${clipitem({ id: 'c2', name: 'dx2', start: -1, end: 400, inF: 100, outF: 385, file: fileDef('f2', 'dx2.wav', 1), ch: 1, extra: levels(0.5) })}
    ${clipitem({ id: 'c3', name: 'dx1 alt', start: 420, end: 470, inF: 0, outF: 50, file: '<file id="f1"/>', ch: 1, enabled: false })}
    <enabled>TRUE</enabled><locked>FALSE</locked></track>`;
  const pair = (ch: number, file: string) => `<track>
    ${clipitem({ id: `m${ch}`, name: 'mx', start: 50, end: 450, inF: 125, outF: 525, file, ch, extra: levels(0.7) + link('m1', 2, 1) + link('m2', 3, 1) })}
    <enabled>TRUE</enabled><locked>FALSE</locked></track>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xmeml>
<xmeml version="4">
  <sequence id="sequence-1">
    <name>Reel 2 premix</name>
    <duration>470</duration>
    ${rate}
    <timecode>${rate}<string>01:00:00:00</string><frame>90000</frame><displayformat>NDF</displayformat></timecode>
    <marker><name>SC 4</name><comment></comment><in>0</in><out>-1</out></marker>
    <marker><name>SC 5</name><comment></comment><in>200</in><out>-1</out></marker>
    <media>
      <video><format><samplecharacteristics>${rate}<width>1920</width><height>1080</height></samplecharacteristics></format><track><enabled>TRUE</enabled></track></video>
      <audio>
        <format><samplecharacteristics><depth>24</depth><samplerate>48000</samplerate></samplecharacteristics></format>
        <outputs><group><index>1</index><numchannels>2</numchannels><downmix>0</downmix><channel><index>1</index></channel><channel><index>2</index></channel></group></outputs>
        ${a1}
        ${pair(1, fileDef('f3', 'mx.wav', 2))}
        ${pair(2, '<file id="f3"/>')}
      </audio>
    </media>
  </sequence>
</xmeml>
`;
  const file = path.join(dir, 'reel2.xml');
  writeFileSync(file, xml);
  const dx: SpecTrack = {
    name: 'A1',
    channels: 1,
    clips: [
      { media: 'dx1.wav', start: 0, length: 5.4, offset: 1, fadeOut: 0.8 },
      { media: 'dx2.wav', start: 4.6, length: 11.4, offset: 4, fadeIn: 0.8, gainDb: 20 * Math.log10(0.5) },
      { media: 'dx1.wav', start: 16.8, length: 2, offset: 0, muted: true },
    ],
  };
  const mx: SpecTrack = { name: 'A2', channels: 2, clips: [{ media: 'mx.wav', start: 2, length: 16, offset: 5, gainDb: 20 * Math.log10(0.7) }] };
  const end = 18.8;

  it('renders clip in points, levels, the cross fade and the disabled clip sample-accurately', async () => {
    const got = await renderedTrack(file, 'A1');
    const want = expectedRender([dx], media, 1, 0, end);
    expect(got[0]!.length).toBe(Math.round(end * SR));
    expect(maxDiff(got, want)).toBeLessThan(2e-6);
    const pairGot = await renderedTrack(file, 'A2');
    expect(maxDiff(pairGot, expectedRender([mx], media, 2, 0, end))).toBeLessThan(2e-6);
  });

  it('tracks, --group premixes and marker scenes within 0.05 LU of measure on the expected render', async () => {
    const run = await premix(await readSession(file), { groups: [{ name: 'dialogue', tracks: ['A1'] }, { name: 'music', tracks: ['A2'] }] });
    const r = run.result;
    expect(r.session).toMatchObject({ format: 'fcp-xml', startTimecode: '01:00:00:00', durationSeconds: end });
    expect(r.tracks.map((t) => [t.name, t.channels, t.clips, t.missingClips])).toEqual([
      ['A1', 1, 3, 0],
      ['A2', 2, 1, 0],
    ]);
    const dxRender = expectedRender([dx], media, 1, 0, end);
    close(r.tracks[0]!.loudness, await measureExpected(dir, 'xmeml-a1', dxRender), 'A1');
    close(r.tracks[1]!.loudness, await measureExpected(dir, 'xmeml-a2', expectedRender([mx], media, 2, 0, end)), 'A2');
    expect(r.groups.map((g) => [g.name, g.tracks])).toEqual([
      ['dialogue', ['A1']],
      ['music', ['A2']],
    ]);
    close(r.groups[0]!.loudness, await measureExpected(dir, 'xmeml-dx', dxRender), 'dialogue');
    expect(r.scenes.map((s) => [s.name, s.startTimecode, s.endSeconds])).toEqual([
      ['SC 4', '01:00:00:00', 8],
      ['SC 5', '01:00:08:00', end],
    ]);
    const s4 = await measureExpected(dir, 'xmeml-sc4', dxRender, { from: 0, to: 8 });
    const s5 = await measureExpected(dir, 'xmeml-sc5', dxRender, { from: 8, to: end });
    expect(Math.abs(r.scenes[0]!.dialogueLufs! - s4.integratedLufs!)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r.scenes[1]!.dialogueLufs! - s5.integratedLufs!)).toBeLessThanOrEqual(0.05);
  });
});

describe('premix of a Pro Tools session text (positions only)', () => {
  const dir = tempDir();
  const media = writeMedia(dir, [
    { file: 'DX Line 01.wav', channels: [programme(12, 51, 0.3)] },
    { file: 'DX Line 02.wav', channels: [programme(12, 52, 0.25, 4)] },
    { file: 'Score 1M1.wav', channels: [programme(20, 53, 0.1, 9), programme(20, 54, 0.1, 13)] },
    { file: 'Door.wav', channels: [programme(4, 55, 0.5, 2)] },
  ]);
  const T = '\t';
  const TABLE = `CHANNEL ${T}EVENT   ${T}CLIP NAME                     ${T}START TIME    ${T}END TIME      ${T}DURATION      ${T}STATE`;
  const row = (ch: number, ev: number, name: string, start: string, end: string, dur: string, state = 'Unmuted') =>
    [String(ch).padEnd(8), String(ev).padEnd(8), name.padEnd(30), `   ${start}`, `   ${end}`, `   ${dur}`, state].join(T);
  const trackHead = (name: string, state = '') => [`TRACK NAME:${T}${name}`, `COMMENTS:${T}`, `USER DELAY:${T}0 Samples`, `STATE: ${state}`, 'PLUG-INS: ', TABLE];
  const lines = [
    `SESSION NAME:${T}Reel 3 premix`,
    `SAMPLE RATE:${T}48000.000000`,
    `BIT DEPTH:${T}24-bit`,
    `SESSION START TIMECODE:${T}00:59:58:00`,
    `TIMECODE FORMAT:${T}25 Frame`,
    `# OF AUDIO TRACKS:${T}4`,
    `# OF AUDIO CLIPS:${T}6`,
    `# OF AUDIO FILES:${T}4`,
    '',
    '',
    'O N L I N E  F I L E S  I N  S E S S I O N',
    `Filename                 ${T}Location`,
    ...['DX Line 01.wav', 'DX Line 02.wav', 'Score 1M1.wav', 'Door.wav'].map((f) => `${f.padEnd(25)}${T}Macintosh HD:Users:mixer:Reel 3:Audio Files:`),
    '',
    '',
    'O N L I N E  C L I P S  I N  S E S S I O N',
    `CLIP NAME              ${T}Source File`,
    `DX Line 01             ${T}DX Line 01.wav`,
    `DX Line 02-03          ${T}DX Line 02.wav`,
    `Score 1M1.L            ${T}Score 1M1.wav      ${T}[1]`,
    `Score 1M1.R            ${T}Score 1M1.wav      ${T}[2]`,
    `Door                   ${T}Door.wav`,
    '',
    '',
    'T R A C K  L I S T I N G',
    ...trackHead('DX 1'),
    row(1, 1, '(fade in)', '01:00:00:00', '01:00:00:10', '00:00:00:10'),
    row(1, 2, 'DX Line 01', '01:00:00:10', '01:00:06:00', '00:00:05:15'),
    row(1, 3, 'DX Line 02-03', '01:00:08:00', '01:00:16:00', '00:00:08:00'),
    row(1, 4, '(fade out)', '01:00:16:00', '01:00:16:20', '00:00:00:20'),
    '',
    '',
    ...trackHead('MX Score (Stereo)'),
    row(1, 1, 'Score 1M1.L', '01:00:01:00', '01:00:18:00', '00:00:17:00'),
    row(2, 1, 'Score 1M1.R', '01:00:01:00', '01:00:18:00', '00:00:17:00'),
    '',
    '',
    ...trackHead('FX Doors'),
    row(1, 1, 'Door', '01:00:05:00', '01:00:08:12', '00:00:03:12'),
    row(1, 2, 'Door', '01:00:12:00', '01:00:14:00', '00:00:02:00', 'Muted'),
    '',
    '',
    ...trackHead('DX 2 (alt)', 'Inactive'),
    row(1, 1, 'DX Line 02-03', '01:00:02:00', '01:00:07:00', '00:00:05:00'),
    '',
    '',
    'M A R K E R S  L I S T I N G',
    `#   ${T}LOCATION     ${T}TIME REFERENCE    ${T}UNITS    ${T}NAME                             ${T}COMMENTS`,
    `1   ${T}01:00:00:00  ${T}96000             ${T}Samples  ${T}Sc 12 INT. LOFT                  ${T}`,
    `2   ${T}01:00:10:00  ${T}576000            ${T}Samples  ${T}Sc 13 EXT. ROOF                  ${T}`,
  ];
  const file = path.join(dir, 'Reel 3 premix.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  // session clock 00:59:58:00: 01:00:00:00 is 2 s in; every clip plays its file from frame 0 (the text
  // export gives no source offsets); the fade rows are folded into their clips
  const dx1: SpecTrack = {
    name: 'DX 1',
    channels: 1,
    clips: [
      { media: 'DX Line 01.wav', start: 2, length: 6, offset: 0, fadeIn: 0.4 },
      { media: 'DX Line 02.wav', start: 10, length: 8.8, offset: 0, fadeOut: 0.8 },
    ],
  };
  const mx: SpecTrack = { name: 'MX Score (Stereo)', channels: 2, clips: [{ media: 'Score 1M1.wav', start: 3, length: 17, offset: 0 }] };
  const fx: SpecTrack = { name: 'FX Doors', channels: 1, clips: [{ media: 'Door.wav', start: 7, length: 3.48, offset: 0 }, { media: 'Door.wav', start: 14, length: 2, offset: 0, muted: true }] };
  const alt: SpecTrack = { name: 'DX 2 (alt)', channels: 1, clips: [{ media: 'DX Line 02.wav', start: 4, length: 5, offset: 0 }] };
  const end = 20;

  it('renders each track sample-accurately from its positions, fades folded, muted clip silent', async () => {
    for (const t of [dx1, mx, fx]) {
      const got = await renderedTrack(file, t.name);
      expect(maxDiff(got, expectedRender([t], media, t.channels, 0, end)), t.name).toBeLessThan(2e-6);
    }
  });

  it('tracks, groups by name (the inactive track measured but left out) and scenes within 0.05 LU', async () => {
    const run = await premix(await readSession(file));
    const r = run.result;
    expect(r.session).toMatchObject({ format: 'protools', name: 'Reel 3 premix', startTimecode: '00:59:58:00', durationSeconds: end });
    expect(r.tracks.map((t) => [t.name, t.channels, t.muted, t.role, t.clips])).toEqual([
      ['DX 1', 1, false, 'dialogue', 2],
      ['MX Score (Stereo)', 2, false, 'music', 1],
      ['FX Doors', 1, false, 'effects', 2],
      ['DX 2 (alt)', 1, true, 'dialogue', 1],
    ]);
    for (const [i, t] of [dx1, mx, fx, alt].entries()) {
      close(r.tracks[i]!.loudness, await measureExpected(dir, `pt-${t.name}`, expectedRender([t], media, t.channels, 0, end)), t.name);
    }
    expect(r.groups.map((g) => [g.name, g.tracks])).toEqual([
      ['dialogue', ['DX 1']],
      ['music', ['MX Score (Stereo)']],
      ['effects', ['FX Doors']],
    ]);
    const dxRender = expectedRender([dx1], media, 1, 0, end);
    close(r.groups[0]!.loudness, await measureExpected(dir, 'pt-dialogue', dxRender), 'dialogue');
    expect(r.scenes.map((s) => [s.name, s.startSeconds, s.endSeconds])).toEqual([
      ['Sc 12 INT. LOFT', 2, 12],
      ['Sc 13 EXT. ROOF', 12, end],
    ]);
    const a = await measureExpected(dir, 'pt-sc12', dxRender, { from: 2, to: 12 });
    const b = await measureExpected(dir, 'pt-sc13', dxRender, { from: 12, to: end });
    expect(Math.abs(r.scenes[0]!.dialogueLufs! - a.integratedLufs!)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r.scenes[1]!.dialogueLufs! - b.integratedLufs!)).toBeLessThanOrEqual(0.05);
  });
});

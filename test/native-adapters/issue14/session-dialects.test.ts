/**
 * Issue 14: session files from writers and years the corpus lacks, built here in the shape of the
 * real ones found (Pro Tools 7-9 session text, Avid/FCP X/59.94 EDLs, REAPER with an unnamed track,
 * an FCPXML with no audio). The expected sessions are known by construction.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../../native-adapters/index.js';
import { formatSessionSummary } from '../../../src/report/session-text.js';
import { sessionToJson } from '../../../src/session/json.js';
import { mediaReport } from '../../../src/session/media.js';
import { toSeconds } from '../../../src/session/time.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-i14-'));
const T = '\t';
function write(name: string, lines: string[], eol = '\n'): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join(eol) + eol);
  return file;
}

describe('Pro Tools 7-9 session text (TIME CODE FORMAT, REGIONS, no start timecode)', () => {
  // the shape of a Pro Tools 8 "Export Session Info as Text": no SESSION START TIMECODE line,
  // 'TIME CODE FORMAT:', REGIONS sections and a REGION NAME column, no STATE column in the table
  const lines = [
    `SESSION NAME:${T}Reel 3 Mix`,
    `SAMPLE RATE:${T}48000.000000`,
    `BIT DEPTH:${T}24-bit`,
    `TIME CODE FORMAT:${T}29.97 Drop Frame`,
    `# OF AUDIO TRACKS:${T}2`,
    `# OF AUDIO REGIONS:${T}3`,
    `# OF AUDIO FILES:${T}3`,
    '',
    '',
    'O N L I N E  F I L E S  I N  S E S S I O N',
    `Filename                                ${T}Location`,
    `DX_01.wav${T}Macintosh HD:Sessions:Reel 3:Audio Files:`,
    `FX_01.L.wav${T}Macintosh HD:Sessions:Reel 3:Audio Files:`,
    `FX_01.R.wav${T}Macintosh HD:Sessions:Reel 3:Audio Files:`,
    '',
    '',
    'O N L I N E  R E G I O N S  I N  S E S S I O N',
    `REGION NAME                     ${T}Source File`,
    `DX_01-03                        ${T}DX_01.wav`,
    `FX_01.L                         ${T}FX_01.L.wav`,
    `FX_01.R                         ${T}FX_01.R.wav`,
    '',
    '',
    'T R A C K  L I S T I N G',
    `TRACK NAME:${T}DX 1`,
    `COMMENTS:${T}`,
    `USER DELAY:${T}0 Samples`,
    `STATE: `,
    `PLUG-INS: `,
    `CHANNEL ${T}EVENT   ${T}REGION NAME                     ${T}START TIME    ${T}END TIME      ${T}DURATION      `,
    `1       ${T}1       ${T}DX_01-03                        ${T}01:00:10;00   ${T}01:00:12;00   ${T}00:00:02;00   `,
    '',
    '',
    `TRACK NAME:${T}FX (Stereo)`,
    `COMMENTS:${T}`,
    `USER DELAY:${T}0 Samples`,
    `STATE: `,
    `PLUG-INS: `,
    `CHANNEL ${T}EVENT   ${T}REGION NAME                     ${T}START TIME    ${T}END TIME      ${T}DURATION      `,
    `1       ${T}1       ${T}FX_01.L                         ${T}01:00:20;00   ${T}01:00:21;00   ${T}00:00:01;00   `,
    `2       ${T}1       ${T}FX_01.R                         ${T}01:00:20;00   ${T}01:00:21;00   ${T}00:00:01;00   `,
  ];

  it('reads the dialect; the missing start timecode is a warning; each channel names its own file', async () => {
    const s = await readSession(write('pt8.txt', lines, '\r'));
    expect(s.format).toBe('protools');
    expect(s.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(s.dropFrame).toBe(true);
    expect(s.startTimecode).toBe('00:00:00;00');
    expect(s.warnings.some((w) => /no 'SESSION START TIMECODE:' line/.test(w))).toBe(true);
    expect(s.tracks.map((t) => [t.name, t.channels, t.clips.length])).toEqual([['DX 1', 1, 1], ['FX (Stereo)', 2, 1]]);
    const dx = s.tracks[0]!.clips[0]!;
    // absolute timecode from 00:00:00;00: 01:00:10;00 DF is frame 108192 at 30000/1001
    expect(toSeconds(dx.start)).toBeCloseTo((108192 * 1001) / 30000, 9);
    expect(s.media.find((m) => m.id === dx.mediaId)!.name).toBe('DX_01.wav');
    const fx = s.tracks[1]!.clips[0]!;
    const names = fx.channelMedia!.map((c) => s.media.find((m) => m.id === c.mediaId)!.name);
    expect(names).toEqual(['FX_01.L.wav', 'FX_01.R.wav']);
    // both multi-mono files are used by the clip: neither is "used by no clip"
    for (const p of mediaReport(s).missing) expect(p.clips.length).toBeGreaterThan(0);
  });

  it('a header with no timecode format at all is still refused, naming both spellings', async () => {
    const file = write('pt-notc.txt', lines.filter((l) => !l.startsWith('TIME CODE FORMAT')));
    await expect(readSession(file)).rejects.toThrow(/no 'TIMECODE FORMAT:' line \(nor Pro Tools 7-9's 'TIME CODE FORMAT:'\)/);
  });
});

describe('EDL: one odd line never costs the list', () => {
  it('Avid dissolves with a blank transition field and FCM repeated per event', async () => {
    const ev: string[] = ['TITLE: R1 DX', 'FCM: NON-DROP FRAME'];
    for (let n = 1; n <= 40; n++) {
      const rec = 100 + n * 2;
      const tc = (s: number) => `01:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}:00`;
      ev.push(`${String(n).padStart(3, '0')}  TAPE${n}    A     C        00:00:10:00 00:00:12:00 ${tc(rec)} ${tc(rec + 2)}`);
      ev.push('FCM: NON-DROP FRAME');
    }
    // event 041: a dissolve written with its duration and no 'D' (cut line, then the incoming line)
    ev.push('041  TAPE40   A     C        00:00:12:00 00:00:12:00 01:03:02:00 01:03:02:00');
    ev.push('041  TAPE41   A          012 00:00:20:00 00:00:22:00 01:03:02:00 01:03:04:00');
    const s = await readSession(write('avid.edl', ev, '\r\n'), { fps: { num: 25, den: 1 } });
    const clips = s.tracks[0]!.clips;
    expect(clips).toHaveLength(41);
    const last = clips[clips.length - 1]!;
    expect(last.name).toBe('TAPE41');
    expect(last.fadeInSeconds).toBeCloseTo(12 / 25, 9);
    expect(s.warnings.some((w) => /event 041 has a duration \(12\) but no transition code; read as a dissolve/.test(w))).toBe(true);
  });

  it('an FCP X list whose header comment wraps onto lines without *', async () => {
    const s = await readSession(write('fcpx.edl', [
      'TITLE: Project 1',
      'FCM: NON-DROP FRAME',
      '* EXPORTED BY FINAL CUT PRO X ON 2019-03-14 AT 10:22, A LONG COMMENT THAT THE WRITER WRAPPED',
      '2019 EDITION NOTES CONTINUE HERE WITHOUT A STAR',
      'AND HERE',
      '',
      '001  AX       AA    C        00:00:00:00 00:00:05:00 01:00:00:00 01:00:05:00',
      '* FROM CLIP NAME: music.wav',
    ]), { fps: { num: 25, den: 1 } });
    expect(s.tracks.map((t) => t.name)).toEqual(['A1', 'A2']);
    expect(s.warnings.some((w) => /line 4: not an event line .*skipped/.test(w))).toBe(true);
  });

  it('infers 59.94 from drop frame plus frame numbers past 29', async () => {
    const s = await readSession(write('df5994.edl', [
      'TITLE: HFR',
      'FCM: DROP FRAME',
      '001  AX       A     C        00:00:00;00 00:00:01;34 01:00:00;00 01:00:01;34',
    ]));
    expect(s.frameRate).toEqual({ num: 60000, den: 1001 });
    expect(s.dropFrame).toBe(true);
    // 1 s 34 frames at 59.94 DF = 94 frames
    expect(s.tracks[0]!.clips[0]!.duration.value).toBe(94);
    expect(s.warnings.some((w) => /implies 59\.94/.test(w))).toBe(true);
  });

  it('reverse speed (M2 … -25.0) on an audio event is said, not read silently as forward', async () => {
    const s = await readSession(write('rev.edl', [
      'TITLE: REV',
      'FCM: NON-DROP FRAME',
      '001  AX       A     C        00:00:10:00 00:00:12:00 01:00:00:00 01:00:02:00',
      'M2   AX       -025.0                00:00:10:00',
    ]), { fps: { num: 25, den: 1 } });
    expect(s.tracks[0]!.clips).toHaveLength(1);
    expect(s.warnings.some((w) => /audio event 001 plays its source in reverse \(M2 -25\)/.test(w))).toBe(true);
  });
});

describe('a session with no audio is a session, in every adapter', () => {
  it('FCPXML with only titles/images: zero tracks and a warning', async () => {
    const s = await readSession(write('noaudio.fcpxml', [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE fcpxml>',
      '<fcpxml version="1.10"><resources><format id="r1" frameDuration="1001/24000s" width="1920" height="1080"/>',
      '<asset id="r2" name="still" start="0s" duration="0s" hasVideo="1" format="r1"><media-rep kind="original-media" src="file:///tmp/still.png"/></asset></resources>',
      '<library><event name="E"><project name="P"><sequence format="r1" duration="48048/24000s" tcStart="0s">',
      '<spine><video ref="r2" offset="0s" duration="48048/24000s" name="still"/></spine></sequence></project></event></library></fcpxml>',
    ]));
    expect(s.tracks).toEqual([]);
    expect(s.warnings.filter((w) => w.startsWith('no audio tracks'))).toHaveLength(1);
  });

  it('an EDL with a title and no events: zero tracks and a warning', async () => {
    const s = await readSession(write('empty.edl', ['TITLE: EMPTY', 'FCM: NON-DROP FRAME']));
    expect(s.tracks).toEqual([]);
    expect(s.warnings.filter((w) => w.startsWith('no audio tracks'))).toHaveLength(1);
  });
});

describe('REAPER: an empty NAME stays empty', () => {
  it('JSON says what the file says; the text shows "(unnamed track 1)"', async () => {
    const file = write('unnamed.RPP', [
      '<REAPER_PROJECT 0.1 "6.61/win64" 1650000000',
      '  SAMPLERATE 48000 0 0',
      '  <TRACK {11111111-2222-3333-4444-555555555555}',
      '    NAME ""',
      '    NCHAN 2',
      '    <ITEM',
      '      POSITION 1',
      '      LENGTH 2',
      '      NAME take',
      '      <SOURCE WAVE',
      '        FILE "missing.wav"',
      '      >',
      '    >',
      '  >',
      '  <TRACK {21111111-2222-3333-4444-555555555555}',
      '    NAME Music',
      '  >',
      '>',
    ]);
    const s = await readSession(file);
    expect(sessionToJson(s).tracks.map((t) => t.name)).toEqual(['', 'Music']);
    const text = formatSessionSummary(s, mediaReport(s));
    expect(text).toMatch(/\(unnamed track 1\)\s+2 ch\s+1 clip/);
    expect(text).toMatch(/\(unnamed track 1\): 1 clip \('take'\)/);
  });
});

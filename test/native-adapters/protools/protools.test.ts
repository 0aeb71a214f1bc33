// Pro Tools session texts written here, so the expected session is known by construction.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../../native-adapters/index.js';
import { DubstageError } from '../../../src/errors.js';
import { sessionToJson } from '../../../src/session/json.js';
import { mediaReport } from '../../../src/session/media.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-pt-'));

/** Mac OS Roman for the few non-ASCII characters used here (Apple ROMAN.TXT). */
const MAC_ROMAN: Record<string, number> = { 'é': 0x8e, 'è': 0x8f, '’': 0xd5, '…': 0xc9, 'ü': 0x9f, '—': 0xd1 };
function macRoman(text: string): Buffer {
  return Buffer.from([...text].map((ch) => {
    const b = ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : MAC_ROMAN[ch];
    if (b === undefined) throw new Error(`no Mac Roman byte for ${ch} in this test table`);
    return b;
  }));
}

const T = '\t';
function header(name: string, rate = '25 Frame', start = '00:59:58:00'): string[] {
  return [
    `SESSION NAME:${T}${name}`,
    `SAMPLE RATE:${T}48000.000000`,
    `BIT DEPTH:${T}24-bit`,
    `SESSION START TIMECODE:${T}${start}`,
    `TIMECODE FORMAT:${T}${rate}`,
    `# OF AUDIO TRACKS:${T}2`,
    `# OF AUDIO CLIPS:${T}3`,
    `# OF AUDIO FILES:${T}2`,
    '',
    '',
  ];
}
const TABLE = `CHANNEL ${T}EVENT   ${T}CLIP NAME                     ${T}START TIME    ${T}END TIME      ${T}DURATION      ${T}STATE`;
function row(ch: number, ev: number, name: string, start: string, end: string, dur: string, state = 'Unmuted'): string {
  return [String(ch).padEnd(8), String(ev).padEnd(8), name.padEnd(30), `   ${start}`, `   ${end}`, `   ${dur}`, state].join(T);
}
function trackHead(name: string, state = ''): string[] {
  return [`TRACK NAME:${T}${name}`, `COMMENTS:${T}`, `USER DELAY:${T}0 Samples`, `STATE: ${state}`, `PLUG-INS: `, TABLE];
}

describe('Pro Tools text adapter', () => {
  it('reads a Mac Roman export (no marker) with a 5.1 track, fades and a crossfade', async () => {
    const lines = [
      ...header('Café Scène'),
      'T R A C K  L I S T I N G',
      ...trackHead('Dialogue Müller'),
      row(1, 1, 'Müller’s line…', '01:00:00:00', '01:00:02:00', '00:00:02:00'),
      '',
      '',
      ...trackHead('FX — Door (5.1)', 'Muted'),
    ];
    const channels = ['L', 'C', 'R', 'Ls', 'Rs', 'Lfe'];
    channels.forEach((suffix, i) => {
      lines.push(
        row(i + 1, 1, '(fade in)', '01:00:00:00', '01:00:00:05', '00:00:00:05'),
        row(i + 1, 2, `Door slam.${suffix}`, '01:00:00:05', '01:00:02:00', '00:00:01:20'),
        row(i + 1, 3, '(cross fade)', '01:00:02:00', '01:00:02:10', '00:00:00:10'),
        row(i + 1, 4, `Door creak.${suffix}`, '01:00:02:10', '01:00:04:00', '00:00:01:15', 'Muted'),
        '',
        '',
      );
    });
    lines.push('M A R K E R S  L I S T I N G', `#   ${T}LOCATION     ${T}TIME REFERENCE    ${T}UNITS    ${T}NAME                             ${T}COMMENTS`);
    lines.push(`1   ${T}01:00:01:00  ${T}144000            ${T}Samples  ${T}Café entrance…                   ${T}`);
    const file = path.join(dir, 'macroman.txt');
    writeFileSync(file, macRoman(lines.join('\n') + '\n'));

    const s = await readSession(file);
    const j = sessionToJson(s);
    expect(j.name).toBe('Café Scène');
    expect(j.frameRate).toEqual({ num: 25, den: 1 });
    expect(j.tracks.map((t) => [t.name, t.channels, t.clips.length])).toEqual([
      ['Dialogue Müller', 1, 1],
      ['FX — Door (5.1)', 6, 2],
    ]);
    expect(j.tracks[0]!.clips[0]).toMatchObject({ name: 'Müller’s line…', startSeconds: 2, durationSeconds: 2 });
    const [slam, creak] = j.tracks[1]!.clips;
    // (fade in) 01:00:00:00–00:05 joins the slam; the 10-frame crossfade belongs to both
    expect(slam).toMatchObject({ name: 'Door slam', startSeconds: 2, durationSeconds: 2.4, fadeInSeconds: 0.2, fadeOutSeconds: 0.4, muted: false });
    expect(creak).toMatchObject({ name: 'Door creak', startSeconds: 4, durationSeconds: 2, fadeInSeconds: 0.4, fadeOutSeconds: 0, muted: true });
    expect(s.tracks[1]!.muted).toBe(true);
    expect(j.markers).toEqual([{ name: 'Café entrance…', startSeconds: 3, timecode: '01:00:01:00' }]);
    expect(j.warnings).toEqual([]);
  });

  it('reports a clip whose file is missing, and finds the other in a --media folder', async () => {
    const media = path.join(dir, 'media');
    mkdirSync(media, { recursive: true });
    writeFileSync(path.join(media, 'Found.wav'), 'x');
    const lines = [
      ...header('Media'),
      'O N L I N E  F I L E S  I N  S E S S I O N',
      `Filename                 ${T}Location`,
      `Found.wav                ${T}Macintosh HD:Users:mixer:Show:Audio Files:`,
      `Lost.wav                 ${T}Macintosh HD:Users:mixer:Show:Audio Files:`,
      '',
      '',
      'O N L I N E  C L I P S  I N  S E S S I O N',
      `CLIP NAME              ${T}Source File`,
      `Found                  ${T}Found.wav`,
      `Lost-01                ${T}Lost.wav`,
      '',
      '',
      'T R A C K  L I S T I N G',
      ...trackHead('DX'),
      row(1, 1, 'Found', '01:00:00:00', '01:00:01:00', '00:00:01:00'),
      row(1, 2, 'Lost-01', '01:00:01:00', '01:00:02:00', '00:00:01:00'),
    ];
    const file = path.join(dir, 'media.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    const s = await readSession(file, { mediaDirs: [media] });
    expect(s.media.find((m) => m.name === 'Found.wav')!.resolvedPath).toBe(path.join(media, 'Found.wav'));
    expect(s.media.find((m) => m.name === 'Lost.wav')!.path).toBe('/Volumes/Macintosh HD/Users/mixer/Show/Audio Files/Lost.wav');
    const report = mediaReport(s);
    expect(report.missing.map((p) => p.media.name)).toEqual(['Lost.wav']);
    expect(report.missing[0]!.clips).toEqual([{ track: 'DX', clip: 'Lost-01' }]);
  });

  it('keeps a tab inside a clip name and takes samples as the time format', async () => {
    const lines = [
      ...header('Tabs'),
      'T R A C K  L I S T I N G',
      ...trackHead('DX'),
      ['1       ', '1       ', 'Line', 'with tab', '         48000', '         96000', '         48000', 'Unmuted'].join(T),
    ];
    const file = path.join(dir, 'tabs.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    const j = sessionToJson(await readSession(file));
    expect(j.tracks[0]!.clips[0]).toMatchObject({ name: 'Line\twith tab', startSeconds: 1, durationSeconds: 1 });
  });

  it('names the line of a truncated clip row and of a bad time', async () => {
    const base = [...header('Cut'), 'T R A C K  L I S T I N G', ...trackHead('DX')];
    const cut = path.join(dir, 'cut.txt');
    writeFileSync(cut, [...base, row(1, 1, 'ok', '01:00:00:00', '01:00:01:00', '00:00:01:00'), '1       \t2       \tcut here\t   01:00:0'].join('\n'));
    const err = await readSession(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).line).toBe(base.length + 2);
    expect((err as DubstageError).message).toMatch(/truncated/);

    const bad = path.join(dir, 'badtime.txt');
    writeFileSync(bad, [...base, row(1, 1, 'x', '01:00:0X:00', '01:00:01:00', '00:00:01:00')].join('\n'));
    await expect(readSession(bad)).rejects.toThrow(new RegExp(`line ${base.length + 1}: start time '01:00:0X:00' is not a Pro Tools time`));
  });

  it('refuses a header without a timecode format, naming what is missing', async () => {
    const file = path.join(dir, 'nohdr.txt');
    writeFileSync(file, `SESSION NAME:${T}X\nSAMPLE RATE:${T}48000.000000\n\n`);
    await expect(readSession(file)).rejects.toThrow(/no 'TIMECODE FORMAT:' line/);
  });

  it('refuses another format given as protools, by content', async () => {
    const rpp = path.join(dir, 'project.txt');
    writeFileSync(rpp, '<REAPER_PROJECT 0.1 "7.51/win64" 1700000000\n  SAMPLERATE 48000 0 0\n>\n');
    const err = await readSession(rpp, {}, 'protools').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).code).toBe('not-session');
  });
});

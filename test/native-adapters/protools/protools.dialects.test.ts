// Pro Tools session text from a Dutch broadcaster's sessions (2007-2012), rebuilt by code in the same
// shape: before online and offline lists were split, one 'R E G I O N S' (PT 7-8) or 'C L I P S  I N
// S E S S I O N' (PT 9-10) list maps each clip to its file; names are padded on the right only, so a
// name's own leading space (' VO Live 5.wav') stays, in the files list and in the clip list alike.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../../native-adapters/index.js';
import { toSeconds } from '../../../src/session/time.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-pt-dialects-'));
const T = '\t';
const pad = (s: string, n = 40) => s.padEnd(n);

function session(listTitle: string, nameColumn: string, clips: [string, string][], rows: [string, string, string][]): string {
  const files = [...new Set(clips.map(([, f]) => f))];
  return [
    `SESSION NAME:${T}Liveshow 5`,
    `SAMPLE RATE:${T}48000.000000`,
    `BIT DEPTH:${T}24-bit`,
    `TIME CODE FORMAT:${T}25 Frame`,
    `# OF AUDIO TRACKS:${T}1`,
    `# OF AUDIO ${nameColumn === 'REGION NAME' ? 'REGIONS' : 'CLIPS'}:${T}${clips.length}`,
    `# OF AUDIO FILES:${T}${files.length}`,
    '',
    '',
    'F I L E S  I N  S E S S I O N',
    `Filename${T}Location`,
    ...files.map((f) => `${pad(f)}${T}Mengwerk Media:PROJECTS:Liveshow 5:Audio Files:`),
    '',
    '',
    listTitle,
    `${pad(nameColumn)}${T}Source File`,
    ...clips.map(([c, f]) => `${pad(c)}${T}${f}`),
    '',
    '',
    'T R A C K  L I S T I N G',
    `TRACK NAME:${T}VO`,
    `COMMENTS:${T}`,
    `USER DELAY:${T}0 Samples`,
    `CHANNEL${T}EVENT${T}${nameColumn}${T}START TIME${T}END TIME${T}DURATION`,
    ...rows.map(([c, s, e], i) => `1${T}${i + 1}${T}${c}${T}${s}${T}${e}${T}00:00:01:00`),
    '',
    '',
  ].join('\r\n');
}

describe('Pro Tools 7-10: one clip list for online and offline', () => {
  it("PT 7-8 'R E G I O N S  I N  S E S S I O N' names each clip's file", async () => {
    const p = path.join(dir, 'pt8.txt');
    writeFileSync(p, session('R E G I O N S  I N  S E S S I O N', 'REGION NAME', [['Audio 1_01', 'Audio 1_01.wav'], ['Take 3', 'Audio 2_01.wav']], [['Take 3', '00:00:01:00', '00:00:02:00']]));
    const s = await readSession(p);
    expect(s.warnings.filter((w) => /not one dubstage knows/.test(w))).toEqual([]);
    const clip = s.tracks[0]!.clips[0]!;
    // named unlike its file: only the region list links them
    expect(s.media.find((m) => m.id === clip.mediaId)?.name).toBe('Audio 2_01.wav');
  });

  it("PT 9-10 'C L I P S  I N  S E S S I O N' with a name's own leading space", async () => {
    const p = path.join(dir, 'pt10.txt');
    writeFileSync(
      p,
      session('C L I P S  I N  S E S S I O N', 'CLIP NAME', [[' VO Live 5 RUW', ' VO Live 5 RUW.wav'], [' VO Live 5 RUW.wav.new.01_01-15', ' VO Live 5 RUW.wav.new.01_01.wav']], [[' VO Live 5 RUW.wav.new.01_01-15', '00:02:02:01', '00:02:07:11']]),
    );
    const s = await readSession(p);
    expect(s.warnings.filter((w) => /not one dubstage knows/.test(w))).toEqual([]);
    const clip = s.tracks[0]!.clips[0]!;
    const ref = s.media.find((m) => m.id === clip.mediaId)!;
    expect(ref.name).toBe(' VO Live 5 RUW.wav.new.01_01.wav');
    // the file is the one the files list holds, not a second entry made from a trimmed name
    expect(s.media.filter((m) => m.name.includes('01_01.wav'))).toHaveLength(1);
  });
});

// the shape of agent-orange's test exports (Pro Tools 6-7, 2006): the header cut down to its
// SESSION NAME line, times in feet+frames with a TIMESTAMP column, CR line ends
describe('a header with no TIMECODE FORMAT line', () => {
  const trimmed = (times: [string, string, string][]) =>
    [
      `SESSION NAME:${T}SHADING TEST`,
      '',
      'T R A C K  L I S T I N G',
      `TRACK NAME:${T}Shading Test `,
      `USER DELAY:${T}0 Samples`,
      `CHANNEL${T}EVENT${T}REGION NAME${T}START TIME${T}END TIME${T}DURATION${T}TIMESTAMP`,
      ...times.map(([s, e, d], k) => `1${T}${k + 1}${T}Cue ${k + 1}${T}${s}${T}${e}${T}${d}${T} 5400+00.00`),
      '',
    ].join('\r');

  it('reads feet+frames times (24 fps film, 16 frames a foot) and warns of each missing fact', async () => {
    const p = path.join(dir, 'feet-only.txt');
    writeFileSync(p, trimmed([['    9+00.00', '    9+01.00', '    0+01.00'], ['   72+05.00', '   74+13.00', '    2+08.00'], ['100+12.00', '112+15.00', '12+03.00']]));
    const s = await readSession(p);
    const clips = s.tracks[0]!.clips;
    expect(clips.map((c) => toSeconds(c.start))).toEqual([(9 * 16) / 24, (72 * 16 + 5) / 24, (100 * 16 + 12) / 24]);
    expect(clips.map((c) => toSeconds(c.duration))).toEqual([1 / 24, (2 * 16 + 8) / 24, (12 * 16 + 3) / 24]);
    for (const key of ['SAMPLE RATE', 'TIMECODE FORMAT', 'SESSION START TIMECODE']) expect(s.warnings.some((w) => w.includes(`no '${key}:' line`))).toBe(true);
  });

  it('still refuses when a time is timecode, which cannot be read without the rate', async () => {
    const p = path.join(dir, 'tc-no-rate.txt');
    writeFileSync(p, trimmed([['01:00:00:00', '01:00:01:00', '00:00:01:00']]));
    await expect(readSession(p)).rejects.toMatchObject({ code: 'bad-session', message: expect.stringMatching(/no 'TIMECODE FORMAT:' line.*cannot be read/) });
  });
});

// the shape of a Dutch broadcaster's Pro Tools 7 session on Windows (hz37's 'Kassa 8-12-2007'):
// Windows locations, a 'R E G I O N S' list that leaves out the rendered fades, fade files in the
// session's 'Fade Files' folder, and fade regions on the track ('Fade 1' with no file of its own,
// 'Fade yA1wz…' named after its file) between the trimmed clips they join
describe('Pro Tools 5-9 rendered fades', () => {
  const fps = 25;
  const tc = (f: number) => {
    const s = Math.floor(f / fps);
    return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}:${String(f % fps).padStart(2, '0')}`;
  };
  // [name, start frame, end frame]: in, crossfade, out around two clips, then a fade touching nothing
  const rows: [string, number, number][] = [
    ['Fade 1', 3400, 3405],
    ['ADSL deel 1_01-06.A1', 3405, 3473],
    ['Fade yA1wzdWewffaaaGk', 3473, 3475],
    ['ADSL deel 1_01-07.A1', 3475, 3515],
    ['Fade 2', 3515, 3522],
    ['Fade 3', 4000, 4004],
  ];
  const text = (fadeFolder: string) =>
    [
      `SESSION NAME:${T}Kassa 8-12-2007`,
      `SAMPLE RATE:${T}48000.000000`,
      `BIT DEPTH:${T}24-bit`,
      `TIME CODE FORMAT:${T}25 Frame`,
      `# OF AUDIO TRACKS:${T}1`,
      `# OF AUDIO REGIONS:${T}2`,
      `# OF AUDIO FILES:${T}3`,
      '',
      '',
      'F I L E S  I N  S E S S I O N',
      `Filename${T}Location`,
      `Fade yA1wzdWewffaaaGk.wav${T}G:\\[PARK POST]\\Kassa 8-12-2007\\${fadeFolder}\\`,
      `ADSL deel 1_01.A1.wav${T}G:\\[PARK POST]\\Kassa 8-12-2007\\Audio Files\\`,
      '',
      '',
      'R E G I O N S  I N  S E S S I O N',
      `REGION NAME${T}Source File`,
      `ADSL deel 1_01-06.A1${T}ADSL deel 1_01.A1.wav`,
      `ADSL deel 1_01-07.A1${T}ADSL deel 1_01.A1.wav`,
      '',
      '',
      'T R A C K  L I S T I N G',
      `TRACK NAME:${T}D1`,
      `USER DELAY:${T}0 Samples`,
      `CHANNEL${T}EVENT${T}REGION NAME${T}START TIME${T}END TIME${T}DURATION`,
      ...rows.map(([n, s, e], k) => `1${T}${k + 1}${T}${n}${T}${tc(s)}${T}${tc(e)}${T}${tc(e - s)}`),
      '',
      '',
    ].join('\r');

  it('folds each fade region into the clips it touches (in, cross, out); one touching nothing stays a clip', async () => {
    const p = path.join(dir, 'rendered-fades.txt');
    writeFileSync(p, text('Fade Files'));
    const s = await readSession(p);
    const clips = s.tracks[0]!.clips;
    expect(clips.map((c) => c.name)).toEqual(['ADSL deel 1_01-06.A1', 'ADSL deel 1_01-07.A1', 'Fade 3']);
    const [a, b] = clips;
    expect([toSeconds(a!.start), toSeconds(a!.duration)]).toEqual([3400 / fps, (3475 - 3400) / fps]);
    expect([a!.fadeInSeconds, a!.fadeOutSeconds]).toEqual([5 / fps, 2 / fps]);
    expect([toSeconds(b!.start), toSeconds(b!.duration)]).toEqual([3473 / fps, (3522 - 3473) / fps]);
    expect([b!.fadeInSeconds, b!.fadeOutSeconds]).toEqual([2 / fps, 7 / fps]);
    // Windows locations stay Windows paths
    expect(s.media.find((m) => m.name === 'ADSL deel 1_01.A1.wav')!.path).toBe('G:/[PARK POST]/Kassa 8-12-2007/Audio Files/ADSL deel 1_01.A1.wav');
  });

  it('without a Fade Files folder the same regions are ordinary clips', async () => {
    const p = path.join(dir, 'no-fade-folder.txt');
    writeFileSync(p, text('Bounced Files'));
    const s = await readSession(p);
    expect(s.tracks[0]!.clips.map((c) => c.name)).toEqual(rows.map(([n]) => n));
    expect(s.tracks[0]!.clips.every((c) => c.fadeInSeconds === 0 && c.fadeOutSeconds === 0)).toBe(true);
  });
});

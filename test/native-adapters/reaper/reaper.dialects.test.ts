// REAPER 7.07 (linux-x86_64) song projects from a church band's repository, rebuilt here by code in the
// same shape: a top-level track carrying ISBUS 2 -2 with no folder open (REAPER keeps the depth the user
// set), and a guide track stretched to the song's tempo with every item at another PLAYRATE.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reaperAdapter } from '../../../native-adapters/reaper/index.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dubstage-rpp-dialects-'));

function item(position: number, length: number, rate: number, file: string): string[] {
  return [
    '    <ITEM',
    `      POSITION ${position}`,
    '      SNAPOFFS 0',
    `      LENGTH ${length}`,
    '      LOOP 1',
    '      FADEIN 1 0.01 0 1 0 0 0',
    '      FADEOUT 1 0.01 0 1 0 0 0',
    '      MUTE 0 0',
    `      NAME "${file}"`,
    '      VOLPAN 1 0 1 -1',
    '      SOFFS 0',
    `      PLAYRATE ${rate} 1 0 -1 0 0.0025`,
    '      CHANMODE 0',
    '      <SOURCE WAVE',
    `        FILE "/home/user/Music/Assets/${file}"`,
    '      >',
    '    >',
  ];
}

function track(name: string, isbus: string, items: string[][]): string[] {
  return [
    '  <TRACK {8EE00CD4-CF46-468F-A617-D8E2FA40C3B4}',
    `    NAME ${name}`,
    '    VOLPAN 1 0 -1 -1 1',
    '    MUTESOLO 0 0 0',
    `    ISBUS ${isbus}`,
    '    NCHAN 2',
    ...items.flat(),
    '  >',
  ];
}

function project(tracks: string[][]): string {
  return ['<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1705000000', '  SAMPLERATE 48000 0 0', '  TEMPO 108 4 4', ...tracks.flat(), '>', ''].join('\n');
}

describe('REAPER song projects (7.07)', () => {
  it('says once, with its line, that a top track closes folders that were never opened', async () => {
    const p = path.join(tmp, 'cues.RPP');
    writeFileSync(p, project([track('""', '0 0', []), track('Cues', '2 -2', [item(0, 1.11111111111111, 1, 'English Female - 1.wav')])]));
    const s = await reaperAdapter.read(p, {});
    expect(s.tracks.map((t) => t.name)).toEqual(['', 'Cues']);
    expect(s.tracks[1]!.parentTrack).toBeUndefined();
    const w = s.warnings.filter((x) => /never opened/.test(x));
    // ISBUS sits on line 15: 3 header lines, track 1's 7 lines, then Cues' TRACK, NAME, VOLPAN, MUTESOLO, ISBUS
    expect(w).toEqual(["line 15: track 'Cues' closes 2 folder(s) that were never opened (ISBUS 2 -2); ignored"]);
  });

  it('says a stretched guide track once, not once per item', async () => {
    const items = Array.from({ length: 300 }, (_, i) => item(i * 1.6551724137931, 1.6551724137931, 0.75520833333333, `Guide ${i + 1}.wav`));
    const p = path.join(tmp, 'guide.RPP');
    writeFileSync(p, project([track('Guide', '0 0', items), track('Click', '0 0', [item(0, 4, 1.5, 'click.wav')])]));
    const s = await reaperAdapter.read(p, {});
    expect(s.tracks[0]!.clips).toHaveLength(300);
    const rateWarnings = s.warnings.filter((x) => /PLAYRATE|rate/.test(x) && /source times not scaled/.test(x));
    expect(rateWarnings).toHaveLength(2);
    expect(rateWarnings[0]).toMatch(/^300 items on 'Guide' play at rates other than 1 \(first: line \d+, at 0s, rate 0\.75520833333333\)/);
    expect(rateWarnings[1]).toMatch(/^line \d+: item at 0s on 'Click' plays at rate 1\.5: source times not scaled$/);
  });
});

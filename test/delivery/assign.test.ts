import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AudioHeader } from '../../src/audio/types.js';
import { assignDeliverables } from '../../src/delivery/assign.js';
import { loadManifest } from '../../src/delivery/manifest.js';
import { guessFromText } from '../../src/delivery/names.js';
import { DubstageError } from '../../src/errors.js';

describe('name tokens', () => {
  const cases: Array<[string, Partial<ReturnType<typeof guessFromText>>]> = [
    ['SHOW_PM_51', { role: 'printmaster', layout: '5.1' }],
    ['Reel1 PRINTMASTER 2.0', { role: 'printmaster', layout: '2.0' }],
    ['ep101_MIX_LtRt', { role: 'printmaster', layout: '2.0' }],
    ['ep101_DX_5.1', { role: 'stem', stem: 'dialogue', layout: '5.1' }],
    ['ep101_DIALOG_71', { role: 'stem', stem: 'dialogue', layout: '7.1' }],
    ['ep101-MUSIC-51', { role: 'stem', stem: 'music', layout: '5.1' }],
    ['ep101_SFX_20', { role: 'stem', stem: 'effects', layout: '2.0' }],
    ['ep101_FOLEY_51', { role: 'stem', stem: 'foley', layout: '5.1' }],
    ['ep101_M&E_51', { role: 'me', layout: '5.1' }],
    ['ep101_ME_20', { role: 'me', layout: '2.0' }],
    ['feature_ATMOS_714', { role: 'atmos', layout: '7.1.4' }],
    ['feature_712', { layout: '7.1.2' }],
  ];
  for (const [name, want] of cases) {
    it(name, () => expect(guessFromText(name)).toMatchObject(want));
  }

  // Titles that contain role and layout words: the deliverable's tokens at the end decide.
  const titled: Array<[string, Partial<ReturnType<typeof guessFromText>>]> = [
    ['CATCH_ME_IF_YOU_CAN_PM_20', { role: 'printmaster', roleToken: 'PM', layout: '2.0', layoutToken: '20' }],
    ['CATCH_ME_IF_YOU_CAN_ME_51', { role: 'me', roleToken: 'ME', layout: '5.1' }],
    ['PM_AT_NIGHT_DX_51', { role: 'stem', stem: 'dialogue', roleToken: 'DX', layout: '5.1' }],
    ['THE_DX_FILES_MX_51', { role: 'stem', stem: 'music', roleToken: 'MX' }],
    ['MX_MEANS_MAXIMUM_FX_20', { role: 'stem', stem: 'effects', roleToken: 'FX', layout: '2.0' }],
    ['THE_FX_MAN_MIX_51', { role: 'printmaster', roleToken: 'MIX', layout: '5.1' }],
    ['STEM_CELLS_PM_51', { role: 'printmaster', roleToken: 'PM' }],
    ['PRINT_THE_LEGEND_FOLEY_51', { role: 'stem', stem: 'foley', roleToken: 'FOLEY' }],
    ['MIX_TAPE_ME_20', { role: 'me', roleToken: 'ME', layout: '2.0' }],
    ['FOLEY_ARTIST_PRINTMASTER_51', { role: 'printmaster', roleToken: 'PRINTMASTER' }],
    ['ROOM_51_PM_20', { role: 'printmaster', layout: '2.0', layoutToken: '20' }],
    ['ROOM_714_PM_51', { role: 'printmaster', layout: '5.1' }],
    ['20_DAYS_IN_MARIUPOL_DX_51', { role: 'stem', stem: 'dialogue', layout: '5.1', layoutToken: '51' }],
    ['7_1_4_REASONS_PM_20', { role: 'printmaster', layout: '2.0' }],
    ['ME_BEFORE_YOU_ATMOS_714', { role: 'atmos', roleToken: 'ATMOS', layout: '7.1.4' }],
    // qualifiers take the role word right before them
    ['EP101_MX_STEM_51', { role: 'stem', stem: 'music', roleToken: 'MX' }],
    ['EP101 MUSIC STEM 5.1', { role: 'stem', stem: 'music', roleToken: 'MUSIC', layout: '5.1' }],
    ['EP101_ME_MIX_20', { role: 'me', roleToken: 'ME', layout: '2.0' }],
    ['EP101_PRINT_MASTER_51', { role: 'printmaster', roleToken: 'PRINT_MASTER' }],
    ['EP101_FULL_MIX_51', { role: 'printmaster', roleToken: 'FULL_MIX' }],
    ['EP101_STEMS_51', { layout: '5.1' }],
    // ADM names the format: a role word anywhere wins over it
    ['DX_MACHINA_PM_ADM_51', { role: 'printmaster', roleToken: 'PM' }],
    ['FEATURE_ADM', { role: 'atmos', roleToken: 'ADM' }],
  ];
  for (const [name, want] of titled) {
    it(`title with token words: ${name}`, () => {
      const got = guessFromText(name);
      expect(got).toMatchObject(want);
      if (!('stem' in want)) expect(got.stem).toBeUndefined();
      if (!('role' in want)) expect(got.role).toBeUndefined();
    });
  }

  it('tokens inside words or episode numbers do not count', () => {
    expect(guessFromText('s02e20_v04_mixdown_notes')).toEqual({});
    expect(guessFromText('chefs_table_s02e02_v04_PM_Nearfield_6ch_ADM_48k_24b_23976')).toMatchObject({ role: 'printmaster', roleToken: 'PM' });
  });
});

function header(file: string, channels: number, extra: Partial<AudioHeader> = {}): AudioHeader {
  return {
    path: file,
    format: { container: 'wav', sampleRate: 48000, bitDepth: 24, sampleFormat: 'int', channels, channelLabels: [], labelSource: 'assumed-by-count', frames: 48000, durationSeconds: 1 },
    channelMask: null, codec: '1', blockAlign: channels * 3, dataOffset: 44, dataBytes: channels * 3 * 48000, bigEndian: false,
    chunks: [], bext: null, ixml: null, info: {}, hasAxml: false, hasChna: false, hasDbmd: false, warnings: [],
    ...extra,
  };
}

describe('assigning roles', () => {
  it('manifest first, then metadata, then name, then channel count; each with its reason; unique ids', () => {
    const bext = { description: 'MUSIC STEM 5.1', originator: '', originatorReference: '', originationDate: '', originationTime: '', timeReferenceSamples: 0, version: 1, loudnessValueLufs: null, loudnessRangeLu: null, maxTruePeakDbtp: null, maxMomentaryLufs: null, maxShortTermLufs: null, codingHistory: '' };
    const out = assignDeliverables([
      { input: { path: '/d/x.wav' }, header: header('/d/x.wav', 6), manifest: { role: 'stem', stem: 'dialogue', files: ['/d/x.wav'] } },
      { input: { path: '/d/take7.wav' }, header: header('/d/take7.wav', 6, { bext }) },
      { input: { path: '/d/EP1_PM.wav' }, header: header('/d/EP1_PM.wav', 2) },
      { input: { path: '/d/EP1_PM_20_alt.wav' }, header: header('/d/EP1_PM_20_alt.wav', 2) },
      { input: { path: '/d/mystery.wav' }, header: header('/d/mystery.wav', 8) },
    ]);
    expect(out.map((d) => d.id)).toEqual(['printmaster 2.0', 'printmaster 2.0 (2)', 'stem dialogue 5.1', 'stem music 5.1', 'unassigned mystery.wav']);
    const byPath = (p: string) => out.find((d) => d.files[0] === p)!;
    expect(byPath('/d/x.wav').reasons).toEqual(['role stem dialogue from the manifest', 'layout 5.1 from 6 channels']);
    expect(byPath('/d/take7.wav').reasons).toEqual(['role stem music from bext description token "MUSIC"', 'layout 5.1 from bext description token "5.1"']);
    expect(byPath('/d/EP1_PM.wav').reasons).toEqual(['role printmaster from name token "PM"', 'layout 2.0 from 2 channels']);
    expect(byPath('/d/mystery.wav')).toMatchObject({ role: null, layout: '7.1' });
  });

  it('a multi-mono set goes by its name without the channel suffix', () => {
    const files = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => `/d/EP1_DX_51.${c}.wav`);
    const [d] = assignDeliverables([{ input: { path: files[0]!, files }, header: header(files[0]!, 1) }]);
    expect(d).toMatchObject({ id: 'stem dialogue 5.1', files });
  });
});

describe('manifest', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-manifest-'));
  it('paths are relative to the manifest', () => {
    const file = path.join(dir, 'delivery.yaml');
    fs.writeFileSync(file, 'deliverables:\n  - { role: printmaster, layout: "5.1", files: [audio/pm.wav] }\n  - role: stem\n    stem: music\n    files: [mx_L.wav, mx_R.wav]\n');
    expect(loadManifest(file)).toEqual([
      { role: 'printmaster', layout: '5.1', files: [path.join(dir, 'audio/pm.wav')] },
      { role: 'stem', stem: 'music', files: [path.join(dir, 'mx_L.wav'), path.join(dir, 'mx_R.wav')] },
    ]);
  });

  it('a bad manifest names the key and the file', () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'deliverables:\n  - { role: printmaster, layout: "5.2", files: [pm.wav] }\n');
    let err: unknown;
    try {
      loadManifest(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).message).toContain("'deliverables.0.layout'");
    expect((err as DubstageError).path).toBe(file);
  });
});

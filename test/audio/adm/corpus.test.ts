/**
 * Every ADM BWF and bare ADM XML in ../shared/samples parses, with bed/object/track counts counted
 * by hand from each file's XML (and its chna, dumped byte by byte).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { admBedChannelIndices, readAdm, sniffAdmXml } from '../../../src/audio/adm/index.js';
import { samplesDir } from '../../helpers/corpus.js';
import { testHeader } from './header.js';

interface Expected {
  file: string;
  programmes: string[];
  beds: { layout: string; channels: number }[];
  bedChannels: number;
  objects: number;
  tracks: number;
  unusedTracks: number;
  problems?: string[];
  why: string;
}

const BWF: Expected[] = [
  ...[0, 3, 6].map((n) => ({
    file: `DolbyLaboratories__dbmd-atmos-parser/sample_adm_file_${n}.wav`,
    programmes: ['Atmos_Master'],
    beds: [],
    bedChannels: 0,
    objects: 2,
    tracks: 2,
    unusedTracks: 0,
    why: 'AO_100b/AO_100c each pack AP_0003100x (Objects) + 1 ATU; chna maps ATU 1,2 to tracks 1,2; fmt 2 ch; no DirectSpeakers object',
  })),
  {
    file: 'bbc__bmx/adm_1.wav',
    programmes: ['Test Example 1'],
    beds: [{ layout: '2.0', channels: 2 }, { layout: '2.0', channels: 2 }],
    bedChannels: 4,
    objects: 0,
    tracks: 4,
    unusedTracks: 0,
    why: 'AO_1001 and AO_1002 both use common pack AP_00010002 (stereo) with 2 ATUs each; chna tracks 1-4',
  },
  {
    file: 'ebu__ear-production-suite/channels_mono_adm.wav',
    programmes: [],
    beds: [{ layout: 'mono', channels: 1 }],
    bedChannels: 1,
    objects: 0,
    tracks: 1,
    unusedTracks: 0,
    why: 'no audioProgramme; AO_1001 uses AP_00010001 (mono, common definition) with ATU_00000001 on track 1',
  },
  {
    file: 'ebu__ear-production-suite/channels_stereo_adm.wav',
    programmes: [],
    beds: [{ layout: '2.0', channels: 2 }],
    bedChannels: 2,
    objects: 0,
    tracks: 2,
    unusedTracks: 0,
    why: 'AO_1001 uses AP_00010002 with 2 ATUs; chna AT_00010001_01/AT_00010002_01 = M+030/M-030',
  },
  {
    file: 'ebu__ear-production-suite/two_object_pack_adm.wav',
    programmes: ['MultiObjectPackProgramme'],
    beds: [],
    bedChannels: 0,
    objects: 1,
    tracks: 2,
    unusedTracks: 0,
    why: 'one audioObject AO_1001 with an Objects pack of two channels and 2 ATUs: one object, two tracks',
  },
  {
    file: 'ebu__ear-production-suite/panned_noise_adm.wav',
    programmes: ['PanningNoise'],
    beds: [],
    bedChannels: 0,
    objects: 1,
    tracks: 1,
    unusedTracks: 0,
    why: 'AO_1001 "Noise", pack AP_00031001 (Objects), 1 ATU',
  },
  {
    file: 'ebu__ear-production-suite/hoa_4ch_bwf_1stOrderAmbix.wav',
    programmes: [],
    beds: [],
    bedChannels: 0,
    objects: 0,
    tracks: 4,
    unusedTracks: 0,
    why: 'AO_1001 "HOA" with pack AP_00041001 (HOA) and 4 ATUs: neither bed nor object (reported under otherDetails)',
  },
  {
    file: 'ebu__ear-production-suite/two_prog.wav',
    programmes: ['', ''],
    beds: [{ layout: 'mono', channels: 1 }],
    bedChannels: 1,
    objects: 0,
    tracks: 1,
    unusedTracks: 0,
    why: 'APR_1001 and APR_1002 (both unnamed) share ACO_1001 -> AO_1001, pack AP_00010001 (mono), 1 ATU',
  },
  {
    file: 'ebu__ear-production-suite/three_ao-one_atu.wav',
    programmes: ['Programme Name'],
    beds: [],
    bedChannels: 0,
    objects: 3,
    tracks: 1,
    unusedTracks: 0,
    why: 'AO_1001..AO_1003, each pack AP_00031001 (Objects), all referencing ATU_00000001 on track 1',
  },
  {
    file: 'ebu__ear-production-suite/one_ao-multiple_uid.wav',
    programmes: ['Programme Name'],
    beds: [],
    bedChannels: 0,
    objects: 1,
    tracks: 3,
    unusedTracks: 0,
    why: 'one audioObject with Objects pack AP_00031001 (3 channel formats) and 3 ATUs on tracks 1-3',
  },
  {
    file: 'ebu__ear-production-suite/nesting3-1ao_reffing_2ao_each_with_1pf_with_1cf.wav',
    programmes: ['audProg'],
    beds: [],
    bedChannels: 0,
    objects: 2,
    tracks: 2,
    unusedTracks: 0,
    why: '"Parent AO" AO_1001 only groups AO_1002 and AO_1003 (no pack, no ATU): 2 objects, not 3',
  },
  {
    file: 'ebu__ear-production-suite/ds-all-tfs-not-in-pf.wav',
    programmes: ['Programme'],
    beds: [{ layout: 'mono (0+1+0)', channels: 1 }],
    bedChannels: 1,
    objects: 0,
    tracks: 1,
    unusedTracks: 0,
    problems: ['channel-not-in-pack'],
    why: 'AO_1001 uses mono pack AP_00010001 but its ATU is track format AT_0001000d_01 (U+030), which the pack does not hold',
  },
  {
    file: 'ebu__ebu_adm_renderer/test_bwf.wav',
    programmes: ['front centre + top left'],
    beds: [
      { layout: 'custom (Rtf)', channels: 1 },
      { layout: 'custom (M+045)', channels: 1 },
      { layout: 'custom (LFE)', channels: 1 },
    ],
    // ATU_00000003 and ATU_00000004 both sit on track 3 (chna: 4 tracks, 5 UIDs): beds use tracks 3 and 4;
    // bedChannels is the channels of the bed packs (issue 14), the sum of beds[].channels: 1 + 1 + 1
    bedChannels: 3,
    objects: 2,
    tracks: 4,
    unusedTracks: 0,
    why: 'AO_1001/1002 Objects packs on tracks 1,2; AO_1003..1005 DirectSpeakers packs (U-030, M+045, LFE1) on tracks 3,3,4',
  },
];

const XML: Expected[] = [
  {
    file: 'Mach1Studios__m1-admparser/7-1-4-ADM.txt',
    programmes: [],
    beds: [{ layout: '7.1.4-smpte', channels: 12 }],
    bedChannels: 12,
    objects: 0,
    tracks: 12,
    unusedTracks: 0,
    why: 'AO_1001 with common pack AP_00010017 (7.1.4) and ATU_00000001..0c; the pack is not in the file',
  },
  {
    file: 'Mach1Studios__m1-admparser/5-1-4-ADM.txt',
    programmes: [],
    beds: [{ layout: '5.1.4-smpte', channels: 10 }],
    bedChannels: 10,
    objects: 0,
    tracks: 10,
    unusedTracks: 0,
    why: 'AO_1001 with common pack AP_00010005 (5.1.4) and 10 ATUs',
  },
  {
    file: 'Mach1Studios__m1-admparser/mono-ADM.txt',
    programmes: [],
    beds: [{ layout: 'mono', channels: 1 }],
    bedChannels: 1,
    objects: 0,
    tracks: 1,
    unusedTracks: 0,
    why: 'AO_1001 with common pack AP_00010001 and 1 ATU',
  },
  {
    file: 'Mach1Studios__m1-admparser/22t1obj-ADM.txt',
    programmes: [],
    beds: [],
    bedChannels: 0,
    objects: 1,
    tracks: 1,
    unusedTracks: 0,
    why: 'one audioObject (Objects pack "22.0_Positions") with 1 ATU',
  },
  {
    file: 'Mach1Studios__m1-admparser/22t22obj-ADM.txt',
    programmes: [],
    beds: [],
    bedChannels: 0,
    objects: 22,
    tracks: 22,
    unusedTracks: 0,
    why: '22 audioObjects (FrontLeftWide ... ), each its own Objects pack and 1 of the 22 ATUs',
  },
  {
    file: 'ebu__ebu_adm_renderer/example5.xml',
    programmes: ['Main_Language', 'Alternative_Language'],
    beds: [{ layout: '22.2 (custom pack, 24 ch)', channels: 24 }, { layout: '22.2 (custom pack, 24 ch)', channels: 24 }],
    // the two 22.2 objects share 23 ATUs; ATU_03 (main) and ATU_19 (alternative) differ: 25 tracks in all;
    // bedChannels is the channels of the bed packs (issue 14), the sum of beds[].channels: 24 + 24
    bedChannels: 48,
    objects: 0,
    tracks: 25,
    unusedTracks: 0,
    why: 'root <ituADM>; AO_1001/AO_1002 both use custom DirectSpeakers pack AP_00011009 (24 channels)',
  },
  {
    file: 'ebu__ebu_adm_renderer/matrix.xml',
    programmes: ['PanningNoise'],
    beds: [],
    bedChannels: 0,
    objects: 0,
    tracks: 2,
    unusedTracks: 0,
    why: 'AO_1001 "Lo/Ro_Downmix" uses Matrix pack AP_00021102 with 2 ATUs: neither bed nor object',
  },
  {
    file: 'ebu__libadm/write_mixed_objects_and_structures.accepted.xml',
    programmes: [],
    beds: [{ layout: '5.1-smpte', channels: 6 }],
    bedChannels: 6,
    objects: 4,
    tracks: 10,
    unusedTracks: 0,
    why: 'AO_1001/1002/1004/1005 Objects packs with 1 ATU each; AO_1003 common 5.1 pack AP_00010003 with ATU_03..08',
  },
];

function check(r: Awaited<ReturnType<typeof readAdm>>, e: Expected): void {
  expect(r.programmes).toEqual(e.programmes);
  expect(r.beds).toEqual(e.beds);
  expect(r.bedChannels).toBe(e.bedChannels);
  expect(r.objects).toBe(e.objects);
  expect(r.tracks).toBe(e.tracks);
  expect(r.unusedTracks).toBe(e.unusedTracks);
  expect(r.problems.map((p) => p.code)).toEqual(e.problems ?? []);
}

describe('ADM corpus: BWF', () => {
  for (const e of BWF) {
    it(`${e.file}: ${e.why}`, async () => {
      const path = samplesDir('adm_bwf', e.file);
      expect(existsSync(path)).toBe(true);
      check(await readAdm(path, testHeader(path)), e);
      // and through src/audio's own reader, as inspect calls it
      check(await readAdm(path), e);
    });
  }

  it('Dolby sample: dbmd present, 48 kHz / 24-bit, 5 s programme from 0', async () => {
    const path = samplesDir('adm_bwf', 'DolbyLaboratories__dbmd-atmos-parser/sample_adm_file_0.wav');
    const r = await readAdm(path, testHeader(path));
    expect(r.hasDbmd).toBe(true);
    expect(r.sampleRate).toBe(48000);
    expect(r.bitDepth).toBe(24);
    expect(r.startSeconds).toBe(0);
    expect(r.programmeDurationSeconds).toBe(5);
    // data chunk 1,440,000 bytes / 6-byte frames = 240,000 frames = 5 s
    expect(r.frames).toBe(240000);
    expect(r.durationSeconds).toBe(5);
  });

  it('EPS stereo: the common-definition bed gives labels L R on channels 0 and 1', async () => {
    const path = samplesDir('adm_bwf', 'ebu__ear-production-suite/channels_stereo_adm.wav');
    const r = await readAdm(path, testHeader(path));
    expect(r.hasDbmd).toBe(false);
    expect(admBedChannelIndices(r)).toEqual({ indices: [0, 1], labels: ['L', 'R'] });
  });
});

describe('ADM corpus: bare XML', () => {
  for (const e of XML) {
    it(`${e.file}: ${e.why}`, async () => {
      const path = samplesDir('adm_xml', e.file);
      expect(existsSync(path)).toBe(true);
      check(await readAdm(path), e);
    });
  }

  it('7.1.4 common pack resolves to BS.2051 labels in pack order', async () => {
    const r = await readAdm(samplesDir('adm_xml', 'Mach1Studios__m1-admparser/7-1-4-ADM.txt'));
    expect(r.bedDetails[0]!.tracks.map((t) => t.speakerLabel)).toEqual([
      'M+030', 'M-030', 'M+000', 'LFE', 'M+090', 'M-090', 'M+135', 'M-135', 'U+045', 'U-045', 'U+135', 'U-135',
    ]);
    // bare XML has no audio: nothing to measure
    expect(admBedChannelIndices(r).indices).toEqual([]);
  });
});

describe('sniffAdmXml', () => {
  it('recognises every bare ADM XML in the corpus and no ADM BWF', () => {
    for (const e of XML) expect(sniffAdmXml(readFileSync(samplesDir('adm_xml', e.file))), e.file).toBe(true);
    for (const e of BWF) expect(sniffAdmXml(readFileSync(samplesDir('adm_bwf', e.file)).subarray(0, 4096)), e.file).toBe(false);
    expect(sniffAdmXml(Buffer.from('<?xml version="1.0"?><xmeml version="4">'))).toBe(false);
  });
});

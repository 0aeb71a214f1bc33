/** Packages shared by the IMF inspect tests (test/imf, test/cli): two CPLs (OV 2016 at 24 fps, a German version 2013 at 25 fps). */
import { buildMxf, testPcm } from '../audio/mxf/mxf-writer.js';
import type { PackageSpec } from './imf-writer.js';

const L51 = ['chL', 'chR', 'chC', 'chLFE', 'chLs', 'chRs'];
const A = testPcm(96000, 6, 24, 31);
const C = testPcm(96000, 2, 24, 32);
const D = testPcm(48000, 2, 24, 33);
const subtitle = buildMxf({ pattern: 'OP1a', wrapping: 'frame', editRate: [24, 1], video: { frames: 24, elementBytes: 100 }, audio: [] }).bytes;

export function twoCpls(extra: Partial<PackageSpec> = {}): PackageSpec {
  return {
    trackFiles: [
      { name: 'PM51_EN.mxf', channels: 6, pcm: A, mca: { channels: L51, group: 'sg51', language: 'en-US' } },
      { name: 'PM20_EN.mxf', channels: 2, pcm: C, mca: { channels: ['chL', 'chR'], group: 'sgST', language: 'en-US' } },
      { name: 'DUB20_DE.mxf', channels: 2, pcm: D, mca: { channels: ['chL', 'chR'], group: 'sgST', language: 'de-DE' } },
    ],
    pictures: [{ name: 'VIDEO.mxf', frames: 48, elementBytes: 4000 }],
    otherFiles: [{ name: 'SUBS_DE.mxf', bytes: subtitle }],
    cpls: [
      {
        name: 'CPL_OV.xml', title: 'Feature OV', version: '2016',
        segments: [
          { imageFile: 'VIDEO.mxf', imageDuration: 24, audio: { pm51: [{ file: 'PM51_EN.mxf', sourceDuration: 48000 }], st: [{ file: 'PM20_EN.mxf', sourceDuration: 48000 }] } },
          { imageFile: 'VIDEO.mxf', imageDuration: 24, audio: { pm51: [{ file: 'PM51_EN.mxf', entryPoint: 48000, sourceDuration: 48000 }], st: [{ file: 'PM20_EN.mxf', entryPoint: 48000, sourceDuration: 48000 }] } },
        ],
      },
      {
        name: 'CPL_DE.xml', title: 'Feature VF German', version: '2013', editRate: [25, 1],
        segments: [{ imageFile: 'VIDEO.mxf', imageDuration: 25, subtitleFile: 'SUBS_DE.mxf', audio: { de: [{ file: 'DUB20_DE.mxf' }] } }],
      },
    ],
    ...extra,
  };
}


/**
 * Real-shaped seeds for the fuzz suite: audio headers built by code with every field we read (and
 * where each field sits, so mutations can corrupt it on purpose), and session files written by real
 * tools from the shared corpus (Avid and Premiere EDLs, Premiere/Hiero xmeml, FCP 10.6 FCPXML, REAPER
 * 4 to 6, Pro Tools 2020-2023 session text in UTF-8 and Mac Roman, Resolve and Pro Tools AAFs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { aiffFile, bextBody, ds64Body, fmtBody, ixmlBody, listInfoBody, riffFile, s16le } from '../helpers/audio-fixtures.js';
import { repoRoot, samplesDir } from '../helpers/corpus.js';
import type { Field, Seed } from './mutate.js';

/** The size field of every chunk and the fmt/ds64 fields of a RIFF-family file. */
function riffFields(b: Buffer): Field[] {
  const fields: Field[] = [{ offset: 4, bytes: 4, littleEndian: true }];
  for (let pos = 12; pos + 8 <= b.length; ) {
    const id = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    fields.push({ offset: pos + 4, bytes: 4, littleEndian: true });
    const body = pos + 8;
    if (id === 'fmt ') {
      for (const [at, bytes] of [[0, 2], [2, 2], [4, 4], [8, 4], [12, 2], [14, 2], [16, 2], [18, 2], [20, 4], [24, 2]] as const) {
        if (at + bytes <= size) fields.push({ offset: body + at, bytes, littleEndian: true });
      }
    } else if (id === 'ds64') {
      for (const at of [0, 8, 16]) fields.push({ offset: body + at, bytes: 8, littleEndian: true });
      fields.push({ offset: body + 24, bytes: 4, littleEndian: true });
    }
    pos = body + size + (size & 1);
  }
  return fields;
}

function iffFields(b: Buffer): Field[] {
  const fields: Field[] = [{ offset: 4, bytes: 4, littleEndian: false }];
  for (let pos = 12; pos + 8 <= b.length; ) {
    const id = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32BE(pos + 4);
    fields.push({ offset: pos + 4, bytes: 4, littleEndian: false });
    const body = pos + 8;
    if (id === 'COMM') {
      fields.push({ offset: body, bytes: 2, littleEndian: false }, { offset: body + 2, bytes: 4, littleEndian: false }, { offset: body + 6, bytes: 2, littleEndian: false }, { offset: body + 8, bytes: 10, littleEndian: false });
    } else if (id === 'SSND') {
      fields.push({ offset: body, bytes: 4, littleEndian: false }, { offset: body + 4, bytes: 4, littleEndian: false });
    }
    pos = body + size + (size & 1);
  }
  return fields;
}

/** CFB header fields (sector shifts, counts, first sectors) and the first directory entries' links and sizes. */
function cfbFields(b: Buffer): Field[] {
  const fields: Field[] = [];
  for (const at of [0x1e, 0x20]) fields.push({ offset: at, bytes: 2, littleEndian: true });
  for (const at of [0x28, 0x2c, 0x30, 0x38, 0x3c, 0x40, 0x44, 0x48, 0x4c, 0x50, 0x54]) fields.push({ offset: at, bytes: 4, littleEndian: true });
  const sector = 1 << b.readUInt16LE(0x1e);
  const dir = (b.readUInt32LE(0x30) + 1) * sector;
  for (let e = 0; e < 32 && dir + e * 128 + 128 <= b.length; e++) {
    const at = dir + e * 128;
    fields.push({ offset: at + 0x40, bytes: 2, littleEndian: true });
    for (const f of [0x44, 0x48, 0x4c, 0x74]) fields.push({ offset: at + f, bytes: 4, littleEndian: true });
    fields.push({ offset: at + 0x78, bytes: 8, littleEndian: true });
  }
  return fields;
}

function pcm24(frames: number, channels: number): Buffer {
  const b = Buffer.alloc(frames * channels * 3);
  for (let i = 0; i < frames * channels; i++) b.writeIntLE(Math.round(Math.sin(i / 7) * 4_000_000), i * 3, 3);
  return b;
}

function audioSeeds(): Record<string, Seed[]> {
  const frames = 64;
  const wav = riffFile([
    { id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 24 }) },
    { id: 'bext', body: bextBody({ description: 'Reel 1 printmaster', originator: 'Pro Tools', originatorReference: 'X', originationDate: '2024-05-01', originationTime: '10:00:00', timeReferenceSamples: 172800000, loudness: [-27, 8, -2, -20, -22], codingHistory: 'A=PCM,F=48000,W=24,M=stereo\r\n' }) },
    { id: 'iXML', body: ixmlBody([{ index: 1, name: 'L' }, { index: 2, name: 'R' }], '<SPEED><TIMECODE_RATE>24000/1001</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED>') },
    { id: 'LIST', body: listInfoBody({ INAM: 'Reel 1', ISFT: 'Pro Tools' }) },
    { id: 'data', body: pcm24(frames, 2) },
  ]);
  const ext = riffFile([
    { id: 'fmt ', body: fmtBody({ channels: 6, sampleRate: 48000, bits: 32, channelMask: 0x3f, subFormat: 3 }) },
    { id: 'data', body: Buffer.from(new Float32Array(frames * 6).map((_, i) => Math.sin(i / 5) * 0.5).buffer) },
  ]);
  const pcm16 = s16le(Array.from({ length: frames * 2 }, (_, i) => Math.round(Math.sin(i / 3) * 8000)));
  const rf64 = riffFile(
    [
      { id: 'ds64', body: ds64Body(0, pcm16.length, frames) },
      { id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16 }) },
      { id: 'data', body: pcm16, declaredSize: 0xffffffff },
    ],
    { riffId: 'RF64', riffSize: 0xffffffff },
  );
  const bw64 = Buffer.from(rf64);
  bw64.write('BW64', 0, 'latin1');
  const aiff = aiffFile({ container: 'aiff', channels: 2, sampleRate: 44100, bits: 16, sampleBytes: Buffer.from(pcm16).swap16(), frames });
  const aifc = aiffFile({ container: 'aifc', compression: 'sowt', channels: 2, sampleRate: 96000, bits: 16, sampleBytes: pcm16, frames });
  const aifcFloat = aiffFile({ container: 'aifc', compression: 'fl32', channels: 1, sampleRate: 48000, bits: 32, sampleBytes: Buffer.from(new Float32Array(frames).map((_, i) => Math.sin(i)).buffer).swap32(), frames });
  const s = (name: string, bytes: Buffer, fields: Field[]): Seed => ({ name, bytes, fields });
  return {
    wav: [s('bwf-24bit-stereo.wav', wav, riffFields(wav)), s('extensible-5.1-float.wav', ext, riffFields(ext))],
    rf64: [s('rf64.wav', rf64, riffFields(rf64)), s('bw64.wav', bw64, riffFields(bw64))],
    aiff: [s('16bit.aiff', aiff, iffFields(aiff)), s('sowt.aifc', aifc, iffFields(aifc)), s('fl32.aifc', aifcFloat, iffFields(aifcFloat))],
  };
}

function corpus(dir: string, names: string[], opts: { xml?: boolean } = {}): Seed[] {
  return names.map((n) => ({ name: path.basename(n), bytes: readFileSync(samplesDir(dir, n)), text: true, xml: opts.xml === true }));
}

/** Every format the fuzz suite runs, with its seeds. */
export function allSeeds(): Record<string, Seed[]> {
  const aaf = ['agfline__LibAAF/DR_Markers.aaf', 'OpenTimelineIO__otio-aaf-adapter/one_audio_clip.aaf'].map((n) => {
    const bytes = readFileSync(samplesDir('aaf', n));
    return { name: path.basename(n), bytes, fields: cfbFields(bytes) } satisfies Seed;
  });
  const manifest = Buffer.from(
    'deliverables:\n  - { role: printmaster, layout: "5.1", files: [PM_51.wav] }\n  - role: stem\n    stem: dialogue\n    layout: "2.0"\n    files: &dx [DX_L.wav, DX_R.wav]\n  - { role: me, files: *dx }\n',
  );
  return {
    ...audioSeeds(),
    aaf,
    edl: corpus('edl', ['iluvcapra__pycmx/INS4_R1_DX_092117.edl', 'iluvcapra__pycmx/test_25.edl', 'OpenTimelineIO__otio-cmx3600-adapter/multi_audio.edl', 'OpenTimelineIO__otio-cmx3600-adapter/dissolve_test_4.edl']),
    'fcp-xml': corpus('fcp7xml', ['OpenTimelineIO__otio-fcp-adapter/sample_just_track.xml', 'OpenTimelineIO__otio-fcp-adapter/premiere_example_filter.xml', 'OpenTimelineIO__otio-fcp-adapter/hiero_xml_export.xml'], { xml: true }),
    fcpxml: corpus('fcpxml', ['orchetect__DAWFileKit/AudioOnly.fcpxml', 'orchetect__DAWFileKit/29.97d.fcpxml', 'orchetect__DAWFileKit/CompoundClips.fcpxml'], { xml: true }),
    rpp: corpus('rpp', ['CharlesHolbrow__rppp/audio-file-x4.RPP', 'CharlesHolbrow__rppp/tricky-strings.RPP', 'Perlence__rpp/vst.RPP']),
    protools: corpus('pt_text', ['orchetect__DAWFileKit/SessionText_SimpleTest_23-976fps_DefaultExportOptions_PT2020.3.txt', 'iluvcapra__ptulsconv/Test for ptulsconv.txt', 'orchetect__DAWFileKit/SessionText_ExtendedChars_TextEditFormat_PT2023.3.txt']),
    spec: [{ name: 'house.yaml', bytes: readFileSync(path.join(repoRoot, 'src', 'specs', 'profiles', 'ebu-r128.yaml')), text: true }],
    manifest: [{ name: 'delivery.yaml', bytes: manifest, text: true }],
  };
}

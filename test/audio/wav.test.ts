// WAV / RF64 / BW64 readers: every variant built by code, decoded values known by construction.
import { closeSync, ftruncateSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectFile } from '../../src/analysis/inspect.js';
import { openAudio, readAudioHeader } from '../../src/audio/open.js';
import type { SampleEncoding } from '../../src/audio/pcm.js';
import { WavWriter, writeWav, type WavSpec } from '../../src/audio/writer.js';
import {
  bextBody,
  ds64Body,
  fmtBody,
  ixmlBody,
  listInfoBody,
  readAll,
  riffFile,
  s16le,
  tempDir,
} from '../helpers/audio-fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);

async function roundTrip(spec: WavSpec, planar: Array<number[]>) {
  const p = file('rt.wav');
  writeWav(p, spec, planar.map((ch) => Float64Array.from(ch)));
  const src = await openAudio(p);
  try {
    return { header: src.header, data: readAll(src) };
  } finally {
    src.close();
  }
}

function expectSamples(actual: Float32Array, expected: number[]): void {
  expect(Array.from(actual)).toEqual(expected.map((x) => Math.fround(x)));
}

describe('PCM integer and float in WAV', () => {
  const cases: Array<{ enc: SampleEncoding; bits: number; fmt: 'int' | 'float'; values: number[] }> = [
    // 8-bit is offset binary: 0 → -1.0, 128 → 0, 255 → 127/128
    { enc: 'u8', bits: 8, fmt: 'int', values: [-1, -0.5, 0, 1 / 128, 127 / 128] },
    { enc: 's16le', bits: 16, fmt: 'int', values: [-1, -0.5, 0, 1 / 32768, 32767 / 32768] },
    { enc: 's24le', bits: 24, fmt: 'int', values: [-1, -3 / 2 ** 23, 0, 1 / 2 ** 23, (2 ** 23 - 1) / 2 ** 23] },
    { enc: 's32le', bits: 32, fmt: 'int', values: [-1, -0.25, 0, 2 ** -20, 12345 * 2 ** -31] },
    // float may exceed full scale; it is read as written
    { enc: 'f32le', bits: 32, fmt: 'float', values: [-1.5, -0.1, 0, 0.333, 2] },
    { enc: 'f64le', bits: 64, fmt: 'float', values: [-1.25, 1e-9, 0, 0.7071067811865476, 3] },
  ];
  for (const c of cases) {
    it(`${c.enc}: stereo, every sample decoded exactly`, async () => {
      const right = [...c.values].reverse();
      const { header, data } = await roundTrip({ sampleRate: 44100, channels: 2, encoding: c.enc }, [c.values, right]);
      expect(header.format).toMatchObject({ container: 'wav', sampleRate: 44100, bitDepth: c.bits, sampleFormat: c.fmt, channels: 2, frames: 5 });
      expect(header.format.durationSeconds).toBe(5 / 44100);
      expect(header.blockAlign).toBe((2 * c.bits) / 8);
      expect(header.channelMask).toBeNull();
      expectSamples(data[0]!, c.values);
      expectSamples(data[1]!, right);
      expect(header.format.channelLabels).toEqual(['L', 'R']);
      expect(header.format.labelSource).toBe('assumed-by-count');
    });
  }
});

describe('WAVE_FORMAT_EXTENSIBLE channel masks', () => {
  // channel c holds the constant (c+1)/16 so a positional read is visible in the samples
  const constants = (channels: number, frames = 3) => Array.from({ length: channels }, (_, c) => Array<number>(frames).fill((c + 1) / 16));

  it('0x3F (5.1 back) reads L R C LFE Ls Rs', async () => {
    const { header, data } = await roundTrip({ sampleRate: 48000, channels: 6, encoding: 's24le', channelMask: 0x3f }, constants(6));
    expect(header.channelMask).toBe(0x3f);
    expect(header.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(header.format.labelSource).toBe('channel-mask');
    data.forEach((ch, c) => expectSamples(ch, [(c + 1) / 16, (c + 1) / 16, (c + 1) / 16]));
  });

  it('0x60F (5.1 side) reads L R C LFE Ls Rs', async () => {
    const { header } = await roundTrip({ sampleRate: 48000, channels: 6, encoding: 's16le', channelMask: 0x60f }, constants(6));
    expect(header.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(header.format.labelSource).toBe('channel-mask');
  });

  it('0x63F (7.1) is read positionally as SMPTE 7.1, with a note', async () => {
    const { header, data } = await roundTrip({ sampleRate: 48000, channels: 8, encoding: 'f32le', channelMask: 0x63f }, constants(8));
    expect(header.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs']);
    expect(header.warnings.some((w) => /0x63f.*positionally as SMPTE 7\.1/.test(w))).toBe(true);
    // positional: channel 5 (Lss) is the fifth channel written, not re-routed
    expectSamples(data[4]!, [5 / 16, 5 / 16, 5 / 16]);
    expectSamples(data[6]!, [7 / 16, 7 / 16, 7 / 16]);
  });

  it('mask 0 (DIRECTOUT) names nothing: layout assumed by count, said so', async () => {
    const { header } = await roundTrip({ sampleRate: 48000, channels: 6, encoding: 's24le', channelMask: 0 }, constants(6));
    expect(header.channelMask).toBe(0);
    expect(header.format.labelSource).toBe('assumed-by-count');
    expect(header.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(header.warnings.some((w) => /assumed from the channel count: SMPTE 5\.1/.test(w))).toBe(true);
  });

  it('a mask that disagrees with the channel count is ignored with a warning', async () => {
    const { header } = await roundTrip({ sampleRate: 48000, channels: 8, encoding: 's24le', channelMask: 0x3f }, constants(8));
    expect(header.warnings).toContain('channel mask 0x3f names 6 channels but the file has 8; mask ignored');
    expect(header.format.labelSource).toBe('assumed-by-count');
    expect(header.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs']);
  });

  it('extensible with 24 valid bits in a 32-bit container reports 24 bits and decodes the container', async () => {
    const data = Buffer.alloc(8);
    data.writeInt32LE(0x40000000, 0); // 0.5
    data.writeInt32LE(-0x80000000, 4); // -1.0
    const p = file('valid24.wav');
    writeFileSync(p, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 32, validBits: 24, channelMask: 0x4 }) }, { id: 'data', body: data }]));
    const src = await openAudio(p);
    expect(src.header.format.bitDepth).toBe(24);
    expect(src.header.format.channelLabels).toEqual(['C']);
    expectSamples(readAll(src)[0]!, [0.5, -1]);
    src.close();
  });
});

describe('RF64 and BW64', () => {
  for (const container of ['rf64', 'bw64'] as const) {
    it(`${container}: ds64 sizes, data decoded, chunks after data`, async () => {
      const p = file(`${container}.wav`);
      const w = new WavWriter(p, { sampleRate: 48000, channels: 2, encoding: 's24le', container, chunksAfterData: [{ id: 'LIST', body: listInfoBody({ INAM: 'after' }) }] });
      const l = Float32Array.from([0.5, -0.25, 1 / 2 ** 23]);
      const r = Float32Array.from([-1, 0, 0.125]);
      w.append([l, r], 3);
      w.close();
      const src = await openAudio(p);
      const h = src.header;
      expect(h.format.container).toBe(container);
      expect(h.format.frames).toBe(3);
      expect(h.chunks.map((c) => c.id)).toEqual(['ds64', 'fmt ', 'data', 'LIST']);
      expect(h.info.INAM).toBe('after');
      const d = readAll(src);
      src.close();
      expectSamples(d[0]!, [0.5, -0.25, 1 / 2 ** 23]);
      expectSamples(d[1]!, [-1, 0, 0.125]);
    });

    it(`${container}: a sparse file over 4 GiB takes its size from ds64 and reads past 4 GiB`, async () => {
      const channels = 2;
      const blockAlign = 6;
      const frames = Math.ceil((5 * 2 ** 30) / blockAlign); // 5 GiB of data
      const dataSize = frames * blockAlign;
      const head = [-1, 0.5, 0.25, -0.25];
      const first = Buffer.alloc(head.length * 3);
      head.forEach((v, i) => first.writeIntLE(Math.round(v * 2 ** 23), i * 3, 3));
      const headerBytes = riffFile(
        [
          { id: 'ds64', body: ds64Body(0, dataSize, frames) },
          { id: 'fmt ', body: fmtBody({ channels, sampleRate: 48000, bits: 24 }) },
          { id: 'data', body: first, declaredSize: 0xffffffff },
        ],
        { riffId: container === 'rf64' ? 'RF64' : 'BW64', riffSize: 0xffffffff },
      );
      const dataOffset = headerBytes.length - first.length;
      const p = file(`sparse.${container}.wav`);
      const fd = openSync(p, 'w');
      writeSync(fd, headerBytes);
      // a non-zero frame just before the end, so the last read proves positions past 4 GiB
      const last = Buffer.alloc(blockAlign);
      last.writeIntLE(2 ** 22, 0, 3);
      last.writeIntLE(-(2 ** 21), 3, 3);
      writeSync(fd, last, 0, blockAlign, dataOffset + dataSize - blockAlign);
      ftruncateSync(fd, dataOffset + dataSize);
      closeSync(fd);
      expect(statSync(p).size).toBe(dataOffset + dataSize);
      expect(statSync(p).size).toBeGreaterThan(2 ** 32);

      const h = readAudioHeader(p);
      expect(h.format.frames).toBe(frames);
      expect(h.format.durationSeconds).toBeCloseTo(frames / 48000, 9);
      expect(h.chunks.find((c) => c.id === 'data')!.size).toBe(dataSize);
      expect(h.warnings).toEqual([]);

      const src = await openAudio(p);
      const out = [new Float32Array(4096), new Float32Array(4096)];
      expect(src.read(out, 4096)).toBe(4096);
      expectSamples(out[0]!.subarray(0, 3), [-1, 0.25, 0]);
      expectSamples(out[1]!.subarray(0, 3), [0.5, -0.25, 0]);
      expect(src.read(out, 4096)).toBe(4096);
      src.seek(frames - 10);
      expect(src.read(out, 4096)).toBe(10);
      expectSamples(out[0]!.subarray(8, 10), [0, 0.5]);
      expectSamples(out[1]!.subarray(8, 10), [0, -0.25]);
      expect(src.read(out, 4096)).toBe(0);
      src.close();
      rmSync(p);
    });
  }
});

describe('chunk layout', () => {
  it('odd-sized chunks before and after an odd-sized data chunk, each with its pad byte', async () => {
    // 8-bit mono, 5 frames: 5 data bytes, then a pad byte, then LIST
    const samples = Buffer.from([0, 64, 128, 192, 255]);
    const p = file('odd.wav');
    writeFileSync(
      p,
      riffFile([
        { id: 'JUNK', body: Buffer.from([1, 2, 3]) },
        { id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 8000, bits: 8 }) },
        { id: 'abcd', body: Buffer.from('xyzzy') },
        { id: 'data', body: samples },
        { id: 'LIST', body: listInfoBody({ ICMT: 'odd' }) },
        { id: 'efgh', body: Buffer.from([9]) },
      ]),
    );
    const src = await openAudio(p);
    const h = src.header;
    expect(h.chunks.map((c) => [c.id, c.size])).toEqual([
      ['JUNK', 3],
      ['fmt ', 16],
      ['abcd', 5],
      ['data', 5],
      ['LIST', 16],
      ['efgh', 1],
    ]);
    // offsets include each pad byte: JUNK at 12 (3 + pad), fmt at 24, abcd at 48 (5 + pad), data at 62
    expect(h.chunks.map((c) => c.offset)).toEqual([12, 24, 48, 62, 76, 100]);
    expect(h.dataOffset).toBe(70);
    expect(h.info.ICMT).toBe('odd');
    expect(h.warnings).toEqual([]);
    expectSamples(readAll(src)[0]!, [-1, -0.5, 0, 0.5, 127 / 128]);
    src.close();
  });

  for (const declared of [0, 0xffffffff]) {
    it(`plain RIFF data size ${declared === 0 ? '0' : '0xFFFFFFFF'}: read to end of file, with a warning`, async () => {
      const p = file('opensize.wav');
      writeFileSync(
        p,
        riffFile(
          [
            { id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16 }) },
            { id: 'data', body: s16le([100, -100, 200, -200, 16384, -16384]), declaredSize: declared },
          ],
          { riffSize: declared },
        ),
      );
      const src = await openAudio(p);
      expect(src.header.format.frames).toBe(3);
      expect(src.header.warnings.some((w) => w.includes(`declares size ${declared === 0 ? '0' : '0xFFFFFFFF'}; reading to end of file (12 bytes)`))).toBe(true);
      const d = readAll(src);
      src.close();
      expectSamples(d[0]!, [100 / 32768, 200 / 32768, 0.5]);
      expectSamples(d[1]!, [-100 / 32768, -200 / 32768, -0.5]);
    });
  }
});

describe('metadata', () => {
  it('bext v2: strings, time reference as timecode, loudness fields', async () => {
    const p = file('bext.wav');
    const timeRef = 3600 * 48000 + 48000 * 2; // 01:00:02:00 at any integer rate
    writeWav(
      p,
      {
        sampleRate: 48000,
        channels: 2,
        encoding: 's24le',
        chunksBeforeData: [
          {
            id: 'bext',
            body: bextBody({
              description: 'Reel 1 printmaster',
              originator: 'Stage 3',
              originatorReference: 'REF-0001',
              originationDate: '2026-11-24',
              originationTime: '15:30:00',
              timeReferenceSamples: timeRef,
              loudness: [-23, 7.5, -1.2, -15.25, -18.5],
              codingHistory: 'A=PCM,F=48000,W=24,M=stereo\r\n',
            }),
          },
        ],
      },
      [new Float32Array(48000), new Float32Array(48000)],
    );
    const h = readAudioHeader(p);
    expect(h.bext).toMatchObject({
      description: 'Reel 1 printmaster',
      originator: 'Stage 3',
      originatorReference: 'REF-0001',
      originationDate: '2026-11-24',
      originationTime: '15:30:00',
      timeReferenceSamples: timeRef,
      version: 2,
      loudnessValueLufs: -23,
      loudnessRangeLu: 7.5,
      maxTruePeakDbtp: -1.2,
      maxMomentaryLufs: -15.25,
      maxShortTermLufs: -18.5,
      codingHistory: 'A=PCM,F=48000,W=24,M=stereo',
    });
    const inspected = await inspectFile(h, { num: 24, den: 1 });
    expect(inspected.timecode?.start).toBe('01:00:02:00');
    expect(inspected.timecode?.duration).toBe('00:00:01:00');
  });

  it('bext loudness fields of 0x7FFF read as not set', () => {
    const p = file('bext-unset.wav');
    writeWav(p, { sampleRate: 48000, channels: 1, encoding: 's16le', chunksBeforeData: [{ id: 'bext', body: bextBody({ description: '', originator: '', originatorReference: '', originationDate: '', originationTime: '', timeReferenceSamples: 2 ** 33 + 5 }) }] }, [new Float32Array(4)]);
    const h = readAudioHeader(p);
    expect(h.bext!.timeReferenceSamples).toBe(2 ** 33 + 5);
    expect(h.bext!.loudnessValueLufs).toBeNull();
    expect(h.bext!.maxShortTermLufs).toBeNull();
  });

  it('iXML track names give channel labels (by interleave index), over the channel mask', async () => {
    const p = file('ixml.wav');
    // tracks listed out of order; names carry the label after a separator
    const tracks = [
      { index: 2, name: 'MIX_R' },
      { index: 1, name: 'MIX_L' },
      { index: 3, name: 'MIX_C' },
      { index: 4, name: 'MIX_LFE' },
      { index: 5, name: 'MIX_Lss' },
      { index: 6, name: 'MIX_Rss' },
    ];
    const extra = '<PROJECT>Feature</PROJECT><SCENE>12A</SCENE><TAKE>3</TAKE><SPEED><TIMECODE_RATE>24000/1001</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED>';
    writeWav(p, { sampleRate: 48000, channels: 6, encoding: 's24le', channelMask: 0x3f, chunksBeforeData: [{ id: 'iXML', body: ixmlBody(tracks, extra) }] }, Array.from({ length: 6 }, () => new Float32Array(2)));
    const h = readAudioHeader(p);
    expect(h.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss']);
    expect(h.format.labelSource).toBe('ixml');
    expect(h.ixml).toMatchObject({ project: 'Feature', scene: '12A', take: '3', timecodeRate: '24000/1001', timecodeFlag: 'NDF' });
    expect(h.ixml!.tracks).toHaveLength(6);
  });

  it('iXML FUNCTION wins over NAME; iXML that names no layout leaves the mask in charge', () => {
    const p = file('ixml-fn.wav');
    writeWav(p, { sampleRate: 48000, channels: 2, encoding: 's16le', chunksBeforeData: [{ id: 'iXML', body: ixmlBody([{ index: 1, name: 'Boom', function: 'R' }, { index: 2, name: 'Lav', function: 'L' }]) }] }, [new Float32Array(2), new Float32Array(2)]);
    expect(readAudioHeader(p).format.channelLabels).toEqual(['R', 'L']);
    const q = file('ixml-none.wav');
    writeWav(q, { sampleRate: 48000, channels: 2, encoding: 's16le', channelMask: 0x3, chunksBeforeData: [{ id: 'iXML', body: ixmlBody([{ index: 1, name: 'Dialogue' }, { index: 2, name: 'Lav 1' }]) }] }, [new Float32Array(2), new Float32Array(2)]);
    const h = readAudioHeader(q);
    expect(h.format.labelSource).toBe('channel-mask');
    expect(h.ixml!.tracks.map((t) => t.name)).toEqual(['Dialogue', 'Lav 1']);
  });

  it('LIST/INFO entries, with odd-length strings', () => {
    const p = file('info.wav');
    writeWav(p, { sampleRate: 48000, channels: 1, encoding: 's16le', chunksBeforeData: [{ id: 'LIST', body: listInfoBody({ INAM: 'Reel 1', ICMT: 'final mix', ISFT: 'dubstage' }) }] }, [new Float32Array(2)]);
    expect(readAudioHeader(p).info).toEqual({ INAM: 'Reel 1', ICMT: 'final mix', ISFT: 'dubstage' });
  });

  it('axml, chna and dbmd are noted as present (parsed elsewhere)', () => {
    const p = file('adm.wav');
    writeWav(
      p,
      {
        sampleRate: 48000,
        channels: 1,
        encoding: 's24le',
        container: 'bw64',
        chunksBeforeData: [{ id: 'chna', body: Buffer.alloc(4) }],
        chunksAfterData: [
          { id: 'axml', body: Buffer.from('<ebuCoreMain/>') },
          { id: 'dbmd', body: Buffer.alloc(7) },
        ],
      },
      [new Float32Array(3)],
    );
    const h = readAudioHeader(p);
    expect([h.hasAxml, h.hasChna, h.hasDbmd]).toEqual([true, true, true]);
    const q = file('plain.wav');
    writeWav(q, { sampleRate: 48000, channels: 1, encoding: 's24le' }, [new Float32Array(3)]);
    const g = readAudioHeader(q);
    expect([g.hasAxml, g.hasChna, g.hasDbmd]).toEqual([false, false, false]);
  });
});

describe('plain RIFF past 4 GiB', () => {
  it('a data size that wrapped at 4 GiB is read to the end of the file, with a warning', () => {
    const first = s16le([16384, -16384, 8192, -8192, 1, 2]);
    const header = riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16 }) }, { id: 'data', body: first }]);
    const p = file('wrapped.wav');
    const fd = openSync(p, 'w');
    writeSync(fd, header);
    // real data: 4 GiB + 12 bytes, of which the header's 32-bit field kept only the 12
    ftruncateSync(fd, header.length + 2 ** 32);
    closeSync(fd);
    const h = readAudioHeader(p);
    expect(h.format.frames).toBe((2 ** 32 + 12) / 4);
    expect(h.warnings.some((w) => /declares 12 bytes but 4294967308 follow it: the 32-bit size field wrapped/.test(w))).toBe(true);
    rmSync(p);
  });

  it('the writer refuses to write a plain WAV over 4 GiB', () => {
    const p = file('toobig.wav');
    const w = new WavWriter(p, { sampleRate: 48000, channels: 1, encoding: 's16le' });
    // poke the writer's position instead of writing 4 GiB
    (w as unknown as { pos: number }).pos = 0xffffffff - 10;
    expect(() => w.append([new Float32Array(8)], 8)).toThrow(/a plain WAV cannot hold more than 4 GiB; write it as rf64 or bw64/);
    w.close();
    expect(() => statSync(p)).toThrow();
  });
});

describe('unusual order', () => {
  it("a 'fmt ' chunk after the data chunk is still found", async () => {
    const p = file('fmt-after.wav');
    writeFileSync(p, riffFile([{ id: 'data', body: s16le([-32768, 16384, 8192]) }, { id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 44100, bits: 16 }) }]));
    const src = await openAudio(p);
    expect(src.header.chunks.map((c) => c.id)).toEqual(['data', 'fmt ']);
    expect(src.header.format).toMatchObject({ frames: 3, sampleRate: 44100 });
    expect(Array.from(readAll(src)[0]!)).toEqual([-1, 0.5, 0.25]);
    src.close();
  });

  it('readAudioHeader on a FLAC says why it has no chunk table', () => {
    const p = file('ref.flac');
    writeFileSync(p, Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.alloc(40)]));
    expect(() => readAudioHeader(p)).toThrow(expect.objectContaining({ code: 'not-audio', message: expect.stringContaining('a FLAC file has no chunk table to read') }));
  });
});

describe('bit depths between whole bytes', () => {
  it('20-bit plain PCM in 3-byte containers reports 20 bits and decodes the left-justified samples', async () => {
    // 20-bit values shifted up 4 bits into 24-bit slots
    const values = [-(2 ** 19), 2 ** 18, 1, 2 ** 19 - 1];
    const data = Buffer.alloc(values.length * 3);
    values.forEach((v, i) => data.writeIntLE(v * 16, i * 3, 3));
    const p = file('pcm20.wav');
    writeFileSync(p, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 20, blockAlign: 6 }) }, { id: 'data', body: data }]));
    const src = await openAudio(p);
    expect(src.header.format).toMatchObject({ bitDepth: 20, sampleFormat: 'int', frames: 2 });
    const d = readAll(src);
    src.close();
    expect(Array.from(d[0]!)).toEqual([-1, 1 / 2 ** 19]);
    expect(Array.from(d[1]!)).toEqual([0.5, (2 ** 19 - 1) / 2 ** 19]);
  });

  it('12-bit plain PCM in 2-byte containers', async () => {
    const data = s16le([-2048 * 16, 1024 * 16]);
    const p = file('pcm12.wav');
    writeFileSync(p, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 32000, bits: 12, blockAlign: 2 }) }, { id: 'data', body: data }]));
    const src = await openAudio(p);
    expect(src.header.format.bitDepth).toBe(12);
    expect(Array.from(readAll(src)[0]!)).toEqual([-1, 0.5]);
    src.close();
  });
});

describe('BW64 under 4 GiB', () => {
  it('BW64 with ordinary 32-bit sizes and a JUNK placeholder instead of ds64', async () => {
    const p = file('bw64-small.wav');
    writeFileSync(
      p,
      riffFile([{ id: 'JUNK', body: Buffer.alloc(28) }, { id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 16 }) }, { id: 'data', body: s16le([8192, -16384]) }], { riffId: 'BW64' }),
    );
    const src = await openAudio(p);
    expect(src.header.format).toMatchObject({ container: 'bw64', frames: 2 });
    expect(src.header.warnings).toEqual([]);
    expect(Array.from(readAll(src)[0]!)).toEqual([0.25, -0.5]);
    src.close();
  });
});

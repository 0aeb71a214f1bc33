// AIFF and AIFC readers: big-endian integer, sowt (little-endian), fl32/fl64, built by code.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readExtended } from '../../src/audio/aiff.js';
import { openAudio } from '../../src/audio/open.js';
import { aiffFile, extended80, readAll, tempDir, type AiffSpec } from '../helpers/audio-fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function open(spec: AiffSpec) {
  const p = path.join(dir, `${n++}.aif`);
  writeFileSync(p, aiffFile(spec));
  return openAudio(p);
}

/** Interleaved integers as big- or little-endian bytes of `bytes` width. */
function ints(values: number[], bytes: number, little = false): Buffer {
  const b = Buffer.alloc(values.length * bytes);
  values.forEach((v, i) => (little ? b.writeIntLE(v, i * bytes, bytes) : b.writeIntBE(v, i * bytes, bytes)));
  return b;
}

function floats(values: number[], bytes: 4 | 8): Buffer {
  const b = Buffer.alloc(values.length * bytes);
  values.forEach((v, i) => (bytes === 4 ? b.writeFloatBE(v, i * 4) : b.writeDoubleBE(v, i * 8)));
  return b;
}

const f32 = (xs: number[]) => xs.map((x) => Math.fround(x));

describe('80-bit extended sample rate', () => {
  for (const rate of [8000, 22050, 44100, 48000, 88200, 96000, 176400, 192000]) {
    it(`${rate} Hz round-trips`, () => expect(readExtended(extended80(rate), 0)).toBe(rate));
  }
});

describe('AIFF', () => {
  it('16-bit big-endian stereo at 44.1 kHz', async () => {
    // interleaved L R L R L R
    const src = await open({ container: 'aiff', channels: 2, sampleRate: 44100, bits: 16, frames: 3, sampleBytes: ints([-32768, 32767, 16384, -16384, 1, 0], 2) });
    const h = src.header;
    expect(h.format).toMatchObject({ container: 'aiff', sampleRate: 44100, bitDepth: 16, sampleFormat: 'int', channels: 2, frames: 3 });
    expect(h.bigEndian).toBe(true);
    expect(h.codec).toBe('NONE');
    const d = readAll(src);
    src.close();
    expect(Array.from(d[0]!)).toEqual(f32([-1, 0.5, 1 / 32768]));
    expect(Array.from(d[1]!)).toEqual(f32([32767 / 32768, -0.5, 0]));
  });

  it('24-bit big-endian mono, with an SSND offset, odd NAME chunk before and ANNO after', async () => {
    const src = await open({
      container: 'aiff',
      channels: 1,
      sampleRate: 48000,
      bits: 24,
      frames: 4,
      ssndOffset: 5,
      sampleBytes: ints([-(2 ** 23), 2 ** 22, -1, 2 ** 23 - 1], 3),
      chunksBefore: [{ id: 'NAME', body: Buffer.from('Reel', 'latin1').subarray(0, 3) }],
      chunksAfter: [{ id: 'ANNO', body: Buffer.from('mix v2', 'latin1') }],
    });
    const h = src.header;
    expect(h.format).toMatchObject({ bitDepth: 24, frames: 4, sampleRate: 48000 });
    expect(h.info).toEqual({ NAME: 'Ree', ANNO: 'mix v2' });
    expect(h.chunks.map((c) => c.id)).toEqual(['COMM', 'NAME', 'SSND', 'ANNO']);
    expect(h.format.channelLabels).toEqual(['M']);
    expect(Array.from(readAll(src)[0]!)).toEqual(f32([-1, 0.5, -1 / 2 ** 23, (2 ** 23 - 1) / 2 ** 23]));
    src.close();
  });

  it('an SSND cut short is measured as far as it goes, with the missing bytes said', async () => {
    const spec: AiffSpec = { container: 'aiff', channels: 2, sampleRate: 48000, bits: 16, frames: 4, sampleBytes: ints([1, 2, 3, 4, 5, 6, 7, 8], 2) };
    const whole = aiffFile(spec);
    // drop the last frame and a half (6 bytes)
    const src = await open({ ...spec, truncateTo: whole.length - 6 });
    expect(src.header.format.frames).toBe(2);
    expect(src.header.warnings.some((w) => /6 bytes missing/.test(w))).toBe(true);
    expect(src.header.warnings).toHaveLength(1);
    const d = readAll(src);
    src.close();
    expect(Array.from(d[0]!)).toEqual(f32([1 / 32768, 3 / 32768]));
    expect(Array.from(d[1]!)).toEqual(f32([2 / 32768, 4 / 32768]));
  });
});

describe('AIFC', () => {
  it('NONE: big-endian 16-bit', async () => {
    const src = await open({ container: 'aifc', compression: 'NONE', channels: 1, sampleRate: 48000, bits: 16, frames: 3, sampleBytes: ints([-16384, 8192, 32767], 2) });
    expect(src.header.format.container).toBe('aifc');
    expect(src.header.codec).toBe('NONE');
    expect(src.header.chunks[0]!.id).toBe('FVER');
    expect(Array.from(readAll(src)[0]!)).toEqual(f32([-0.5, 0.25, 32767 / 32768]));
    src.close();
  });

  it('sowt: little-endian 16-bit and 24-bit', async () => {
    const s16 = await open({ container: 'aifc', compression: 'sowt', channels: 2, sampleRate: 48000, bits: 16, frames: 2, sampleBytes: ints([-32768, 256, 1, -2], 2, true) });
    expect(s16.header.bigEndian).toBe(false);
    const d16 = readAll(s16);
    s16.close();
    expect(Array.from(d16[0]!)).toEqual(f32([-1, 1 / 32768]));
    expect(Array.from(d16[1]!)).toEqual(f32([256 / 32768, -2 / 32768]));
    const s24 = await open({ container: 'aifc', compression: 'sowt', channels: 1, sampleRate: 96000, bits: 24, frames: 2, sampleBytes: ints([0x123456, -0x654321], 3, true) });
    expect(s24.header.format).toMatchObject({ bitDepth: 24, sampleRate: 96000 });
    expect(Array.from(readAll(s24)[0]!)).toEqual(f32([0x123456 / 2 ** 23, -0x654321 / 2 ** 23]));
    s24.close();
  });

  it('fl32 and fl64: big-endian IEEE float', async () => {
    const values = [-1.5, 0.1, 0, 2.25];
    const a = await open({ container: 'aifc', compression: 'fl32', channels: 2, sampleRate: 48000, bits: 32, frames: 2, sampleBytes: floats(values, 4) });
    expect(a.header.format).toMatchObject({ sampleFormat: 'float', bitDepth: 32 });
    const da = readAll(a);
    a.close();
    expect(Array.from(da[0]!)).toEqual(f32([-1.5, 0]));
    expect(Array.from(da[1]!)).toEqual(f32([0.1, 2.25]));
    const b = await open({ container: 'aifc', compression: 'fl64', channels: 1, sampleRate: 48000, bits: 64, frames: 4, sampleBytes: floats(values, 8) });
    expect(b.header.format).toMatchObject({ sampleFormat: 'float', bitDepth: 64 });
    expect(Array.from(readAll(b)[0]!)).toEqual(f32(values));
    b.close();
  });

  it('twos 8-bit (signed), in24, and 8-bit AIFF', async () => {
    const twos = await open({ container: 'aifc', compression: 'twos', channels: 1, sampleRate: 48000, bits: 8, frames: 3, sampleBytes: ints([-128, 64, 127], 1) });
    expect(Array.from(readAll(twos)[0]!)).toEqual(f32([-1, 0.5, 127 / 128]));
    twos.close();
    const in24 = await open({ container: 'aifc', compression: 'in24', channels: 1, sampleRate: 48000, bits: 24, frames: 2, sampleBytes: ints([2 ** 21, -(2 ** 22)], 3) });
    expect(in24.header.format.bitDepth).toBe(24);
    expect(Array.from(readAll(in24)[0]!)).toEqual(f32([0.25, -0.5]));
    in24.close();
    const a8 = await open({ container: 'aiff', channels: 2, sampleRate: 22050, bits: 8, frames: 1, sampleBytes: ints([-64, 32], 1) });
    const d8 = readAll(a8);
    a8.close();
    expect([d8[0]![0], d8[1]![0]]).toEqual([-0.5, 0.25]);
  });

  it('a compressed AIFC (ima4) is refused by name, at the compression field', async () => {
    const p = path.join(dir, 'ima4.aifc');
    writeFileSync(p, aiffFile({ container: 'aifc', compression: 'ima4', channels: 1, sampleRate: 48000, bits: 16, frames: 2, sampleBytes: Buffer.alloc(4) }));
    // FORM(12) + FVER(12) = COMM at 24; compression type at body byte 18
    await expect(openAudio(p)).rejects.toMatchObject({ code: 'unsupported-codec', path: p, byteOffset: 24 + 8 + 18, message: expect.stringContaining("compression 'ima4'") });
  });
});

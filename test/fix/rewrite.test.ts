// One file written again with a gain: the encoder rounds once, every encoding keeps its form, and the
// bytes around the samples (any container) are the input's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAudio } from '../../src/audio/open.js';
import { encodeScaled, writeWav } from '../../src/audio/writer.js';
import { bextLoudnessFields, bextWithLoudness } from '../../src/fix/bext.js';
import { rewriteFile } from '../../src/fix/rewrite.js';
import { parseBext } from '../../src/audio/riff.js';
import { aiffFile } from '../helpers/audio-fixtures.js';
import { noise } from '../helpers/wav-writer.js';
import { bext } from './fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-fix-rewrite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Random integer codes of `bits`, as the reader gives them (code / 2^(bits-1), exact in float32). */
function codes(n: number, bits: number, seed: number): { codes: number[]; planar: Float32Array } {
  const r = noise(n, seed);
  const full = 2 ** (bits - 1);
  const c = Array.from(r, (v) => Math.max(-full, Math.min(full - 1, Math.round(v * full))));
  c[0] = -full;
  c[1] = full - 1;
  return { codes: c, planar: Float32Array.from(c, (v) => v / full) };
}

describe('encodeScaled', () => {
  it('24-bit: each sample is round(code × gain), one rounding, in double', () => {
    const { codes: c, planar } = codes(5000, 24, 3);
    const g = 10 ** (-3.71 / 20);
    const out = Buffer.alloc(c.length * 3);
    expect(encodeScaled([planar], c.length, 's24le', g, out)).toEqual({ bytes: c.length * 3, clipped: 0 });
    for (let i = 0; i < c.length; i++) expect(out.readIntLE(i * 3, 3)).toBe(Math.round(c[i]! * g));
  });

  it('interleaves channels; 16-bit, big-endian 24-bit and unsigned 8-bit alike', () => {
    const a = codes(300, 16, 5);
    const b = codes(300, 16, 6);
    const g = 10 ** (2.5 / 20);
    const out = Buffer.alloc(300 * 2 * 2);
    const r = encodeScaled([a.planar, b.planar], 300, 's16le', g, out);
    const clamp = (v: number) => Math.max(-32768, Math.min(32767, v));
    let clipped = 0;
    for (let i = 0; i < 300; i++) {
      for (const [k, x] of [a, b].entries()) {
        const want = Math.round(x.codes[i]! * g);
        if (want !== clamp(want)) clipped++;
        expect(out.readInt16LE((i * 2 + k) * 2)).toBe(clamp(want));
      }
    }
    // full-scale codes pushed +2.5 dB are clamped and counted: fix treats that as a failure
    expect(r.clipped).toBe(clipped);
    expect(clipped).toBeGreaterThan(0);
    const c24 = codes(200, 24, 7);
    const be = Buffer.alloc(600);
    encodeScaled([c24.planar], 200, 's24be', 0.5, be);
    for (let i = 0; i < 200; i++) expect(be.readIntBE(i * 3, 3)).toBe(Math.round(c24.codes[i]! * 0.5));
    const c8 = codes(100, 8, 8);
    const u8 = Buffer.alloc(100);
    encodeScaled([c8.planar], 100, 'u8', 0.5, u8);
    for (let i = 0; i < 100; i++) expect(u8[i]! - 128).toBe(Math.round(c8.codes[i]! * 0.5) + 0);
  });

  it('20-bit audio in a 24-bit container is rounded at 20 bits and stays left-justified', () => {
    const c20 = codes(400, 20, 9);
    const out = Buffer.alloc(1200);
    encodeScaled([c20.planar], 400, 's24le', 10 ** (-1.3 / 20), out, 20);
    for (let i = 0; i < 400; i++) {
      const v = out.readIntLE(i * 3, 3);
      expect(v & 0xf).toBe(0);
      expect(v >> 4).toBe(Math.round(c20.codes[i]! * 10 ** (-1.3 / 20)));
    }
  });

  it('float stays float: the product, rounded to float32 (or kept in float64)', () => {
    const x = noise(100, 4);
    const g = 10 ** (4.2 / 20);
    const f32 = Buffer.alloc(400);
    const f64 = Buffer.alloc(800);
    encodeScaled([x], 100, 'f32le', g, f32);
    encodeScaled([x], 100, 'f64be', g, f64);
    for (let i = 0; i < 100; i++) {
      expect(f32.readFloatLE(i * 4)).toBe(Math.fround(x[i]! * g));
      expect(f64.readDoubleBE(i * 8)).toBe(x[i]! * g);
    }
  });
});

describe('rewriteFile', () => {
  it('a float WAV: the same bytes around the samples, each sample fround(x × gain)', async () => {
    const input = path.join(dir, 'float.wav');
    const x = noise(4800, 12).map((v) => 0.3 * v);
    writeWav(input, { sampleRate: 48000, channels: 1, encoding: 'f32le', chunksBeforeData: [{ id: 'bext', body: bext(2, 'float print') }], chunksAfterData: [{ id: 'iXML', body: Buffer.from('<BWFXML/>') }] }, [x]);
    const output = path.join(dir, 'float.out.wav');
    const r = rewriteFile({ input, output, gainDb: -6 });
    expect(r).toMatchObject({ encoding: 'f32le', frames: 4800, bytes: fs.statSync(input).size });
    const a = fs.readFileSync(input);
    const b = fs.readFileSync(output);
    const dataAt = a.indexOf('data') + 8;
    expect(b.subarray(0, dataAt)).toEqual(a.subarray(0, dataAt));
    expect(b.subarray(dataAt + 4800 * 4)).toEqual(a.subarray(dataAt + 4800 * 4));
    const g = 10 ** (-6 / 20);
    for (let i = 0; i < 4800; i += 7) expect(b.readFloatLE(dataAt + i * 4)).toBe(Math.fround(x[i]! * g));
  });

  it('an AIFF (big-endian 24-bit, SSND offset, chunks around it): same size and chunks, samples scaled', async () => {
    const c = codes(960, 24, 21);
    const sampleBytes = Buffer.alloc(960 * 3);
    c.codes.forEach((v, i) => sampleBytes.writeIntBE(v, i * 3, 3));
    const input = path.join(dir, 'print.aif');
    fs.writeFileSync(input, aiffFile({ container: 'aiff', channels: 1, sampleRate: 48000, bits: 24, frames: 960, ssndOffset: 4, sampleBytes, chunksBefore: [{ id: 'NAME', body: Buffer.from('Reel 1') }], chunksAfter: [{ id: 'ANNO', body: Buffer.from('mix v3') }] }));
    const output = path.join(dir, 'print.out.aif');
    rewriteFile({ input, output, gainDb: -0.5 });
    const a = fs.readFileSync(input);
    const b = fs.readFileSync(output);
    expect(b.length).toBe(a.length);
    const at = a.indexOf('SSND') + 8 + 8 + 4;
    expect(b.subarray(0, at)).toEqual(a.subarray(0, at));
    expect(b.subarray(at + 960 * 3)).toEqual(a.subarray(at + 960 * 3));
    const g = 10 ** (-0.5 / 20);
    for (let i = 0; i < 960; i++) expect(b.readIntBE(at + i * 3, 3)).toBe(Math.round(c.codes[i]! * g));
    const s = await openAudio(output);
    expect(s.header.chunks.map((x) => x.id)).toEqual(['COMM', 'NAME', 'SSND', 'ANNO']);
    s.close();
  });

  it('never writes over a file, and leaves no partial output when the gain would clip', () => {
    const input = path.join(dir, 'hot.wav');
    writeWav(input, { sampleRate: 48000, channels: 1, encoding: 's24le' }, [Float32Array.from({ length: 480 }, (_, i) => (i === 100 ? 0.9 : 0))]);
    expect(() => rewriteFile({ input, output: input, gainDb: 0 })).toThrow(/EEXIST|exists/);
    const output = path.join(dir, 'hot.out.wav');
    expect(() => rewriteFile({ input, output, gainDb: 3 })).toThrow(/would pass full scale/);
    expect(fs.existsSync(output)).toBe(false);
  });
});

describe('bext loudness', () => {
  it('version raised to 2, the five fields in hundredths, 0x7FFF for what is not known, nothing else touched', () => {
    const body = bext(1, 'print', 'A=PCM,F=48000,W=24\r\n');
    const l = { integratedLufs: -27.004, loudnessRangeLu: 7.456, truePeakDbtp: -3.2, momentaryMaxLufs: null, shortTermMaxLufs: -20.556, samplePeakDbfs: -4, plrLu: 1 };
    const out = bextWithLoudness(body, l)!;
    expect(out.length).toBe(body.length);
    const p = parseBext(out);
    expect(p).toMatchObject({ version: 2, loudnessValueLufs: -27, loudnessRangeLu: 7.46, maxTruePeakDbtp: -3.2, maxMomentaryLufs: null, maxShortTermLufs: -20.56 });
    expect(p.codingHistory).toBe('A=PCM,F=48000,W=24');
    for (let i = 0; i < body.length; i++) if (!(i === 346 || i === 347 || (i >= 412 && i < 422))) expect(out[i]).toBe(body[i]);
    expect(bextLoudnessFields(l)).toEqual([-27.004, 7.456, -3.2, null, -20.556]);
    expect(bextWithLoudness(body.subarray(0, 400), l)).toBeNull();
  });
});

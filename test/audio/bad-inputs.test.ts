// Bad inputs: each a DubstageError with a code, the path and (where one applies) the byte offset;
// never a crash. measureFile reports the same error as data instead of throwing.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { bufferSource } from '../../src/audio/bytesource.js';
import { openAudio, openByteSource, readAudioHeader } from '../../src/audio/open.js';
import { MAX_CHUNKS } from '../../src/audio/riff.js';
import { writeWav } from '../../src/audio/writer.js';
import { DubstageError } from '../../src/errors.js';
import { aiffFile, fmtBody, readAll, riffFile, s16le, tempDir } from '../helpers/audio-fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function put(bytes: Uint8Array | string, name = 'bad.wav'): string {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}

const fmt16 = (channels = 1, sampleRate = 48000) => ({ id: 'fmt ', body: fmtBody({ channels, sampleRate, bits: 16 }) });

/** Expect every entry point to refuse the file with this error. */
async function expectRefused(p: string, expected: { code: string; byteOffset?: number; message: RegExp }) {
  let thrown: unknown;
  try {
    readAudioHeader(p);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(DubstageError);
  const e = thrown as DubstageError;
  expect(e.code).toBe(expected.code);
  expect(e.path).toBe(p);
  expect(e.byteOffset).toBe(expected.byteOffset);
  expect(e.message).toMatch(expected.message);
  await expect(openAudio(p)).rejects.toBeInstanceOf(DubstageError);
  const m = await measureFile(p);
  expect(m.error).toMatchObject({ code: expected.code, path: p });
  expect(m.loudness).toBeUndefined();
}

describe('refused with a clear error', () => {
  it('chunk size past the end of the file (before the audio is known)', async () => {
    const p = put(riffFile([{ id: 'LIST', body: Buffer.alloc(10), declaredSize: 1000 }, fmt16(), { id: 'data', body: s16le([1, 2]) }]));
    await expectRefused(p, { code: 'bad-chunk', byteOffset: 12, message: /'LIST' chunk at byte 12 declares 1000 bytes, past the end of the file \(\d+ left\)/ });
  });

  it('fmt chunk size past the end of the file', async () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 16 }), declaredSize: 5000 }]));
    await expectRefused(p, { code: 'bad-chunk', byteOffset: 12, message: /'fmt ' chunk at byte 12 declares 5000 bytes/ });
  });

  it('missing fmt', async () => {
    const p = put(riffFile([{ id: 'data', body: s16le([1, 2, 3, 4]) }]));
    await expectRefused(p, { code: 'missing-fmt', byteOffset: 12, message: /no 'fmt ' chunk/ });
  });

  it('missing data', async () => {
    const p = put(riffFile([fmt16()]));
    await expectRefused(p, { code: 'truncated', byteOffset: 36, message: /no 'data' chunk/ });
  });

  for (const [tag, name] of [
    [0x0055, 'MPEG Layer 3'],
    [0x0002, 'Microsoft ADPCM'],
    [0x0011, 'IMA ADPCM'],
    [0x1234, 'unknown'],
  ] as const) {
    it(`unknown codec 0x${tag.toString(16).padStart(4, '0')} (${name})`, async () => {
      const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ tag, channels: 2, sampleRate: 48000, bits: 4, blockAlign: 2048 }) }, { id: 'data', body: Buffer.alloc(2048) }]));
      await expectRefused(p, { code: 'unsupported-codec', byteOffset: 20, message: new RegExp(`'fmt ' chunk at byte 12: codec 0x${tag.toString(16).padStart(4, '0')} \\(${name}\\) is not supported`) });
    });
  }

  it('PCM with an unsupported bit depth (40)', async () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 40, blockAlign: 5 }) }, { id: 'data', body: Buffer.alloc(10) }]));
    await expectRefused(p, { code: 'unsupported-codec', byteOffset: 34, message: /'fmt ' chunk at byte 12: PCM with 40 bits per sample is not supported \(8 to 32 expected\)/ });
  });

  it('zero channels', async () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 0, sampleRate: 48000, bits: 16, blockAlign: 0 }) }, { id: 'data', body: Buffer.alloc(4) }]));
    await expectRefused(p, { code: 'bad-format', byteOffset: 22, message: /says 0 channels/ });
  });

  it('zero sample rate', async () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 0, bits: 16 }) }, { id: 'data', body: Buffer.alloc(4) }]));
    await expectRefused(p, { code: 'bad-format', byteOffset: 24, message: /sample rate of 0/ });
  });

  it('block align that does not match channels × bytes', async () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 24, blockAlign: 8 }) }, { id: 'data', body: Buffer.alloc(16) }]));
    await expectRefused(p, { code: 'bad-format', byteOffset: 32, message: /block align 8; 2 channels of 24 bits need 6/ });
  });

  it('garbage where a chunk header was expected', async () => {
    const good = riffFile([fmt16()]);
    const p = put(Buffer.concat([good, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7])]));
    await expectRefused(p, { code: 'bad-chunk', byteOffset: 36, message: /garbage where a chunk header was expected at byte 36/ });
  });

  it('AIFF without COMM', async () => {
    const noComm = Buffer.alloc(12 + 16);
    noComm.write('FORM', 0, 'latin1');
    noComm.writeUInt32BE(20, 4);
    noComm.write('AIFFSSND', 8, 'latin1');
    noComm.writeUInt32BE(8, 16);
    const p = put(noComm, 'nocomm.aif');
    await expectRefused(p, { code: 'missing-fmt', byteOffset: 12, message: /no COMM chunk/ });
  });

  it('AIFF with zero channels', async () => {
    const p = put(aiffFile({ container: 'aiff', channels: 0, sampleRate: 48000, bits: 16, frames: 0, sampleBytes: Buffer.alloc(0) }), 'zero.aif');
    // COMM at byte 12, channel count at its body byte 0
    await expectRefused(p, { code: 'bad-format', byteOffset: 20, message: /COMM chunk at byte 12 says 0 channels/ });
  });

  it('an empty file', async () => {
    const p = put(Buffer.alloc(0));
    await expectRefused(p, { code: 'not-audio', byteOffset: 0, message: /the file is empty \(0 bytes\)/ });
  });

  it('a text file', async () => {
    const p = put('Reel 1 cue sheet\nnot audio\n', 'notes.wav');
    await expectRefused(p, { code: 'not-audio', byteOffset: 0, message: /not an audio file dubstage reads .* the first bytes are 'Reel'/ });
  });

  it('a folder', async () => {
    const p = path.join(dir, 'a-folder.wav');
    mkdirSync(p);
    await expectRefused(p, { code: 'io', message: /cannot open .*a-folder\.wav: is a folder, not a file/ });
  });

  it('a missing path', async () => {
    const p = path.join(dir, 'nowhere', 'missing.wav');
    await expectRefused(p, { code: 'io', message: /cannot open .*missing\.wav: no such file/ });
  });
});

describe('measured as far as it goes', () => {
  it('a data chunk cut short: frames present decoded, warning says how many bytes are missing', async () => {
    const p = path.join(dir, 'cut.wav');
    const left = Float32Array.from({ length: 100 }, (_, i) => (i - 50) / 64);
    const right = Float32Array.from({ length: 100 }, (_, i) => (50 - i) / 128);
    writeWav(p, { sampleRate: 48000, channels: 2, encoding: 's24le' }, [left, right]);
    const whole = readFileSync(p);
    // cut 40 frames and 2 bytes of a 41st (6-byte frames): 242 bytes missing
    const cut = put(whole.subarray(0, whole.length - 242), 'cut.wav');
    const src = await openAudio(cut);
    expect(src.header.format.frames).toBe(59);
    expect(src.header.warnings.some((w) => /declares 600 bytes but the file ends after 358: 242 bytes missing; measured as far as it goes/.test(w))).toBe(true);
    expect(src.header.warnings.some((w) => /last 4 bytes are ignored/.test(w))).toBe(true);
    const d = readAll(src);
    src.close();
    expect(Array.from(d[0]!)).toEqual(Array.from(left.subarray(0, 59)));
    expect(Array.from(d[1]!)).toEqual(Array.from(right.subarray(0, 59)));
    const m = await measureFile(cut);
    expect(m.error).toBeUndefined();
    expect(m.format!.frames).toBe(59);
    expect(m.warnings.some((w) => /242 bytes missing/.test(w))).toBe(true);
    // the report rounds dB to 3 decimals
    expect(m.loudness!.samplePeakDbfs).toBeCloseTo(20 * Math.log10(50 / 64), 3);
  });

  it('an unknown chunk past the end after the data is ignored with a warning', async () => {
    const p = put(riffFile([fmt16(), { id: 'data', body: s16le([8192, -8192]) }, { id: 'LIST', body: Buffer.alloc(4), declaredSize: 99 }]));
    const src = await openAudio(p);
    expect(src.header.warnings).toContain("'LIST' chunk at byte 48 declares 99 bytes, past the end of the file; ignored");
    expect(Array.from(readAll(src)[0]!)).toEqual([0.25, -0.25]);
    src.close();
  });
});

describe('more containers gone wrong', () => {
  it('a ds64 chunk too short to hold its sizes', async () => {
    const p = put(riffFile([{ id: 'ds64', body: Buffer.alloc(16) }, fmt16(), { id: 'data', body: s16le([1]), declaredSize: 0xffffffff }], { riffId: 'RF64', riffSize: 0xffffffff }));
    await expectRefused(p, { code: 'bad-chunk', byteOffset: 12, message: /ds64 chunk at byte 12 is 16 bytes; at least 24 expected/ });
  });

  it('RF64 without ds64 and a data size of 0xFFFFFFFF is read to end of file, with a warning', async () => {
    const p = put(riffFile([fmt16(), { id: 'data', body: s16le([4096, -4096]), declaredSize: 0xffffffff }], { riffId: 'RF64', riffSize: 0xffffffff }));
    const src = await openAudio(p);
    expect(src.header.format.container).toBe('rf64');
    expect(src.header.warnings).toContain('data chunk at byte 36 has size 0xFFFFFFFF and no ds64 chunk; reading to end of file');
    expect(Array.from(readAll(src)[0]!)).toEqual([0.125, -0.125]);
    src.close();
  });

  it('an AIFF chunk past the end of the file before SSND', async () => {
    const good = aiffFile({ container: 'aiff', channels: 1, sampleRate: 48000, bits: 16, frames: 1, sampleBytes: Buffer.alloc(2), chunksBefore: [{ id: 'ANNO', body: Buffer.from('ab') }] });
    // ANNO follows COMM (12 + 8 + 18 = 38): make it claim 4000 bytes
    good.writeUInt32BE(4000, 38 + 4);
    const p = put(good, 'past.aif');
    await expectRefused(p, { code: 'bad-chunk', byteOffset: 38, message: /'ANNO' chunk at byte 38 declares 4000 bytes, past the end of the file/ });
  });

  it('unreadable iXML is a warning; labels fall back to the count', () => {
    const p = path.join(dir, 'bad-ixml.wav');
    const xml = Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><BWFXML><TRACK_LIST></TRACK_LIST></BWFXML>');
    writeWav(p, { sampleRate: 48000, channels: 2, encoding: 's16le', chunksBeforeData: [{ id: 'iXML', body: xml }] }, [new Float32Array(2), new Float32Array(2)]);
    const h = readAudioHeader(p);
    expect(h.ixml).toBeNull();
    expect(h.warnings.some((w) => /iXML chunk at byte 36 is not readable XML: entity declarations are not accepted/.test(w))).toBe(true);
    expect(h.format.labelSource).toBe('assumed-by-count');
  });

  it('a ByteSource inside a container (an AAF essence) names itself in errors and reads like a file', () => {
    const wav = riffFile([fmt16(2), { id: 'data', body: s16le([16384, -8192, 4096, -2048]) }]);
    const src = openByteSource(bufferSource('REEL1.aaf#essence-3', wav));
    expect(src.header.path).toBe('REEL1.aaf#essence-3');
    const d = readAll(src);
    expect(Array.from(d[0]!)).toEqual([0.5, 0.125]);
    expect(Array.from(d[1]!)).toEqual([-0.25, -0.0625]);
    expect(() => openByteSource(bufferSource('REEL1.aaf#essence-4', wav.subarray(0, 30)))).toThrow(
      expect.objectContaining({ code: 'bad-chunk', path: 'REEL1.aaf#essence-4', byteOffset: 12 }),
    );
  });

  it('a file that shrinks while it is read stops with a truncated error at the byte where reading failed', () => {
    const wav = riffFile([fmt16(1), { id: 'data', body: s16le([1, 2, 3, 4, 5, 6, 7, 8]) }]);
    let shrunk = false;
    const inner = bufferSource('shrinking.wav', wav);
    const src = openByteSource({ ...inner, read: (b, o, l, p) => (shrunk ? 0 : inner.read(b, o, l, p)), close() {} });
    const out = [new Float32Array(4)];
    expect(src.read(out, 4)).toBe(4);
    shrunk = true;
    expect(() => src.read(out, 4)).toThrow(expect.objectContaining({ code: 'truncated', byteOffset: 44 + 8, message: expect.stringContaining('frame 4 of 8') }));
  });

  it('seek moves every member of a multi-mono set, and clamps past the end', async () => {
    const l = path.join(dir, 'SK.L.wav');
    const r = path.join(dir, 'SK.R.wav');
    writeWav(l, { sampleRate: 48000, channels: 1, encoding: 's16le' }, [Float32Array.from([0, 1, 2, 3, 4, 5], (x) => x / 8)]);
    writeWav(r, { sampleRate: 48000, channels: 1, encoding: 's16le' }, [Float32Array.from([0, 1, 2, 3, 4, 5], (x) => -x / 8)]);
    const src = await openAudio({ path: l, files: [l, r], labels: ['L', 'R'] });
    const out = [new Float32Array(8), new Float32Array(8)];
    src.seek(4);
    expect(src.read(out, 8)).toBe(2);
    expect(Array.from(out[0]!.subarray(0, 2))).toEqual([0.5, 0.625]);
    expect(Array.from(out[1]!.subarray(0, 2))).toEqual([-0.5, -0.625]);
    src.seek(100);
    expect(src.read(out, 8)).toBe(0);
    src.close();
  });
});

describe('bounded work', () => {
  it('a file of more than MAX_CHUNKS empty chunks before the audio is refused', async () => {
    const empties = Array.from({ length: MAX_CHUNKS + 1 }, () => ({ id: 'JUNK', body: Buffer.alloc(0) }));
    const p = put(riffFile([...empties, fmt16(), { id: 'data', body: s16le([1]) }]));
    await expectRefused(p, { code: 'bad-chunk', byteOffset: 12 + MAX_CHUNKS * 8, message: new RegExp(`more than ${MAX_CHUNKS} chunks before the audio was found`) });
  });

  it('after the audio, extra chunks beyond the limit are ignored with a warning', async () => {
    const empties = Array.from({ length: MAX_CHUNKS }, () => ({ id: 'JUNK', body: Buffer.alloc(0) }));
    const p = put(riffFile([fmt16(), { id: 'data', body: s16le([16384]) }, ...empties]));
    const src = await openAudio(p);
    expect(src.header.warnings.some((w) => w.startsWith(`more than ${MAX_CHUNKS} chunks`))).toBe(true);
    expect(Array.from(readAll(src)[0]!)).toEqual([0.5]);
    src.close();
  });
});

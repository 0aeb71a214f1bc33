// Compressed reference files: sniffing, the size limit (never decoded), and real FLAC decoding through
// node-web-audio-api from a hand-built VERBATIM FLAC (no encoder needed). MP3 and Ogg cannot be made
// without an encoder, so for them only the sniffing and the header reading are tested.
import { closeSync, ftruncateSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { COMPRESSED_MAX_BYTES, COMPRESSED_MAX_DECODED_BYTES, nativeFormat, sniffCompressed } from '../../src/audio/compressed.js';
import { openAudio } from '../../src/audio/open.js';
import { flacVerbatim, readAll, tempDir } from '../helpers/audio-fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sniffing', () => {
  it('knows FLAC, Ogg and MP3 (ID3 tag or bare frame sync), and nothing else', () => {
    expect(sniffCompressed(Buffer.from('fLaC\0\0\0\x22', 'latin1'))).toBe('flac');
    expect(sniffCompressed(Buffer.from('OggS\0\x02\0\0', 'latin1'))).toBe('ogg');
    expect(sniffCompressed(Buffer.from('ID3\x04\0\0\0\0', 'latin1'))).toBe('mp3');
    expect(sniffCompressed(Buffer.from([0xff, 0xfb, 0x90, 0x64]))).toBe('mp3');
    expect(sniffCompressed(Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'))).toBeNull();
    expect(sniffCompressed(Buffer.from('FORM\0\0\0\0AIFF', 'latin1'))).toBeNull();
    expect(sniffCompressed(Buffer.alloc(0))).toBeNull();
  });

  it('reads the native rate from Ogg Vorbis, Opus and MP3 headers', () => {
    const ogg = (packet: Buffer) => {
      const page = Buffer.alloc(28);
      page.write('OggS', 0, 'latin1');
      page[26] = 1;
      page[27] = packet.length;
      return Buffer.concat([page, packet]);
    };
    const vorbis = Buffer.alloc(30);
    vorbis.write('\x01vorbis', 0, 'latin1');
    vorbis[11] = 2;
    vorbis.writeUInt32LE(44100, 12);
    expect(nativeFormat('ogg', ogg(vorbis))).toEqual({ sampleRate: 44100 });
    expect(nativeFormat('ogg', ogg(Buffer.from('OpusHead\x01\x02\0\0\x44\xac\0\0', 'latin1')))).toEqual({ sampleRate: 48000 });
    // ID3v2 tag of 20 bytes (syncsafe), then an MPEG-1 Layer III frame at 32 kHz (rate index 2)
    const id3 = Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\x14', 'latin1'), Buffer.alloc(20), Buffer.from([0xff, 0xfb, 0x98, 0x64])]);
    // 128 kbit/s joint stereo: the 4 bytes from the frame on last 4 × 8 / 128000 s = 8 samples, × 2 channels × 4 bytes
    expect(nativeFormat('mp3', id3)).toEqual({ sampleRate: 32000, decodedBytes: 64 });
    // MPEG-2 Layer III at 24 kHz
    expect(nativeFormat('mp3', Buffer.from([0xff, 0xf3, 0x84, 0x64]))).toMatchObject({ sampleRate: 24000 });
    expect(nativeFormat('mp3', Buffer.alloc(16))).toBeNull();
  });
});

describe('size limit', () => {
  it('a FLAC above COMPRESSED_MAX_BYTES is refused with the reason, without decoding', async () => {
    const p = path.join(dir, 'huge.flac');
    const fd = openSync(p, 'w');
    writeSync(fd, flacVerbatim(48000, 16, [[0, 1, 2, 3]]));
    // sparse: the size is real, the disk use is not
    ftruncateSync(fd, COMPRESSED_MAX_BYTES + 1);
    closeSync(fd);
    const err = await openAudio(p).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'too-large', path: p });
    expect((err as Error).message).toMatch(/FLAC file of 64 MiB; compressed files are decoded whole into memory, so dubstage reads them only up to 64 MiB .* Convert deliverables to WAV\/BW64/);
    const m = await measureFile(p);
    expect(m.error?.code).toBe('too-large');
  });
});

describe('decoded-size limit', () => {
  async function refusal(p: string) {
    const err = await openAudio(p).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'too-large', path: p });
    return (err as Error).message;
  }

  it('a small FLAC whose STREAMINFO promises hours of samples is refused before decoding', async () => {
    const flac = flacVerbatim(48000, 16, [[1, 2, 3], [4, 5, 6]]);
    expect(nativeFormat('flac', flac)).toEqual({ sampleRate: 48000, bitDepth: 16, decodedBytes: 3 * 2 * 4 });
    // total samples: 48000 × 3 hours, 36 bits from the low nibble of byte 21
    const total = 48000 * 3 * 3600;
    flac[21] = (flac[21]! & 0xf0) | Math.floor(total / 2 ** 32);
    flac.writeUInt32BE(total % 2 ** 32, 22);
    const p = path.join(dir, 'long.flac');
    writeFileSync(p, flac);
    expect(await refusal(p)).toMatch(/FLAC file would decode to about 3955 MiB of samples; .* only up to 1024 MiB/);
    expect(COMPRESSED_MAX_DECODED_BYTES).toBe(1024 * 1024 * 1024);
  });

  it('an Ogg Vorbis whose last granule position says four hours is refused', async () => {
    const page = (granule: bigint, packet: Buffer) => {
      const h = Buffer.alloc(28);
      h.write('OggS', 0, 'latin1');
      h.writeBigInt64LE(granule, 6);
      h[26] = 1;
      h[27] = packet.length;
      return Buffer.concat([h, packet]);
    };
    const ident = Buffer.alloc(30);
    ident.write('\x01vorbis', 0, 'latin1');
    ident[11] = 2;
    ident.writeUInt32LE(44100, 12);
    const granule = 44100n * 4n * 3600n;
    const ogg = Buffer.concat([page(0n, ident), Buffer.alloc(1000), page(granule, Buffer.alloc(10))]);
    expect(nativeFormat('ogg', ogg)).toEqual({ sampleRate: 44100, decodedBytes: Number(granule) * 2 * 4 });
    const p = path.join(dir, 'long.ogg');
    writeFileSync(p, ogg);
    expect(await refusal(p)).toMatch(/OGG file would decode to about \d+ MiB/);
  });

  it('a 16 MiB MP3 at 8 kbit/s mono (about 4.6 hours) is refused', async () => {
    const p = path.join(dir, 'long.mp3');
    const fd = openSync(p, 'w');
    // MPEG-2 Layer III, 8 kbit/s, 24 kHz, mono
    writeSync(fd, Buffer.from([0xff, 0xf3, 0x14, 0xc4]));
    ftruncateSync(fd, 16 * 1024 * 1024);
    closeSync(fd);
    expect(await refusal(p)).toMatch(/MP3 file would decode to about 1536 MiB/);
  });
});

describe('FLAC through node-web-audio-api', () => {
  const left = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 65536) - 32768);
  const right = Array.from({ length: 1000 }, (_, i) => 0 - ((i * 11) % 30000));

  for (const rate of [48000, 44100] as const) {
    it(`16-bit stereo at ${rate} Hz: native rate kept, every sample exact`, async () => {
      const p = path.join(dir, `s16-${rate}.flac`);
      writeFileSync(p, flacVerbatim(rate, 16, [left, right]));
      const src = await openAudio(p);
      expect(src.header.format).toMatchObject({ container: 'flac', sampleRate: rate, bitDepth: 16, sampleFormat: 'int', channels: 2, frames: 1000, channelLabels: ['L', 'R'] });
      expect(src.header.warnings[0]).toMatch(/decoded in memory through node-web-audio-api/);
      const d = readAll(src, 300);
      src.close();
      expect(Array.from(d[0]!)).toEqual(left.map((v) => v / 32768));
      expect(Array.from(d[1]!)).toEqual(right.map((v) => v / 32768));
    });
  }

  it('24-bit mono at 96 kHz', async () => {
    const mono = Array.from({ length: 700 }, (_, i) => ((i * 40503) % 16777216) - 8388608);
    const p = path.join(dir, 's24.flac');
    writeFileSync(p, flacVerbatim(96000, 24, [mono]));
    const src = await openAudio(p);
    expect(src.header.format).toMatchObject({ sampleRate: 96000, bitDepth: 24, channels: 1, frames: 700 });
    expect(Array.from(readAll(src)[0]!)).toEqual(mono.map((v) => Math.fround(v / 2 ** 23)));
    src.close();
  });

  it('a FLAC the decoder cannot read is a clear unsupported-codec error', async () => {
    const p = path.join(dir, 'broken.flac');
    writeFileSync(p, Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.alloc(60, 0x5a)]));
    await expect(openAudio(p)).rejects.toMatchObject({ code: 'unsupported-codec', path: p, message: expect.stringContaining('could not decode FLAC') });
  });
});

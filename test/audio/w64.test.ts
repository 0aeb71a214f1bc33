// Sony Wave64 reader: files built by code as Wave64 writers lay them out, decoded values known by construction.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAudio, readAudioHeader } from '../../src/audio/open.js';
import { DubstageError } from '../../src/errors.js';
import { readAll, tempDir } from '../helpers/audio-fixtures.js';
import { w64Bytes, writeTestW64 } from '../helpers/w64-writer.js';
import { writeTestWav } from '../helpers/wav-writer.js';

const dir = tempDir('dubstage-w64-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);

/** 24-bit values exactly representable: k / 2^23. */
function ramp(frames: number, channel: number): Float32Array {
  return Float32Array.from({ length: frames }, (_, i) => (((i * 977 + channel * 131071) % 16777216) - 8388608) / 8388608);
}

describe('Wave64', () => {
  it('a 5.1 24-bit print with a channel mask and a bext TimeReference: header, labels, and the same samples as the WAV', async () => {
    const channels = [0, 1, 2, 3, 4, 5].map((c) => ramp(4801, c));
    const w64 = file('PM_51.w64');
    const wav = file('PM_51.wav');
    writeTestW64(w64, { channels, channelMask: 0x60f, timeReferenceSamples: 3600 * 48000 });
    writeTestWav(wav, { channels, channelMask: 0x60f, timeReferenceSamples: 3600 * 48000 });
    const h = readAudioHeader(w64);
    expect(h.format).toMatchObject({ container: 'w64', sampleRate: 48000, bitDepth: 24, sampleFormat: 'int', channels: 6, frames: 4801, channelLabels: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], labelSource: 'channel-mask' });
    expect(h.bext!.timeReferenceSamples).toBe(3600 * 48000);
    expect(h.chunks.map((c) => c.id)).toEqual(['fmt ', 'bext', 'data']);
    expect(h.warnings).toEqual([]);
    // The data chunk's body starts after its 24-byte header; fmt (40 bytes) and bext (602, padded to 608) come first.
    expect(h.dataOffset).toBe(40 + (24 + 40) + (24 + 608) + 24);
    const a = await openAudio(w64);
    const b = await openAudio(wav);
    try {
      expect(readAll(a, 1000)).toEqual(readAll(b, 1000));
    } finally {
      a.close();
      b.close();
    }
  });

  it('32-bit float, stereo, plain WAVEFORMATEX: samples exact', async () => {
    const channels = [Float32Array.from([0.5, -0.25, 1.5, 0]), Float32Array.from([-1, 0.125, 3e-9, -0])];
    const p = file('float.w64');
    writeTestW64(p, { channels, float: true, sampleRate: 96000 });
    const src = await openAudio(p);
    try {
      expect(src.header.format).toMatchObject({ container: 'w64', sampleRate: 96000, bitDepth: 32, sampleFormat: 'float', channels: 2, frames: 4 });
      expect(readAll(src)).toEqual(channels);
    } finally {
      src.close();
    }
  });

  it('a data chunk cut short is measured as far as it goes, with the bytes missing said', () => {
    const p = file('short.w64');
    writeTestW64(p, { channels: [ramp(1000, 0)], truncateBytes: 300 });
    const h = readAudioHeader(p);
    expect(h.format.frames).toBe(900);
    expect(h.warnings.some((w) => w.includes('300 bytes missing'))).toBe(true);
  });

  it('bad headers are typed errors naming the byte', () => {
    const good = w64Bytes({ channels: [ramp(10, 0)] });
    const bad = Buffer.from(good);
    bad.writeBigUInt64LE(8n, 40 + 16); // the fmt chunk says 8 bytes: less than its own header
    const p = file('bad.w64');
    writeFileSync(p, bad);
    expect(() => readAudioHeader(p)).toThrow(DubstageError);
    try {
      readAudioHeader(p);
    } catch (err) {
      expect((err as DubstageError).code).toBe('bad-chunk');
      expect((err as DubstageError).message).toContain('at byte 40');
    }
    const noWave = Buffer.from(good);
    noWave.write('WAVE', 24, 'latin1');
    const q = file('nowave.w64');
    writeFileSync(q, noWave);
    expect(() => readAudioHeader(q)).toThrow(/without the 'wave' GUID at byte 24/);
    const q2 = file('tiny.w64');
    writeFileSync(q2, good.subarray(0, 30));
    expect(() => readAudioHeader(q2)).toThrow(/a Wave64 header needs at least 40/);
  });

  it("its fmt fields are checked as a WAV's are: a 4 Hz rate is refused with the field and its byte, before anything is sized by it", () => {
    const bad = Buffer.from(w64Bytes({ channels: [ramp(10, 0)] }));
    // the fmt chunk starts at 40; its body 24 bytes in; nSamplesPerSec 4 bytes into the body
    bad.writeUInt32LE(4, 40 + 24 + 4);
    const p = file('4hz.w64');
    writeFileSync(p, bad);
    expect(() => readAudioHeader(p)).toThrow(expect.objectContaining({ code: 'bad-format', field: 'fmt.nSamplesPerSec', byteOffset: 40 + 24 + 4 }));
    const many = Buffer.from(w64Bytes({ channels: [ramp(10, 0)] }));
    many.writeUInt16LE(0, 40 + 24 + 2);
    const q = file('0ch.w64');
    writeFileSync(q, many);
    expect(() => readAudioHeader(q)).toThrow(expect.objectContaining({ code: 'bad-format', byteOffset: 40 + 24 + 2 }));
  });
});

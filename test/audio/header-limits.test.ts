// Every numeric header field is checked at the reader (issue 15): a sample rate outside 8 kHz-768 kHz,
// a channel count of thousands, bits or block align that do not fit, a non-finite AIFF rate — each a
// DubstageError naming the file, the field and its byte offset, before anything is sized by it.
// Non-regular files (FIFO, device, socket) are refused by stat, never opened for reading.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { openFileSource, readRegularFile } from '../../src/audio/bytesource.js';
import { MAX_CHANNELS } from '../../src/audio/limits.js';
import { openAudio, readAudioHeader } from '../../src/audio/open.js';
import { DubstageError } from '../../src/errors.js';
import { aiffFile, extended80, fmtBody, riffFile, s16le, tempDir } from '../helpers/audio-fixtures.js';

const dir = tempDir('dubstage-limits-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function put(bytes: Uint8Array, name = 'bad.wav'): string {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}

function refusal(fn: () => unknown): DubstageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DubstageError);
    return err as DubstageError;
  }
  throw new Error('expected a DubstageError, the call succeeded');
}

/** A 16-bit WAV whose fmt says `rate` Hz (everything else consistent): fmt body at byte 20. */
function wavAtRate(rate: number, channels = 1): Buffer {
  const body = fmtBody({ channels, sampleRate: 48000, bits: 16 });
  body.writeUInt32LE(rate, 4);
  body.writeUInt32LE((rate * channels * 2) % 2 ** 32, 8);
  return riffFile([{ id: 'fmt ', body }, { id: 'data', body: s16le(new Array(64 * channels).fill(100)) }]);
}

describe('WAV fmt fields are validated at the reader', () => {
  for (const rate of [4, 1, 11, 100, 7999, 768001, 4294967295]) {
    it(`a sample rate of ${rate} Hz is refused with the field and its offset`, async () => {
      const p = put(wavAtRate(rate));
      const e = refusal(() => readAudioHeader(p));
      expect(e).toMatchObject({ code: 'bad-format', path: p, byteOffset: 24, field: 'fmt.nSamplesPerSec' });
      expect(e.message).toContain(`${p}: 'fmt ' chunk at byte 12: sample rate (fmt.nSamplesPerSec, byte 24) is ${rate} Hz; expected 8000 to 768000 Hz`);
      // measure reports the same error as data: no figure, no Infinity, no null loudness with exit 0
      const m = await measureFile(p);
      expect(m.error).toMatchObject({ code: 'bad-format', path: p, byteOffset: 24, field: 'fmt.nSamplesPerSec' });
      expect(m.loudness).toBeUndefined();
    });
  }

  it('the edges 8 kHz and 768 kHz are read', () => {
    expect(readAudioHeader(put(wavAtRate(8000))).format.sampleRate).toBe(8000);
    expect(readAudioHeader(put(wavAtRate(768000))).format.sampleRate).toBe(768000);
  });

  it('a channel count above the limit is refused before a block buffer is sized by it', () => {
    const channels = 60000;
    const body = fmtBody({ channels, sampleRate: 48000, bits: 8, blockAlign: 60000 });
    const p = put(riffFile([{ id: 'fmt ', body }, { id: 'data', body: Buffer.alloc(120000) }]));
    const e = refusal(() => readAudioHeader(p));
    expect(e).toMatchObject({ code: 'bad-format', path: p, byteOffset: 22, field: 'fmt.nChannels' });
    expect(e.message).toContain(`channel count (fmt.nChannels, byte 22) is ${channels}; expected 1 to ${MAX_CHANNELS}`);
  });

  it('block align that does not fit channels × bytes names nBlockAlign at byte 32', () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16, blockAlign: 3 }) }, { id: 'data', body: Buffer.alloc(12) }]));
    expect(refusal(() => readAudioHeader(p))).toMatchObject({ code: 'bad-format', byteOffset: 32, field: 'fmt.nBlockAlign' });
  });

  it('valid bits above the container width are refused (WAVE_FORMAT_EXTENSIBLE, byte 38)', () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16, channelMask: 3, subFormat: 1, validBits: 24 }) }, { id: 'data', body: Buffer.alloc(8) }]));
    const e = refusal(() => readAudioHeader(p));
    expect(e).toMatchObject({ code: 'bad-format', path: p, byteOffset: 38, field: 'fmt.wValidBitsPerSample' });
  });

  it('bits per sample out of range names wBitsPerSample', () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 4, blockAlign: 1 }) }, { id: 'data', body: Buffer.alloc(8) }]));
    expect(refusal(() => readAudioHeader(p))).toMatchObject({ code: 'unsupported-codec', byteOffset: 34, field: 'fmt.wBitsPerSample' });
  });

  it('a wrong byte rate sizes nothing: read, with a warning that names the field', () => {
    const body = fmtBody({ channels: 2, sampleRate: 48000, bits: 16 });
    body.writeUInt32LE(7, 8);
    const h = readAudioHeader(put(riffFile([{ id: 'fmt ', body }, { id: 'data', body: Buffer.alloc(16) }])));
    expect(h.warnings.join('\n')).toContain('byte rate (fmt.nAvgBytesPerSec, byte 28) is 7; 48000 Hz × 4 bytes is 192000; ignored');
  });

  it('a data size far past the end of the file is measured as far as the file goes, never allocated', async () => {
    const p = put(riffFile([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16 }) }, { id: 'data', body: Buffer.alloc(400), declaredSize: 0xfffffff0 }]));
    const h = readAudioHeader(p);
    expect(h.format.frames).toBe(100);
    const src = await openAudio(p);
    src.close();
  });
});

describe('AIFF COMM fields are validated at the reader', () => {
  const pcm = Buffer.alloc(64 * 2 * 2);
  it('a sample rate of 4 Hz names COMM.sampleRate at its offset', () => {
    const p = put(aiffFile({ container: 'aiff', channels: 2, sampleRate: 4, bits: 16, sampleBytes: pcm, frames: 64 }), 'slow.aif');
    const e = refusal(() => readAudioHeader(p));
    expect(e).toMatchObject({ code: 'bad-format', path: p, byteOffset: 28, field: 'COMM.sampleRate' });
    expect(e.message).toContain('sample rate (COMM.sampleRate, byte 28) is 4 Hz; expected 8000 to 768000 Hz');
  });

  it('an infinite 80-bit rate (exponent all ones) is refused, not carried as Infinity', () => {
    const bytes = aiffFile({ container: 'aiff', channels: 2, sampleRate: 48000, bits: 16, sampleBytes: pcm, frames: 64 });
    // FORM(12) + COMM header(8): the rate sits 8 bytes into the COMM body
    Buffer.from([0x7f, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]).copy(bytes, 12 + 8 + 8);
    expect(extended80(48000).length).toBe(10);
    const p = put(bytes, 'inf.aif');
    const e = refusal(() => readAudioHeader(p));
    expect(e.code).toBe('bad-format');
    expect(e.path).toBe(p);
    expect(e.byteOffset).toBe(28);
  });

  it('a sample size of 0 bits names COMM.sampleSize', () => {
    const p = put(aiffFile({ container: 'aifc', compression: 'sowt', channels: 2, sampleRate: 48000, bits: 0, sampleBytes: pcm, frames: 64 }), 'zero.aifc');
    const e = refusal(() => readAudioHeader(p));
    expect(e).toMatchObject({ code: 'unsupported-codec', path: p });
    expect(e.message).toContain("AIFC compression 'sowt' with 0 bits is not supported");
  });

  it('an SSND offset past the end of its chunk names SSND.offset', () => {
    const bytes = aiffFile({ container: 'aiff', channels: 2, sampleRate: 48000, bits: 16, sampleBytes: pcm, frames: 64 });
    const ssnd = bytes.indexOf('SSND', 12, 'latin1');
    bytes.writeUInt32BE(0x7fffffff, ssnd + 8);
    const p = put(bytes, 'ssnd.aif');
    expect(refusal(() => readAudioHeader(p))).toMatchObject({ code: 'bad-chunk', path: p, byteOffset: ssnd + 8, field: 'SSND.offset' });
  });
});

describe('non-regular files are refused by stat, with the reason, never opened', () => {
  it('/dev/zero is a character device, not "empty"', async () => {
    const e = refusal(() => readAudioHeader('/dev/zero'));
    expect(e).toMatchObject({ code: 'not-regular', path: '/dev/zero' });
    expect(e.message).toBe('cannot open /dev/zero: is a character device, not a regular file');
    expect((await measureFile('/dev/zero')).error).toMatchObject({ code: 'not-regular', path: '/dev/zero' });
  });

  it('a FIFO is refused at once (open would block forever waiting for a writer)', async () => {
    const fifo = path.join(dir, 'pipe.wav');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    const e = refusal(() => openFileSource(fifo));
    expect(e).toMatchObject({ code: 'not-regular', path: fifo });
    expect(e.message).toContain('is a FIFO (named pipe), not a regular file');
    expect((await measureFile(fifo)).error).toMatchObject({ code: 'not-regular', path: fifo });
    expect(refusal(() => readRegularFile(fifo, 1024, 'EDL'))).toMatchObject({ code: 'not-regular', path: fifo });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a socket is refused with its reason', async () => {
    const sock = path.join(dir, 'sock.wav');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const e = refusal(() => readAudioHeader(sock));
      expect(e).toMatchObject({ code: 'not-regular', path: sock });
      expect(e.message).toContain('is a socket, not a regular file');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a text file over its reader\'s cap is refused by size before it is read', () => {
    const p = put(Buffer.alloc(5000, 0x41), 'big.edl');
    const e = refusal(() => readRegularFile(p, 4096, 'EDL'));
    expect(e).toMatchObject({ code: 'too-large', path: p });
    expect(e.message).toBe(`${p}: EDL of 5 KiB; dubstage reads EDLs up to 4 KiB (real ones are far smaller)`);
  });
});

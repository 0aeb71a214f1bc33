// MD5 and SHA-256 taken in the measuring pass equal a hash over the whole file, whatever the layout and
// whatever part of the data the pass read.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { bufferSource, openFileSource } from '../../src/audio/bytesource.js';
import { checksumTap } from '../../src/audio/checksum.js';
import { openAudio, openByteSource } from '../../src/audio/open.js';
import { writeWav } from '../../src/audio/writer.js';
import { AC, buildAdm } from './adm/build-adm.js';
import { aiffFile, ds64Body, fmtBody, readAll, riffFile, s16le, tempDir } from '../helpers/audio-fixtures.js';
import { writeBw64 } from '../helpers/bw64-writer.js';
import { noise } from '../helpers/wav-writer.js';

const dir = tempDir('dubstage-checksum-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What `md5sum` and `sha256sum` print for the file (read whole here: small fixtures, the test's own check). */
function expected(file: string) {
  const bytes = fs.readFileSync(file);
  return { path: file, sizeBytes: bytes.length, md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') };
}

function put(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Interleaved 16-bit noise, `frames` x `channels`, from a seed. */
function pcm16(frames: number, channels: number, seed: number): Buffer {
  const values: number[] = [];
  let x = seed;
  for (let i = 0; i < frames * channels; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    values.push((x % 60000) - 30000);
  }
  return s16le(values);
}

describe('checksums in the measuring pass', () => {
  it('WAV with bext before the data and an odd LIST after it: whole-file MD5 and SHA-256', async () => {
    const file = put(
      'mix_PM_51.wav',
      riffFile([
        { id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16 }) },
        { id: 'bext', body: Buffer.alloc(603, 7) },
        { id: 'data', body: pcm16(12001, 2, 1) },
        { id: 'LIST', body: Buffer.from('INFOISFT\u0005\u0000\u0000\u0000dubs\u0000', 'latin1') },
        { id: 'JUNK', body: Buffer.alloc(33, 1) },
      ]),
    );
    const m = await measureFile(file, { checksums: true });
    expect(m.error).toBeUndefined();
    expect(m.checksums).toEqual([expected(file)]);
  });

  it('no checksums unless asked (measure --json unchanged)', async () => {
    const file = put('plain.wav', riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 16 }) }, { id: 'data', body: pcm16(480, 1, 2) }]));
    const m = await measureFile(file);
    expect(m.checksums).toBeUndefined();
    expect('checksums' in m).toBe(false);
  });

  it('a data chunk of odd size with its pad byte, then chunks after it', async () => {
    // 8-bit mono, 4801 frames: the data body is odd, the pad byte belongs to the file's bytes too
    const file = put(
      'odd.wav',
      riffFile([
        { id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 8 }) },
        { id: 'data', body: Buffer.from(Array.from({ length: 4801 }, (_, i) => (i * 37) & 0xff)) },
        { id: 'iXML', body: Buffer.from('<BWFXML><PROJECT>x</PROJECT></BWFXML>', 'utf8') },
      ]),
    );
    const m = await measureFile(file, { checksums: true });
    expect(m.error).toBeUndefined();
    expect(m.checksums).toEqual([expected(file)]);
  });

  it('RF64 with ds64 and a chunk after the data', async () => {
    const frames = 24000;
    const data = pcm16(frames, 6, 3);
    const file = put(
      'feature_PM_51.rf64.wav',
      riffFile(
        [
          { id: 'ds64', body: ds64Body(0, data.length, frames) },
          { id: 'fmt ', body: fmtBody({ channels: 6, sampleRate: 48000, bits: 16, channelMask: 0x3f }) },
          { id: 'data', body: data, declaredSize: 0xffffffff },
          { id: 'LIST', body: Buffer.from('INFOICMT\u0004\u0000\u0000\u0000note', 'latin1') },
        ],
        { riffId: 'RF64', riffSize: 0xffffffff },
      ),
    );
    const m = await measureFile(file, { checksums: true });
    expect(m.error).toBeUndefined();
    expect(m.format?.container).toBe('rf64');
    expect(m.checksums).toEqual([expected(file)]);
  });

  it('AIFF and AIFC (big-endian SSND with an offset word, chunks after it)', async () => {
    for (const container of ['aiff', 'aifc'] as const) {
      const frames = 9000;
      const sampleBytes = Buffer.alloc(frames * 2 * 2);
      for (let i = 0; i < frames * 2; i++) sampleBytes.writeInt16BE(((i * 7919) % 60000) - 30000, i * 2);
      const file = put(
        `mix.${container}`,
        aiffFile({
          container,
          channels: 2,
          sampleRate: 48000,
          bits: 16,
          sampleBytes,
          frames,
          ssndOffset: 4,
          chunksBefore: [{ id: 'NAME', body: Buffer.from('reel 1') }],
          chunksAfter: [{ id: 'ANNO', body: Buffer.from('printed on stage B') }],
        }),
      );
      const m = await measureFile(file, { checksums: true });
      expect(m.error).toBeUndefined();
      expect(m.checksums).toEqual([expected(file)]);
    }
  });

  it('a Pro Tools multi-mono set: one checksum per member file, in channel order', async () => {
    const labels = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] as const;
    const files = labels.map((l, i) => {
      const file = path.join(dir, `REEL1_PM.${l === 'LFE' ? 'Lfe' : l}.wav`);
      writeWav(file, { sampleRate: 48000, channels: 1, encoding: 's24le', chunksBeforeData: [{ id: 'bext', body: new Uint8Array(602) }] }, [noise(30000 + 0, 10 + i)]);
      return file;
    });
    const m = await measureFile({ path: files[0]!, files, labels: [...labels] }, { checksums: true });
    expect(m.error).toBeUndefined();
    expect(m.checksums).toEqual(files.map(expected));
  });

  it('--from / --to: the data the pass skipped is hashed too, the digest is the whole file', async () => {
    const file = path.join(dir, 'leader.wav');
    writeWav(file, { sampleRate: 48000, channels: 2, encoding: 's24le', chunksAfterData: [{ id: 'LIST', body: Buffer.alloc(20, 3) }] }, [noise(96000, 1), noise(96000, 2)]);
    const m = await measureFile(file, { checksums: true, fromSeconds: 0.5, toSeconds: 1.25 });
    expect(m.error).toBeUndefined();
    expect(m.checksums).toEqual([expected(file)]);
  });

  it('an ADM master measured as its bed alone: every byte is still in the hash', async () => {
    const beds = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    const built = buildAdm({ bed: { packId: 'AP_00010003', channelIds: beds.map((l) => AC[l]!) }, objects: 2 });
    const file = path.join(dir, 'atmos_master.wav');
    writeBw64(file, {
      form: 'BW64',
      sampleRate: 48000,
      bitDepth: 24,
      channelCount: built.tracks,
      samples: Array.from({ length: built.tracks }, (_, c) => noise(4800, 40 + c).map((v) => v * 0.5)),
      after: [
        { id: 'chna', data: built.chna },
        { id: 'axml', data: Buffer.from(built.xml, 'utf8') },
      ],
    });
    const m = await measureFile(file, { checksums: true });
    expect(m.error).toBeUndefined();
    expect(m.warnings.some((w) => w.startsWith('ADM:'))).toBe(true);
    expect(m.checksums).toEqual([expected(file)]);
  });

  it('the WASM and the plain-JS decode paths feed the same bytes; blocks of any size', async () => {
    const file = path.join(dir, 'long.wav');
    // long enough that the WASM path reads the data in several kernel chunks
    writeWav(file, { sampleRate: 48000, channels: 6, encoding: 's24le' }, Array.from({ length: 6 }, (_, c) => noise(150000, 20 + c)));
    for (const useWasm of [true, false]) {
      for (const block of [7, 4800, 150000]) {
        const source = await openAudio(file, { checksums: true, pcm: { useWasm } });
        readAll(source, block);
        expect(source.checksums!()).toEqual([expected(file)]);
        source.close();
      }
    }
  });

  it('a header region larger than one catch-up read (a 3 MiB chunk before the data)', async () => {
    const file = put(
      'big-junk.wav',
      riffFile([
        { id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 16 }) },
        { id: 'JUNK', body: Buffer.alloc(3 * 1048576 + 5, 9) },
        { id: 'data', body: pcm16(4800, 1, 4) },
      ]),
    );
    const m = await measureFile(file, { checksums: true });
    expect(m.error).toBeUndefined();
    expect(m.checksums).toEqual([expected(file)]);
  });

  it('the tap: reads out of order, overlapping or repeated do not disturb the hash; nothing read is read again for it', () => {
    const bytes = Buffer.from(Array.from({ length: 10000 }, (_, i) => (i * 131) & 0xff));
    const inner = bufferSource('mem.wav', bytes);
    const requests: Array<[number, number]> = [];
    const counted = { ...inner, read: (buf: Uint8Array, o: number, l: number, p: number) => (requests.push([p, l]), inner.read(buf, o, l, p)) };
    const tap = checksumTap(counted);
    const buf = new Uint8Array(4000);
    tap.source.read(buf, 0, 1000, 2000); // catch-up reads [0, 2000), then this read feeds [2000, 3000)
    tap.source.read(buf, 0, 500, 2500); // overlap: only what is new
    tap.source.read(buf, 0, 1500, 2800); // [3000, 4300) new
    tap.source.read(buf, 0, 100, 0); // behind: ignored
    const sums = tap.finish();
    expect(sums).toEqual({
      path: 'mem.wav',
      sizeBytes: 10000,
      md5: createHash('md5').update(bytes).digest('hex'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(tap.finish()).toBe(sums);
    // the pass's four reads, and the hash's own: [0, 2000) at the first data read and [4300, 10000) at the end
    expect(requests).toEqual([
      [2000, 1000],
      [0, 2000],
      [2500, 500],
      [2800, 1500],
      [0, 100],
      [4300, 5700],
    ]);
  });

  it('through the reader: the data bytes are read once, by the pass; the hash reads only what lies around them', () => {
    const data = pcm16(50000, 2, 6);
    const bytes = riffFile([
      { id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bits: 16 }) },
      { id: 'data', body: data },
      { id: 'LIST', body: Buffer.alloc(40, 2) },
    ]);
    const inner = bufferSource('set.wav', bytes);
    let bytesRead = 0;
    const counted = { ...inner, plainFile: true, read: (buf: Uint8Array, o: number, l: number, p: number) => {
      const n = inner.read(buf, o, l, p);
      bytesRead += n;
      return n;
    } };
    const source = openByteSource(counted, { checksums: true });
    const headerBytes = bytesRead;
    readAll(source, 4096);
    expect(source.checksums!()).toEqual([
      { path: 'set.wav', sizeBytes: bytes.length, md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') },
    ]);
    // the header parse, then every byte of the file once (data by the pass, the rest by the hash)
    expect(bytesRead - headerBytes).toBe(bytes.length);
  });

  it('a file opened with openFileSource keeps its plain-file fast path through the tap', () => {
    const file = put('fast.wav', riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 16 }) }, { id: 'data', body: pcm16(10, 1, 5) }]));
    const src = openFileSource(file);
    const tap = checksumTap(src);
    expect(tap.source.plainFile).toBe(true);
    expect(tap.finish()).toEqual(expected(file));
    src.close();
  });
});

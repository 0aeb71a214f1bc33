/**
 * The reader's direct path (a plain file read straight into the WASM decoder's input, PcmSource.read ->
 * readDecodeInterleaved) against the paths it replaces, on real files: the same frames, the same float32
 * bits of every sample, the same warnings and errors. Reference paths: the same file through a
 * bufferSource (not a plain file: read into a buffer, then decodeInterleaved copies it into the kernel)
 * and through the plain-JS decoder (useWasm: false).
 */
import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, openFileSource } from '../../src/audio/bytesource.js';
import { openAudio, openByteSource } from '../../src/audio/open.js';
import { bytesPerSample, usingPcmWasm, type SampleEncoding } from '../../src/audio/pcm.js';
import type { AudioSource } from '../../src/audio/types.js';
import { wasmPath } from '../../src/dsp/wasm/load.js';
import { writeWav } from '../../src/audio/writer.js';
import { aiffFile, ds64Body, fmtBody, listInfoBody, riffFile, tempDir, type AiffCompression } from '../helpers/audio-fixtures.js';

const dir = tempDir('dubstage-readpath-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);

function randomBytes(length: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

/** Full-scale, silence and +-1 LSB runs over random bytes, so every chunk edge sees extremes. */
function adversarialBytes(length: number, seed: number): Uint8Array {
  const b = randomBytes(length, seed);
  for (let i = 0; i < length; i++) {
    const zone = Math.floor(i / 997) % 5;
    if (zone === 1) b[i] = 0xff;
    else if (zone === 2) b[i] = 0;
    else if (zone === 3) b[i] = i & 1 ? 0x80 : 0x7f;
  }
  return b;
}

interface ReadResult {
  frames: number;
  samples: Float32Array[];
  warnings: string[];
  error: string | null;
}

/** Read a source to its end in blocks of `block` frames, keeping every sample and the error it ends with, if any. */
function drain(open: () => AudioSource | Promise<AudioSource>, block: number): Promise<ReadResult> {
  return Promise.resolve(open()).then((source) => {
    const channels = source.header.format.channels;
    const total = source.header.format.frames;
    const samples = Array.from({ length: channels }, () => new Float32Array(total));
    const out = Array.from({ length: channels }, () => new Float32Array(block).fill(7.5));
    let frames = 0;
    let error: string | null = null;
    try {
      for (let got; (got = source.read(out, block)) > 0; frames += got) {
        for (let c = 0; c < channels; c++) samples[c]!.set(out[c]!.subarray(0, got), frames);
      }
    } catch (err) {
      error = `${(err as { code?: string }).code}: ${(err as Error).message}`;
    } finally {
      source.close();
    }
    return { frames, samples, warnings: [...source.header.warnings], error };
  });
}

/** Float32 bit patterns that differ (any NaN equals any NaN: V8 may quiet a signalling NaN in JS). */
function differingSamples(a: Float32Array[], b: Float32Array[]): number {
  let bad = 0;
  for (let c = 0; c < a.length; c++) {
    const u = new Uint32Array(a[c]!.buffer);
    const v = new Uint32Array(b[c]!.buffer);
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i] && !(Number.isNaN(a[c]![i]) && Number.isNaN(b[c]![i]))) bad++;
  }
  return bad;
}

/** The direct path against both reference paths, for reads of several block sizes. */
async function expectSameAsBefore(p: string, blocks = [48000, 10921, 4099, 7]): Promise<ReadResult> {
  let direct: ReadResult | null = null;
  for (const block of blocks) {
    direct = await drain(() => openAudio(p), block);
    const buffered = await drain(() => openByteSource(bufferSource(p, readFileSync(p))), block);
    const plain = await drain(() => openAudio(p, { pcm: { useWasm: false } }), block);
    for (const ref of [buffered, plain]) {
      expect(direct.frames).toBe(ref.frames);
      expect(direct.warnings).toEqual(ref.warnings);
      expect(direct.error).toBe(ref.error);
      expect(differingSamples(direct.samples, ref.samples)).toBe(0);
    }
  }
  return direct!;
}

it('runs the WASM decoder here (else the direct path is never taken)', () => {
  expect(usingPcmWasm(), `no WASM PCM decoder at ${wasmPath('pcm')}: run npm run build:wasm`).toBe(true);
});

describe('WAV: every encoding, layouts across kernel chunks', () => {
  const cases: Array<[SampleEncoding, number]> = [];
  for (const enc of ['s16le', 's24le', 's32le', 'f32le', 'u8', 'f64le'] as SampleEncoding[]) {
    for (const channels of [1, 2, 3, 6, 8, 12]) cases.push([enc, channels]);
  }
  it.each(cases)('%s, %i channels', async (enc, channels) => {
    const bps = bytesPerSample(enc);
    const blockAlign = channels * bps;
    const frames = 70001; // several kernel chunks for every layout, an odd tail
    const float = enc.startsWith('f');
    const fmt = fmtBody({ tag: float ? 3 : 1, channels, sampleRate: 48000, bits: bps * 8, blockAlign });
    const p = file(`${enc}-${channels}.wav`);
    writeFileSync(p, riffFile([{ id: 'fmt ', body: fmt }, { id: 'data', body: adversarialBytes(frames * blockAlign, channels * 31) }]));
    const got = await expectSameAsBefore(p, [48000, 4099]);
    expect(got.frames).toBe(frames);
    expect(got.error).toBeNull();
  });
});

describe('WAV oddities', () => {
  it('odd chunks with their pad bytes before and after the data, an odd data size', async () => {
    const frames = 30011;
    const data = adversarialBytes(frames * 3, 5); // mono 24-bit: an odd data size, padded
    const p = file('odd.wav');
    writeFileSync(
      p,
      riffFile([
        { id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 24 }) },
        { id: 'LIST', body: listInfoBody({ INAM: 'odd' }) },
        { id: 'junk', body: randomBytes(13, 1) },
        { id: 'data', body: data },
        { id: 'zzzz', body: randomBytes(7, 2) },
      ]),
    );
    expect((await expectSameAsBefore(p)).frames).toBe(frames);
  });

  it('a data chunk that claims more than the file holds (cut short when written)', async () => {
    const frames = 25000;
    const p = file('cut.wav');
    const whole = riffFile([
      { id: 'fmt ', body: fmtBody({ channels: 6, sampleRate: 48000, bits: 24, channelMask: 0x3f }) },
      { id: 'data', body: adversarialBytes(frames * 18, 9) },
    ]);
    writeFileSync(p, whole.subarray(0, whole.length - 18 * 1000 - 7)); // ends inside a frame
    const got = await expectSameAsBefore(p);
    expect(got.frames).toBe(frames - 1001);
    expect(got.warnings.length).toBeGreaterThan(0);
  });

  it('RF64 with a ds64 chunk', async () => {
    const frames = 40000;
    const data = adversarialBytes(frames * 12, 11);
    const p = file('rf64.wav');
    const fmt = fmtBody({ channels: 4, sampleRate: 48000, bits: 24 });
    writeFileSync(
      p,
      riffFile(
        [
          { id: 'ds64', body: ds64Body(0, data.length, frames) },
          { id: 'fmt ', body: fmt },
          { id: 'data', body: data, declaredSize: 0xffffffff },
        ],
        { riffId: 'RF64', riffSize: 0xffffffff },
      ),
    );
    expect((await expectSameAsBefore(p)).frames).toBe(frames);
  });

  it('RF64 and BW64 from the writer', async () => {
    const planar = Array.from({ length: 6 }, (_, c) => Float64Array.from(randomBytes(33333, c), (x) => (x - 128) / 128));
    for (const container of ['rf64', 'bw64'] as const) {
      const p = file(`${container}.wav`);
      writeWav(p, { sampleRate: 48000, channels: 6, encoding: 's24le', container }, planar);
      expect((await expectSameAsBefore(p)).frames).toBe(33333);
    }
  });

  it('a file that shrinks after opening: the same frames, then the same truncation error', async () => {
    const frames = 30000;
    const bytes = riffFile([
      { id: 'fmt ', body: fmtBody({ channels: 6, sampleRate: 48000, bits: 24 }) },
      { id: 'data', body: adversarialBytes(frames * 18, 3) },
    ]);
    const results: ReadResult[] = [];
    for (const useWasm of [true, false]) {
      for (const cut of [44 + 18 * 20000 + 5, 44 + 18 * 12345, 44]) {
        const p = path.join(dir, `shrink-${cut}.wav`); // one name per cut: the messages name it
        writeFileSync(p, bytes);
        const opened = openByteSource(openFileSource(p), { pcm: { useWasm } });
        const fd = openSync(p, 'r+');
        ftruncateSync(fd, cut);
        closeSync(fd);
        results.push(await drain(() => opened, 10921));
      }
    }
    for (let i = 0; i < 3; i++) {
      const [direct, plain] = [results[i]!, results[i + 3]!];
      expect(direct.frames).toBe(plain.frames);
      expect(direct.error).toBe(plain.error);
      expect(direct.error).toMatch(/^truncated: .*read stopped at byte \d+, frame \d+ of 30000$/);
      expect(differingSamples(direct.samples, plain.samples)).toBe(0);
    }
    expect(results.map((r) => r.frames).slice(0, 3)).toEqual([20000, 12345, 0]);
  });
});

describe('AIFF and AIFC', () => {
  const cases: Array<['aiff' | 'aifc', AiffCompression | undefined, number, number]> = [
    ['aiff', undefined, 16, 6],
    ['aiff', undefined, 24, 6],
    ['aiff', undefined, 24, 1],
    ['aiff', undefined, 32, 3],
    ['aifc', 'fl32', 32, 2],
    ['aifc', 'sowt', 16, 2],
    ['aifc', 'in24', 24, 5],
    ['aifc', 'fl64', 64, 2],
  ];
  it.each(cases)('%s %s, %i-bit, %i channels', async (container, compression, bits, channels) => {
    const frames = 30007;
    const p = file('x.aif');
    writeFileSync(p, aiffFile({ container, compression, channels, sampleRate: 48000, bits, frames, sampleBytes: adversarialBytes(frames * channels * (bits / 8), bits + channels) }));
    expect((await expectSameAsBefore(p)).frames).toBe(frames);
  });

  it('an AIFF cut short inside its sound data', async () => {
    const frames = 30000;
    const p = file('cut.aif');
    writeFileSync(p, aiffFile({ container: 'aiff', channels: 2, sampleRate: 48000, bits: 24, frames, sampleBytes: adversarialBytes(frames * 6, 4), truncateTo: 20000 * 6 + 3 }));
    const got = await expectSameAsBefore(p);
    expect(got.frames).toBeLessThan(frames);
  });
});

it('a multi-mono set reads the same through every path', async () => {
  const frames = 50000;
  const names = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((s, c) => {
    const p = file(`mm.${s}.wav`);
    writeFileSync(p, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 24 }) }, { id: 'data', body: adversarialBytes(frames * 3, 40 + c) }]));
    return p;
  });
  const input = { path: names[0]!, files: names };
  for (const block of [48000, 4099]) {
    const direct = await drain(() => openAudio(input), block);
    const plain = await drain(() => openAudio(input, { pcm: { useWasm: false } }), block);
    expect(direct.frames).toBe(frames);
    expect(plain.frames).toBe(frames);
    expect(differingSamples(direct.samples, plain.samples)).toBe(0);
  }
});

describe('which sources take the direct path', () => {
  it('a plain file says it may be read in pieces; an in-memory (embedded) source does not', () => {
    const file = path.join(tempDir(), 'plain-flag.wav');
    writeFileSync(file, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 1, sampleRate: 48000, bits: 16 }) }, { id: 'data', body: Buffer.alloc(64) }]));
    const src = openFileSource(file);
    try {
      expect(src.plainFile).toBe(true);
    } finally {
      src.close();
    }
    expect(bufferSource('essence', new Uint8Array(16)).plainFile).toBeUndefined();
  });
});

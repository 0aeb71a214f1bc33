/**
 * One file of a delivery written again with a gain: one streaming pass. Every byte outside the sample
 * data is copied as it is (the chunks in their order — fmt, ds64, iXML, axml, chna, LIST, cue, pad bytes
 * — and, for now, the bext, which the caller patches once the output is measured); the samples are read
 * with the project's reader (planar float, exact for 8-24-bit integer and 32-bit float), multiplied by
 * the gain and encoded in the file's own encoding (integers rounded to nearest at their valid bit depth).
 * The output has the input's size and layout, so an RF64's ds64 and every chunk offset stay right.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { openFileSource } from '../audio/bytesource.js';
import { openByteSource, readHeaderFrom } from '../audio/open.js';
import { bytesPerSample } from '../audio/pcm.js';
import { encodeScaled } from '../audio/writer.js';
import { DubstageError } from '../errors.js';

/** Containers fix writes (their layout is a chunk list it can copy around new samples). */
export const FIXABLE_CONTAINERS = new Set(['wav', 'rf64', 'bw64', 'aiff', 'aifc']);

export interface RewriteJob {
  input: string;
  /** A new file (refused if it exists), renamed into place by the caller when the delivery is whole. */
  output: string;
  gainDb: number;
  /** Frames per block. */
  blockFrames?: number;
}

export interface RewriteResult {
  input: string;
  output: string;
  bytes: number;
  frames: number;
  /** The bext chunk's body, where the caller writes the measured loudness (null: the file has none). */
  bext: { offset: number; size: number } | null;
  encoding: string;
  validBits: number;
}

const COPY_BYTES = 1 << 20;

function copyRange(from: number, to: number, start: number, end: number, buf: Buffer, name: string): void {
  for (let pos = start; pos < end; ) {
    const want = Math.min(buf.length, end - pos);
    const got = readSync(from, buf, 0, want, pos);
    if (got <= 0) throw new DubstageError({ code: 'truncated', message: `${name}: read stopped at byte ${pos} of ${end}`, path: name, byteOffset: pos });
    writeAll(to, buf, got, pos);
    pos += got;
  }
}

function writeAll(fd: number, buf: Uint8Array, length: number, position: number): void {
  for (let done = 0; done < length; ) done += writeSync(fd, buf, done, length - done, position + done);
}

/** Write `job.output`: the input with its samples times the gain. Removes the partial file on failure. */
export function rewriteFile(job: RewriteJob): RewriteResult {
  const src = openFileSource(job.input);
  const header = (() => {
    try {
      return readHeaderFrom(src);
    } catch (err) {
      src.close();
      throw err;
    }
  })();
  const h = header;
  if (!FIXABLE_CONTAINERS.has(h.format.container)) {
    src.close();
    throw new DubstageError({ code: 'unsupported-codec', message: `${job.input}: fix writes WAV, RF64, BW64, AIFF and AIFC; this is ${h.format.container}`, path: job.input });
  }
  const source = openByteSource(src);
  const inFd = openSync(job.input, 'r');
  let outFd = -1;
  try {
    outFd = openSync(job.output, 'wx');
    const size = fstatSync(inFd).size;
    const copyBuf = Buffer.allocUnsafe(COPY_BYTES);
    // everything before the samples: header, chunks, the data chunk's own header
    copyRange(inFd, outFd, 0, h.dataOffset, copyBuf, job.input);
    const channels = h.format.channels;
    const blockFrames = job.blockFrames ?? 48000;
    const planar = Array.from({ length: channels }, () => new Float32Array(blockFrames));
    const bps = bytesPerSample(header.encoding);
    const encoded = Buffer.allocUnsafe(blockFrames * channels * bps);
    const gain = 10 ** (job.gainDb / 20);
    const validBits = h.format.sampleFormat === 'int' ? h.format.bitDepth : bps * 8;
    let frames = 0;
    let clipped = 0;
    let pos = h.dataOffset;
    while (frames < h.format.frames) {
      const got = source.read(planar, Math.min(blockFrames, h.format.frames - frames));
      if (got === 0) break;
      const r = encodeScaled(planar, got, header.encoding, gain, encoded, validBits);
      clipped += r.clipped;
      writeAll(outFd, encoded, r.bytes, pos);
      pos += r.bytes;
      frames += got;
    }
    if (clipped > 0) {
      throw new DubstageError({ code: 'mismatch', message: `${job.input}: ${clipped} samples would pass full scale at ${job.gainDb.toFixed(2)} dB; nothing written (fix applies gain only)`, path: job.input });
    }
    // the rest: a partial last frame, the pad byte, chunks after the data
    copyRange(inFd, outFd, pos, size, copyBuf, job.input);
    const bextChunk = h.chunks.find((c) => c.id === 'bext');
    return {
      input: job.input,
      output: job.output,
      bytes: size,
      frames,
      bext: bextChunk ? { offset: bextChunk.dataOffset, size: bextChunk.size } : null,
      encoding: header.encoding,
      validBits,
    };
  } catch (err) {
    if (outFd >= 0) {
      closeSync(outFd);
      outFd = -1;
      try {
        unlinkSync(job.output);
      } catch {
        // already gone
      }
    }
    throw err;
  } finally {
    if (outFd >= 0) closeSync(outFd);
    closeSync(inFd);
    source.close();
  }
}

/** MD5 of a whole file, read in 4 MB pieces (the manifest facilities check with `md5sum -c`). */
export function md5File(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const hash = createHash('md5');
    const buf = Buffer.allocUnsafe(4 << 20);
    for (let pos = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      hash.update(buf.subarray(0, n));
      pos += n;
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

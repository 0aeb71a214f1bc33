import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from './types.js';

/** A file opened read-only, read with positional reads (never the whole file). */
export function openFileSource(filePath: string): ByteSource {
  const fd = openSync(filePath, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  let open = true;
  return {
    name: filePath,
    size,
    read(buf, offset, length, position) {
      if (length <= 0 || position >= size) return 0;
      let done = 0;
      // readSync may return short counts; loop until the request or the file is exhausted
      while (done < length) {
        const n = readSync(fd, buf, offset + done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
    close() {
      if (open) {
        open = false;
        closeSync(fd);
      }
    },
  };
}

/** An in-memory ByteSource (tests, and small embedded files). */
export function bufferSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    read(buf, offset, length, position) {
      if (position >= bytes.length) return 0;
      const n = Math.min(length, bytes.length - position);
      buf.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    close() {},
  };
}

/** Read exactly `length` bytes at `position`, or fewer at end of file. */
export function readBytes(src: ByteSource, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = src.read(buf, 0, length, position);
  return n === length ? buf : buf.subarray(0, n);
}

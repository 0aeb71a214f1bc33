import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DubstageError } from '../errors.js';
import type { ByteSource } from './types.js';

const OPEN_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
};

function openError(filePath: string, err: unknown): DubstageError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const reason = (code && OPEN_REASONS[code]) ?? (err as Error)?.message ?? String(err);
  return new DubstageError({ code: 'io', message: `cannot open ${filePath}: ${reason}`, path: filePath });
}

/** A file opened read-only, read with positional reads (never the whole file). */
export function openFileSource(filePath: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(filePath, 'r');
  } catch (err) {
    throw openError(filePath, err);
  }
  let size: number;
  try {
    const st = fstatSync(fd);
    // Linux opens a folder read-only without complaint; refuse it here, not at the first read
    if (st.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    size = st.size;
  } catch (err) {
    closeSync(fd);
    throw openError(filePath, err);
  }
  let open = true;
  return {
    name: filePath,
    size,
    plainFile: true,
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

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { DubstageError } from '../errors.js';
import type { ByteSource } from './types.js';

const OPEN_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
  ENXIO: 'a socket or a device with nothing behind it, not a file',
};

/** Why a stat is not a regular file, or null when it is one. */
export function notRegularReason(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'is a folder, not a file';
  if (st.isFIFO()) return 'is a FIFO (named pipe), not a regular file: reading it would wait for a writer';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/**
 * Open a regular file read-only. Anything else (FIFO, device such as /dev/zero, socket, folder) is
 * refused by stat before it is opened, with the reason: a FIFO would block open() forever and a device
 * has no length. The open itself is non-blocking and checked again, so a file swapped for a FIFO
 * between the stat and the open cannot hang either.
 */
export function openRegular(filePath: string): { fd: number; size: number } {
  let st: Stats;
  try {
    st = statSync(filePath);
  } catch (err) {
    throw openError(filePath, err);
  }
  const before = notRegularReason(st);
  if (before !== null) {
    throw new DubstageError({ code: before.startsWith('is a folder') ? 'io' : 'not-regular', message: `cannot open ${filePath}: ${before}`, path: filePath });
  }
  let fd: number;
  try {
    fd = openSync(filePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw openError(filePath, err);
  }
  try {
    const now = fstatSync(fd);
    const reason = notRegularReason(now);
    if (reason !== null) throw new DubstageError({ code: 'not-regular', message: `cannot open ${filePath}: ${reason}`, path: filePath });
    return { fd, size: now.size };
  } catch (err) {
    closeSync(fd);
    throw err instanceof DubstageError ? err : openError(filePath, err);
  }
}

/**
 * A whole small file (a session text, a spec, a manifest) from a regular file, refused above `maxBytes`
 * with a 'too-large' error that names the limit, before anything is read.
 */
export function readRegularFile(filePath: string, maxBytes: number, what: string): Buffer {
  const { fd, size } = openRegular(filePath);
  try {
    if (size > maxBytes) {
      throw new DubstageError({
        code: 'too-large',
        message: `${filePath}: ${what} of ${formatBytes(size)}; dubstage reads ${what}s up to ${formatBytes(maxBytes)} (real ones are far smaller)`,
        path: filePath,
      });
    }
    const buf = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buf, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === size ? buf : buf.subarray(0, done);
  } catch (err) {
    throw err instanceof DubstageError ? err : openError(filePath, err);
  } finally {
    closeSync(fd);
  }
}

/** The first `length` bytes of a regular file (fewer when it is shorter). */
export function readRegularHead(filePath: string, length: number): Buffer {
  const { fd } = openRegular(filePath);
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } catch (err) {
    throw openError(filePath, err);
  } finally {
    closeSync(fd);
  }
}

function formatBytes(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(n >= 10 * 1048576 ? 0 : 1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} bytes`;
}

function openError(filePath: string, err: unknown): DubstageError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const reason = (code && OPEN_REASONS[code]) ?? (err as Error)?.message ?? String(err);
  return new DubstageError({ code: 'io', message: `cannot open ${filePath}: ${reason}`, path: filePath });
}

/** A file opened read-only, read with positional reads (never the whole file). */
export function openFileSource(filePath: string): ByteSource {
  // a folder, FIFO, device or socket is refused here, not at the first read (or never)
  const { fd, size } = openRegular(filePath);
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

/**
 * MD5 and SHA-256 of an input file, taken in the pass that measures it (facilities exchange MD5
 * manifests). A tap sits between a reader and its ByteSource: the reader's sequential data reads feed
 * the hashes as they go by; bytes the pass does not read (the header before the data chunk, a --from
 * skip, chunks after the data) are read positionally, once, when the hash reaches them. The digests are
 * always of the whole file, in order, whatever part of it the pass measured.
 */
import { createHash, type Hash } from 'node:crypto';
import type { ByteSource } from './types.js';

export interface FileChecksums {
  /** The file as named (a member of a multi-mono set has its own). */
  path: string;
  sizeBytes: number;
  /** Lower-case hex, as `md5sum` and `sha256sum` print them. */
  md5: string;
  sha256: string;
}

/** Bytes read per positional request when the hash catches up over a region the pass skipped. */
const CATCH_UP_BYTES = 1 << 20;

/** A ByteSource whose in-order reads feed the file's hashes, and the call that completes them. */
export interface ChecksumTap {
  readonly source: ByteSource;
  /** Hash what the pass left unread (positionally) and return the digests; the same value on later calls. */
  finish(): FileChecksums;
}

export function checksumTap(inner: ByteSource): ChecksumTap {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  /** Bytes [0, hashed) are in the hashes. */
  let hashed = 0;
  let done: FileChecksums | null = null;
  let scratch: Uint8Array | null = null;

  const feed = (bytes: Uint8Array) => {
    md5.update(bytes);
    sha256.update(bytes);
    hashed += bytes.length;
  };
  // hash [hashed, end) by reading it positionally (what the pass did not read, or not yet)
  const catchUp = (end: number) => {
    while (hashed < end) {
      scratch ??= new Uint8Array(CATCH_UP_BYTES);
      const n = inner.read(scratch, 0, Math.min(scratch.length, end - hashed), hashed);
      if (n <= 0) break;
      feed(scratch.subarray(0, n));
    }
  };

  const source: ByteSource = {
    name: inner.name,
    size: inner.size,
    read(buf, offset, length, position) {
      const n = inner.read(buf, offset, length, position);
      if (done === null && n > 0 && position + n > hashed) {
        // the pass moved past the hash (a data chunk after the header, a seek for --from): fill the gap first
        if (position > hashed) catchUp(position);
        if (hashed >= position && hashed < position + n) feed(buf.subarray(offset + (hashed - position), offset + n));
      }
      return n;
    },
    close: () => inner.close(),
  };
  if (inner.plainFile !== undefined) Object.assign(source, { plainFile: inner.plainFile });

  return {
    source,
    finish() {
      if (done === null) {
        catchUp(inner.size);
        done = { path: inner.name, sizeBytes: hashed, md5: hex(md5), sha256: hex(sha256) };
      }
      return done;
    },
  };
}

function hex(h: Hash): string {
  return h.digest('hex');
}

/** The digests of bytes already in memory (a short compressed reference file, decoded whole). */
export function checksumBytes(path: string, bytes: Uint8Array): FileChecksums {
  return {
    path,
    sizeBytes: bytes.length,
    md5: createHash('md5').update(bytes).digest('hex'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

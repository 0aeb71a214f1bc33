/**
 * KLV (SMPTE ST 336) over a ByteSource: 16-byte universal label keys, BER lengths, and the labels this
 * reader needs (ST 377-1 partitions, primer, sets and index segments; ST 379-2 essence elements).
 * Every read is positional and bounded: a length past the end of the file is an error, never an
 * allocation of that length.
 */
import { DubstageError } from '../../errors.js';
import type { ByteSource } from '../types.js';

export interface Klv {
  /** Byte offset of the key. */
  offset: number;
  key: Buffer;
  /** Byte offset of the value. */
  valueOffset: number;
  length: number;
}

/** The first four bytes of every SMPTE UL. */
export function isSmpteKey(key: Uint8Array): boolean {
  return key[0] === 0x06 && key[1] === 0x0e && key[2] === 0x2b && key[3] === 0x34;
}

export function ulHex(ul: Uint8Array): string {
  return Buffer.from(ul).toString('hex').replace(/(..)(?!$)/g, '$1.');
}

/**
 * Two ULs are the same label when every byte but the version (byte 8, index 7) agrees: ST 336 says a
 * registry version does not change the meaning.
 */
export function sameUl(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (i !== 7 && a[i] !== b[i]) return false;
  return true;
}

export function ul(hex: string): Buffer {
  return Buffer.from(hex.replace(/\./g, ''), 'hex');
}

/** ST 377-1 partition pack: 06.0e.2b.34.02.05.01.01.0d.01.02.01.01.[kind].[status].00 */
export function partitionKind(key: Uint8Array): 'header' | 'body' | 'footer' | null {
  if (!isSmpteKey(key) || key[4] !== 0x02 || key[5] !== 0x05 || key[8] !== 0x0d || key[9] !== 0x01 || key[10] !== 0x02 || key[11] !== 0x01 || key[12] !== 0x01) return null;
  return key[13] === 0x02 ? 'header' : key[13] === 0x03 ? 'body' : key[13] === 0x04 ? 'footer' : null;
}

const PACK_PREFIX = [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01];
function isPack(key: Uint8Array, b13: number, b14: number): boolean {
  for (let i = 0; i < PACK_PREFIX.length; i++) if (i !== 7 && key[i] !== PACK_PREFIX[i]) return false;
  return key[13] === b13 && key[14] === b14;
}
export const isPrimerPack = (key: Uint8Array) => isPack(key, 0x05, 0x01);
export const isRip = (key: Uint8Array) => isPack(key, 0x11, 0x01);

/** Local sets with 2-byte tags: header metadata (0d.01.01.01.01.01.xx.xx) and index table segments (0d.01.02.01.01.10.01). */
export function isLocalSet(key: Uint8Array): boolean {
  return isSmpteKey(key) && key[4] === 0x02 && (key[5] === 0x53 || key[5] === 0x13);
}
export function isMetadataSet(key: Uint8Array): boolean {
  return isLocalSet(key) && key[8] === 0x0d && key[9] === 0x01 && key[10] === 0x01 && key[11] === 0x01;
}
export function isIndexSegment(key: Uint8Array): boolean {
  return isLocalSet(key) && key[8] === 0x0d && key[9] === 0x01 && key[10] === 0x02 && key[11] === 0x01 && key[12] === 0x01 && key[13] === 0x10;
}
/** KLV fill (06.0e.2b.34.01.01.01.0x.03.01.02.10.01.00.00.00, any version). */
export function isFill(key: Uint8Array): boolean {
  return isSmpteKey(key) && key[4] === 0x01 && key[5] === 0x01 && key[8] === 0x03 && key[9] === 0x01 && key[10] === 0x02 && key[11] === 0x10;
}
/** A generic-container (or content-package) essence element: 06.0e.2b.34.01.02.01.xx.0d.01.03.01.[item].[count].[type].[n]. */
export function isEssenceElement(key: Uint8Array): boolean {
  return isSmpteKey(key) && key[4] === 0x01 && key[5] === 0x02 && key[6] === 0x01 && key[8] === 0x0d && key[9] === 0x01 && key[10] === 0x03 && key[11] === 0x01;
}
/** Any generic-container item (essence element or system item): 06.0e.2b.34.xx.xx.xx.xx.0d.01.03.01. */
export function isContainerItem(key: Uint8Array): boolean {
  return isSmpteKey(key) && key[8] === 0x0d && key[9] === 0x01 && key[10] === 0x03 && key[11] === 0x01;
}
/** The track number an essence element belongs to: its last four key bytes (ST 379-2 7.2). */
export function elementTrackNumber(key: Uint8Array): number {
  return ((key[12]! << 24) | (key[13]! << 16) | (key[14]! << 8) | key[15]!) >>> 0;
}

/**
 * Read the key and BER length of the KLV at `offset`. `limit` is where the enclosing range ends (the
 * file size): a value that runs past it is an error that names both numbers. The key is a copy unless
 * `copyKey` is false (then a view of `scratch`, valid until its next use: for walks that keep no key).
 */
export function readKlvHeader(src: ByteSource, offset: number, scratch: Buffer, limit = src.size, copyKey = true): Klv {
  const n = src.read(scratch, 0, 25, offset);
  return parseKlvHeader(src, scratch, n, offset, limit, copyKey);
}

/**
 * The KLV header in `bytes[0, n)`, read from `offset` of `src` (by readKlvHeader, or as the bytes that
 * follow a value read in the same request); the same checks and errors as readKlvHeader.
 */
export function parseKlvHeader(src: ByteSource, bytes: Uint8Array, n: number, offset: number, limit = src.size, copyKey = true): Klv {
  const fail = (message: string): never => {
    throw new DubstageError({ code: offset + 17 > src.size ? 'truncated' : 'bad-chunk', message: `${src.name}: ${message}`, path: src.name, byteOffset: offset });
  };
  if (n < 17) fail(`the file ends ${Math.max(0, src.size - offset)} bytes after byte ${offset}, inside a KLV key (16 bytes and a length expected)`);
  const view = bytes.subarray(0, 16);
  const key = copyKey ? Buffer.from(view) : Buffer.from(view.buffer, view.byteOffset, 16);
  if (!isSmpteKey(key)) fail(`no KLV key at byte ${offset} (expected a SMPTE label 06.0e.2b.34..., found ${ulHex(key.subarray(0, 8))}...)`);
  const first = bytes[16]!;
  let length: number;
  let lengthBytes = 1;
  if (first < 0x80) length = first;
  else {
    const count = first & 0x7f;
    if (count === 0 || count > 8) fail(`KLV at byte ${offset} (key ${ulHex(key)}) has a BER length of ${count} bytes; 1 to 8 expected`);
    if (n < 17 + count) fail(`the file ends inside the length of the KLV at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[17 + i]!;
    lengthBytes = 1 + count;
    if (!Number.isSafeInteger(length)) fail(`KLV at byte ${offset} declares a length of 2^53 bytes or more`);
  }
  const valueOffset = offset + 16 + lengthBytes;
  if (valueOffset + length > limit) {
    fail(`KLV at byte ${offset} (key ${ulHex(key)}) declares ${length} bytes but the file ends ${Math.max(0, limit - valueOffset)} bytes after its value starts (truncated file?)`);
  }
  return { offset, key, valueOffset, length };
}

/** Read a KLV's value whole (metadata only: callers bound `max`). */
export function readValue(src: ByteSource, klv: Klv, max: number): Buffer {
  if (klv.length > max) {
    throw new DubstageError({ code: 'bad-chunk', message: `${src.name}: KLV at byte ${klv.offset} (key ${ulHex(klv.key)}) is ${klv.length} bytes; metadata over ${max} bytes is not read`, path: src.name, byteOffset: klv.offset });
  }
  const buf = Buffer.alloc(klv.length);
  const n = src.read(buf, 0, klv.length, klv.valueOffset);
  if (n < klv.length) {
    throw new DubstageError({ code: 'truncated', message: `${src.name}: the file ends inside the KLV at byte ${klv.offset}`, path: src.name, byteOffset: klv.offset });
  }
  return buf;
}

/** The items of a local set: 2-byte tag, then a 2-byte length (0x53 sets) or a BER length (0x13). */
export function* localItems(value: Buffer, berLengths: boolean): Generator<[number, Buffer]> {
  let p = 0;
  while (p + 3 <= value.length) {
    const tag = value.readUInt16BE(p);
    let len: number;
    let q: number;
    if (!berLengths) {
      if (p + 4 > value.length) return;
      len = value.readUInt16BE(p + 2);
      q = p + 4;
    } else {
      const first = value[p + 2]!;
      q = p + 3;
      if (first < 0x80) len = first;
      else {
        len = 0;
        for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (value[q + i] ?? 0);
        q += first & 0x7f;
      }
    }
    if (q + len > value.length) return;
    yield [tag, value.subarray(q, q + len)];
    p = q + len;
  }
}

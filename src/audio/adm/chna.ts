/**
 * The BW64 `chna` chunk (ITU-R BS.2088): u16 numTracks, u16 numUIDs, then numUIDs x 40 bytes
 * { u16 trackIndex (1-based, 0 = unused slot), char[12] ATU_, char[14] AT_ (or AC_ + NULs, BS.2076-2),
 * char[11] AP_, 1 pad }.
 */
import { DubstageError } from '../../errors.js';

export interface ChnaEntry {
  trackIndex: number;
  uid: string;
  /** AT_yyyyxxxx_zz, or AC_yyyyxxxx where the writer used the BS.2076-2 form. */
  formatRef: string;
  packRef: string;
}

export interface Chna {
  numTracks: number;
  numUids: number;
  entries: ChnaEntry[];
}

const ascii = (b: Uint8Array, from: number, len: number): string => {
  let s = '';
  for (let i = from; i < from + len; i++) {
    const c = b[i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s.trim();
};

/** Parse a chna body; `offset` is the body's position in the file, for messages. */
export function parseChna(body: Uint8Array, path: string, offset: number): Chna {
  if (body.length < 4) {
    throw new DubstageError({ code: 'bad-chunk', message: `${path}: chna chunk at byte ${offset} is ${body.length} bytes, shorter than its 4-byte header`, path, byteOffset: offset });
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const numTracks = view.getUint16(0, true);
  const numUids = view.getUint16(2, true);
  const entries: ChnaEntry[] = [];
  // Writers pre-allocate slots; read what is there and say when the count overruns the chunk.
  const available = Math.floor((body.length - 4) / 40);
  if (numUids > available) {
    throw new DubstageError({
      code: 'bad-chunk',
      message: `${path}: chna chunk at byte ${offset} declares ${numUids} track UIDs but holds room for ${available}`,
      path,
      byteOffset: offset,
    });
  }
  for (let i = 0; i < numUids; i++) {
    const at = 4 + i * 40;
    const trackIndex = view.getUint16(at, true);
    const uid = ascii(body, at + 2, 12);
    if (trackIndex === 0 && uid === '') continue; // pre-allocated empty slot
    entries.push({ trackIndex, uid, formatRef: ascii(body, at + 14, 14), packRef: ascii(body, at + 28, 11) });
  }
  return { numTracks, numUids, entries };
}

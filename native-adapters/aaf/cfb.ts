/**
 * Compound File Binary (MS-CFB, "structured storage") reader with positional reads only, so an AAF
 * holding gigabytes of embedded media opens in flat memory: the header, DIFAT, FAT, mini-FAT and the
 * directory are read up front (all bounded by the file size); stream bytes are read on demand.
 * Every sector chain is guarded (index in range, no cycle, no longer than the file) and a broken one
 * is a DubstageError('bad-session') with the byte offset where the bad link was read.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegular } from '../../src/audio/bytesource.js';
import { DubstageError } from '../../src/errors.js';
import type { ByteSource } from '../../src/audio/types.js';

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MAX_REG_SECT = 0xfffffffa;
const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const NOSTREAM = 0xffffffff;
const DIR_ENTRY_BYTES = 128;
/** Streams read whole into memory (property streams, indexes) are small; essence is read through openStream. */
const MAX_WHOLE_STREAM = 256 * 1024 * 1024;

export type EntryType = 'storage' | 'stream' | 'root';

export interface DirEntry {
  id: number;
  name: string;
  type: EntryType;
  /** Raw 16 CLSID bytes as stored (a little-endian GUID). */
  clsid: Uint8Array;
  startSector: number;
  size: number;
  left: number;
  right: number;
  child: number;
}

export function isCfb(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  for (let i = 0; i < 8; i++) if (head[i] !== SIGNATURE[i]) return false;
  return true;
}

export class CfbFile {
  readonly path: string;
  readonly fileSize: number;
  readonly sectorSize: number;
  readonly miniSectorSize: number;
  readonly miniStreamCutoff: number;
  readonly majorVersion: number;
  /** Deviations from MS-CFB that were read anyway. */
  readonly warnings: string[] = [];
  private fd: number;
  private fat: Uint32Array;
  private fatSectors: number[];
  private miniFat: Uint32Array;
  private entries: DirEntry[];
  private childMaps = new Map<number, Map<string, DirEntry>>();
  /** Which storage each entry was found under: an entry under two storages would make the tree a loop. */
  private parentOf = new Map<number, number>();
  private miniStream: CfbStream | null = null;

  static open(filePath: string): CfbFile {
    // a FIFO, device or socket is refused by stat (open would block, or the size would be 0)
    const { fd } = openRegular(filePath);
    try {
      return new CfbFile(filePath, fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  private constructor(filePath: string, fd: number) {
    this.path = filePath;
    this.fd = fd;
    this.fileSize = fstatSync(fd).size;
    const h = Buffer.alloc(512);
    const got = readSync(fd, h, 0, 512, 0);
    if (isCfb(h) && got < 512) throw this.error('truncated', `the file ends after ${got} bytes, inside the 512-byte CFB header`, got);
    if (got < 512 || !isCfb(h)) {
      throw this.error('not-session', 'not a Compound File Binary (AAF) file: the 8-byte signature D0 CF 11 E0 A1 B1 1A E1 is missing', 0);
    }
    this.majorVersion = h.readUInt16LE(0x1a);
    const sectorShift = h.readUInt16LE(0x1e);
    const miniShift = h.readUInt16LE(0x20);
    // MS-CFB pairs version 3 with 512-byte sectors and 4 with 4096; pyaaf2 (and so OpenTimelineIO's
    // AAF adapter) writes version 4 with 512-byte sectors when asked for small sectors. The sector
    // shift is what the layout follows, so such files read fine: said in a warning, not refused.
    if (this.majorVersion === 4 && sectorShift === 9) {
      this.warnings.push(`${filePath}: CFB major version 4 with 512-byte sectors (MS-CFB says 4096 for version 4; written by pyaaf2 or a tool built on it); read by its sector shift`);
    } else if (!((this.majorVersion === 3 && sectorShift === 9) || (this.majorVersion === 4 && sectorShift === 12))) {
      throw this.error('bad-session', `unsupported CFB version ${this.majorVersion} with sector shift ${sectorShift} (expected 3/9 or 4/12)`, 0x1a);
    }
    if (miniShift !== 6) throw this.error('bad-session', `mini sector shift is ${miniShift}, expected 6`, 0x20);
    this.sectorSize = 1 << sectorShift;
    this.miniSectorSize = 1 << miniShift;
    this.miniStreamCutoff = h.readUInt32LE(0x38);
    const numFatSectors = h.readUInt32LE(0x2c);
    const firstDirSector = h.readUInt32LE(0x30);
    const firstMiniFatSector = h.readUInt32LE(0x3c);
    const numMiniFatSectors = h.readUInt32LE(0x40);
    const firstDifatSector = h.readUInt32LE(0x44);
    if (this.fileSize < this.sectorSize * 2) {
      throw this.error('truncated', `the file is ${this.fileSize} bytes, shorter than a header and one sector`, this.fileSize);
    }
    if (numFatSectors > this.sectorCount()) {
      throw this.error('bad-session', `the header claims ${numFatSectors} FAT sectors but the file holds only ${this.sectorCount()} sectors`, 0x2c);
    }

    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors (last u32 of each = next)
    const fatSectors: number[] = [];
    for (let i = 0; i < 109 && fatSectors.length < numFatSectors; i++) {
      const s = h.readUInt32LE(0x4c + i * 4);
      if (s === FREESECT) break;
      fatSectors.push(s);
    }
    let difat = firstDifatSector;
    const perDifat = this.sectorSize / 4 - 1;
    const seenDifat = new Set<number>();
    const sbuf = Buffer.alloc(this.sectorSize);
    while (fatSectors.length < numFatSectors && difat !== ENDOFCHAIN && difat !== FREESECT) {
      this.checkSector(difat, 'DIFAT', 0x44);
      // distinct sectors only, so the walk ends within the file's sector count even when the
      // header's DIFAT count is wrong (writers get it wrong; the chain is what counts)
      if (seenDifat.has(difat)) {
        throw this.error('bad-session', `the DIFAT sector chain loops back to sector ${difat}`, this.sectorOffset(difat));
      }
      seenDifat.add(difat);
      this.readSector(difat, sbuf);
      for (let i = 0; i < perDifat && fatSectors.length < numFatSectors; i++) {
        const s = sbuf.readUInt32LE(i * 4);
        if (s !== FREESECT) fatSectors.push(s);
      }
      difat = sbuf.readUInt32LE(perDifat * 4);
    }
    // some writers (Premiere) overstate the FAT sector count: use the sectors the DIFAT names
    this.fatSectors = fatSectors;

    const perSector = this.sectorSize / 4;
    this.fat = new Uint32Array(fatSectors.length * perSector);
    fatSectors.forEach((s, i) => {
      this.checkSector(s, 'FAT', 0x4c);
      this.readSector(s, sbuf);
      for (let j = 0; j < perSector; j++) this.fat[i * perSector + j] = sbuf.readUInt32LE(j * 4);
    });

    // directory: a chain of unknown length in the FAT
    const dirChain = this.chain(firstDirSector, 'directory', null, 0x30);
    const dirBytes = Buffer.alloc(dirChain.length * this.sectorSize);
    dirChain.forEach((s, i) => this.readSector(s, dirBytes.subarray(i * this.sectorSize, (i + 1) * this.sectorSize)));
    this.entries = [];
    const count = dirBytes.length / DIR_ENTRY_BYTES;
    for (let i = 0; i < count; i++) {
      const e = dirBytes.subarray(i * DIR_ENTRY_BYTES, (i + 1) * DIR_ENTRY_BYTES);
      const typeByte = e[0x42];
      const nameLen = Math.min(64, e.readUInt16LE(0x40));
      const name = e.subarray(0, Math.max(0, nameLen - 2)).toString('utf16le');
      const type: EntryType | null = typeByte === 1 ? 'storage' : typeByte === 2 ? 'stream' : typeByte === 5 ? 'root' : null;
      const size = this.majorVersion === 3 ? e.readUInt32LE(0x78) : Number(e.readBigUInt64LE(0x78));
      this.entries.push({
        id: i,
        name,
        type: type ?? 'stream',
        clsid: new Uint8Array(e.subarray(0x50, 0x60)),
        startSector: e.readUInt32LE(0x74),
        size: type ? size : 0,
        left: e.readUInt32LE(0x44),
        right: e.readUInt32LE(0x48),
        child: e.readUInt32LE(0x4c),
      });
      if (!type) this.entries[i]!.name = '';
    }
    if (this.entries.length === 0 || this.entries[0]!.type !== 'root') {
      throw this.error('bad-session', 'the first directory entry is not the Root Entry', this.sectorOffset(firstDirSector));
    }

    // mini-FAT: a FAT chain of its own
    const miniChain = numMiniFatSectors === 0 ? new Uint32Array(0) : this.chain(firstMiniFatSector, 'mini-FAT', null, 0x3c);
    this.miniFat = new Uint32Array(miniChain.length * perSector);
    miniChain.forEach((s, i) => {
      this.readSector(s, sbuf);
      for (let j = 0; j < perSector; j++) this.miniFat[i * perSector + j] = sbuf.readUInt32LE(j * 4);
    });
  }

  get root(): DirEntry {
    return this.entries[0]!;
  }

  /** Children of a storage by name (the red-black tree walked in order; a loop in it is an error). */
  children(storage: DirEntry): Map<string, DirEntry> {
    let map = this.childMaps.get(storage.id);
    if (map) return map;
    map = new Map();
    const seen = new Set<number>();
    const stack: number[] = [];
    let node = storage.child;
    while (stack.length > 0 || node !== NOSTREAM) {
      while (node !== NOSTREAM) {
        if (node >= this.entries.length || seen.has(node) || node === 0) {
          throw this.error('bad-session', `the directory tree under '${storage.name}' points at entry ${node} ${node < this.entries.length ? 'twice (a loop)' : 'beyond the directory'}`, undefined);
        }
        const owner = this.parentOf.get(node);
        if (owner !== undefined && owner !== storage.id) {
          throw this.error('bad-session', `directory entry ${node} ('${this.entries[node]!.name}') appears under two storages (a loop in the tree)`, undefined);
        }
        this.parentOf.set(node, storage.id);
        seen.add(node);
        stack.push(node);
        node = this.entries[node]!.left;
      }
      const id = stack.pop()!;
      const entry = this.entries[id]!;
      if (entry.name) map.set(entry.name, entry);
      node = entry.right;
    }
    this.childMaps.set(storage.id, map);
    return map;
  }

  child(storage: DirEntry, name: string): DirEntry | undefined {
    return this.children(storage).get(name);
  }

  /** A stream as random-access bytes. */
  openStream(entry: DirEntry, name?: string): CfbStream {
    if (entry.type !== 'stream') throw this.error('bad-session', `'${entry.name}' is a storage, not a stream`, undefined);
    return new CfbStream(this, entry, name ?? `${this.path}#${entry.name}`);
  }

  /** A small stream's whole content (property streams, set/vector indexes). */
  readStream(entry: DirEntry): Buffer {
    if (entry.size > MAX_WHOLE_STREAM) {
      throw this.error('too-large', `stream '${entry.name}' claims ${entry.size} bytes, too many to read whole (property and index streams are small; essence is read through openStream)`, undefined);
    }
    const s = this.openStream(entry);
    const buf = Buffer.alloc(entry.size);
    const n = s.read(buf, 0, entry.size, 0);
    if (n < entry.size) throw this.error('truncated', `stream '${entry.name}' ends after ${n} of ${entry.size} bytes`, undefined);
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  // ---- internals shared with CfbStream ----

  /** Sectors in the file after the header. */
  sectorCount(): number {
    return Math.floor((this.fileSize - this.sectorSize) / this.sectorSize) + (this.fileSize % this.sectorSize ? 1 : 0);
  }

  sectorOffset(sector: number): number {
    return (sector + 1) * this.sectorSize;
  }

  checkSector(sector: number, what: string, at: number | undefined): void {
    if (sector > MAX_REG_SECT || sector >= this.sectorCount()) {
      throw this.error(
        'bad-session',
        `${what} sector chain points at sector ${sector}, beyond the ${this.sectorCount()} sectors the file holds (truncated or corrupt)`,
        at,
      );
    }
  }

  readSector(sector: number, into: Buffer): void {
    this.readAt(into, 0, this.sectorSize, this.sectorOffset(sector));
  }

  readAt(buf: Uint8Array, offset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /**
   * Follow a chain in the FAT (or mini-FAT). `expected` is the sector count the stream size needs
   * (null for the directory and mini-FAT, whose length only the chain knows). Guards: index range,
   * cycles (a visited bitmap), and no more links than the table has entries.
   */
  chain(start: number, what: string, expected: number | null, at: number | undefined, mini = false): Uint32Array {
    const table = mini ? this.miniFat : this.fat;
    const limit = mini ? table.length : Math.min(table.length, this.sectorCount());
    // a stream's length is known, so its chain is one typed array (4 bytes a sector)
    let out = new Uint32Array(expected ?? 16);
    let count = 0;
    const visited = new Uint8Array(Math.max(1, limit));
    let s = start;
    let from = at;
    while (s !== ENDOFCHAIN && (expected === null || count < expected)) {
      if (s >= limit || s > MAX_REG_SECT) {
        throw this.error(
          'bad-session',
          `${what} sector chain points at ${mini ? 'mini ' : ''}sector ${s}, beyond the ${limit} the file holds (truncated or corrupt)`,
          from,
        );
      }
      if (visited[s]) throw this.error('bad-session', `${what} sector chain loops back to ${mini ? 'mini ' : ''}sector ${s}`, from);
      visited[s] = 1;
      if (count === out.length) {
        const grown = new Uint32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[count++] = s;
      from = mini ? undefined : this.fatEntryOffset(s);
      s = table[s]!;
    }
    if (expected !== null && count < expected) {
      throw this.error('bad-session', `${what} sector chain ends after ${count} sectors; its size needs ${expected}`, from);
    }
    return out.subarray(0, count);
  }

  /** File offset of the FAT entry for a sector (for error messages). */
  private fatEntryOffset(sector: number): number | undefined {
    const perSector = this.sectorSize / 4;
    const fatSector = this.fatSectors[Math.floor(sector / perSector)];
    return fatSector === undefined ? undefined : this.sectorOffset(fatSector) + (sector % perSector) * 4;
  }

  miniStreamSource(): CfbStream {
    if (!this.miniStream) this.miniStream = new CfbStream(this, this.root, `${this.path}#mini-stream`, true);
    return this.miniStream;
  }

  error(code: 'bad-session' | 'not-session' | 'truncated' | 'too-large', message: string, byteOffset: number | undefined): DubstageError {
    return new DubstageError({ code, message: `${this.path}: ${message}`, path: this.path, byteOffset });
  }
}

/**
 * One stream's bytes through its sector chain. The chain (one u32 per sector, bounded by the file
 * size) is built on first read; reads then go straight to the file.
 */
export class CfbStream implements ByteSource {
  readonly name: string;
  readonly size: number;
  private sectors: Uint32Array | null = null;
  private readonly inMini: boolean;
  private readonly unit: number;

  constructor(
    private readonly cfb: CfbFile,
    private readonly entry: DirEntry,
    name: string,
    isMiniStreamItself = false,
  ) {
    this.name = name;
    this.size = entry.size;
    this.inMini = !isMiniStreamItself && entry.type === 'stream' && entry.size < cfb.miniStreamCutoff;
    this.unit = this.inMini ? cfb.miniSectorSize : cfb.sectorSize;
  }

  private chain(): Uint32Array {
    if (!this.sectors) {
      const expected = Math.ceil(this.size / this.unit);
      if (!this.inMini && expected > this.cfb.sectorCount()) {
        throw this.cfb.error('bad-session', `stream '${this.entry.name}' claims ${this.size} bytes, more than the file holds`, undefined);
      }
      this.sectors = expected === 0 ? new Uint32Array(0) : this.cfb.chain(this.entry.startSector, `stream '${this.entry.name}'`, expected, undefined, this.inMini);
    }
    return this.sectors;
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.size || length <= 0) return 0;
    const want = Math.min(length, this.size - position);
    const sectors = this.chain();
    let done = 0;
    while (done < want) {
      const pos = position + done;
      const idx = Math.floor(pos / this.unit);
      const within = pos - idx * this.unit;
      // coalesce physically contiguous sectors into one read
      let run = 1;
      while (idx + run < sectors.length && sectors[idx + run] === sectors[idx]! + run && run * this.unit - within < want - done) run++;
      const n = Math.min(run * this.unit - within, want - done);
      const got = this.inMini
        ? this.cfb.miniStreamSource().read(buf, offset + done, n, sectors[idx]! * this.unit + within)
        : this.cfb.readAt(buf, offset + done, n, this.cfb.sectorOffset(sectors[idx]!) + within);
      if (got < n) {
        throw this.cfb.error(
          'truncated',
          `stream '${this.entry.name}' is cut short: the file ends inside sector ${sectors[idx]}`,
          this.inMini ? undefined : this.cfb.sectorOffset(sectors[idx]!) + within + got,
        );
      }
      done += n;
    }
    return done;
  }

  close(): void {
    // the CfbFile owns the descriptor
  }
}

/**
 * A small Compound File Binary writer for fixtures: v3 (512-byte) or v4 (4096-byte) sectors, mini
 * stream for small streams, DIFAT sectors when the FAT outgrows the header's 109 slots. Siblings are
 * linked as a right-leaning chain (a valid, if unbalanced, binary tree). Layout facts (sector offsets,
 * FAT slots) are returned so tests can corrupt exactly what they mean to.
 */
export interface CfbNode {
  name: string;
  /** Raw 16 CLSID bytes (storages), default zeros. */
  clsid?: Uint8Array;
  /** A stream's bytes; absent for a storage. */
  data?: Uint8Array;
  children?: CfbNode[];
}

export interface CfbLayout {
  bytes: Buffer;
  sectorSize: number;
  /** Sector number of each FAT sector, in order. */
  fatSectors: number[];
  difatSectors: number[];
  firstDirSector: number;
  /** First sector of each big stream by name. */
  streamStart: Map<string, number>;
}

const END = 0xfffffffe;
const FREE = 0xffffffff;
const FATSECT = 0xfffffffd;
const DIFSECT = 0xfffffffc;
const NOSTREAM = 0xffffffff;

interface Flat {
  node: CfbNode;
  type: 1 | 2 | 5;
  child: number;
  right: number;
  start: number;
  size: number;
}

export function writeCfb(rootClsid: Uint8Array, children: CfbNode[], sectorSize: 512 | 4096 = 4096): CfbLayout {
  const ss = sectorSize;
  const perFat = ss / 4;
  const flat: Flat[] = [{ node: { name: 'Root Entry', clsid: rootClsid, children }, type: 5, child: NOSTREAM, right: NOSTREAM, start: END, size: 0 }];
  const walk = (parent: number, kids: CfbNode[]) => {
    let prev = -1;
    for (const k of kids) {
      const id = flat.length;
      flat.push({ node: k, type: k.data ? 2 : 1, child: NOSTREAM, right: NOSTREAM, start: END, size: k.data?.length ?? 0 });
      if (prev < 0) flat[parent]!.child = id;
      else flat[prev]!.right = id;
      prev = id;
      if (!k.data) walk(id, k.children ?? []);
    }
  };
  walk(0, children);

  // mini stream for streams under 4096 bytes
  const mini: Buffer[] = [];
  const miniFat: number[] = [];
  for (const f of flat) {
    if (f.type !== 2 || f.size >= 4096 || f.size === 0) continue;
    const n = Math.ceil(f.size / 64);
    f.start = miniFat.length;
    for (let i = 0; i < n; i++) miniFat.push(i === n - 1 ? END : miniFat.length + 1);
    const padded = Buffer.alloc(n * 64);
    Buffer.from(f.node.data!).copy(padded);
    mini.push(padded);
  }
  const miniStream = Buffer.concat(mini);

  // regular sectors: big streams, mini stream, directory, mini FAT
  const fat: number[] = [];
  const sectors: Buffer[] = [];
  const streamStart = new Map<string, number>();
  const alloc = (bytes: Buffer): number => {
    const n = Math.max(1, Math.ceil(bytes.length / ss));
    const first = fat.length;
    for (let i = 0; i < n; i++) {
      fat.push(i === n - 1 ? END : fat.length + 1);
      const sec = Buffer.alloc(ss);
      bytes.copy(sec, 0, i * ss, Math.min(bytes.length, (i + 1) * ss));
      sectors.push(sec);
    }
    return first;
  };
  for (const f of flat) {
    if (f.type === 2 && f.size >= 4096) {
      f.start = alloc(Buffer.from(f.node.data!));
      streamStart.set(f.node.name, f.start);
    }
  }
  if (miniStream.length > 0) {
    flat[0]!.start = alloc(miniStream);
    flat[0]!.size = miniStream.length;
  }
  const dir = Buffer.alloc(Math.ceil((flat.length * 128) / ss) * ss);
  for (let i = 0; i < dir.length / 128; i++) {
    const e = dir.subarray(i * 128, (i + 1) * 128);
    e.writeUInt32LE(NOSTREAM, 0x44);
    e.writeUInt32LE(NOSTREAM, 0x48);
    e.writeUInt32LE(NOSTREAM, 0x4c);
  }
  flat.forEach((f, i) => {
    const e = dir.subarray(i * 128, (i + 1) * 128);
    const name = Buffer.from(f.node.name + '\0', 'utf16le');
    name.copy(e, 0, 0, Math.min(64, name.length));
    e.writeUInt16LE(Math.min(64, name.length), 0x40);
    e[0x42] = f.type;
    e[0x43] = 1; // black
    e.writeUInt32LE(NOSTREAM, 0x44);
    e.writeUInt32LE(f.right, 0x48);
    e.writeUInt32LE(f.child, 0x4c);
    if (f.node.clsid) Buffer.from(f.node.clsid).copy(e, 0x50);
    e.writeUInt32LE(f.start >>> 0, 0x74);
    e.writeUInt32LE(f.size, 0x78);
  });
  const firstDirSector = alloc(dir);
  let firstMiniFat = END;
  let miniFatSectors = 0;
  if (miniFat.length > 0) {
    const mf = Buffer.alloc(Math.ceil((miniFat.length * 4) / ss) * ss, 0xff);
    miniFat.forEach((v, i) => mf.writeUInt32LE(v, i * 4));
    firstMiniFat = alloc(mf);
    miniFatSectors = mf.length / ss;
  }

  // FAT and DIFAT sectors: grow until they cover every sector including themselves
  let nFat = 1;
  let nDifat = 0;
  for (;;) {
    const total = fat.length + nFat + nDifat;
    const needFat = Math.ceil(total / perFat);
    const needDifat = needFat > 109 ? Math.ceil((needFat - 109) / (perFat - 1)) : 0;
    if (needFat === nFat && needDifat === nDifat) break;
    nFat = needFat;
    nDifat = needDifat;
  }
  const fatSectors: number[] = [];
  for (let i = 0; i < nFat; i++) {
    fatSectors.push(fat.length);
    fat.push(FATSECT);
  }
  const difatSectors: number[] = [];
  for (let i = 0; i < nDifat; i++) {
    difatSectors.push(fat.length);
    fat.push(DIFSECT);
  }
  const fatBytes = Buffer.alloc(nFat * ss, 0xff);
  fat.forEach((v, i) => fatBytes.writeUInt32LE(v, i * 4));
  for (let i = 0; i < nFat; i++) sectors.push(fatBytes.subarray(i * ss, (i + 1) * ss));
  const rest = fatSectors.slice(109);
  for (let i = 0; i < nDifat; i++) {
    const d = Buffer.alloc(ss, 0xff);
    const slice = rest.slice(i * (perFat - 1), (i + 1) * (perFat - 1));
    slice.forEach((v, k) => d.writeUInt32LE(v, k * 4));
    d.writeUInt32LE(i === nDifat - 1 ? END : difatSectors[i + 1]!, (perFat - 1) * 4);
    sectors.push(d);
  }

  const header = Buffer.alloc(ss);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(ss === 512 ? 3 : 4, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(ss === 512 ? 9 : 12, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(ss === 512 ? 0 : Math.ceil((flat.length * 128) / ss), 0x28);
  header.writeUInt32LE(nFat, 0x2c);
  header.writeUInt32LE(firstDirSector, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(firstMiniFat >>> 0, 0x3c);
  header.writeUInt32LE(miniFatSectors, 0x40);
  header.writeUInt32LE(nDifat > 0 ? difatSectors[0]! : END, 0x44);
  header.writeUInt32LE(nDifat, 0x48);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < nFat ? fatSectors[i]! : FREE, 0x4c + i * 4);
  return { bytes: Buffer.concat([header, ...sectors]), sectorSize: ss, fatSectors, difatSectors, firstDirSector, streamStart };
}

/** File offset of the FAT slot for `sector`. */
export function fatSlotOffset(layout: CfbLayout, sector: number): number {
  const perFat = layout.sectorSize / 4;
  return (layout.fatSectors[Math.floor(sector / perFat)]! + 1) * layout.sectorSize + (sector % perFat) * 4;
}

/** The AAF root CLSID as stored ({b3b398a5-1c90-11d4-8053-080036210804}, little-endian GUID). */
export const AAF_ROOT_CLSID = Uint8Array.from(Buffer.from('a598b3b3901cd4118053080036210804', 'hex'));

/** A `properties` stream: byte order 'L', version 0x20, then (pid, form, size) and the values. */
export function propertiesStream(props: { pid: number; form: number; value: Buffer }[]): Buffer {
  const head = Buffer.alloc(4 + props.length * 6);
  head[0] = 0x4c;
  head[1] = 0x20;
  head.writeUInt16LE(props.length, 2);
  props.forEach((p, i) => {
    head.writeUInt16LE(p.pid, 4 + i * 6);
    head.writeUInt16LE(p.form, 6 + i * 6);
    head.writeUInt16LE(p.value.length, 8 + i * 6);
  });
  return Buffer.concat([head, ...props.map((p) => p.value)]);
}

export function utf16z(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf16le');
}

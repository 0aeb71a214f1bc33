/**
 * The AAF structured-storage layer over a CFB file: one object per storage, its `properties` stream,
 * strong references (child storages, vectors and sets through their `index` streams), weak references
 * through the root's `referenced properties` table, and dynamic property ids (>= 0x8000) mapped to
 * AUIDs through the file's own MetaDictionary. Objects are read lazily and cached per storage.
 */
import { CfbFile, type DirEntry } from './cfb.js';
import { CLASS_BY_ID, CLASS_ID, PID, PROP_TYPE, TYPE_SIZES } from './model.js';

const FORM_DATA = 0x82;
const FORM_STRONG = 0x22;
const FORM_STRONG_VECTOR = 0x32;
const FORM_STRONG_SET = 0x3a;
const FORM_WEAK = 0x02;
const FORM_WEAK_VECTOR = 0x12;
const FORM_WEAK_SET = 0x1a;
const FORM_STREAM = 0x42;

/** The AAF file-kind CLSID on the root storage (AAF "AAFB" signature in raw GUID byte order). */
export const AAF_ROOT_CLSIDS = ['b3b398a5-1c90-11d4-8053-080036210804'];

export function auidFromBytes(b: Uint8Array, at = 0): string {
  const h = (i: number) => b[at + i]!.toString(16).padStart(2, '0');
  const d1 = h(3) + h(2) + h(1) + h(0);
  const d2 = h(5) + h(4);
  const d3 = h(7) + h(6);
  const d4 = h(8) + h(9);
  const d5 = h(10) + h(11) + h(12) + h(13) + h(14) + h(15);
  return `${d1}-${d2}-${d3}-${d4}-${d5}`;
}

export function mobIdFromBytes(b: Uint8Array, at = 0): string {
  return Buffer.from(b.subarray(at, at + 32)).toString('hex');
}

export const NULL_MOB_ID = '0'.repeat(64);

interface RawProp {
  form: number;
  value: Buffer;
}

function utf16z(b: Buffer): string {
  let end = b.length - (b.length % 2);
  for (let i = 0; i + 1 < b.length; i += 2) {
    if (b[i] === 0 && b[i + 1] === 0) {
      end = i;
      break;
    }
  }
  return b.subarray(0, end).toString('utf16le');
}

export class AafFile {
  readonly cfb: CfbFile;
  readonly path: string;
  readonly root: AafObject;
  /** Weak-reference target paths (pids from the root), by table index. */
  private refPaths: number[][] = [];
  private objects = new Map<number, AafObject>();
  /** Extension classes from the MetaDictionary: AUID → parent AUID. */
  private extParents = new Map<string, string>();
  /** Dynamic property ids: AUID and name → local pid. */
  private dynByAuid = new Map<string, number>();
  private dynByName = new Map<string, number>();
  private weakSetCache = new Map<string, Map<string, AafObject>>();

  static open(filePath: string): AafFile {
    const cfb = CfbFile.open(filePath);
    try {
      return new AafFile(cfb);
    } catch (err) {
      cfb.close();
      throw err;
    }
  }

  private constructor(cfb: CfbFile) {
    this.cfb = cfb;
    this.path = cfb.path;
    const rootClsid = auidFromBytes(cfb.root.clsid);
    if (!AAF_ROOT_CLSIDS.includes(rootClsid)) {
      throw cfb.error('not-session', `a Compound File, but not AAF: its root CLSID is {${rootClsid}}, not the AAF file kind`, undefined);
    }
    this.root = this.object(cfb.root, 'Root');
    const refs = cfb.child(cfb.root, 'referenced properties');
    if (refs) this.refPaths = parseReferencedProperties(cfb.readStream(refs), (m) => cfb.error('bad-session', m, undefined));
    this.readMetaDictionary();
  }

  close(): void {
    this.cfb.close();
  }

  object(entry: DirEntry, where: string): AafObject {
    let o = this.objects.get(entry.id);
    if (!o) {
      o = new AafObject(this, entry, where);
      this.objects.set(entry.id, o);
    }
    return o;
  }

  get header(): AafObject {
    const header = this.root.strong(PID.RootHeader);
    if (!header) throw this.cfb.error('bad-session', 'the AAF root has no Header object', undefined);
    return header;
  }

  /** Local pid of a dynamic (extension) property, by AUID or by name; null when this file does not define it. */
  dynamicPid(auidOrName: string): number | null {
    return this.dynByAuid.get(auidOrName) ?? this.dynByName.get(auidOrName) ?? null;
  }

  /** True when class `id` is `ancestor` or derives from it (extension classes via the MetaDictionary). */
  isA(id: string, ancestor: string): boolean {
    const target = CLASS_ID[ancestor];
    let cur: string | null | undefined = id;
    for (let depth = 0; cur && depth < 64; depth++) {
      if (cur === target) return true;
      cur = CLASS_BY_ID.get(cur)?.parent ?? this.extParents.get(cur) ?? null;
    }
    return false;
  }

  className(id: string): string {
    let cur: string | null | undefined = id;
    for (let depth = 0; cur && depth < 64; depth++) {
      const known = CLASS_BY_ID.get(cur);
      if (known) return known.name;
      cur = this.extParents.get(cur);
    }
    return `{${id}}`;
  }

  /** Resolve a weak reference: follow the table path from the root to a set, then find the key. */
  resolveWeak(tableIndex: number, key: string, where: string): AafObject {
    const cacheKey = String(tableIndex);
    let set = this.weakSetCache.get(cacheKey);
    if (!set) {
      const path = this.refPaths[tableIndex];
      if (!path) throw this.cfb.error('bad-session', `${where}: weak reference uses table entry ${tableIndex}, which the referenced-properties table does not have`, undefined);
      let obj: AafObject = this.root;
      for (let i = 0; i < path.length - 1; i++) {
        const next = obj.strong(path[i]!);
        if (!next) throw this.cfb.error('bad-session', `${where}: weak reference path ${path.map((p) => p.toString(16)).join('/')} is broken at ${path[i]!.toString(16)}`, undefined);
        obj = next;
      }
      set = obj.keyedSet(path[path.length - 1]!);
      this.weakSetCache.set(cacheKey, set);
    }
    const target = set.get(key);
    if (!target) throw this.cfb.error('bad-session', `${where}: weak reference to {${key}}, which is not in the file (a reference to a missing object)`, undefined);
    return target;
  }

  /** Name of a dynamic property id (for messages and discovery). */
  dynamicName(pid: number): string | null {
    for (const [name, p] of this.dynByName) if (p === pid) return name;
    return null;
  }

  private readMetaDictionary(): void {
    const meta = this.root.strong(PID.RootMetaDictionary);
    if (!meta) return;
    for (const cls of meta.set(PID.ClassDefinitions)) {
      const id = cls.auid(PID.MetaIdentification);
      if (!id) continue;
      const parent = cls.weakKey(PID.ParentClass);
      if (parent && parent !== id && !CLASS_BY_ID.has(id)) this.extParents.set(id, parent);
      for (const prop of cls.set(PID.Properties)) {
        const pid = prop.u16(PID.LocalIdentification);
        const pauid = prop.auid(PID.MetaIdentification);
        const name = prop.string(PID.MetaName);
        if (pid === null || pid < 0x8000) continue;
        if (pauid) this.dynByAuid.set(pauid, pid);
        if (name && !this.dynByName.has(name)) this.dynByName.set(name, pid);
      }
    }
  }
}

function parseReferencedProperties(b: Buffer, fail: (m: string) => Error): number[][] {
  if (b.length < 7) throw fail(`the 'referenced properties' stream is ${b.length} bytes, too short for its header`);
  const pathCount = b.readUInt16LE(1);
  const pidCount = b.readUInt32LE(3);
  if (7 + pidCount * 2 > b.length) throw fail(`the 'referenced properties' stream claims ${pidCount} ids but holds ${(b.length - 7) >> 1}`);
  const paths: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < pidCount; i++) {
    const pid = b.readUInt16LE(7 + i * 2);
    if (pid === 0) {
      paths.push(cur);
      cur = [];
    } else cur.push(pid);
  }
  if (paths.length !== pathCount) throw fail(`the 'referenced properties' stream holds ${paths.length} paths, its header says ${pathCount}`);
  return paths;
}

export class AafObject {
  readonly classId: string;
  private raw: Map<number, RawProp> | null = null;
  private vectors = new Map<number, AafObject[]>();
  private sets = new Map<number, Map<string, AafObject>>();

  constructor(
    readonly file: AafFile,
    readonly entry: DirEntry,
    /** Where this object sits, for messages ("Header-2/Content-3b03/Mobs-1901{3}"). */
    readonly where: string,
  ) {
    this.classId = auidFromBytes(entry.clsid);
  }

  get className(): string {
    return this.file.className(this.classId);
  }

  isA(className: string): boolean {
    return this.file.isA(this.classId, className);
  }

  private fail(message: string): Error {
    return this.file.cfb.error('bad-session', `${this.where}: ${message}`, undefined);
  }

  private props(): Map<number, RawProp> {
    if (this.raw) return this.raw;
    const map = new Map<number, RawProp>();
    const entry = this.file.cfb.child(this.entry, 'properties');
    if (!entry) throw this.fail(`object storage has no 'properties' stream`);
    const b = this.file.cfb.readStream(entry);
    if (b.length < 4 || b[0] !== 0x4c) throw this.fail(`'properties' stream does not start with the little-endian mark 0x4C`);
    const n = b.readUInt16LE(2);
    let valueAt = 4 + n * 6;
    if (valueAt > b.length) throw this.fail(`'properties' stream lists ${n} properties but is only ${b.length} bytes`);
    for (let i = 0; i < n; i++) {
      const pid = b.readUInt16LE(4 + i * 6);
      const form = b.readUInt16LE(6 + i * 6);
      const size = b.readUInt16LE(8 + i * 6);
      if (valueAt + size > b.length) throw this.fail(`property 0x${pid.toString(16)} runs past the end of the 'properties' stream`);
      map.set(pid, { form, value: b.subarray(valueAt, valueAt + size) });
      valueAt += size;
    }
    this.raw = map;
    return map;
  }

  has(pid: number): boolean {
    return this.props().has(pid);
  }

  pids(): number[] {
    return [...this.props().keys()];
  }

  /** Plain data bytes of a property (null when absent or not plain data). */
  data(pid: number): Buffer | null {
    const p = this.props().get(pid);
    if (!p || p.form !== FORM_DATA) return null;
    // a fixed-size value of the wrong size is corruption, said here rather than read as garbage
    const type = PROP_TYPE.get(pid);
    const sizes = type ? TYPE_SIZES[type] : undefined;
    if (sizes && !sizes.includes(p.value.length)) {
      throw this.fail(`property 0x${pid.toString(16)} is ${p.value.length} bytes; a ${type} takes ${sizes.join(' or ')}`);
    }
    return p.value;
  }

  u8(pid: number): number | null {
    const d = this.data(pid);
    return d && d.length >= 1 ? d[0]! : null;
  }
  u16(pid: number): number | null {
    const d = this.data(pid);
    return d && d.length >= 2 ? d.readUInt16LE(0) : null;
  }
  u32(pid: number): number | null {
    const d = this.data(pid);
    return d && d.length >= 4 ? d.readUInt32LE(0) : null;
  }
  i64(pid: number): number | null {
    const d = this.data(pid);
    if (!d) return null;
    if (d.length >= 8) return Number(d.readBigInt64LE(0));
    if (d.length >= 4) return d.readInt32LE(0);
    return null;
  }
  bool(pid: number): boolean | null {
    const v = this.u8(pid);
    return v === null ? null : v !== 0;
  }
  rational(pid: number): { num: number; den: number } | null {
    const d = this.data(pid);
    return d && d.length >= 8 ? { num: d.readInt32LE(0), den: d.readInt32LE(4) } : null;
  }
  string(pid: number): string | null {
    const d = this.data(pid);
    return d ? utf16z(d) : null;
  }
  auid(pid: number): string | null {
    const d = this.data(pid);
    return d && d.length >= 16 ? auidFromBytes(d) : null;
  }
  mobId(pid: number): string | null {
    const d = this.data(pid);
    return d && d.length >= 32 ? mobIdFromBytes(d) : null;
  }
  /** An Indirect value: 0x4C, the type AUID, then the value bytes. */
  indirect(pid: number): { type: string; value: Buffer } | null {
    const d = this.data(pid);
    if (!d || d.length < 17) return null;
    return { type: auidFromBytes(d, 1), value: d.subarray(17) };
  }

  private refName(pid: number, forms: number[]): string | null {
    const p = this.props().get(pid);
    if (!p) return null;
    if (!forms.includes(p.form)) throw this.fail(`property 0x${pid.toString(16)} has stored form 0x${p.form.toString(16)}, expected 0x${forms[0]!.toString(16)}`);
    return utf16z(p.value);
  }

  private childStorage(name: string, what: string): DirEntry {
    const e = this.file.cfb.child(this.entry, name);
    if (!e || e.type !== 'storage') throw this.fail(`${what} names storage '${name}', which is not in the file (a reference to a missing object)`);
    return e;
  }

  private indexStream(name: string): Buffer {
    const e = this.file.cfb.child(this.entry, `${name} index`);
    if (!e) throw this.fail(`the index stream '${name} index' is missing`);
    return this.file.cfb.readStream(e);
  }

  strong(pid: number): AafObject | null {
    const name = this.refName(pid, [FORM_STRONG]);
    if (name === null) return null;
    return this.file.object(this.childStorage(name, `strong reference 0x${pid.toString(16)}`), `${this.where}/${name}`);
  }

  /** A strong-reference vector in order (a set, which some writers use for Parameters, in index order). */
  vector(pid: number): AafObject[] {
    let cached = this.vectors.get(pid);
    if (!cached) {
      cached = this.readVector(pid);
      this.vectors.set(pid, cached);
    }
    return cached;
  }

  private readVector(pid: number): AafObject[] {
    const p = this.props().get(pid);
    if (p && p.form === FORM_STRONG_SET) return this.set(pid);
    const name = this.refName(pid, [FORM_STRONG_VECTOR]);
    if (name === null) return [];
    const idx = this.indexStream(name);
    if (idx.length < 12) throw this.fail(`'${name} index' is too short`);
    const count = idx.readUInt32LE(0);
    if (12 + count * 4 > idx.length) throw this.fail(`'${name} index' claims ${count} elements but holds ${(idx.length - 12) >> 2}`);
    const out: AafObject[] = [];
    for (let i = 0; i < count; i++) {
      const key = idx.readUInt32LE(12 + i * 4);
      const elName = `${name}{${key.toString(16)}}`;
      out.push(this.file.object(this.childStorage(elName, `vector element ${i} of 0x${pid.toString(16)}`), `${this.where}/${elName}`));
    }
    return out;
  }

  /** A strong-reference set, each element with its key (AUID or MobID as hex text). */
  keyedSet(pid: number): Map<string, AafObject> {
    let cached = this.sets.get(pid);
    if (!cached) {
      cached = this.readSet(pid);
      this.sets.set(pid, cached);
    }
    return cached;
  }

  private readSet(pid: number): Map<string, AafObject> {
    const out = new Map<string, AafObject>();
    const name = this.refName(pid, [FORM_STRONG_SET]);
    if (name === null) return out;
    const idx = this.indexStream(name);
    if (idx.length < 15) throw this.fail(`'${name} index' is too short`);
    const count = idx.readUInt32LE(0);
    const keySize = idx[14]!;
    const stride = 8 + keySize;
    if (15 + count * stride > idx.length) throw this.fail(`'${name} index' claims ${count} elements but is ${idx.length} bytes`);
    for (let i = 0; i < count; i++) {
      const at = 15 + i * stride;
      const local = idx.readUInt32LE(at);
      const keyBytes = idx.subarray(at + 8, at + 8 + keySize);
      const key = keySize === 16 ? auidFromBytes(keyBytes) : keySize === 32 ? mobIdFromBytes(keyBytes) : keyBytes.toString('hex');
      const elName = `${name}{${local.toString(16)}}`;
      out.set(key, this.file.object(this.childStorage(elName, `set element ${i} of 0x${pid.toString(16)}`), `${this.where}/${elName}`));
    }
    return out;
  }

  set(pid: number): AafObject[] {
    return [...this.keyedSet(pid).values()];
  }

  /** The key (AUID) a weak reference holds, without resolving it. */
  weakKey(pid: number): string | null {
    const p = this.props().get(pid);
    if (!p) return null;
    if (p.form !== FORM_WEAK) throw this.fail(`property 0x${pid.toString(16)} has stored form 0x${p.form.toString(16)}, expected a weak reference`);
    if (p.value.length < 5) throw this.fail(`weak reference 0x${pid.toString(16)} is too short`);
    const keySize = p.value[4]!;
    const key = p.value.subarray(5, 5 + keySize);
    return keySize === 16 ? auidFromBytes(key) : keySize === 32 ? mobIdFromBytes(key) : key.toString('hex');
  }

  weak(pid: number): AafObject | null {
    const key = this.weakKey(pid);
    if (key === null) return null;
    const tableIndex = this.props().get(pid)!.value.readUInt16LE(0);
    return this.file.resolveWeak(tableIndex, key, `${this.where} property 0x${pid.toString(16)}`);
  }

  /** Keys of a weak-reference vector or set. */
  weakKeys(pid: number): string[] {
    const name = this.refName(pid, [FORM_WEAK_VECTOR, FORM_WEAK_SET]);
    if (name === null) return [];
    const idx = this.indexStream(name);
    const count = idx.readUInt32LE(0);
    const keySize = idx[8]!;
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const at = 9 + i * keySize;
      if (at + keySize > idx.length) throw this.fail(`'${name} index' is cut short`);
      out.push(keySize === 16 ? auidFromBytes(idx, at) : idx.subarray(at, at + keySize).toString('hex'));
    }
    return out;
  }

  /** The stream a data-stream property names (essence), as a directory entry. */
  streamEntry(pid: number): DirEntry | null {
    const p = this.props().get(pid);
    if (!p) return null;
    if (p.form !== FORM_STREAM) throw this.fail(`property 0x${pid.toString(16)} is not a data stream`);
    // the value is a byte-order mark (0x55 or 0x4C) then the UTF-16 stream name
    const name = utf16z(p.value.subarray(1));
    const e = this.file.cfb.child(this.entry, name);
    if (!e || e.type !== 'stream') throw this.fail(`data stream '${name}' is missing`);
    return e;
  }

  /** Value of a dynamic (extension) property by AUID or name, raw bytes. */
  dynamicData(auidOrName: string): Buffer | null {
    const pid = this.file.dynamicPid(auidOrName);
    return pid === null ? null : this.data(pid);
  }

  dynamicPidOf(auidOrName: string): number | null {
    return this.file.dynamicPid(auidOrName);
  }
}

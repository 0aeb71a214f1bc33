/**
 * An MXF file's structure (SMPTE ST 377-1) read with positional reads: one walk over the KLV headers
 * (values are skipped, never read, except metadata), partitions and the random index pack, the primer
 * pack and the header metadata sets (preface, content storage, packages, tracks, sequences, source
 * clips, timecode, descriptors with their ST 377-4 MCA sub-descriptors), index table segments, and
 * where each track's essence elements lie. Audio per ST 382 (Wave and AES3 PCM), frame- and
 * clip-wrapped. Memory stays flat: a frame-wrapped file keeps one seek point per 256 elements.
 */
import { DubstageError } from '../../errors.js';
import { formatTimecode, type Rational } from '../../session/time.js';
import type { ByteSource } from '../types.js';
import {
  elementTrackNumber, isContainerItem, isEssenceElement, isFill, isIndexSegment, isMetadataSet, isPrimerPack, isRip, isSmpteKey,
  localItems, partitionKind, readKlvHeader, readValue, sameUl, ul, ulHex, type Klv,
} from './klv.js';
import { isRfc5646, mcaLayout, type McaLayout, type MxfMcaLabel } from './mca.js';

export interface MxfPartition {
  kind: 'header' | 'body' | 'footer';
  /** ST 377-1 7.1: open/closed, incomplete/complete. */
  status: string;
  offset: number;
  thisPartition: number;
  previousPartition: number;
  footerPartition: number;
  headerByteCount: number;
  indexByteCount: number;
  indexSid: number;
  bodyOffset: number;
  bodySid: number;
  kagSize: number;
  operationalPattern: string;
  essenceContainers: string[];
}

export interface MxfIndexSegment {
  offset: number;
  indexSid: number;
  bodySid: number;
  editRate: Rational;
  startPosition: number;
  duration: number;
  /** Constant edit unit size in bytes, 0 when the segment lists each edit unit (VBE). */
  editUnitByteCount: number;
  entryCount: number;
}

export interface MxfTrackSummary {
  trackId: number;
  trackNumber: number;
  kind: 'sound' | 'picture' | 'timecode' | 'data' | 'other';
  name: string | null;
  editRate: Rational | null;
  /** Sequence duration in edit units. */
  duration: number | null;
  package: 'material' | 'file';
}

export interface MxfAudioDescriptor {
  kind: 'wave' | 'aes3' | 'sound';
  sampleRate: number;
  channels: number;
  quantizationBits: number;
  blockAlign: number;
  /** ContainerDuration in edit units of the container's rate, when written. */
  containerDuration: number | null;
  containerEditRate: Rational | null;
  essenceContainer: string | null;
  channelAssignment: string | null;
  soundEssenceCoding: string | null;
}

export interface MxfAudioTrack {
  /** 1-based position among the file's audio tracks (the N of `#track<N>`). */
  index: number;
  trackId: number;
  trackNumber: number;
  name: string | null;
  editRate: Rational | null;
  wrapping: 'clip' | 'frame';
  descriptor: MxfAudioDescriptor;
  mca: MxfMcaLabel[];
  layout: McaLayout | null;
  bodySid: number;
  /** Sample frames of essence present in the file. */
  frames: number;
  /** Value offset of the first essence element, and the essence bytes in all elements. */
  dataOffset: number;
  dataBytes: number;
  elementCount: number;
  /** Frame-wrapped seek points: KLV offset of an element and the frames before it. */
  seekPoints: Array<{ klvOffset: number; framesBefore: number }>;
  /** What the reader can decode: null when it can, else why not. */
  unsupported: string | null;
}

export interface MxfInfo {
  path: string;
  size: number;
  /** "OP1a", "OP-Atom", ... and its label. */
  operationalPattern: string;
  operationalPatternUl: string;
  essenceContainers: Array<{ ul: string; name: string }>;
  partitions: MxfPartition[];
  rip: Array<{ bodySid: number; offset: number }> | null;
  indexSegments: MxfIndexSegment[];
  tracks: MxfTrackSummary[];
  audioTracks: MxfAudioTrack[];
  /** The material package's playable length (its first sound or picture track). */
  editRate: Rational | null;
  durationEditUnits: number | null;
  timecode: { start: string; startFrames: number; roundedBase: number; dropFrame: boolean } | null;
  warnings: string[];
}

const MAX_METADATA_SET = 1 << 20;
/** ChannelCount is a 32-bit field; no sound essence has more than a few dozen (a corrupt count is refused, not allocated). */
const MAX_CHANNELS = 1024;
const SEEK_EVERY = 256;
/** Index entries sampled against the essence (each a 16-byte read). */
const INDEX_SAMPLES = 64;

// ST 377-1 set types (key bytes 13-14) and data definitions (RP 224).
const SET = {
  preface: 0x012f, contentStorage: 0x0118, essenceContainerData: 0x0123, materialPackage: 0x0136, sourcePackage: 0x0137,
  timelineTrack: 0x013b, staticTrack: 0x013a, eventTrack: 0x0139, sequence: 0x010f, sourceClip: 0x0111, timecode: 0x0114,
  multipleDescriptor: 0x0144, soundDescriptor: 0x0142, waveDescriptor: 0x0148, aes3Descriptor: 0x0147,
  audioChannelLabel: 0x016b, soundfieldGroupLabel: 0x016c, groupOfSoundfieldGroupsLabel: 0x016d,
} as const;

const DATA_DEF = {
  picture: ul('060e2b34040101010103020201000000'), sound: ul('060e2b34040101010103020202000000'),
  timecode: ul('060e2b34040101010103020101000000'), data: ul('060e2b34040101010103020203000000'),
};
// the MCA properties have dynamic tags: found through the primer by their label (ST 377-4 annex)
const MCA_UL = {
  dictionaryId: ul('060e2b34010101 0e01030701010000 00'.replace(/ /g, '')),
  tagSymbol: ul('060e2b340101010e0103070102000000'),
  tagName: ul('060e2b340101010e0103070103000000'),
  groupLinkId: ul('060e2b340101010e0103070104000000'),
  linkId: ul('060e2b340101010e0103070105000000'),
  soundfieldGroupLinkId: ul('060e2b340101010e0103070106000000'),
  channelId: ul('060e2b340101010e0103040a00000000'),
  language: ul('060e2b340101010d0301010203150000'),
  title: ul('060e2b340101010e0105100000000000'),
  titleVersion: ul('060e2b340101010e0105110000000000'),
  audioContentKind: ul('060e2b340101010e0302010220000000'),
  audioElementKind: ul('060e2b340101010e0302010221000000'),
  subDescriptors: ul('060e2b34010101090601010406100000'),
};

interface MetaSet {
  type: number;
  key: Buffer;
  offset: number;
  props: Map<number, Buffer>;
}

interface ElementRun {
  trackNumber: number;
  elementType: number;
  firstValueOffset: number;
  bytes: number;
  count: number;
  bodySid: number;
  seekPoints: Array<{ klvOffset: number; framesBefore: number }>;
  /** bytes per frame is known only after the descriptor: seek points keep byte counts until then */
  seekBytes: number[];
}

function u16(b: Buffer | undefined): number | null {
  return b && b.length >= 2 ? b.readUInt16BE(0) : null;
}
function u32(b: Buffer | undefined): number | null {
  return b && b.length >= 4 ? b.readUInt32BE(0) : null;
}
function i64(b: Buffer | undefined): number | null {
  return b && b.length >= 8 ? Number(b.readBigInt64BE(0)) : null;
}
function rational(b: Buffer | undefined): Rational | null {
  return b && b.length >= 8 ? { num: b.readInt32BE(0), den: b.readInt32BE(4) } : null;
}
function uuid(b: Buffer | undefined): string | null {
  return b && b.length >= 16 ? b.subarray(0, 16).toString('hex') : null;
}
/** ST 377-1 batches and arrays: count, item size, items. */
function batch(b: Buffer | undefined): Buffer[] {
  if (!b || b.length < 8) return [];
  const count = b.readUInt32BE(0);
  const size = b.readUInt32BE(4);
  const out: Buffer[] = [];
  for (let i = 0; i < count && 8 + (i + 1) * size <= b.length; i++) out.push(b.subarray(8 + i * size, 8 + (i + 1) * size));
  return out;
}
/** MXF strings are UTF-16BE; a few writers use 8-bit text or add NULs (Photon's null-terminated test file). */
function text(b: Buffer | undefined): string | null {
  if (!b || b.length === 0) return null;
  let s: string;
  if (b.length % 2 === 0 && b.some((x, i) => i % 2 === 0 && x === 0)) {
    const swapped = Buffer.from(b);
    swapped.swap16();
    s = swapped.toString('utf16le');
  } else s = b.toString('latin1');
  s = s.replace(/\0.*$/s, '').trim();
  return s.length > 0 ? s : null;
}

function operationalPatternName(op: Uint8Array): string {
  if (!isSmpteKey(op) || op[8] !== 0x0d || op[9] !== 0x01 || op[10] !== 0x02 || op[11] !== 0x01) return 'unknown';
  if (op[12] === 0x10) return 'OP-Atom';
  const item = op[12]!;
  const pkg = op[13]!;
  if (item >= 1 && item <= 3 && pkg >= 1 && pkg <= 3) return `OP${item}${'abc'[pkg - 1]}`;
  return 'unknown';
}

/** Names of the essence container labels (ST 379-2 and the mapping documents). */
export function essenceContainerName(label: Uint8Array): string {
  if (!isSmpteKey(label) || label[8] !== 0x0d || label[9] !== 0x01 || label[10] !== 0x03 || label[11] !== 0x01) return 'unknown';
  const [a, b, c] = [label[12]!, label[13]!, label[14]!];
  if (a !== 0x02) return 'unknown';
  if (b === 0x06) {
    const w = { 1: 'BWF frame-wrapped', 2: 'BWF clip-wrapped', 3: 'AES3 frame-wrapped', 4: 'AES3 clip-wrapped', 8: 'BWF custom-wrapped', 9: 'AES3 custom-wrapped' } as Record<number, string>;
    return `ST 382 ${w[c] ?? `wave/AES3 (0x${c.toString(16)})`}`;
  }
  const names: Record<number, string> = {
    0x01: 'D-10', 0x02: 'DV', 0x04: 'MPEG ES', 0x05: 'uncompressed picture', 0x0c: 'JPEG 2000', 0x10: 'AVC', 0x11: 'VC-3',
    0x13: 'timed text', 0x1c: 'ProRes', 0x1d: 'IAB', 0x0e: 'ISXD', 0x7f: 'generic container, multiple wrappings', 0x16: 'AAC (ADTS)',
  };
  const n = names[b];
  if (!n) return `generic container 0x${b.toString(16)}`;
  return b === 0x7f ? n : `${n}${c === 0x01 ? ' frame-wrapped' : c === 0x02 ? ' clip-wrapped' : ''}`;
}

/** The MXF partition key at the start of a file (a run-in of up to 64 KiB is allowed by ST 377-1 6.5). */
export function findHeaderPartition(head: Uint8Array): number {
  const limit = Math.min(head.length - 16, 65536);
  for (let i = 0; i <= limit; i++) {
    if (head[i] === 0x06 && head[i + 1] === 0x0e && head[i + 2] === 0x2b && head[i + 3] === 0x34 && partitionKind(head.subarray(i, i + 16)) === 'header') return i;
  }
  return -1;
}

export function isMxf(head: Uint8Array): boolean {
  return head.length >= 16 && partitionKind(head.subarray(0, 16)) === 'header';
}

function parsePartition(src: ByteSource, klv: Klv, kind: MxfPartition['kind']): MxfPartition {
  const v = readValue(src, klv, MAX_METADATA_SET);
  if (v.length < 88) {
    throw new DubstageError({ code: 'bad-chunk', message: `${src.name}: ${kind} partition pack at byte ${klv.offset} is ${v.length} bytes; at least 88 expected (ST 377-1 7.1)`, path: src.name, byteOffset: klv.offset });
  }
  const n = (at: number) => Number(v.readBigUInt64BE(at));
  const status = ['?', 'open, incomplete', 'closed, incomplete', 'open, complete', 'closed, complete'][klv.key[14]!] ?? `0x${klv.key[14]!.toString(16)}`;
  return {
    kind,
    status,
    offset: klv.offset,
    kagSize: v.readUInt32BE(4),
    thisPartition: n(8),
    previousPartition: n(16),
    footerPartition: n(24),
    headerByteCount: n(32),
    indexByteCount: n(40),
    indexSid: v.readUInt32BE(48),
    bodyOffset: n(52),
    bodySid: v.readUInt32BE(60),
    operationalPattern: ulHex(v.subarray(64, 80)),
    essenceContainers: batch(v.subarray(80)).map((b) => ulHex(b)),
  };
}

function parseIndexSegment(src: ByteSource, klv: Klv, scratch: Buffer): MxfIndexSegment & { entriesOffset: number; entryBytes: number } {
  // the entry array can be long: read the fixed fields (they come first in practice) and the array's header
  const head = Buffer.alloc(Math.min(klv.length, 65536));
  src.read(head, 0, head.length, klv.valueOffset);
  const seg = { offset: klv.offset, indexSid: 0, bodySid: 0, editRate: { num: 0, den: 1 }, startPosition: 0, duration: 0, editUnitByteCount: 0, entryCount: 0, entriesOffset: 0, entryBytes: 0 };
  let p = 0;
  void scratch;
  while (p + 4 <= head.length) {
    const tag = head.readUInt16BE(p);
    const len = head.readUInt16BE(p + 2);
    const at = p + 4;
    const val = head.subarray(at, Math.min(head.length, at + len));
    switch (tag) {
      case 0x3f0b: seg.editRate = rational(val) ?? seg.editRate; break;
      case 0x3f0c: seg.startPosition = i64(val) ?? 0; break;
      case 0x3f0d: seg.duration = i64(val) ?? 0; break;
      case 0x3f05: seg.editUnitByteCount = u32(val) ?? 0; break;
      case 0x3f06: seg.indexSid = u32(val) ?? 0; break;
      case 0x3f07: seg.bodySid = u32(val) ?? 0; break;
      case 0x3f0a:
        if (val.length >= 8) {
          seg.entryCount = val.readUInt32BE(0);
          seg.entryBytes = val.readUInt32BE(4);
          seg.entriesOffset = klv.valueOffset + at + 8;
          if (8 + seg.entryCount * seg.entryBytes > len) {
            throw new DubstageError({ code: 'bad-chunk', message: `${src.name}: index table segment at byte ${klv.offset} lists ${seg.entryCount} entries of ${seg.entryBytes} bytes but holds ${len - 8} bytes`, path: src.name, byteOffset: klv.offset });
          }
        }
        break;
    }
    p = at + len;
  }
  return seg;
}

/**
 * Only the header partition pack (operational pattern, essence containers): what a package listing
 * needs of a picture track file, without walking its essence.
 */
export function readHeaderPartition(src: ByteSource): MxfPartition {
  const head = Buffer.alloc(Math.min(src.size, 65536 + 16));
  src.read(head, 0, head.length, 0);
  const start = findHeaderPartition(head);
  if (start < 0) throw new DubstageError({ code: 'not-audio', message: `${src.name}: no MXF header partition pack in the first 64 KiB (ST 377-1 6.5)`, path: src.name, byteOffset: 0 });
  return parsePartition(src, readKlvHeader(src, start, Buffer.alloc(32)), 'header');
}

/** The name of an operational pattern label as a hex UL (a partition's `operationalPattern`). */
export function operationalPatternOf(ulText: string): string {
  return operationalPatternName(ul(ulText));
}

/** Read an MXF file's structure. Throws a DubstageError naming the byte offset on malformed input. */
export function readMxf(src: ByteSource): MxfInfo {
  const name = src.name;
  const warnings: string[] = [];
  const fail = (code: 'bad-chunk' | 'truncated' | 'mismatch' | 'not-audio' | 'bad-format', message: string, byteOffset?: number): never => {
    throw new DubstageError({ code, message: `${name}: ${message}`, path: name, ...(byteOffset !== undefined ? { byteOffset } : {}) });
  };
  const headBuf = Buffer.alloc(Math.min(src.size, 65536 + 16));
  src.read(headBuf, 0, headBuf.length, 0);
  const start = findHeaderPartition(headBuf);
  if (start < 0) fail('not-audio', 'no MXF header partition pack in the first 64 KiB (ST 377-1 6.5)', 0);
  if (start > 0) warnings.push(`run-in of ${start} bytes before the header partition`);

  const scratch = Buffer.alloc(32);
  const partitions: MxfPartition[] = [];
  const indexSegments: Array<ReturnType<typeof parseIndexSegment>> = [];
  const runs = new Map<number, ElementRun>();
  const essenceStarts: Array<{ partition: MxfPartition; essenceStart: number }> = [];
  const streamBytes = new Map<number, number>();
  let headerSets: { sets: MetaSet[]; primer: Map<number, Buffer> } | null = null;
  let footerSets: { sets: MetaSet[]; primer: Map<number, Buffer> } | null = null;
  let collecting: { sets: MetaSet[]; primer: Map<number, Buffer> } | null = null;
  let current: MxfPartition | null = null;
  let currentEssenceSeen = false;
  let rip: MxfInfo['rip'] = null;

  let pos = start;
  while (pos < src.size) {
    // the key is a view of scratch (no allocation per element): a set that keeps it copies it
    const klv = readKlvHeader(src, pos, scratch, src.size, false);
    const key = klv.key;
    const kind = partitionKind(key);
    // the essence container stream (index stream offsets): every byte of a body from its first item on, fill included
    if (!kind && !isRip(key) && current && current.bodySid > 0) {
      if (!currentEssenceSeen && isContainerItem(key)) {
        currentEssenceSeen = true;
        essenceStarts.push({ partition: current, essenceStart: klv.offset });
      }
      if (currentEssenceSeen) streamBytes.set(current.bodySid, (streamBytes.get(current.bodySid) ?? 0) + (klv.valueOffset - klv.offset) + klv.length);
    }
    if (kind) {
      const p = parsePartition(src, klv, kind);
      partitions.push(p);
      current = p;
      currentEssenceSeen = false;
      collecting = null;
      if (p.headerByteCount > 0 && (kind === 'header' || kind === 'footer')) {
        collecting = { sets: [], primer: new Map() };
        if (kind === 'header') headerSets = collecting;
        else footerSets = collecting;
      }
      if (p.headerByteCount + p.indexByteCount > src.size - klv.valueOffset - klv.length) {
        fail('truncated', `${kind} partition at byte ${klv.offset} declares ${p.headerByteCount} bytes of header metadata and ${p.indexByteCount} of index but the file ends ${src.size - klv.valueOffset - klv.length} bytes after its pack (truncated partition)`, klv.offset);
      }
    } else if (isPrimerPack(key)) {
      if (collecting) {
        const v = readValue(src, klv, MAX_METADATA_SET);
        for (const e of batch(v)) if (e.length >= 18) collecting.primer.set(e.readUInt16BE(0), Buffer.from(e.subarray(2, 18)));
      }
    } else if (isIndexSegment(key)) {
      indexSegments.push(parseIndexSegment(src, klv, scratch));
    } else if (isMetadataSet(key)) {
      if (collecting) {
        const v = readValue(src, klv, MAX_METADATA_SET);
        const props = new Map<number, Buffer>();
        for (const [tag, val] of localItems(v, key[5] === 0x13)) props.set(tag, Buffer.from(val));
        collecting.sets.push({ type: (key[13]! << 8) | key[14]!, key: Buffer.from(key), offset: klv.offset, props });
      }
    } else if (isEssenceElement(key)) {
      collecting = null;
      const trackNumber = elementTrackNumber(key);
      const bodySid = current?.bodySid ?? 0;
      let run = runs.get(trackNumber);
      if (!run) {
        run = { trackNumber, elementType: key[14]!, firstValueOffset: klv.valueOffset, bytes: 0, count: 0, bodySid, seekPoints: [], seekBytes: [] };
        runs.set(trackNumber, run);
      }
      if (run.count % SEEK_EVERY === 0) {
        run.seekPoints.push({ klvOffset: klv.offset, framesBefore: 0 });
        run.seekBytes.push(run.bytes);
      }
      run.bytes += klv.length;
      run.count++;
    } else if (isRip(key)) {
      const v = readValue(src, klv, MAX_METADATA_SET);
      rip = [];
      for (let p = 0; p + 12 <= v.length - 4; p += 12) rip.push({ bodySid: v.readUInt32BE(p), offset: Number(v.readBigUInt64BE(p + 4)) });
    } else if (!isFill(key)) {
      // dark metadata, system items, unknown KLVs: skipped by length
    }
    pos = klv.valueOffset + klv.length;
  }

  const header = partitions[0];
  if (!header || header.kind !== 'header') return fail('bad-chunk', 'the first KLV is not a header partition pack', start);
  if (header.footerPartition > 0 && !partitions.some((p) => p.kind === 'footer' && p.thisPartition === header.footerPartition)) {
    if (header.footerPartition >= src.size - start) fail('truncated', `the header partition names a footer partition at byte ${header.footerPartition + start} but the file is ${src.size} bytes (truncated?)`, header.offset);
    warnings.push(`the header partition names a footer partition at byte ${header.footerPartition + start}, where none was found`);
  }
  if (rip) {
    const found = new Set(partitions.map((p) => p.offset - start));
    const missing = rip.filter((r) => !found.has(r.offset));
    if (missing.length > 0) warnings.push(`random index pack lists partitions at ${missing.map((r) => `byte ${r.offset + start}`).join(', ')} where none was found`);
  }
  // the header's metadata, or the footer's when the header was left incomplete (a file written in one pass)
  const headerComplete = /complete$/.test(header.status) && !/incomplete/.test(header.status);
  const meta = !headerComplete && footerSets && footerSets.sets.length > 0 ? footerSets : headerSets;
  if (!meta || meta.sets.length === 0) fail('bad-chunk', 'no header metadata (no primer pack and sets after the header partition pack)', header.offset);

  const byUid = new Map<string, MetaSet>();
  for (const s of meta!.sets) {
    const id = uuid(s.props.get(0x3c0a));
    if (id) byUid.set(id, s);
  }
  // dynamic tags: primer label -> tag
  const tagFor = (label: Buffer): number | null => {
    for (const [tag, l] of meta!.primer) if (sameUl(l, label)) return tag;
    return null;
  };
  const dyn = Object.fromEntries(Object.entries(MCA_UL).map(([k, v]) => [k, tagFor(v)])) as Record<keyof typeof MCA_UL, number | null>;
  const prop = (s: MetaSet, tag: number | null) => (tag === null ? undefined : s.props.get(tag));
  const refs = (s: MetaSet, tag: number) => batch(s.props.get(tag)).map((b) => b.toString('hex'));
  const deref = (id: string | null) => (id ? byUid.get(id) : undefined);

  const preface = meta!.sets.find((s) => s.type === SET.preface);
  const opLabel = preface?.props.get(0x3b09) ?? Buffer.from(header.operationalPattern.replace(/\./g, ''), 'hex');
  const operationalPattern = operationalPatternName(opLabel);
  const ecLabels = batch(preface?.props.get(0x3b0a)).length > 0 ? batch(preface?.props.get(0x3b0a)) : header.essenceContainers.map((h) => ul(h));
  const essenceContainers = ecLabels.map((l) => ({ ul: ulHex(l), name: essenceContainerName(l) }));

  const storage = deref(uuid(preface?.props.get(0x3b03))) ?? meta!.sets.find((s) => s.type === SET.contentStorage);
  const packages = storage ? refs(storage, 0x1901).map((id) => byUid.get(id)).filter((s): s is MetaSet => !!s) : meta!.sets.filter((s) => s.type === SET.materialPackage || s.type === SET.sourcePackage);
  const ecd = (storage ? refs(storage, 0x1902).map((id) => byUid.get(id)) : meta!.sets.filter((s) => s.type === SET.essenceContainerData)).filter((s): s is MetaSet => !!s);
  const bodySidOf = new Map<string, number>();
  for (const e of ecd) {
    const pkg = e.props.get(0x2701);
    if (pkg) bodySidOf.set(pkg.subarray(0, 32).toString('hex'), u32(e.props.get(0x3f07)) ?? 0);
  }

  const tracks: MxfTrackSummary[] = [];
  const trackKind = (dd: Buffer | undefined): MxfTrackSummary['kind'] => {
    if (!dd) return 'other';
    if (sameUl(dd, DATA_DEF.picture)) return 'picture';
    if (sameUl(dd, DATA_DEF.sound)) return 'sound';
    if (sameUl(dd, DATA_DEF.timecode)) return 'timecode';
    if (sameUl(dd, DATA_DEF.data)) return 'data';
    // AAF legacy data definitions (01.03.02.02.01 etc. with other prefixes) by their last bytes
    const hex = dd.toString('hex');
    if (/0103020201/.test(hex)) return 'picture';
    if (/0103020202/.test(hex)) return 'sound';
    if (/0103020101/.test(hex)) return 'timecode';
    return 'other';
  };
  let timecode: MxfInfo['timecode'] = null;
  let editRate: Rational | null = null;
  let durationEditUnits: number | null = null;
  const audioTracks: MxfAudioTrack[] = [];

  const material = packages.find((p) => p.type === SET.materialPackage);
  const filePackages = packages.filter((p) => p.type === SET.sourcePackage && bodySidOf.has((p.props.get(0x4401) ?? Buffer.alloc(32)).subarray(0, 32).toString('hex')));
  const walkTracks = (pkg: MetaSet, which: 'material' | 'file') =>
    refs(pkg, 0x4403).map((id) => byUid.get(id)).filter((t): t is MetaSet => !!t && (t.type === SET.timelineTrack || t.type === SET.staticTrack || t.type === SET.eventTrack)).map((t) => {
      const seq = deref(uuid(t.props.get(0x4803)));
      const kind = trackKind(seq?.props.get(0x0201));
      const summary: MxfTrackSummary = {
        trackId: u32(t.props.get(0x4801)) ?? 0,
        trackNumber: u32(t.props.get(0x4804)) ?? 0,
        kind,
        name: text(t.props.get(0x4802)),
        editRate: rational(t.props.get(0x4b01)),
        duration: i64(seq?.props.get(0x0202)),
        package: which,
      };
      tracks.push(summary);
      return { set: t, seq, summary };
    });
  if (material) {
    for (const t of walkTracks(material, 'material')) {
      if (t.summary.kind === 'timecode' && !timecode) {
        const comps = t.seq ? refs(t.seq, 0x1001).map((id) => byUid.get(id)) : [];
        const tc = comps.find((c) => c?.type === SET.timecode) ?? (t.seq?.type === SET.timecode ? t.seq : undefined);
        if (tc) {
          const startFrames = i64(tc.props.get(0x1501)) ?? 0;
          const roundedBase = u16(tc.props.get(0x1502)) ?? 0;
          const dropFrame = (tc.props.get(0x1503)?.[0] ?? 0) !== 0;
          if (roundedBase > 0) {
            const rate: Rational = dropFrame ? { num: roundedBase * 1000, den: 1001 } : { num: roundedBase, den: 1 };
            timecode = { start: formatTimecode(startFrames, rate, dropFrame), startFrames, roundedBase, dropFrame };
          }
        }
      } else if ((t.summary.kind === 'sound' || t.summary.kind === 'picture') && editRate === null) {
        editRate = t.summary.editRate;
        durationEditUnits = t.summary.duration;
      }
    }
  }

  for (const fp of filePackages) {
    const bodySid = bodySidOf.get(fp.props.get(0x4401)!.subarray(0, 32).toString('hex')) ?? 0;
    const fileTracks = walkTracks(fp, 'file');
    // descriptors: a multiple descriptor's sub-descriptors by LinkedTrackID, or the one descriptor
    const top = deref(uuid(fp.props.get(0x4701)));
    const descriptors = top?.type === SET.multipleDescriptor ? refs(top, 0x3f01).map((id) => byUid.get(id)).filter((s): s is MetaSet => !!s) : top ? [top] : [];
    const essenceTracks = fileTracks.filter((t) => t.summary.trackNumber !== 0 || t.summary.kind === 'sound');
    for (const t of fileTracks) {
      if (t.summary.kind !== 'sound') continue;
      const d =
        descriptors.find((s) => u32(s.props.get(0x3006)) === t.summary.trackId) ??
        (descriptors.length === 1 || essenceTracks.length === 1 ? descriptors.find((s) => s.type === SET.waveDescriptor || s.type === SET.aes3Descriptor || s.type === SET.soundDescriptor) : undefined);
      const index = audioTracks.length + 1;
      const descriptor: MxfAudioDescriptor = {
        kind: d?.type === SET.waveDescriptor ? 'wave' : d?.type === SET.aes3Descriptor ? 'aes3' : 'sound',
        sampleRate: 0, channels: 0, quantizationBits: 0, blockAlign: 0, containerDuration: null, containerEditRate: null,
        essenceContainer: null, channelAssignment: null, soundEssenceCoding: null,
      };
      let unsupported: string | null = null;
      const mca: MxfMcaLabel[] = [];
      if (!d) unsupported = 'no sound essence descriptor for this track';
      else {
        const rate = rational(d.props.get(0x3d03));
        descriptor.sampleRate = rate && rate.den > 0 ? rate.num / rate.den : 0;
        descriptor.channels = u32(d.props.get(0x3d07)) ?? 0;
        descriptor.quantizationBits = u32(d.props.get(0x3d01)) ?? 0;
        descriptor.blockAlign = u16(d.props.get(0x3d0a)) ?? descriptor.channels * Math.ceil(descriptor.quantizationBits / 8);
        descriptor.containerDuration = i64(d.props.get(0x3002));
        descriptor.containerEditRate = rational(d.props.get(0x3001));
        const ec = d.props.get(0x3004);
        descriptor.essenceContainer = ec ? essenceContainerName(ec) : null;
        descriptor.channelAssignment = d.props.get(0x3d32) ? ulHex(d.props.get(0x3d32)!) : null;
        descriptor.soundEssenceCoding = d.props.get(0x3d06) ? ulHex(d.props.get(0x3d06)!) : null;
        if (descriptor.kind === 'sound' && ec && ec[13] !== 0x06) unsupported = `sound essence in ${essenceContainerName(ec)} is not PCM dubstage decodes (ST 382 Wave or AES3 expected)`;
        for (const id of refs(d, dyn.subDescriptors ?? -1)) {
          const s = byUid.get(id);
          if (!s) continue;
          const kind = s.type === SET.audioChannelLabel ? 'channel' : s.type === SET.soundfieldGroupLabel ? 'soundfield-group' : s.type === SET.groupOfSoundfieldGroupsLabel ? 'group-of-soundfield-groups' : null;
          if (!kind) continue;
          mca.push({
            kind,
            symbol: text(prop(s, dyn.tagSymbol)) ?? '',
            name: text(prop(s, dyn.tagName)),
            channelId: u32(prop(s, dyn.channelId)),
            linkId: uuid(prop(s, dyn.linkId)),
            soundfieldGroupLinkId: uuid(prop(s, dyn.soundfieldGroupLinkId)),
            groupLinkIds: batch(prop(s, dyn.groupLinkId)).map((b) => b.toString('hex')),
            language: text(prop(s, dyn.language)),
            title: text(prop(s, dyn.title)),
            titleVersion: text(prop(s, dyn.titleVersion)),
            audioContentKind: text(prop(s, dyn.audioContentKind)),
            audioElementKind: text(prop(s, dyn.audioElementKind)),
            dictionaryId: prop(s, dyn.dictionaryId) ? ulHex(prop(s, dyn.dictionaryId)!) : null,
          });
        }
      }
      // the essence elements: by track number (OP1a), or the package's only run (OP-Atom writers leave it 0)
      let run = runs.get(t.summary.trackNumber);
      if (!run && essenceTracks.length === 1) run = [...runs.values()].find((r) => r.bodySid === bodySid) ?? (runs.size === 1 ? [...runs.values()][0] : undefined);
      const blockAlign = descriptor.blockAlign;
      if (!unsupported) {
        if (descriptor.channels <= 0 || descriptor.channels > MAX_CHANNELS) unsupported = `the sound descriptor at byte ${d!.offset} says ${descriptor.channels} channels (1 to ${MAX_CHANNELS} expected)`;
        else if (descriptor.sampleRate <= 0) unsupported = `the sound descriptor at byte ${d!.offset} has no audio sampling rate`;
        else if (![8, 16, 24, 32].includes(Math.ceil(descriptor.quantizationBits / 8) * 8) || descriptor.quantizationBits < 8) unsupported = `PCM with ${descriptor.quantizationBits} bits per sample is not supported (8 to 32 expected)`;
        else if (blockAlign !== descriptor.channels * Math.ceil(descriptor.quantizationBits / 8)) unsupported = `the sound descriptor at byte ${d!.offset} says block align ${blockAlign}; ${descriptor.channels} channels of ${descriptor.quantizationBits} bits need ${descriptor.channels * Math.ceil(descriptor.quantizationBits / 8)}`;
        else if (run && run.elementType === 0x10) unsupported = 'D-10 (ST 331) AES3 sound elements are not supported';
      }
      const wrapping: 'clip' | 'frame' = run ? (run.elementType === 0x02 || run.elementType === 0x04 || (run.count === 1 && run.elementType !== 0x01 && run.elementType !== 0x03) ? 'clip' : 'frame') : /clip/.test(descriptor.essenceContainer ?? '') ? 'clip' : 'frame';
      let frames = 0;
      if (run && blockAlign > 0) {
        if (run.bytes % blockAlign !== 0 && wrapping === 'clip') warnings.push(`audio track ${index}: the essence holds ${run.bytes} bytes, not a whole number of ${blockAlign}-byte frames; the last ${run.bytes % blockAlign} bytes are ignored`);
        frames = Math.floor(run.bytes / blockAlign);
        run.seekPoints.forEach((sp, k) => (sp.framesBefore = Math.floor(run!.seekBytes[k]! / blockAlign)));
      } else if (!run) warnings.push(`audio track ${index} (track id ${t.summary.trackId}): no essence elements with track number 0x${t.summary.trackNumber.toString(16).padStart(8, '0')} in this file`);
      const layout = descriptor.channels > 0 && descriptor.channels <= MAX_CHANNELS ? mcaLayout(mca, descriptor.channels) : null;
      if (layout) {
        for (const n of layout.notes) warnings.push(`audio track ${index}: ${n}`);
        const lang = layout.language;
        if (lang && !isRfc5646(lang)) warnings.push(`audio track ${index}: MCA spoken language '${lang}' is not an RFC 5646 tag`);
      }
      audioTracks.push({
        index, trackId: t.summary.trackId, trackNumber: t.summary.trackNumber, name: t.summary.name, editRate: t.summary.editRate, wrapping, descriptor, mca,
        layout, bodySid,
        frames, dataOffset: run?.firstValueOffset ?? 0, dataBytes: run ? frames * blockAlign : 0, elementCount: run?.count ?? 0,
        seekPoints: run?.seekPoints ?? [], unsupported,
      });
      // a metadata duration that disagrees with the essence is worth saying (the essence is what is measured)
      if (run && descriptor.containerDuration !== null && descriptor.containerEditRate && descriptor.containerEditRate.num > 0 && descriptor.sampleRate > 0) {
        const expect = (descriptor.containerDuration * descriptor.sampleRate * descriptor.containerEditRate.den) / descriptor.containerEditRate.num;
        if (Math.abs(expect - frames) >= 1 && descriptor.containerDuration > 0) warnings.push(`audio track ${index}: the descriptor's ContainerDuration (${descriptor.containerDuration} edit units, ${Math.round(expect)} samples) disagrees with the ${frames} samples of essence; the essence is measured`);
      }
    }
  }

  // index tables against the essence
  // (only where audio lives: a picture-only body's index is not ours to judge)
  for (const seg of indexSegments) if (audioTracks.some((t) => t.bodySid === seg.bodySid)) checkIndexSegment(src, seg, { partitions, essenceStarts, streamBytes, audioTracks, start, fail });

  return {
    path: name,
    size: src.size,
    operationalPattern,
    operationalPatternUl: ulHex(opLabel),
    essenceContainers,
    partitions,
    rip,
    indexSegments: indexSegments.map(({ entriesOffset: _o, entryBytes: _b, ...s }) => s),
    tracks,
    audioTracks,
    editRate,
    durationEditUnits,
    timecode,
    warnings,
  };
}

function checkIndexSegment(
  src: ByteSource,
  seg: ReturnType<typeof parseIndexSegment>,
  ctx: {
    partitions: MxfPartition[];
    essenceStarts: Array<{ partition: MxfPartition; essenceStart: number }>;
    streamBytes: Map<number, number>;
    audioTracks: MxfAudioTrack[];
    start: number;
    fail: (code: 'mismatch', message: string, byteOffset?: number) => never;
  },
): void {
  const total = ctx.streamBytes.get(seg.bodySid) ?? 0;
  if (seg.editUnitByteCount > 0) {
    // constant edit unit size: the units the segment covers must fit in the essence present
    const audio = ctx.audioTracks.filter((t) => t.bodySid === seg.bodySid);
    const clip = audio.length === 1 && audio[0]!.wrapping === 'clip' ? audio[0]! : null;
    if (clip && seg.editRate.num > 0 && clip.descriptor.sampleRate > 0) {
      const samplesPerUnit = (clip.descriptor.sampleRate * seg.editRate.den) / seg.editRate.num;
      const expect = clip.descriptor.blockAlign * samplesPerUnit;
      if (Number.isInteger(samplesPerUnit) && seg.editUnitByteCount !== expect) {
        ctx.fail('mismatch', `index table segment at byte ${seg.offset} says ${seg.editUnitByteCount} bytes per edit unit but the audio essence has ${expect} (${samplesPerUnit} samples of ${clip.descriptor.blockAlign} bytes at edit rate ${seg.editRate.num}/${seg.editRate.den}); the index disagrees with the essence`, seg.offset);
      }
      const units = seg.startPosition + seg.duration;
      if (units * seg.editUnitByteCount > clip.dataBytes) {
        ctx.fail('mismatch', `index table segment at byte ${seg.offset} covers edit units up to ${units} (${units * seg.editUnitByteCount} bytes) but the clip holds ${clip.dataBytes} bytes of audio; the index disagrees with the essence`, seg.offset);
      }
    } else if (total > 0 && (seg.startPosition + seg.duration) * seg.editUnitByteCount > total) {
      ctx.fail('mismatch', `index table segment at byte ${seg.offset} covers ${(seg.startPosition + seg.duration) * seg.editUnitByteCount} bytes of essence but body ${seg.bodySid} holds ${total}; the index disagrees with the essence`, seg.offset);
    }
    return;
  }
  if (seg.entryCount === 0 || seg.entryBytes < 11) return;
  // variable edit unit sizes: a sample of entries must land on essence elements, in order, inside the stream
  // clip-wrapped entries point into the clip's value; frame-wrapped ones at the first element of each unit
  const clipBody = ctx.audioTracks.some((t) => t.bodySid === seg.bodySid && t.wrapping === 'clip');
  const bodyParts = ctx.essenceStarts.filter((e) => e.partition.bodySid === seg.bodySid).sort((a, b) => a.partition.bodyOffset - b.partition.bodyOffset);
  const step = Math.max(1, Math.floor(seg.entryCount / INDEX_SAMPLES));
  const buf = Buffer.alloc(16);
  let last = -1;
  for (let i = 0; i < seg.entryCount; i += step) {
    src.read(buf, 0, 11, seg.entriesOffset + i * seg.entryBytes);
    const streamOffset = Number(buf.readBigUInt64BE(3));
    const unit = seg.startPosition + i;
    if (streamOffset < last) ctx.fail('mismatch', `index table segment at byte ${seg.offset}: edit unit ${unit} has stream offset ${streamOffset}, before the previous entry's ${last}; the index disagrees with the essence`, seg.offset);
    last = streamOffset;
    if (streamOffset >= total) ctx.fail('mismatch', `index table segment at byte ${seg.offset}: edit unit ${unit} is at stream offset ${streamOffset} but body ${seg.bodySid} holds ${total} bytes of essence; the index disagrees with the essence`, seg.offset);
    const part = [...bodyParts].reverse().find((e) => e.partition.bodyOffset <= streamOffset);
    if (!part || clipBody) continue;
    const at = part.essenceStart + (streamOffset - part.partition.bodyOffset);
    src.read(buf, 0, 16, at);
    if (!isContainerItem(buf)) {
      ctx.fail('mismatch', `index table segment at byte ${seg.offset}: edit unit ${unit} points at stream offset ${streamOffset} (byte ${at}), where no essence element starts; the index disagrees with the essence`, seg.offset);
    }
  }
}

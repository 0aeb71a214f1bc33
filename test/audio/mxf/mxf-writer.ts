/**
 * A small MXF writer for the tests (ST 377-1 / ST 379-2 / ST 382 / ST 377-4), written from the
 * standards' layouts: header partition with primer and metadata, one body partition per essence
 * container (clip) or one interleaved body (frame-wrapped content packages: picture then sound
 * elements), index table segments (CBE for clip-wrapped audio, VBE for frame-wrapped), a footer with
 * the header metadata repeated, and a random index pack. Sample bytes are given interleaved LE PCM,
 * the same bytes a WAV of the test holds.
 */

export interface MxfAudioSpec {
  sampleRate?: number;
  bits: 16 | 24;
  channels: number;
  /** Interleaved little-endian PCM (frames × channels × bytes). */
  pcm: Buffer;
  /** ST 377-4 labels: channel symbols (chL ...), a soundfield group (sg51 ...) and a language. */
  mca?: {
    channels: string[];
    group: string;
    language?: string;
    groupOfGroups?: string;
    /** Several soundfield groups in one track (a 5.1 and a stereo in 8 channels), channels in order; replaces group and language. */
    groups?: Array<{ group: string; language?: string; channels: number }>;
  };
  descriptor?: 'wave' | 'aes3';
}

export interface MxfSpec {
  pattern: 'OP1a' | 'OP-Atom';
  wrapping: 'clip' | 'frame';
  /** Edit rate of the material package (picture rate); clip-wrapped audio tracks use the sample rate. */
  editRate?: [number, number];
  audio: MxfAudioSpec[];
  /** A picture track of this many edit units, each element of `videoElementBytes` (never read by the reader). */
  video?: { frames: number; elementBytes: number };
  /** Timecode start in frames at the edit rate (rounded base from the edit rate). */
  timecodeStart?: number;
  /** Corruptions for the bad-input tests. */
  badIndexByteCount?: number;
  omitIndex?: boolean;
  /** Leave the header partition open-incomplete and put the complete metadata in the footer only. */
  openHeader?: boolean;
  runIn?: number;
  /** Frame-wrapped: a system item (ST 385 system metadata pack) opening each content package, as SDTI-CP and ffmpeg's D-10 write. */
  systemItem?: boolean;
  /** Frame-wrapped: KLV fill after every element up to this KAG size (ffmpeg and bmx align to 512). */
  kag?: number;
}

const K = (hex: string) => Buffer.from(hex.replace(/[.\s]/g, ''), 'hex');

function ber(n: number): Buffer {
  // always the 4-byte long form for values (writers commonly use 0x83/0x84); 8-byte for large
  if (n < 2 ** 32) {
    const b = Buffer.alloc(5);
    b[0] = 0x84;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x88;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

export function klv(key: Buffer, value: Buffer): Buffer {
  return Buffer.concat([key, ber(value.length), value]);
}

const u8 = (v: number) => Buffer.from([v]);
const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const i64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); return b; };
const rat = (n: number, d: number) => Buffer.concat([u32(n), u32(d)]);
const str = (s: string) => { const b = Buffer.from(s, 'utf16le'); b.swap16(); return b; };
const batchOf = (items: Buffer[], size: number) => Buffer.concat([u32(items.length), u32(size), ...items]);

let uidCounter = 1;
function uid(): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0x5eed0000 + uidCounter++, 0);
  b.writeUInt32BE(0xd0b57a9e, 12);
  return b;
}
function umid(): Buffer {
  return Buffer.concat([K('060a2b340101010501010f2013000000'), uid()]);
}

const SET_KEY = (t: number) => Buffer.concat([K('060e2b34025301010d01010101'), u16(t), u8(0)]);
const DD = { picture: K('060e2b34040101010103020201000000'), sound: K('060e2b34040101010103020202000000'), timecode: K('060e2b34040101010103020101000000') };

// dynamic tags for the MCA properties and SubDescriptors (ST 377-4 annex A labels)
const DYN: Array<[number, string]> = [
  [0xfffe, '060e2b34010101090601010406100000'], // SubDescriptors
  [0xfffd, '060e2b340101010e0103070101000000'], // MCALabelDictionaryID
  [0xfffc, '060e2b340101010e0103070102000000'], // MCATagSymbol
  [0xfffb, '060e2b340101010e0103070103000000'], // MCATagName
  [0xfffa, '060e2b340101010e0103070105000000'], // MCALinkID
  [0xfff9, '060e2b340101010e0103070106000000'], // SoundfieldGroupLinkID
  [0xfff8, '060e2b340101010e0103040a00000000'], // MCAChannelID
  [0xfff7, '060e2b340101010d0301010203150000'], // RFC5646SpokenLanguage
  [0xfff6, '060e2b340101010e0103070104000000'], // GroupOfSoundfieldGroupsLinkID
];
const STATIC_PRIMER: Array<[number, string]> = [
  [0x3c0a, '060e2b34010101010101150200000000'], [0x3b09, '060e2b34010101050102020300000000'], [0x3b0a, '060e2b34010101050102021002010000'],
  [0x3b03, '060e2b34010101020601010402010000'], [0x1901, '060e2b34010101020601010405010000'], [0x1902, '060e2b34010101020601010405020000'],
  [0x2701, '060e2b34010101020601010601000000'], [0x3f06, '060e2b34010101040103040500000000'], [0x3f07, '060e2b34010101040103040400000000'],
  [0x4401, '060e2b34010101010101151000000000'], [0x4403, '060e2b34010101020601010406050000'], [0x4701, '060e2b34010101020601010402030000'],
  [0x4801, '060e2b34010101020107010100000000'], [0x4804, '060e2b34010101020104010300000000'], [0x4b01, '060e2b34010101020530040500000000'],
  [0x4b02, '060e2b34010101020702010301030000'], [0x4803, '060e2b34010101020601010402040000'], [0x0201, '060e2b34010101020407010000000000'],
  [0x0202, '060e2b34010101020702020101030000'], [0x1001, '060e2b34010101020601010406090000'], [0x1201, '060e2b34010101020702010301040000'],
  [0x1101, '060e2b34010101020601010301000000'], [0x1102, '060e2b34010101020601010302000000'], [0x1501, '060e2b34010101020702010301050000'],
  [0x1502, '060e2b34010101020404010102060000'], [0x1503, '060e2b34010101010404010105000000'], [0x3f01, '060e2b340101010406010104060b0000'],
  [0x3006, '060e2b34010101050601010305000000'], [0x3001, '060e2b34010101010406010100000000'], [0x3002, '060e2b34010101010406010200000000'],
  [0x3004, '060e2b34010101020601010401020000'], [0x3d03, '060e2b34010101050402030101010000'], [0x3d07, '060e2b34010101050402010104000000'],
  [0x3d01, '060e2b34010101040402030304000000'], [0x3d0a, '060e2b34010101050402030201000000'], [0x3d09, '060e2b34010101050402030305000000'],
  [0x4802, '060e2b34010101020107010201000000'],
];

function localSet(type: number, props: Array<[number, Buffer]>): Buffer {
  const body = Buffer.concat(props.map(([t, v]) => Buffer.concat([u16(t), u16(v.length), v])));
  return klv(SET_KEY(type), body);
}

function primer(): Buffer {
  const entries = [...STATIC_PRIMER, ...DYN].map(([t, l]) => Buffer.concat([u16(t), K(l)]));
  return klv(K('060e2b34020501010d01020101050100'), batchOf(entries, 18));
}

const OP_LABEL = { OP1a: K('060e2b34040101010d01020101010900'), 'OP-Atom': K('060e2b34040101020d01020110030000') };

function partitionPack(kind: 'header' | 'body' | 'footer', status: number, f: { this: number; prev: number; footer: number; header: number; index: number; indexSid: number; bodyOffset: number; bodySid: number; op: Buffer; ecs: Buffer[] }): Buffer {
  const key = K(`060e2b34020501010d010201010${kind === 'header' ? 2 : kind === 'body' ? 3 : 4}0${status}00`);
  const v = Buffer.concat([
    u16(1), u16(3), u32(1), i64(f.this), i64(f.prev), i64(f.footer), i64(f.header), i64(f.index), u32(f.indexSid), i64(f.bodyOffset), u32(f.bodySid), f.op, batchOf(f.ecs, 16),
  ]);
  return klv(key, v);
}

function essenceContainerLabel(a: MxfAudioSpec, wrapping: 'clip' | 'frame'): Buffer {
  const aes = a.descriptor === 'aes3';
  const w = wrapping === 'clip' ? (aes ? 4 : 2) : aes ? 3 : 1;
  return K(`060e2b34040101010d0103010206${w.toString(16).padStart(2, '0')}00`);
}
const PICTURE_EC = K('060e2b34040101070d010301020c0100'); // JPEG 2000 frame-wrapped

function soundKey(trackIndex: number, count: number, wrapping: 'clip' | 'frame', aes: boolean): Buffer {
  const type = wrapping === 'clip' ? (aes ? 0x04 : 0x02) : aes ? 0x03 : 0x01;
  return Buffer.concat([K('060e2b34010201010d010301'), Buffer.from([0x16, count, type, trackIndex])]);
}
function pictureKey(): Buffer {
  return Buffer.concat([K('060e2b34010201010d010301'), Buffer.from([0x15, 1, 0x08, 0])]);
}

interface Built {
  bytes: Buffer;
  /** Where each audio track's essence starts (value offset) in the file, for the corruption tests. */
  audioValueOffsets: number[];
}

export function buildMxf(spec: MxfSpec): Built {
  uidCounter = 1;
  const editRate = spec.editRate ?? [25, 1];
  const audio = spec.audio;
  const rates = audio.map((a) => a.sampleRate ?? 48000);
  const frames = audio.map((a) => a.pcm.length / ((a.channels * a.bits) / 8));
  const aes = audio.map((a) => a.descriptor === 'aes3');
  // metadata
  const sets: Buffer[] = [];
  const mpUmid = umid();
  const fpUmid = umid();
  const tracks: Buffer[] = [];
  const fpTracks: Buffer[] = [];
  const sampleTotal = frames[0] ?? 0;
  const pictureUnits = spec.video?.frames ?? Math.round((sampleTotal * editRate[0]) / (editRate[1] * rates[0]!));
  const trackEditRate = (i: number): [number, number] => (spec.wrapping === 'clip' && !spec.video ? [rates[i]!, 1] : editRate);
  const trackDuration = (i: number) => (spec.wrapping === 'clip' && !spec.video ? frames[i]! : pictureUnits);

  const mkTrack = (pkgTracks: Buffer[], id: number, number: number, rate: [number, number], dd: Buffer, duration: number, sourcePackage: Buffer | null, name?: string) => {
    const seqUid = uid();
    const trUid = uid();
    const comps: Buffer[] = [];
    if (sourcePackage) {
      // a material package track plays the file package track with the same id
      const compUid = uid();
      sets.push(localSet(0x0111, [[0x3c0a, compUid], [0x0201, dd], [0x0202, i64(duration)], [0x1201, i64(0)], [0x1101, sourcePackage], [0x1102, u32(id)]]));
      comps.push(compUid);
    }
    sets.push(localSet(0x010f, [[0x3c0a, seqUid], [0x0201, dd], [0x0202, i64(duration)], [0x1001, batchOf(comps, 16)]]));
    const props: Array<[number, Buffer]> = [[0x3c0a, trUid], [0x4801, u32(id)], [0x4804, u32(number)], [0x4b01, rat(rate[0], rate[1])], [0x4b02, i64(0)], [0x4803, seqUid]];
    if (name) props.push([0x4802, str(name)]);
    sets.push(localSet(0x013b, props));
    pkgTracks.push(trUid);
  };
  const mkTimecode = (pkgTracks: Buffer[], id: number) => {
    const tcUid = uid();
    const seqUid = uid();
    const trUid = uid();
    const base = Math.round(editRate[0] / editRate[1]);
    sets.push(localSet(0x0114, [[0x3c0a, tcUid], [0x0201, DD.timecode], [0x0202, i64(pictureUnits)], [0x1501, i64(spec.timecodeStart ?? 0)], [0x1502, u16(base)], [0x1503, u8(0)]]));
    sets.push(localSet(0x010f, [[0x3c0a, seqUid], [0x0201, DD.timecode], [0x0202, i64(pictureUnits)], [0x1001, batchOf([tcUid], 16)]]));
    sets.push(localSet(0x013b, [[0x3c0a, trUid], [0x4801, u32(id)], [0x4804, u32(0)], [0x4b01, rat(editRate[0], editRate[1])], [0x4b02, i64(0)], [0x4803, seqUid]]));
    pkgTracks.push(trUid);
  };
  // material package: timecode, picture, sound tracks referencing the file package
  mkTimecode(tracks, 1);
  let nextId = 2;
  const fpIds: number[] = [];
  if (spec.video) {
    mkTrack(tracks, nextId, 0, editRate, DD.picture, pictureUnits, fpUmid);
    fpIds.push(nextId++);
  }
  audio.forEach((_, i) => {
    mkTrack(tracks, nextId, 0, trackEditRate(i), DD.sound, trackDuration(i), fpUmid);
    fpIds.push(nextId++);
  });
  const mpUid = uid();
  sets.push(localSet(0x0136, [[0x3c0a, mpUid], [0x4401, mpUmid], [0x4403, batchOf(tracks, 16)]]));
  // file package: the essence tracks with their track numbers
  mkTimecode(fpTracks, 1);
  let k = 0;
  const descriptors: Buffer[] = [];
  if (spec.video) {
    const key = pictureKey();
    mkTrack(fpTracks, fpIds[k]!, key.readUInt32BE(12), editRate, DD.picture, pictureUnits, null);
    const d = uid();
    sets.push(localSet(0x0128, [[0x3c0a, d], [0x3006, u32(fpIds[k]!)], [0x3001, rat(editRate[0], editRate[1])], [0x3002, i64(pictureUnits)], [0x3004, PICTURE_EC]]));
    descriptors.push(d);
    k++;
  }
  audio.forEach((a, i) => {
    const key = soundKey(i + 1, audio.length, spec.wrapping, aes[i]!);
    const id = fpIds[k++]!;
    mkTrack(fpTracks, id, key.readUInt32BE(12), trackEditRate(i), DD.sound, trackDuration(i), null, `audio ${i + 1}`);
    const subs: Buffer[] = [];
    if (a.mca) {
      const groupLink = uid();
      let gogLink: Buffer | null = null;
      if (a.mca.groupOfGroups) {
        gogLink = uid();
        const s = uid();
        sets.push(localSet(0x016d, [[0x3c0a, s], [0xfffc, str(a.mca.groupOfGroups)], [0xfffb, str('Main Program')], [0xfffa, gogLink], ...(a.mca.language ? ([[0xfff7, Buffer.from(a.mca.language, 'latin1')]] as Array<[number, Buffer]>) : [])]));
        subs.push(s);
      }
      const groupSpecs = a.mca.groups ?? [{ group: a.mca.group, language: a.mca.language, channels: a.mca.channels.length }];
      let first = 0;
      groupSpecs.forEach((gs, gi) => {
        const link = gi === 0 ? groupLink : uid();
        a.mca!.channels.slice(first, first + gs.channels).forEach((sym, k) => {
          const s = uid();
          sets.push(localSet(0x016b, [[0x3c0a, s], [0xfffc, str(sym)], [0xfffb, str(sym.slice(2))], [0xfffa, uid()], [0xfff9, link], [0xfff8, u32(first + k + 1)]]));
          subs.push(s);
        });
        first += gs.channels;
        const g = uid();
        const gprops: Array<[number, Buffer]> = [[0x3c0a, g], [0xfffc, str(gs.group)], [0xfffb, str(gs.group.slice(2))], [0xfffa, link]];
        if (gs.language) gprops.push([0xfff7, Buffer.from(gs.language, 'latin1')]);
        if (gogLink) gprops.push([0xfff6, batchOf([gogLink], 16)]);
        sets.push(localSet(0x016c, gprops));
        subs.push(g);
      });
    }
    const d = uid();
    const rate = rates[i]!;
    const props: Array<[number, Buffer]> = [
      [0x3c0a, d], [0x3006, u32(id)], [0x3001, rat(...trackEditRate(i))], [0x3002, i64(trackDuration(i))], [0x3004, essenceContainerLabel(a, spec.wrapping)],
      [0x3d03, rat(rate, 1)], [0x3d07, u32(a.channels)], [0x3d01, u32(a.bits)], [0x3d0a, u16((a.channels * a.bits) / 8)], [0x3d09, u32((rate * a.channels * a.bits) / 8)],
    ];
    if (subs.length > 0) props.push([0xfffe, batchOf(subs, 16)]);
    sets.push(localSet(aes[i] ? 0x0147 : 0x0148, props));
    descriptors.push(d);
  });
  let topDescriptor: Buffer;
  if (descriptors.length === 1) topDescriptor = descriptors[0]!;
  else {
    topDescriptor = uid();
    sets.push(localSet(0x0144, [[0x3c0a, topDescriptor], [0x3f01, batchOf(descriptors, 16)]]));
  }
  const fpUid = uid();
  sets.push(localSet(0x0137, [[0x3c0a, fpUid], [0x4401, fpUmid], [0x4403, batchOf(fpTracks, 16)], [0x4701, topDescriptor]]));
  // essence container data: one per body (clip: one body per track; frame: one interleaved body)
  const bodies = spec.wrapping === 'clip' ? [...(spec.video ? ['video'] : []), ...audio.map((_, i) => `audio${i}`)] : ['all'];
  const ecdUids: Buffer[] = [];
  bodies.forEach((_, b) => {
    const e = uid();
    sets.push(localSet(0x0123, [[0x3c0a, e], [0x2701, fpUmid], [0x3f06, u32(100 + b + 1)], [0x3f07, u32(b + 1)]]));
    ecdUids.push(e);
  });
  const csUid = uid();
  sets.push(localSet(0x0118, [[0x3c0a, csUid], [0x1901, batchOf([mpUid, fpUid], 16)], [0x1902, batchOf(ecdUids, 16)]]));
  const ecs = [...(spec.video ? [PICTURE_EC] : []), ...audio.map((a) => essenceContainerLabel(a, spec.wrapping))];
  const op = OP_LABEL[spec.pattern];
  sets.unshift(localSet(0x012f, [[0x3c0a, uid()], [0x3b09, op], [0x3b0a, batchOf(ecs, 16)], [0x3b03, csUid]]));
  const metadata = Buffer.concat([primer(), ...sets]);

  // bodies
  const parts: Array<{ kind: 'body'; bodySid: number; indexSid: number; essence: Buffer; index: Buffer | null }> = [];
  const audioValueOffsetsInBody: Array<{ body: number; at: number }> = [];
  if (spec.wrapping === 'clip') {
    let b = 0;
    if (spec.video) {
      const v = Buffer.alloc(spec.video.frames * spec.video.elementBytes, 0xee);
      parts.push({ kind: 'body', bodySid: ++b, indexSid: 0, essence: klv(pictureKey(), v), index: null });
    }
    audio.forEach((a, i) => {
      const el = klv(soundKey(i + 1, audio.length, 'clip', aes[i]!), a.pcm);
      audioValueOffsetsInBody.push({ body: parts.length, at: el.length - a.pcm.length });
      const blockAlign = (a.channels * a.bits) / 8;
      const index = spec.omitIndex
        ? null
        : klv(K('060e2b34025301010d01020101100100'), Buffer.concat([
            u16(0x3c0a), u16(16), uid(), u16(0x3f0b), u16(8), rat(rates[i]!, 1), u16(0x3f0c), u16(8), i64(0), u16(0x3f0d), u16(8), i64(frames[i]!),
            u16(0x3f05), u16(4), u32(spec.badIndexByteCount ?? blockAlign), u16(0x3f06), u16(4), u32(100 + b + 1), u16(0x3f07), u16(4), u32(b + 1),
          ]));
      parts.push({ kind: 'body', bodySid: ++b, indexSid: 100 + b, essence: el, index });
    });
  } else {
    // content packages: picture element (if any) then one element per audio track, per edit unit
    const units = pictureUnits;
    const pkgs: Buffer[] = [];
    const offsets: number[] = [];
    let streamPos = 0;
    const consumed = audio.map(() => 0);
    for (let u = 0; u < units; u++) {
      offsets.push(streamPos);
      const els: Buffer[] = [];
      if (spec.systemItem) els.push(klv(K('060e2b34020501010d01030104010100'), Buffer.alloc(57, 0x5a)));
      if (spec.video) els.push(klv(pictureKey(), Buffer.alloc(spec.video.elementBytes, 0xee)));
      audio.forEach((a, i) => {
        const blockAlign = (a.channels * a.bits) / 8;
        // samples per edit unit, spread exactly (29.97: 1602/1601 ...)
        const end = Math.round(((u + 1) * rates[i]! * editRate[1]) / editRate[0]);
        const n = Math.min(end, frames[i]!) - consumed[i]!;
        if (u === units - 1 && consumed[i]! + n < frames[i]!) throw new Error('audio longer than the picture');
        els.push(klv(soundKey(i + 1, audio.length, 'frame', aes[i]!), a.pcm.subarray(consumed[i]! * blockAlign, (consumed[i]! + n) * blockAlign)));
        consumed[i]! += n;
      });
      if (spec.kag) {
        // fill after each element so the next starts on a KAG boundary (a fill KLV is at least 21 bytes here)
        const kag = spec.kag;
        const padded: Buffer[] = [];
        let at = streamPos;
        for (const e of els) {
          padded.push(e);
          at += e.length;
          let gap = (kag - (at % kag)) % kag;
          if (gap > 0 && gap < 21) gap += kag;
          if (gap > 0) {
            padded.push(klv(K('060e2b34010101020301021001000000'), Buffer.alloc(gap - 21)));
            at += gap;
          }
        }
        els.splice(0, els.length, ...padded);
      }
      const cp = Buffer.concat(els);
      pkgs.push(cp);
      streamPos += cp.length;
    }
    const entries = offsets.map((o, i) => Buffer.concat([Buffer.from([0, 0, 0x80]), i64(spec.badIndexByteCount !== undefined && i === Math.floor(units / 2) ? o + 7 : o)]));
    const index = spec.omitIndex
      ? null
      : klv(K('060e2b34025301010d01020101100100'), Buffer.concat([
          u16(0x3c0a), u16(16), uid(), u16(0x3f0b), u16(8), rat(editRate[0], editRate[1]), u16(0x3f0c), u16(8), i64(0), u16(0x3f0d), u16(8), i64(units),
          u16(0x3f05), u16(4), u32(0), u16(0x3f06), u16(4), u32(101), u16(0x3f07), u16(4), u32(1), u16(0x3f0a), u16(8 + entries.length * 11), u32(entries.length), u32(11), ...entries,
        ]));
    parts.push({ kind: 'body', bodySid: 1, indexSid: 101, essence: Buffer.concat(pkgs), index });
  }

  // lay out: header (metadata), bodies (index before essence, in the same partition), footer (metadata again), RIP
  const runIn = Buffer.alloc(spec.runIn ?? 0, 0x20);
  const headerStatus = spec.openHeader ? 1 : 4;
  const headerMeta = spec.openHeader ? Buffer.concat([primer(), sets[0]!]) : metadata;
  const pieces: Buffer[] = [];
  const offsets: number[] = [];
  let pos = 0;
  const packLen = partitionPack('header', 4, { this: 0, prev: 0, footer: 0, header: 0, index: 0, indexSid: 0, bodyOffset: 0, bodySid: 0, op, ecs }).length;
  // first pass: sizes
  const sizes = [packLen + headerMeta.length, ...parts.map((p) => packLen + (p.index?.length ?? 0) + p.essence.length)];
  const footerAt = sizes.reduce((a, b) => a + b, 0);
  const headerPack = partitionPack('header', headerStatus, { this: 0, prev: 0, footer: footerAt, header: headerMeta.length, index: 0, indexSid: 0, bodyOffset: 0, bodySid: 0, op, ecs });
  pieces.push(headerPack, headerMeta);
  offsets.push(0);
  pos = sizes[0]!;
  let prev = 0;
  const audioValueOffsets: number[] = [];
  parts.forEach((p, i) => {
    offsets.push(pos);
    const pack = partitionPack('body', 4, { this: pos, prev, footer: footerAt, header: 0, index: p.index?.length ?? 0, indexSid: p.index ? p.indexSid : 0, bodyOffset: 0, bodySid: p.bodySid, op, ecs });
    for (const a of audioValueOffsetsInBody.filter((x) => x.body === i)) audioValueOffsets.push(runIn.length + pos + pack.length + (p.index?.length ?? 0) + a.at);
    pieces.push(pack, p.index ?? Buffer.alloc(0), p.essence);
    prev = pos;
    pos += sizes[i + 1]!;
  });
  offsets.push(pos);
  const footerPack = partitionPack('footer', 4, { this: pos, prev, footer: pos, header: metadata.length, index: 0, indexSid: 0, bodyOffset: 0, bodySid: 0, op, ecs });
  pieces.push(footerPack, metadata);
  const ripEntries = offsets.map((o, i) => Buffer.concat([u32(i === 0 || i === offsets.length - 1 ? 0 : parts[i - 1]!.bodySid), i64(o)]));
  const ripBody = Buffer.concat([...ripEntries, Buffer.alloc(4)]);
  const rip = klv(K('060e2b34020501010d01020101110100'), ripBody);
  rip.writeUInt32BE(rip.length, rip.length - 4);
  pieces.push(rip);
  if (spec.wrapping === 'frame') {
    // the value offsets of frame-wrapped audio are per element; the tests use the first body's start
    audioValueOffsets.push(runIn.length + offsets[1]!);
  }
  return { bytes: Buffer.concat([runIn, ...pieces]), audioValueOffsets };
}

/** Deterministic interleaved PCM: a sine per channel (distinct frequencies and levels) plus a little noise. */
export function testPcm(frames: number, channels: number, bits: 16 | 24, seed = 1, sampleRate = 48000): Buffer {
  const bytes = bits / 8;
  const b = Buffer.alloc(frames * channels * bytes);
  let s = seed >>> 0;
  const full = 2 ** (bits - 1);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const noise = (s / 2 ** 32 - 0.5) * 0.01;
      const v = (0.3 / (1 + c * 0.2)) * Math.sin((2 * Math.PI * (220 * (c + 1)) * i) / sampleRate) + noise;
      const q = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
      const at = (i * channels + c) * bytes;
      if (bits === 16) b.writeInt16LE(q, at);
      else b.writeIntLE(q, at, 3);
    }
  }
  return b;
}

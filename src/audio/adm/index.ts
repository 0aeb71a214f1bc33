/**
 * ADM BWF and bare ADM XML: link audioProgramme -> audioContent -> audioObject -> audioPackFormat /
 * audioTrackUID -> chna track index, and count what a delivery spec asks about: beds (DirectSpeakers
 * objects), objects (Objects-type audioObjects that carry audio), tracks no object uses, objects whose
 * track is missing. The WAV container itself is read by src/audio; this module takes its chunk list.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegular } from '../bytesource.js';
import type { ChannelLabel } from '../channels.js';
import { parseChannelLabel } from '../channels.js';
import { describeLabels, layoutByLabels } from '../layouts.js';
import { readAudioHeader } from '../open.js';
import type { AudioHeader, ChunkInfo } from '../types.js';
import { DubstageError } from '../../errors.js';
import { parseAdmXml, type AdmDocument, type AdmObject } from './axml.js';
import { parseChna, type Chna } from './chna.js';
import { COMMON_CHANNELS, COMMON_PACKS } from './common-definitions.js';

export interface AdmProblem {
  code: string;
  message: string;
}

export type AdmPackType = 'DirectSpeakers' | 'Matrix' | 'Objects' | 'HOA' | 'Binaural' | 'unknown';

export interface AdmBedTrack {
  /** 1-based channel in the file (null for bare ADM XML, which has no audio). */
  track: number | null;
  uid: string;
  label: ChannelLabel;
  /** BS.2051 or writer's speaker label when one was found. */
  speakerLabel: string | null;
}

export interface AdmBedDetail {
  objectId: string;
  objectName: string;
  packId: string | null;
  packName: string | null;
  layout: string;
  tracks: AdmBedTrack[];
}

export interface AdmObjectDetail {
  objectId: string;
  name: string;
  packId: string | null;
  tracks: number[];
}

export interface AdmOtherDetail {
  objectId: string;
  name: string;
  type: AdmPackType;
  packId: string | null;
  channels: number;
  /** 1-based file tracks (empty for bare XML). */
  tracks: number[];
  /** Scene-based (HOA) audio: what the components are, never loudspeaker feeds. */
  hoa?: AdmHoa;
}

export interface AdmHoa {
  order: number;
  /** SN3D, N3D or FuMa (BS.2076 default SN3D when the file does not say). */
  normalization: string;
  /** ACN when components sit in ACN order (index = order·(order+1) + degree), FuMa for the FuMa packs, else custom. */
  ordering: 'ACN' | 'FuMa' | 'custom';
  /** ACN index of each track's component, in track order (null where the file does not say). */
  acn: (number | null)[];
}

/** The "adm" JSON of `dubstage inspect --json` (issue 5), then the detail behind it. */
export interface AdmReport {
  programmes: string[];
  /** Each bed (DirectSpeakers object) and the channels its pack carries in this file. */
  beds: { layout: string; channels: number }[];
  /** The channels of the bed packs: always the sum of `beds[].channels`. */
  bedChannels: number;
  objects: number;
  tracks: number;
  unusedTracks: number;
  problems: AdmProblem[];
  source: 'bw64' | 'adm-xml';
  /** Where `tracks` came from: the fmt channel count, or (bare XML) the audioTrackUIDs declared. */
  trackSource: 'fmt' | 'audioTrackUID';
  sampleRate: number | null;
  bitDepth: number | null;
  hasDbmd: boolean;
  hasChna: boolean;
  /** First programme's start (audioProgramme@start) and its length when it has an end. */
  startSeconds: number | null;
  programmeDurationSeconds: number | null;
  /** BWF TimeReference (samples since midnight) when the header has a bext chunk. */
  timeReferenceSamples: number | null;
  durationSeconds: number | null;
  frames: number | null;
  bedDetails: AdmBedDetail[];
  objectDetails: AdmObjectDetail[];
  /** HOA, Matrix and Binaural objects, reported apart from beds and objects. */
  otherDetails: AdmOtherDetail[];
  unusedTrackIndices: number[];
}

const TYPE_BY_LABEL: Record<string, AdmPackType> = {
  '0001': 'DirectSpeakers',
  '0002': 'Matrix',
  '0003': 'Objects',
  '0004': 'HOA',
  '0005': 'Binaural',
};

function packType(doc: AdmDocument, packId: string | undefined): AdmPackType {
  if (!packId) return 'unknown';
  const m = /^AP_([0-9a-fA-F]{4})/.exec(packId);
  if (m && TYPE_BY_LABEL[m[1]!]) return TYPE_BY_LABEL[m[1]!]!;
  const p = doc.packs.get(packId);
  const t = p?.typeLabel ? TYPE_BY_LABEL[p.typeLabel] : undefined;
  if (t) return t;
  const d = p?.typeDefinition as AdmPackType | null | undefined;
  return d && Object.values(TYPE_BY_LABEL).includes(d) ? d : 'unknown';
}

/** "00:00:05.00000", "01:00:00.000000000" or "00:00:01.1S48000" (BS.2076-2 sample fraction). */
export function admTimeSeconds(text: string | null): number | null {
  if (!text) return null;
  const m = /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?(?:S(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  if (!m[4]) return whole;
  if (m[5]) return whole + Number(m[4]) / Number(m[5]);
  return whole + Number(`0.${m[4]}`);
}

const SPEAKER_URN = /^urn:itu:bs:2051:\d+:speaker:/i;
const BY_SPEAKER_LABEL: Map<string, ChannelLabel | null> = new Map(
  [...COMMON_CHANNELS.values()].map((c) => [c.speakerLabel.toUpperCase(), c.label]),
);
// Dolby's custom bed channels (AtmosCustomPackFormat): RoomCentric names.
const ROOM_CENTRIC: Record<string, ChannelLabel> = {
  roomcentricleft: 'L', roomcentricright: 'R', roomcentriccenter: 'C', roomcentriclfe: 'LFE',
  roomcentricleftsidesurround: 'Lss', roomcentricrightsidesurround: 'Rss',
  roomcentricleftrearsurround: 'Lrs', roomcentricrightrearsurround: 'Rrs',
  roomcentriclefttopsurround: 'Lts', roomcentricrighttopsurround: 'Rts',
};

/** Our label for an ADM speakerLabel ("M+030", "urn:itu:bs:2051:0:speaker:LFE", "RC_Lss", "LFE1"). */
export function labelFromSpeakerLabel(text: string): ChannelLabel | null {
  const t = text.trim().replace(SPEAKER_URN, '');
  const common = BY_SPEAKER_LABEL.get(t.toUpperCase());
  if (common !== undefined) return common;
  // 22.2 writes its two LFEs as LFE1/LFE2, LFEL/LFER or LFE+045/LFE-045.
  if (/^LFE(1|L|\+\d+)?$/i.test(t)) return 'LFE';
  if (/^LFE(2|R|-\d+)$/i.test(t)) return 'LFE2';
  const label = parseChannelLabel(t.replace(/^RC_/i, ''));
  return label && !/^Ch\d+$/.test(label) ? label : null;
}

interface Resolved {
  channelId: string | null;
  speakerLabel: string | null;
  label: ChannelLabel | null;
}

/** ATU -> channel format (chna first, then the axml ATU, then its track/stream formats) -> label. */
function resolveChannel(doc: AdmDocument, chnaFormat: string | undefined, uid: string): Resolved {
  const atu = doc.trackUids.get(uid);
  let channelId: string | null = null;
  const fromFormatRef = (ref: string | null | undefined): string | null => {
    if (!ref) return null;
    if (ref.startsWith('AC_')) return ref;
    const tf = doc.trackFormats.get(ref);
    const stream = tf?.streamRef ? doc.streams.get(tf.streamRef) : undefined;
    if (stream?.channelRef) return stream.channelRef;
    const s2 = [...doc.streams.values()].find((s) => s.trackFormatRefs.includes(ref));
    if (s2?.channelRef) return s2.channelRef;
    // Common definitions: AT_yyyyxxxx_zz carries AC_yyyyxxxx.
    const m = /^AT_([0-9a-fA-F]{8})_/.exec(ref);
    return m ? `AC_${m[1]}` : null;
  };
  channelId = fromFormatRef(chnaFormat) ?? atu?.channelFormatRef ?? fromFormatRef(atu?.trackFormatRef);
  return { channelId, ...labelOfChannel(doc, channelId) };
}

function labelOfChannel(doc: AdmDocument, channelId: string | null): { speakerLabel: string | null; label: ChannelLabel | null } {
  if (!channelId) return { speakerLabel: null, label: null };
  const own = doc.channels.get(channelId);
  if (own) {
    const speaker = own.speakerLabel;
    const label = (speaker ? labelFromSpeakerLabel(speaker) : null) ?? ROOM_CENTRIC[own.name.toLowerCase()] ?? null;
    if (speaker || label) return { speakerLabel: speaker, label };
  }
  const common = COMMON_CHANNELS.get(channelId);
  if (common) return { speakerLabel: common.speakerLabel, label: common.label };
  return { speakerLabel: null, label: null };
}

/** Channel formats a pack holds (its own list, nested packs, or the common definition). */
function packChannels(doc: AdmDocument, packId: string | null, depth = 0): string[] | null {
  if (!packId || depth > 8) return null;
  const own = doc.packs.get(packId);
  if (own) {
    const nested = own.packRefs.flatMap((p) => packChannels(doc, p, depth + 1) ?? []);
    return [...nested, ...own.channelRefs];
  }
  return COMMON_PACKS.get(packId)?.channels ?? null;
}

function packName(doc: AdmDocument, packId: string | null): string | null {
  if (!packId) return null;
  return doc.packs.get(packId)?.name || COMMON_PACKS.get(packId)?.name || null;
}

export interface AdmSources {
  path: string;
  doc: AdmDocument;
  chna: Chna | null;
  /** fmt channel count for BW64; null for bare XML. */
  channels: number | null;
  sampleRate: number | null;
  bitDepth: number | null;
  hasDbmd: boolean;
  frames: number | null;
  durationSeconds: number | null;
  timeReferenceSamples: number | null;
}

/** Link the parsed ADM (and chna) into the report. Pure: no I/O. */
export function buildAdmReport(src: AdmSources): AdmReport {
  const { doc, chna } = src;
  const problems: AdmProblem[] = [];
  const isWav = src.channels !== null;

  // Tracks: BW64 -> 1..fmt channels, each named by chna; bare XML -> the declared audioTrackUIDs.
  const trackOfUid = new Map<string, number>();
  const formatOfUid = new Map<string, string>();
  let trackCount: number;
  if (isWav) {
    trackCount = src.channels!;
    if (chna) {
      const indices = new Set<number>();
      for (const e of chna.entries) {
        formatOfUid.set(e.uid, e.formatRef);
        if (e.trackIndex === 0) continue;
        trackOfUid.set(e.uid, e.trackIndex);
        indices.add(e.trackIndex);
        if (e.trackIndex > trackCount) {
          problems.push({
            code: 'chna-track-missing',
            message: `chna maps ${e.uid} to track ${e.trackIndex}, but the file has ${trackCount} channel${trackCount === 1 ? '' : 's'}`,
          });
        }
      }
      if (chna.numTracks !== indices.size) {
        problems.push({ code: 'chna-track-count', message: `chna says ${chna.numTracks} tracks but maps ${indices.size} distinct track indices` });
      }
    } else {
      problems.push({ code: 'no-chna', message: 'the file has axml but no chna chunk: ADM tracks cannot be tied to channels' });
    }
  } else {
    let i = 0;
    for (const uid of doc.trackUids.keys()) trackOfUid.set(uid, ++i);
    trackCount = doc.trackUids.size;
  }
  const trackExists = (uid: string): number | null => {
    const t = trackOfUid.get(uid);
    return t !== undefined && t >= 1 && t <= trackCount ? t : null;
  };

  const used = new Set<number>();
  const beds: AdmBedDetail[] = [];
  const objects: AdmObjectDetail[] = [];
  const others: AdmOtherDetail[] = [];
  const byId = new Map(doc.objects.map((o) => [o.id, o]));

  for (const obj of doc.objects) {
    for (const child of obj.objectRefs) {
      if (!byId.has(child)) problems.push({ code: 'object-missing', message: `audioObject ${obj.id} refers to ${child}, which the file does not define` });
    }
    const packId = obj.packRefs[0] ?? null;
    const type = packType(doc, packId ?? undefined);
    if (obj.trackUidRefs.length === 0) {
      // A grouping object (children, no audio of its own) is fine; a pack with no track is not.
      if (packId && obj.objectRefs.length === 0) {
        problems.push({ code: 'object-without-track', message: `audioObject ${obj.id} "${obj.name}" has pack ${packId} but no audioTrackUID: it carries no audio` });
      }
      continue;
    }
    const present: Array<{ uid: string; track: number }> = [];
    for (const uid of obj.trackUidRefs) {
      const t = trackExists(uid);
      if (t === null) {
        const why = !trackOfUid.has(uid)
          ? isWav
            ? 'chna does not map it to a track'
            : 'no audioTrackUID declares it'
          : `its track ${trackOfUid.get(uid)} is not in the file`;
        problems.push({ code: 'object-track-missing', message: `audioObject ${obj.id} "${obj.name}" uses ${uid}, but ${why}` });
        continue;
      }
      present.push({ uid, track: t });
      used.add(t);
    }
    if (present.length === 0) continue;
    const tracks = present.map((p) => p.track);
    if (type === 'Objects') {
      objects.push({ objectId: obj.id, name: obj.name, packId, tracks });
    } else if (type === 'DirectSpeakers') {
      beds.push(bedDetail(doc, obj, packId, present, formatOfUid, isWav, problems));
    } else {
      const other: AdmOtherDetail = { objectId: obj.id, name: obj.name, type, packId, channels: present.length, tracks: isWav ? tracks : [] };
      if (type === 'HOA') other.hoa = hoaDetail(doc, obj, packId, present, formatOfUid);
      others.push(other);
    }
  }

  // Sample rate / bit depth: fmt for BW64 (cross-checked with the ATUs), else the ATUs.
  const atuRates = new Set([...doc.trackUids.values()].map((u) => u.sampleRate).filter((r): r is number => r !== null && Number.isFinite(r)));
  const atuBits = new Set([...doc.trackUids.values()].map((u) => u.bitDepth).filter((r): r is number => r !== null && Number.isFinite(r)));
  if (src.sampleRate !== null) {
    for (const r of atuRates) {
      if (r !== src.sampleRate) problems.push({ code: 'sample-rate-mismatch', message: `audioTrackUID sampleRate ${r} differs from the file's ${src.sampleRate} Hz (Dolby tools reject this)` });
    }
  }
  const sampleRate = src.sampleRate ?? (atuRates.size === 1 ? [...atuRates][0]! : null);
  const bitDepth = src.bitDepth ?? (atuBits.size === 1 ? [...atuBits][0]! : null);

  const atmos = doc.programmes.some((p) => p.name === 'Atmos_Master');
  if (atmos && trackCount > 128) problems.push({ code: 'atmos-track-limit', message: `an Atmos master holds at most 128 tracks; this one has ${trackCount}` });
  if (atmos && isWav && !src.hasDbmd) problems.push({ code: 'no-dbmd', message: 'programme "Atmos_Master" but no dbmd chunk (Dolby tools expect one)' });

  const unused: number[] = [];
  for (let t = 1; t <= trackCount; t++) if (!used.has(t)) unused.push(t);

  const first = doc.programmes[0];
  const start = admTimeSeconds(first?.start ?? null);
  const end = admTimeSeconds(first?.end ?? null);

  return {
    programmes: doc.programmes.map((p) => p.name),
    beds: beds.map((b) => ({ layout: b.layout, channels: b.tracks.length })),
    // one definition: the channels the bed packs carry (two UIDs on one track count twice, as in beds[])
    bedChannels: beds.reduce((n, b) => n + b.tracks.length, 0),
    objects: objects.length,
    tracks: trackCount,
    unusedTracks: unused.length,
    problems,
    source: isWav ? 'bw64' : 'adm-xml',
    trackSource: isWav ? 'fmt' : 'audioTrackUID',
    sampleRate,
    bitDepth,
    hasDbmd: src.hasDbmd,
    hasChna: chna !== null,
    startSeconds: start,
    programmeDurationSeconds: start !== null && end !== null ? end - start : null,
    timeReferenceSamples: src.timeReferenceSamples,
    durationSeconds: src.durationSeconds,
    frames: src.frames,
    bedDetails: beds,
    objectDetails: objects,
    otherDetails: others,
    unusedTrackIndices: unused,
  };
}

function bedDetail(
  doc: AdmDocument,
  obj: AdmObject,
  packId: string | null,
  present: Array<{ uid: string; track: number }>,
  formatOfUid: Map<string, string>,
  isWav: boolean,
  problems: AdmProblem[],
): AdmBedDetail {
  const inPack = packChannels(doc, packId);
  const tracks: AdmBedTrack[] = present.map(({ uid, track }, i) => {
    let r = resolveChannel(doc, formatOfUid.get(uid), uid);
    if (!r.channelId && inPack && inPack[obj.trackUidRefs.indexOf(uid)] !== undefined) {
      // No track format anywhere (bare XML with common packs): the pack's order is the ATU order.
      const channelId = inPack[obj.trackUidRefs.indexOf(uid)]!;
      r = { channelId, ...labelOfChannel(doc, channelId) };
    } else if (r.channelId && inPack && !inPack.includes(r.channelId)) {
      problems.push({
        code: 'channel-not-in-pack',
        message: `audioObject ${obj.id}: ${uid} is channel ${r.channelId}${r.speakerLabel ? ` (${r.speakerLabel})` : ''}, which pack ${packId} does not contain`,
      });
    }
    return {
      track: isWav ? track : null,
      uid,
      label: r.label ?? (`Ch${isWav ? track : i + 1}` as ChannelLabel),
      speakerLabel: r.speakerLabel,
    };
  });
  // Track order is the file's order: sort so the layout reads as the channels sit in the file.
  if (isWav) tracks.sort((a, b) => a.track! - b.track!);
  const labels = tracks.map((t) => t.label);
  const allKnown = labels.every((l) => !/^Ch\d+$/.test(l));
  const name = packName(doc, packId);
  // A known order by its id ("7.1.4-film"); else the common pack's name; else the labels or the pack.
  const known = allKnown ? layoutByLabels(labels) : null;
  const common = packId ? COMMON_PACKS.get(packId)?.name : undefined;
  const named = tracks.map((t) => (/^Ch\d+$/.test(t.label) ? (t.speakerLabel ?? t.label) : t.label));
  const custom = named.length <= 16 ? `custom (${named.join(' ')})` : `${name ?? 'custom'} (custom pack, ${named.length} ch)`;
  let layout = known?.id ?? common ?? custom;
  // a pack (common 5.1, say) used with fewer tracks than it has channels is an incomplete bed, not a smaller one
  if (inPack && tracks.length < inPack.length) {
    const carried = new Set(tracks.map((t) => t.label));
    const missing = inPack.map((c) => labelOfChannel(doc, c)).map((r, i) => r.label ?? r.speakerLabel ?? `channel ${i + 1}`).filter((l) => !carried.has(l as ChannelLabel));
    const packLayout = common ?? name ?? packId;
    problems.push({
      code: 'incomplete-pack',
      message: `audioObject ${obj.id} "${obj.name}" uses pack ${packId} (${packLayout}, ${inPack.length} channels) with only ${tracks.length} track${tracks.length === 1 ? '' : 's'}${missing.length ? `: ${missing.join(' ')} missing` : ''}`,
    });
    layout = `${packLayout} (incomplete: ${tracks.length} of ${inPack.length} ch)`;
  }
  return { objectId: obj.id, objectName: obj.name, packId, packName: name, layout, tracks };
}

/** Order, normalization and component order of an HOA object, from its pack name or its channels' blocks. */
function hoaDetail(doc: AdmDocument, obj: AdmObject, packId: string | null, present: Array<{ uid: string; track: number }>, formatOfUid: Map<string, string>): AdmHoa {
  const name = packName(doc, packId) ?? '';
  const acn: (number | null)[] = [];
  let normalization: string | null = null;
  for (const { uid } of present) {
    const r = resolveChannel(doc, formatOfUid.get(uid), uid);
    const own = r.channelId ? doc.channels.get(r.channelId) : undefined;
    let index: number | null = null;
    if (own && typeof own.order === 'number' && typeof own.degree === 'number') index = own.order * (own.order + 1) + own.degree;
    else if (r.channelId) {
      // common definitions AC_0004nnxx: xx is the 1-based ACN index (see common-definitions.ts)
      const m = /^AC_0004[0-9a-fA-F]{2}([0-9a-fA-F]{2})$/.exec(r.channelId);
      if (m) index = parseInt(m[1]!, 16) - 1;
    }
    acn.push(index);
    normalization ??= own?.normalization ?? null;
  }
  const fuma = /fuma/i.test(name);
  normalization ??= /N3D/.test(name) && !/SN3D/.test(name) ? 'N3D' : fuma ? 'FuMa' : 'SN3D';
  const known = acn.filter((i): i is number => i !== null);
  const order = known.length > 0 ? Math.floor(Math.sqrt(Math.max(...known))) : Math.max(0, Math.round(Math.sqrt(present.length)) - 1);
  const inAcnOrder = known.length === acn.length && acn.every((v, i) => i === 0 || v! > acn[i - 1]!);
  return { order, normalization, ordering: fuma ? 'FuMa' : inAcnOrder ? 'ACN' : 'custom', acn };
}

// ---------------------------------------------------------------------------------------------
// Reading

function findChunk(header: AudioHeader, id: string): ChunkInfo | undefined {
  return header.chunks.find((c) => c.id === id);
}

function sniffXml(path: string): boolean {
  const { fd } = openRegular(path);
  try {
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, 64, 0);
    const text = head.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('<');
  } finally {
    closeSync(fd);
  }
}

function readRange(path: string, chunk: ChunkInfo, fileSize: number): Uint8Array {
  checkRange(path, chunk, fileSize);
  const { fd } = openRegular(path);
  try {
    const buf = Buffer.alloc(chunk.size);
    const n = readSync(fd, buf, 0, chunk.size, chunk.dataOffset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function checkRange(path: string, chunk: ChunkInfo, fileSize: number): void {
  if (chunk.dataOffset + chunk.size > fileSize) {
    throw new DubstageError({
      code: 'truncated',
      message: `${path}: the ${chunk.id.trim()} chunk at byte ${chunk.offset} claims ${chunk.size} bytes, but the file ends ${fileSize - chunk.dataOffset} bytes after its start`,
      path,
      byteOffset: chunk.offset,
    });
  }
}

/**
 * Read the ADM of a BW64/RF64/WAV (its axml and chna, located by `header`) or of a bare ADM XML file.
 * Without a header, the WAV's chunk table comes from src/audio's readAudioHeader.
 */
export async function readAdm(path: string, header?: AudioHeader): Promise<AdmReport> {
  const { fd } = openRegular(path);
  let fileSize: number;
  try {
    fileSize = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  if (!header && sniffXml(path)) {
    const doc = await parseAdmXml({ path, start: 0, length: fileSize });
    return buildAdmReport({
      path,
      doc,
      chna: null,
      channels: null,
      sampleRate: null,
      bitDepth: null,
      hasDbmd: false,
      frames: null,
      durationSeconds: null,
      timeReferenceSamples: null,
    });
  }
  const h = header ?? readAudioHeader(path);
  const axml = findChunk(h, 'axml');
  if (!axml) {
    const why = findChunk(h, 'bxml') ? 'it has a compressed bxml chunk, which is not read yet' : 'it has no axml chunk';
    throw new DubstageError({ code: 'bad-format', message: `${path}: not an ADM BWF (${why})`, path });
  }
  checkRange(path, axml, fileSize);
  const chnaChunk = findChunk(h, 'chna');
  const chna = chnaChunk ? parseChna(readRange(path, chnaChunk, fileSize), path, chnaChunk.offset) : null;
  const doc = await parseAdmXml({ path, start: axml.dataOffset, length: axml.size });
  return buildAdmReport({
    path,
    doc,
    chna,
    channels: h.format.channels,
    sampleRate: h.format.sampleRate,
    bitDepth: h.format.bitDepth,
    hasDbmd: h.hasDbmd || findChunk(h, 'dbmd') !== undefined,
    frames: h.format.frames,
    durationSeconds: h.format.durationSeconds,
    timeReferenceSamples: h.bext ? h.bext.timeReferenceSamples : null,
  });
}

/**
 * The bed's channels as 0-based indices into the file with their labels, for measuring the bed
 * alone (objects are not rendered: a renderer is later work). Empty for bare XML or no bed.
 */
export function admBedChannelIndices(report: AdmReport): { indices: number[]; labels: ChannelLabel[] } {
  const indices: number[] = [];
  const labels: ChannelLabel[] = [];
  const seen = new Set<number>();
  for (const bed of report.bedDetails) {
    for (const t of bed.tracks) {
      if (t.track === null || seen.has(t.track)) continue;
      seen.add(t.track);
      indices.push(t.track - 1);
      labels.push(t.label);
    }
  }
  return { indices, labels };
}

/**
 * Labels for every channel of the file when the ADM names them all (every track is a bed channel),
 * for the label priority in src/audio/layouts pickChannelLabels; null when objects or unused tracks
 * leave channels without a speaker position.
 */
export function admTrackLabels(report: AdmReport): ChannelLabel[] | null {
  if (report.source !== 'bw64') return null;
  const { indices, labels } = admBedChannelIndices(report);
  if (indices.length !== report.tracks) return null;
  const out: ChannelLabel[] = new Array(report.tracks);
  indices.forEach((i, k) => (out[i] = labels[k]!));
  return out;
}

/**
 * What a loudness measurement of an ADM master can honestly cover: the bed channels, with a note
 * that says the objects are not rendered (a renderer is later work), never a full-programme number.
 */
export function admLoudnessScope(report: AdmReport, opts: { rendered?: boolean } = {}): { indices: number[]; labels: ChannelLabel[]; note: string } {
  const { indices, labels } = admBedChannelIndices(report);
  if (opts.rendered) {
    // the programme is measured on BS.2127 renders: the file's own channels are only the bed's part of it
    const bedPart = indices.length > 0 ? `the file's channels measured here are the bed's (${report.beds.map((b) => b.layout).join(' + ')}, ${indices.length} ch)` : 'no bed channels to measure directly';
    return { indices, labels, note: `${bedPart}; the programme's loudness is that of its renders` };
  }
  const layouts = report.beds.map((b) => b.layout).join(' + ') || 'no bed';
  const objects = report.objects === 1 ? '1 object' : `${report.objects} objects`;
  const hoa = report.otherDetails.filter((o) => o.hoa);
  if (hoa.length > 0) {
    // scene-based audio: its components are not loudspeaker feeds, so BS.1770 channel weights do not apply
    const what = hoa.map((o) => `HOA order ${o.hoa!.order} (${o.hoa!.normalization}, ${o.hoa!.ordering}, ${o.channels} components)`).join(' + ');
    const bed = indices.length > 0 ? `bed only (${layouts}, ${indices.length} ch); ` : '';
    return {
      indices,
      labels,
      note: `${bed}${what} is scene-based audio, not loudspeaker feeds: not loudness-weighted (it needs decoding to a layout first), so ${indices.length > 0 ? 'this is not the full programme\'s loudness' : 'no programme loudness is given'}`,
    };
  }
  const note =
    indices.length === 0
      ? `no bed channels to measure (${objects}); objects are not rendered yet, so no programme loudness is given`
      : report.objects > 0 || report.otherDetails.length > 0
        ? `bed only (${layouts}, ${indices.length} ch): ${objects}${report.otherDetails.length ? ` and ${report.otherDetails.length} HOA/matrix/binaural element(s)` : ''} not rendered yet, so this is not the full programme's loudness`
        : `bed (${layouts}, ${indices.length} ch): the whole programme`;
  return { indices, labels, note };
}

/** True for the first bytes of a bare ADM XML document (ebuCoreMain, ituADM or audioFormatExtended root). */
export function sniffAdmXml(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64 * 1024)).toString('utf8').replace(/^\uFEFF/, '');
  return text.trimStart().startsWith('<') && /<(?:\w+:)?(?:ebuCoreMain|ituADM|audioFormatExtended)[\s>]/.test(text);
}

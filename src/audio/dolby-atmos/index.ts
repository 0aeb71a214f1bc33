/**
 * Dolby Atmos Master File sets (DAMF): `<name>.atmos` (YAML root: presentations, bed instances and
 * their channels, objects), `<name>.atmos.metadata` (YAML: sample rate and per-element events) and
 * `<name>.atmos.audio` (CAF; channels are the bed channels as listed, then the objects as listed).
 * Same bed/object report as ADM, and the three files checked against each other.
 * Written from the format description in ../shared/reference/session-formats.md s8 (truehdd's DAMF
 * writer, Cavern's reader): untested against files from Dolby's own tools.
 */
import { closeSync, createReadStream, fstatSync, readSync, statSync } from 'node:fs';
import { openRegular, readRegularFile } from '../bytesource.js';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseYaml } from 'yaml';
import type { ChannelLabel } from '../channels.js';
import { parseChannelLabel } from '../channels.js';
import { describeLabels } from '../layouts.js';
import { DubstageError } from '../../errors.js';
import type { AdmProblem } from '../adm/index.js';

export interface DamfBedChannel {
  /** Element ID used by the metadata events. */
  id: number;
  /** As written (L, R, C, LFE, Lss, ..., Lts/Ltm, ...). */
  channel: string;
  label: ChannelLabel;
  /** 1-based channel of the .atmos.audio it plays from. */
  track: number;
}

export interface DamfBed {
  description: string | null;
  groupName: string | null;
  layout: string;
  channels: DamfBedChannel[];
}

export interface DamfObject {
  id: number;
  description: string | null;
  groupName: string | null;
  track: number;
}

export interface CafInfo {
  sampleRate: number;
  formatId: string;
  channels: number;
  bitDepth: number;
  bytesPerPacket: number;
  /** null when the data chunk runs to the end of the file and the file is still being written. */
  frames: number | null;
}

/** Same keys as AdmReport's "adm" JSON, then the DAMF detail. */
export interface DolbyAtmosReport {
  programmes: string[];
  beds: { layout: string; channels: number }[];
  bedChannels: number;
  objects: number;
  tracks: number;
  unusedTracks: number;
  problems: AdmProblem[];
  source: 'damf';
  version: string | null;
  presentationType: string | null;
  fps: string | null;
  offsetSeconds: number | null;
  /** First frame of action, seconds, when the .atmos says. */
  ffoaSeconds: number | null;
  sampleRate: number | null;
  bitDepth: number | null;
  frames: number | null;
  durationSeconds: number | null;
  files: { atmos: string; metadata: string; audio: string };
  bedDetails: DamfBed[];
  objectDetails: DamfObject[];
  /** Element IDs that have at least one event in the .atmos.metadata. */
  metadataEventIds: number[];
  metadataSampleRate: number | null;
}

const MAX_ROOT_BYTES = 16 * 1024 * 1024;
/** Atmos master limit: 128 elements (channels + objects). */
export const DAMF_MAX_ELEMENTS = 128;

// DAMF channel names that parseChannelLabel does not know.
const DAMF_CHANNELS: Record<string, ChannelLabel> = { Ltm: 'Lts', Rtm: 'Rts', Lsr: 'Lrs', Rsr: 'Rrs', Lfe: 'LFE' };

function bad(file: string, message: string, extra: { line?: number; byteOffset?: number } = {}): DubstageError {
  return new DubstageError({ code: 'bad-format', message: `${file}: ${message}`, path: file, ...extra });
}

/** True for a DAMF root: a `.atmos` name whose YAML has a presentations list. */
export function sniffDamf(head: Uint8Array, name: string): boolean {
  if (!/\.atmos$/i.test(name)) return false;
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64 * 1024)).toString('utf8');
  return /^presentations:/m.test(text);
}

/** The `.atmos` of a set from any of its three paths. */
export function damfRootPath(p: string): string {
  return p.replace(/\.atmos\.(metadata|audio)$/i, '.atmos');
}

type Yaml = Record<string, unknown>;
const isMap = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/** A file of the set that must exist: a missing one is named, with the file that needs it. */
function requireCompanion(file: string, what: string, from: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    throw new DubstageError({
      code: 'io',
      message: `${file}: no such file — the ${what} of the Dolby Atmos master set ${path.basename(from)} is missing`,
      path: file,
    });
  }
}

/** Read a DAMF set and check that the .atmos, .atmos.metadata and .atmos.audio agree. */
export async function readDolbyAtmos(anyPath: string): Promise<DolbyAtmosReport> {
  const atmosPath = damfRootPath(anyPath);
  if (atmosPath !== anyPath) requireCompanion(atmosPath, 'root .atmos', anyPath);
  const size = statSync(atmosPath).size;
  if (size > MAX_ROOT_BYTES) throw bad(atmosPath, `${size} bytes is too large for a .atmos root file (at most ${MAX_ROOT_BYTES})`);
  const rootText = readRegularFile(atmosPath, MAX_ROOT_BYTES, 'a .atmos root file').toString('utf8');
  let root: unknown;
  try {
    root = parseYaml(rootText, { maxAliasCount: 100 });
  } catch (err) {
    const e = err as { message?: string; linePos?: Array<{ line: number }> };
    const line = e.linePos?.[0]?.line;
    throw bad(atmosPath, `not valid YAML${line ? ` at line ${line}` : ''}: ${(e.message ?? String(err)).split('\n')[0]}`, { line });
  }
  if (!isMap(root) || !Array.isArray(root.presentations) || root.presentations.length === 0) {
    throw bad(atmosPath, 'not a Dolby Atmos master: expected a YAML map with a "presentations" list');
  }
  const problems: AdmProblem[] = [];
  if (root.presentations.length > 1) {
    problems.push({ code: 'damf-presentations', message: `${root.presentations.length} presentations; only the first is read` });
  }
  const pres = root.presentations[0];
  if (!isMap(pres)) throw bad(atmosPath, 'presentations[0] is not a map');
  const dir = path.dirname(atmosPath);
  const base = path.basename(atmosPath);
  const metadataPath = path.resolve(dir, str(pres.metadata) ?? `${base}.metadata`);
  const audioPath = path.resolve(dir, str(pres.audio) ?? `${base}.audio`);
  // the set is three files: name the one that is missing, never the .atmos that is there
  requireCompanion(metadataPath, `.atmos.metadata${str(pres.metadata) ? ` (presentations[0].metadata: '${str(pres.metadata)}')` : ''}`, atmosPath);
  requireCompanion(audioPath, `.atmos.audio${str(pres.audio) ? ` (presentations[0].audio: '${str(pres.audio)}')` : ''}`, atmosPath);

  // Elements: bed channels as listed, then objects as listed, are the CAF's channels in order.
  let track = 0;
  const ids = new Map<number, string>();
  const claim = (id: number | null, what: string): number | null => {
    if (id === null || !Number.isInteger(id) || id < 0) {
      problems.push({ code: 'damf-bad-id', message: `${what} has no valid ID` });
      return null;
    }
    const prior = ids.get(id);
    if (prior) problems.push({ code: 'damf-duplicate-id', message: `${what} and ${prior} both use ID ${id}` });
    ids.set(id, what);
    return id;
  };
  const beds: DamfBed[] = [];
  const bedList = Array.isArray(pres.bedInstances) ? pres.bedInstances : [];
  bedList.forEach((b, bi) => {
    if (!isMap(b) || !Array.isArray(b.channels)) {
      problems.push({ code: 'damf-bad-bed', message: `bedInstances[${bi}] has no channels list` });
      return;
    }
    const channels: DamfBedChannel[] = [];
    for (const c of b.channels) {
      track++;
      const name = isMap(c) ? (str(c.channel) ?? '') : '';
      const id = claim(isMap(c) ? num(c.ID) : null, `bed ${bi + 1} channel ${name || track}`);
      const label = DAMF_CHANNELS[name] ?? parseChannelLabel(name) ?? (`Ch${track}` as ChannelLabel);
      if (!DAMF_CHANNELS[name] && !parseChannelLabel(name)) problems.push({ code: 'damf-unknown-channel', message: `bed ${bi + 1}: unknown channel name '${name}'` });
      channels.push({ id: id ?? -1, channel: name, label, track });
    }
    beds.push({ description: str(b.description), groupName: str(b.groupName), layout: describeLabels(channels.map((c) => c.label)), channels });
  });
  if (!('objects' in pres) || !Array.isArray(pres.objects)) {
    problems.push({ code: 'damf-no-objects-list', message: '"objects:" is missing (Dolby tools reject a .atmos without it, even when empty: write "objects: []")' });
  }
  const objects: DamfObject[] = [];
  for (const o of Array.isArray(pres.objects) ? pres.objects : []) {
    track++;
    const id = claim(isMap(o) ? num(o.ID) : null, `object ${objects.length + 1}`);
    objects.push({ id: id ?? -1, description: isMap(o) ? str(o.description) : null, groupName: isMap(o) ? str(o.groupName) : null, track });
  }
  const elements = track;
  if (elements > DAMF_MAX_ELEMENTS) {
    problems.push({ code: 'atmos-track-limit', message: `${elements} elements (bed channels + objects); an Atmos master holds at most ${DAMF_MAX_ELEMENTS}` });
  }

  const caf = readCafHeader(audioPath);
  if (caf.channels !== elements) {
    problems.push({
      code: 'damf-channel-count',
      message: `${path.basename(audioPath)} has ${caf.channels} channels but the .atmos lists ${elements} elements (${elements - objects.length} bed channels + ${objects.length} objects)`,
    });
  }
  const meta = await scanMetadata(metadataPath);
  if (meta.sampleRate !== null && meta.sampleRate !== caf.sampleRate) {
    problems.push({ code: 'sample-rate-mismatch', message: `.atmos.metadata says ${meta.sampleRate} Hz, .atmos.audio is ${caf.sampleRate} Hz` });
  }
  for (const id of meta.ids) {
    if (!ids.has(id)) problems.push({ code: 'damf-orphan-event', message: `.atmos.metadata has events for ID ${id}, which the .atmos does not list` });
  }
  for (const o of objects) {
    if (o.id >= 0 && !meta.ids.has(o.id)) problems.push({ code: 'damf-object-without-events', message: `object ID ${o.id} has no events in the .atmos.metadata (no position)` });
  }

  // Objects whose CAF channel is missing are not counted as objects.
  const present = objects.filter((o) => o.track <= caf.channels);
  const bedTracks = beds.flatMap((b) => b.channels).filter((c) => c.track <= caf.channels);
  const fps = str(pres.fps);
  return {
    programmes: [str(pres.type) ?? 'presentation 1'],
    beds: beds.map((b) => ({ layout: b.layout, channels: b.channels.length })),
    bedChannels: bedTracks.length,
    objects: present.length,
    tracks: caf.channels,
    unusedTracks: Math.max(0, caf.channels - elements),
    problems,
    source: 'damf',
    version: str(root.version),
    presentationType: str(pres.type),
    fps,
    offsetSeconds: num(pres.offset),
    ffoaSeconds: num(pres.ffoa),
    sampleRate: caf.sampleRate,
    bitDepth: caf.bitDepth,
    frames: caf.frames,
    durationSeconds: caf.frames === null ? null : caf.frames / caf.sampleRate,
    files: { atmos: atmosPath, metadata: metadataPath, audio: audioPath },
    bedDetails: beds,
    objectDetails: objects,
    metadataEventIds: [...meta.ids].sort((a, b) => a - b),
    metadataSampleRate: meta.sampleRate,
  };
}

/**
 * The .atmos.metadata can be large (an event per object per update): read it line by line and keep
 * only the sample rate and the set of IDs that have events.
 */
async function scanMetadata(file: string): Promise<{ sampleRate: number | null; ids: Set<number> }> {
  const ids = new Set<number>();
  let sampleRate: number | null = null;
  let sawEvents = false;
  let lineNo = 0;
  try {
    // opened as a regular file first: a FIFO named like a companion is refused, never waited on
    const { fd } = openRegular(file);
    const lines = createInterface({ input: createReadStream('', { fd, encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      const rate = /^sampleRate:\s*(\d+)\s*$/.exec(line);
      if (rate) sampleRate = Number(rate[1]);
      if (/^events:/.test(line)) sawEvents = true;
      const id = /^\s*(?:-\s+)?ID:\s*(\S+)\s*$/.exec(line);
      if (id && sawEvents) {
        const n = Number(id[1]);
        if (!Number.isInteger(n) || n < 0) throw bad(file, `line ${lineNo}: event ID '${id[1]}' is not a non-negative integer`, { line: lineNo });
        ids.add(n);
      }
    }
  } catch (err) {
    if (err instanceof DubstageError) throw err;
    throw new DubstageError({ code: 'io', message: `${file}: ${(err as Error).message}`, path: file });
  }
  if (!sawEvents) throw bad(file, 'no "events:" list: not a Dolby Atmos .atmos.metadata');
  return { sampleRate, ids };
}

/** CAF header (Apple Core Audio Format): 'caff' v1, then chunks of 4cc type + int64 BE size; 'desc' and 'data'. */
export function readCafHeader(file: string): CafInfo {
  const { fd } = openRegular(file);
  try {
    const fileSize = fstatSync(fd).size;
    const head = Buffer.alloc(12);
    const at = (pos: number, n: number): Buffer => {
      if (pos + n > fileSize) {
        throw new DubstageError({ code: 'truncated', message: `${file}: ends at byte ${fileSize} inside a CAF chunk header at byte ${pos}`, path: file, byteOffset: pos });
      }
      readSync(fd, head, 0, n, pos);
      return head;
    };
    const magic = at(0, 8);
    if (magic.toString('latin1', 0, 4) !== 'caff') {
      throw new DubstageError({ code: 'not-audio', message: `${file}: not a CAF file (an .atmos.audio is CAF; the first bytes are '${magic.toString('latin1', 0, 4)}')`, path: file, byteOffset: 0 });
    }
    let desc: Omit<CafInfo, 'frames'> | null = null;
    let frames: number | null = null;
    let pos = 8;
    while (pos + 12 <= fileSize) {
      const h = at(pos, 12);
      const type = h.toString('latin1', 0, 4);
      const size = Number(h.readBigInt64BE(4));
      const body = pos + 12;
      if (type === 'desc') {
        const d = Buffer.alloc(32);
        if (size < 32 || body + 32 > fileSize) throw new DubstageError({ code: 'bad-chunk', message: `${file}: CAF desc chunk at byte ${pos} is ${size} bytes, expected 32`, path: file, byteOffset: pos });
        readSync(fd, d, 0, 32, body);
        desc = {
          sampleRate: d.readDoubleBE(0),
          formatId: d.toString('latin1', 8, 12),
          bytesPerPacket: d.readUInt32BE(16),
          channels: d.readUInt32BE(24),
          bitDepth: d.readUInt32BE(28),
        };
      } else if (type === 'data') {
        // size -1: the data runs to the end of the file; the first 4 bytes are the edit count.
        const bytes = (size === -1 ? fileSize - body : Math.min(size, fileSize - body)) - 4;
        if (desc && desc.bytesPerPacket > 0) frames = Math.floor(Math.max(0, bytes) / desc.bytesPerPacket);
        if (size === -1) break;
      }
      if (size < 0) break;
      pos = body + size;
    }
    if (!desc) throw new DubstageError({ code: 'missing-fmt', message: `${file}: CAF file without a desc chunk`, path: file });
    return { ...desc, frames };
  } finally {
    closeSync(fd);
  }
}

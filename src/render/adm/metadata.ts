/**
 * What the renderer needs from an ADM document, read in two ways so memory stays flat:
 * a scan of the whole axml (objects, packs, track links, and each audioChannelFormat's byte range,
 * never its blocks), then, while rendering, one cursor per channel that parses that channel's
 * audioBlockFormats a few KB at a time, in time order. A master with 10,000 blocks per object holds
 * a handful of blocks per object in memory, never the 10,000.
 * The axml is decoded as latin1 here so that a parser position is a byte offset (ids, numbers and
 * tags are ASCII; names are not used).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { BlockSkipper } from '../../audio/adm/skip-blocks.js';
import { SaxesParser, type SaxesTag } from 'saxes';
import { DubstageError } from '../../errors.js';
import type { DirectSpeakersBlock, Bound } from './direct-speakers.js';
import type { ObjectsBlock } from './objects.js';
import { add, cmp, parseAdmTime, type Rational } from './time.js';

export interface ScanObject {
  id: string;
  start: Rational | null;
  duration: Rational | null;
  gain: number;
  mute: boolean;
  packRefs: string[];
  trackUidRefs: string[];
  objectRefs: string[];
}

export interface ScanPack {
  id: string;
  typeLabel: string | null;
  typeDefinition: string | null;
  channelRefs: string[];
  packRefs: string[];
}

export interface ScanChannel {
  id: string;
  typeLabel: string | null;
  typeDefinition: string | null;
  /** Byte range of the whole <audioChannelFormat> element in the file. */
  start: number;
  end: number;
  blockCount: number;
  lowPassHz: number | null;
  highPassHz: number | null;
}

export interface AdmScan {
  path: string;
  /** BS.2076 version 2 or later (audioFormatExtended@version). */
  version2: boolean;
  programmes: Array<{ id: string; contentRefs: string[] }>;
  contents: Map<string, string[]>;
  objects: Map<string, ScanObject>;
  packs: Map<string, ScanPack>;
  channels: Map<string, ScanChannel>;
  streamChannel: Map<string, string>;
  /** AT_ -> AS_ (from audioTrackFormat) and AT_ -> AS_ (from an audioStreamFormat's track refs). */
  trackStream: Map<string, string>;
  trackUids: Map<string, { trackFormatRef: string | null; channelFormatRef: string | null; packRef: string | null }>;
}

const attr = (tag: SaxesTag, name: string): string | null => {
  const v = tag.attributes[name];
  return typeof v === 'string' ? v : v ? v.value : null;
};
const local = (name: string): string => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

function badXml(path: string, byteOffset: number, message: string): DubstageError {
  return new DubstageError({ code: 'bad-format', message: `${path}: ADM XML at byte ${byteOffset}: ${message}`, path, byteOffset });
}

function time(path: string, at: number, what: string | (() => string), text: string | null): Rational | null {
  if (text === null) return null;
  const t = parseAdmTime(text);
  if (!t) throw badXml(path, at, `${typeof what === 'string' ? what : what()} '${text}' is not an ADM time (hh:mm:ss.fffff or hh:mm:ss.nnnnnSdddd)`);
  return t;
}

/** Object gain as a linear factor (BS.2076-2 gainUnit="dB" or linear). */
function gainValue(text: string, unit: string | null): number {
  const v = Number(text.trim());
  if (!Number.isFinite(v)) return Number.NaN;
  return unit === 'dB' ? 10 ** (v / 20) : v;
}

/** Feed a file byte range to a parser in chunks, latin1, NULs (writers' padding) as spaces. */
function feed(path: string, fd: number, start: number, end: number, parser: SaxesParser, chunkBytes: number, first: boolean, skipper?: BlockSkipper): void {
  const buf = Buffer.alloc(Math.min(chunkBytes, Math.max(1, end - start)));
  let pos = start;
  while (pos < end) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) throw new DubstageError({ code: 'truncated', message: `${path}: the file ends at byte ${pos} inside its ADM XML (expected it to run to byte ${end})`, path, byteOffset: pos });
    let s = buf.toString('latin1', 0, n).replace(/\0/g, ' ');
    if (first && pos === start && s.startsWith('\u00ef\u00bb\u00bf')) s = `   ${s.slice(3)}`.replace(/^ {3}/, '');
    if (skipper) skipper.push(s);
    else parser.write(s);
    pos += n;
  }
  skipper?.end();
}

/** Scan an axml chunk (or a bare XML file: start 0, the file's length) for the renderer. */
export function scanAdm(path: string, start: number, length: number): AdmScan {
  const scan: AdmScan = {
    path,
    version2: false,
    programmes: [],
    contents: new Map(),
    objects: new Map(),
    packs: new Map(),
    channels: new Map(),
    streamChannel: new Map(),
    trackStream: new Map(),
    trackUids: new Map(),
  };
  const parser = new SaxesParser({ fileName: path });
  const stack: string[] = [];
  let text = '';
  let bom = 0;
  let programme: { id: string; contentRefs: string[] } | null = null;
  let content: string[] | null = null;
  let object: ScanObject | null = null;
  let pack: ScanPack | null = null;
  let channel: ScanChannel | null = null;
  let stream: string | null = null;
  let trackFormat: string | null = null;
  let trackUid: { trackFormatRef: string | null; channelFormatRef: string | null; packRef: string | null } | null = null;
  let tagStart = 0;
  let gainUnit: string | null = null;
  let frequencyType: string | null = null;
  // the blocks are the cursors' (they read every one in full): the scan needs only where each channel lies
  const skipper = new BlockSkipper(
    (text) => parser.write(text),
    () => stack[stack.length - 1] === 'audioChannelFormat',
    () => {
      if (channel) channel.blockCount++;
    },
  );
  const at = (): number => start + bom + parser.position + skipper.dropped;
  parser.on('doctype', () => {
    throw badXml(path, at(), 'DOCTYPE/ENTITY declarations are not allowed in ADM metadata');
  });
  parser.on('error', (err) => {
    throw badXml(path, at(), err.message.replace(/^[^:]*:\d+:\d+: /, ''));
  });
  parser.on('opentagstart', (tag) => {
    tagStart = at() - tag.name.length - 2;
  });
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    stack.push(name);
    text = '';
    switch (name) {
      case 'audioFormatExtended': {
        const v = attr(tag, 'version') ?? '';
        scan.version2 = /BS\.2076-([2-9]|\d\d)/.test(v);
        break;
      }
      case 'audioProgramme':
        programme = { id: attr(tag, 'audioProgrammeID') ?? '', contentRefs: [] };
        scan.programmes.push(programme);
        break;
      case 'audioContent':
        content = [];
        scan.contents.set(attr(tag, 'audioContentID') ?? '', content);
        break;
      case 'audioObject':
        object = {
          id: attr(tag, 'audioObjectID') ?? '',
          start: time(path, tagStart, 'audioObject start', attr(tag, 'start')),
          duration: time(path, tagStart, 'audioObject duration', attr(tag, 'duration')),
          gain: 1,
          mute: false,
          packRefs: [],
          trackUidRefs: [],
          objectRefs: [],
        };
        scan.objects.set(object.id, object);
        break;
      case 'audioPackFormat':
        pack = { id: attr(tag, 'audioPackFormatID') ?? '', typeLabel: attr(tag, 'typeLabel'), typeDefinition: attr(tag, 'typeDefinition'), channelRefs: [], packRefs: [] };
        scan.packs.set(pack.id, pack);
        break;
      case 'audioChannelFormat':
        channel = {
          id: attr(tag, 'audioChannelFormatID') ?? '',
          typeLabel: attr(tag, 'typeLabel'),
          typeDefinition: attr(tag, 'typeDefinition'),
          start: tagStart,
          end: tagStart,
          blockCount: 0,
          lowPassHz: null,
          highPassHz: null,
        };
        scan.channels.set(channel.id, channel);
        break;
      case 'audioBlockFormat':
        if (channel) channel.blockCount++;
        break;
      case 'frequency':
        frequencyType = attr(tag, 'typeDefinition');
        break;
      case 'gain':
        gainUnit = attr(tag, 'gainUnit');
        break;
      case 'audioStreamFormat':
        stream = attr(tag, 'audioStreamFormatID') ?? '';
        break;
      case 'audioTrackFormat':
        trackFormat = attr(tag, 'audioTrackFormatID') ?? '';
        break;
      case 'audioTrackUID':
        trackUid = { trackFormatRef: null, channelFormatRef: null, packRef: null };
        scan.trackUids.set(attr(tag, 'UID') ?? '', trackUid);
        break;
    }
  });
  parser.on('text', (t) => {
    if (text.length < 256) text += t;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    const value = text.trim();
    stack.pop();
    const parent = stack[stack.length - 1];
    text = '';
    switch (name) {
      case 'audioProgramme': programme = null; return;
      case 'audioContent': content = null; return;
      case 'audioObject': object = null; return;
      case 'audioPackFormat': pack = null; return;
      case 'audioChannelFormat':
        if (channel) channel.end = at();
        channel = null;
        return;
      case 'audioStreamFormat': stream = null; return;
      case 'audioTrackFormat': trackFormat = null; return;
      case 'audioTrackUID': trackUid = null; return;
    }
    if (!value) return;
    if (parent === 'audioProgramme' && programme && name === 'audioContentIDRef') programme.contentRefs.push(value);
    else if (parent === 'audioContent' && content && name === 'audioObjectIDRef') content.push(value);
    else if (parent === 'audioObject' && object) {
      if (name === 'audioPackFormatIDRef') object.packRefs.push(value);
      else if (name === 'audioTrackUIDRef') object.trackUidRefs.push(value);
      else if (name === 'audioObjectIDRef') object.objectRefs.push(value);
      else if (name === 'gain') {
        object.gain = gainValue(value, gainUnit);
        if (!Number.isFinite(object.gain)) throw badXml(path, at(), `audioObject ${object.id} gain '${value}' is not a number`);
      } else if (name === 'mute') object.mute = value === '1' || value === 'true';
    } else if (parent === 'audioPackFormat' && pack) {
      if (name === 'audioChannelFormatIDRef') pack.channelRefs.push(value);
      else if (name === 'audioPackFormatIDRef') pack.packRefs.push(value);
    } else if (parent === 'audioChannelFormat' && channel && name === 'frequency') {
      const hz = Number(value);
      if (frequencyType === 'lowPass') channel.lowPassHz = hz;
      else if (frequencyType === 'highPass') channel.highPassHz = hz;
    } else if (parent === 'audioStreamFormat' && stream !== null) {
      if (name === 'audioChannelFormatIDRef') scan.streamChannel.set(stream, value);
      else if (name === 'audioTrackFormatIDRef') scan.trackStream.set(value, stream);
    } else if (parent === 'audioTrackFormat' && trackFormat !== null && name === 'audioStreamFormatIDRef') {
      scan.trackStream.set(trackFormat, value);
    } else if (parent === 'audioTrackUID' && trackUid) {
      if (name === 'audioTrackFormatIDRef') trackUid.trackFormatRef = value;
      else if (name === 'audioChannelFormatIDRef') trackUid.channelFormatRef = value;
      else if (name === 'audioPackFormatIDRef') trackUid.packRef = value;
    }
  });
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(3);
    readSync(fd, head, 0, 3, start);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) bom = 3;
    feed(path, fd, start + bom, start + length, parser, 256 * 1024, false, skipper);
    parser.close();
  } finally {
    closeSync(fd);
  }
  return scan;
}

/** One audioBlockFormat as the renderer uses it; `byteOffset` says where it is for messages. */
export interface RenderBlock {
  id: string;
  byteOffset: number;
  rtime: Rational | null;
  duration: Rational | null;
  /** jumpPosition: the ramp from the previous block's gains lasts this long (0 = a jump); null = the whole block. */
  interpolationLength: Rational | null;
  objects: ObjectsBlock | null;
  directSpeakers: DirectSpeakersBlock | null;
  /** What in this block the renderer does not render (counted by the renderer for the blocks it plays). */
  unsupported: readonly (keyof UnrenderedFeatures)[];
}

/** A block that uses nothing unrendered. */
export const NOTHING_UNSUPPORTED: readonly (keyof UnrenderedFeatures)[] = Object.freeze([]);

/** What a file uses that this renderer does not render, counted per feature. */
export interface UnrenderedFeatures {
  extent: number;
  diffuse: number;
  zoneExclusion: number;
  screenRef: number;
  /** Polar objects nearer than the speakers (BS.2127 widens them: extent). */
  nearDistance: number;
}

type Draft = {
  id: string;
  at: number;
  rtime: Rational | null;
  duration: Rational | null;
  cartesian: boolean | null;
  pos: Record<string, number>;
  bounds: Record<string, { min: number | null; max: number | null }>;
  labels: string[];
  gain: number;
  width: number;
  height: number;
  depth: number;
  diffuse: number;
  divergence: { value: number; azimuthRange: number | null; positionRange: number | null } | null;
  channelLock: { maxDistance: number | null } | null;
  jump: boolean;
  interpolationLength: Rational | null;
  zoneExclusion: boolean;
  screenRef: boolean;
};

/**
 * Reads one channel's audioBlockFormats on demand, from its byte range, in 16 KB steps. Checks what
 * BS.2076 and BS.2127 require of each block (ranges, times) and names the byte offset when not.
 */
export class BlockCursor {
  private readonly queue: RenderBlock[] = [];
  private readonly parser = new SaxesParser();
  private pos: number;
  private draft: Draft | null = null;
  private stack: string[] = [];
  private text = '';
  private tagStart = 0;
  private attrs: Record<string, string> = {};
  private done = false;
  private readonly buf = Buffer.alloc(16 * 1024);
  /** File offset of the parser's position 0 (moved when skipTo jumps over blocks). */
  private base: number;
  private coordinate = '';
  private lastEnd: Rational | null = null;
  private bound: string | undefined;
  private gainUnit: string | undefined;

  constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly channel: ScanChannel,
    private readonly kind: 'Objects' | 'DirectSpeakers',
    private readonly version2: boolean,
    private readonly lowPassHz: number | null,
    private readonly highPassHz: number | null,
  ) {
    this.pos = channel.start;
    this.base = channel.start;
    this.parser.on('opentagstart', (tag) => {
      this.tagStart = this.base + this.parser.position - tag.name.length - 2;
    });
    this.parser.on('error', (err) => {
      throw badXml(path, this.base + this.parser.position, err.message.replace(/^[^:]*:\d+:\d+: /, ''));
    });
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('text', (t) => {
      if (this.text.length < 256) this.text += t;
    });
    this.parser.on('closetag', (tag) => this.close(local(tag.name)));
  }

  private open(tag: SaxesTag): void {
    const name = local(tag.name);
    this.stack.push(name);
    this.text = '';
    this.attrs = {};
    const attributes = tag.attributes;
    for (const k in attributes) {
      const v = attributes[k]!;
      this.attrs[k] = typeof v === 'string' ? v : v.value;
    }
    if (name === 'audioBlockFormat') {
      const id = this.attrs.audioBlockFormatID ?? '?';
      this.draft = {
        id,
        at: this.tagStart,
        rtime: time(this.path, this.tagStart, () => `audioBlockFormat ${id} rtime`, this.attrs.rtime ?? null),
        duration: time(this.path, this.tagStart, () => `audioBlockFormat ${id} duration`, this.attrs.duration ?? null),
        cartesian: null,
        pos: {},
        bounds: {},
        labels: [],
        gain: 1,
        width: 0,
        height: 0,
        depth: 0,
        diffuse: 0,
        divergence: null,
        channelLock: null,
        jump: false,
        interpolationLength: null,
        zoneExclusion: false,
        screenRef: false,
      };
    } else if (this.draft) {
      const d = this.draft;
      if (name === 'position') {
        this.coordinate = this.attrs.coordinate ?? '';
        this.bound = this.attrs.bound;
      } else if (name === 'objectDivergence') {
        const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
        d.divergence = { value: 0, azimuthRange: num(this.attrs.azimuthRange), positionRange: num(this.attrs.positionRange) };
      } else if (name === 'channelLock') {
        d.channelLock = { maxDistance: this.attrs.maxDistance !== undefined ? Number(this.attrs.maxDistance) : null };
      } else if (name === 'jumpPosition') {
        d.interpolationLength = this.attrs.interpolationLength !== undefined ? this.parseSeconds(this.attrs.interpolationLength, d) : null;
      } else if (name === 'gain') {
        this.gainUnit = this.attrs.gainUnit;
      } else if (name === 'zoneExclusion') d.zoneExclusion = true;
    }
  }

  private parseSeconds(s: string, d: Draft): Rational {
    // interpolationLength is in seconds (a decimal), not an ADM time
    const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(s);
    if (!m) throw badXml(this.path, d.at, `audioBlockFormat ${d.id}: interpolationLength '${s}' is not a number of seconds`);
    const frac = m[2] ?? '';
    const den = 10n ** BigInt(frac.length);
    return { n: BigInt(m[1]!) * den + BigInt(frac || '0'), d: den };
  }

  private close(name: string): void {
    const value = this.text.trim();
    this.stack.pop();
    this.text = '';
    const d = this.draft;
    if (!d) return;
    const num = (what: string): number => {
      const v = Number(value);
      if (value === '' || !Number.isFinite(v)) throw badXml(this.path, d.at, `audioBlockFormat ${d.id}: ${what} '${value}' is not a number`);
      return v;
    };
    switch (name) {
      case 'audioBlockFormat':
        this.queue.push(this.finish(d));
        this.draft = null;
        return;
      case 'position': {
        const coord = this.coordinate;
        const v = num(`position ${coord}`);
        if (this.bound === 'min' || this.bound === 'max') {
          const b = (d.bounds[coord] ??= { min: null, max: null });
          b[this.bound] = v;
        } else d.pos[coord] = v;
        return;
      }
      case 'cartesian': d.cartesian = value === '1' || value === 'true'; return;
      case 'speakerLabel': if (value) d.labels.push(value); return;
      case 'gain': d.gain = this.gainUnit === 'dB' ? 10 ** (num('gain') / 20) : num('gain'); return;
      case 'width': d.width = num('width'); return;
      case 'height': d.height = num('height'); return;
      case 'depth': d.depth = num('depth'); return;
      case 'diffuse': d.diffuse = num('diffuse'); return;
      case 'objectDivergence': if (d.divergence) d.divergence.value = num('objectDivergence'); return;
      case 'channelLock': if (!(value === '1' || value === 'true')) d.channelLock = null; return;
      case 'jumpPosition': d.jump = value === '1' || value === 'true'; return;
      case 'screenRef': d.screenRef = value === '1' || value === 'true'; return;
    }
  }

  private finish(d: Draft): RenderBlock {
    const fail = (what: string): never => {
      throw badXml(this.path, d.at, `audioBlockFormat ${d.id} of ${this.channel.id}: ${what}`);
    };
    const block: RenderBlock = {
      id: d.id,
      byteOffset: d.at,
      rtime: d.rtime,
      duration: d.duration,
      interpolationLength: d.jump ? (d.interpolationLength ?? { n: 0n, d: 1n }) : null,
      objects: null,
      directSpeakers: null,
      unsupported: NOTHING_UNSUPPORTED,
    };
    // a duration without an rtime (EAR Production Suite's first blocks): it starts where the last block ended, as the EBU renderer fixes it
    if (d.rtime === null && d.duration !== null) d.rtime = this.lastEnd ?? { n: 0n, d: 1n };
    if ((d.rtime === null) !== (d.duration === null)) fail('rtime and duration must be given together (BS.2076)');
    if (d.rtime && d.duration) this.lastEnd = { n: d.rtime.n * d.duration.d + d.duration.n * d.rtime.d, d: d.rtime.d * d.duration.d };
    block.rtime = d.rtime;
    const hasX = 'X' in d.pos || 'Y' in d.pos || 'Z' in d.pos || 'x' in d.pos;
    const cartesian = d.cartesian ?? (hasX && !('azimuth' in d.pos));
    const get = (k: string, dflt: number): number => d.pos[k] ?? d.pos[k.toLowerCase()] ?? dflt;
    if (cartesian) {
      for (const k of ['X', 'Y', 'Z']) {
        const v = get(k, 0);
        if (v < -1 || v > 1) fail(`position ${k} = ${v} is outside -1..1 (BS.2076 cartesian range)`);
      }
    } else {
      if (!('azimuth' in d.pos) && this.kind === 'Objects') fail('polar position without an azimuth');
      const az = get('azimuth', 0);
      const el = get('elevation', 0);
      const dist = get('distance', 1);
      if (az < -180 || az > 180) fail(`azimuth ${az} is outside -180..180 degrees`);
      if (el < -90 || el > 90) fail(`elevation ${el} is outside -90..90 degrees`);
      if (dist < 0) fail(`distance ${dist} is negative`);
    }
    if (d.gain < 0 || !Number.isFinite(d.gain)) fail(`gain ${d.gain} is not a non-negative number`);
    if (this.kind === 'DirectSpeakers') {
      const bound = (k: string, dflt: number): Bound => ({ value: get(k, dflt), min: d.bounds[k]?.min ?? null, max: d.bounds[k]?.max ?? null });
      block.directSpeakers = {
        speakerLabels: d.labels,
        polar: cartesian ? null : { azimuth: bound('azimuth', 0), elevation: bound('elevation', 0), distance: bound('distance', 1) },
        cartesian: cartesian ? { x: bound('X', 0), y: bound('Y', 0), z: bound('Z', 0) } : null,
        lowPassHz: this.lowPassHz,
        highPassHz: this.highPassHz,
        gain: d.gain,
      };
      return block;
    }
    if (d.diffuse < 0 || d.diffuse > 1) fail(`diffuse ${d.diffuse} is outside 0..1`);
    if (d.divergence && (d.divergence.value < 0 || d.divergence.value > 1)) fail(`objectDivergence ${d.divergence.value} is outside 0..1`);
    if (d.interpolationLength && d.duration && d.jump && d.interpolationLength.n * d.duration.d > d.duration.n * d.interpolationLength.d) {
      fail('jumpPosition interpolationLength is longer than the block');
    }
    const u: (keyof UnrenderedFeatures)[] = [];
    if (d.width > 0 || d.height > 0 || d.depth > 0) u.push('extent');
    if (d.diffuse > 0) u.push('diffuse');
    if (d.zoneExclusion) u.push('zoneExclusion');
    if (d.screenRef) u.push('screenRef');
    if (!cartesian && get('distance', 1) < 1) u.push('nearDistance');
    if (u.length > 0) block.unsupported = u;
    block.objects = {
      rtimeSeconds: null,
      durationSeconds: null,
      cartesian,
      position: cartesian ? [get('X', 0), get('Y', 0), get('Z', 0)] : [get('azimuth', 0), get('elevation', 0), Math.max(1, get('distance', 1))],
      gain: d.gain,
      width: d.width,
      height: d.height,
      depth: d.depth,
      diffuse: d.diffuse,
      divergence: d.divergence,
      channelLock: d.channelLock,
      jumpPosition: d.jump,
      interpolationLengthSeconds: null,
      zoneExclusion: d.zoneExclusion,
      screenRef: d.screenRef,
      admVersion2: this.version2,
    };
    return block;
  }

  /**
   * Before the first read: jump over the blocks that end by `limit` (seconds from the object's start)
   * but the last of them, unparsed: a split pass starts deep in a long master, and parsing an hour of
   * blocks to reach it would cost more than rendering. Only each block's rtime and duration are read
   * (a regular expression over the raw text); when a block lacks them, or a comment or CDATA section
   * lies among them, nothing is skipped. The parser is given the channel's own start tag, then the
   * text from the kept block on; the blocks jumped are the ones the segment before this one renders
   * (and checks).
   */
  skipTo(limit: Rational): void {
    if (this.pos !== this.channel.start || this.queue.length > 0 || this.done) return;
    const chunk = 256 * 1024;
    const buf = Buffer.alloc(chunk);
    let text = '';
    let textStart = this.channel.start;
    let openTagEnd = -1;
    let keep = -1;
    let pos = this.channel.start;
    const OPEN = /<(?:[A-Za-z_][\w.-]*:)?audioBlockFormat(?=[\s/>])[^>]*>/g;
    for (;;) {
      if (pos < this.channel.end) {
        const n = readSync(this.fd, buf, 0, Math.min(chunk, this.channel.end - pos), pos);
        if (n === 0) return;
        text += buf.toString('latin1', 0, n);
        pos += n;
      }
      if (openTagEnd < 0) {
        const gt = tagEnd(text);
        if (gt < 0) {
          if (pos >= this.channel.end) return;
          continue;
        }
        openTagEnd = textStart + gt + 1;
      }
      if (/<!--|<!\[CDATA\[/.test(text)) return;
      OPEN.lastIndex = Math.max(0, openTagEnd - textStart);
      let consumed = OPEN.lastIndex;
      let stop = false;
      for (let m = OPEN.exec(text); m; m = OPEN.exec(text)) {
        const rtime = /\srtime\s*=\s*["']([^"']*)["']/.exec(m[0]);
        const duration = /\sduration\s*=\s*["']([^"']*)["']/.exec(m[0]);
        const r = rtime ? parseAdmTime(rtime[1]!) : null;
        const d = duration ? parseAdmTime(duration[1]!) : null;
        if (!r || !d) return;
        if (cmp(add(r, d), limit) > 0) {
          stop = true;
          break;
        }
        keep = textStart + m.index;
        consumed = m.index + m[0].length;
      }
      if (stop || pos >= this.channel.end) break;
      // carry the text after the last whole tag (a tag cut by the chunk's end)
      const lt = text.lastIndexOf('<');
      const from = Math.max(consumed, lt >= consumed ? lt : text.length);
      textStart += from;
      text = text.slice(from);
    }
    if (keep <= openTagEnd) return;
    // the channel's start tag, then the kept block on (its offsets: the parser's position from `base`)
    const head = Buffer.alloc(openTagEnd - this.channel.start);
    readSync(this.fd, head, 0, head.length, this.channel.start);
    this.parser.write(head.toString('latin1').replace(/\0/g, ' '));
    this.base = keep - head.length;
    this.pos = keep;
  }

  /** Blocks parsed and not yet taken. */
  get queued(): number {
    return this.queue.length;
  }

  /** The next block in document order, or null at the channel's end. */
  next(): RenderBlock | null {
    while (this.queue.length === 0 && !this.done) {
      if (this.pos >= this.channel.end) {
        this.parser.close();
        this.done = true;
        break;
      }
      const n = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.channel.end - this.pos), this.pos);
      if (n === 0) throw new DubstageError({ code: 'truncated', message: `${this.path}: the file ends at byte ${this.pos} inside audioChannelFormat ${this.channel.id}`, path: this.path, byteOffset: this.pos });
      this.parser.write(this.buf.toString('latin1', 0, n).replace(/\0/g, ' '));
      this.pos += n;
    }
    return this.queue.shift() ?? null;
  }
}

/** Index of the '>' that ends the start tag at the beginning of `text` (a '>' in a quoted value does not), or -1. */
function tagEnd(text: string): number {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

/** Open a file for cursors (read-only). */
export function openForCursors(path: string): number {
  return openSync(path, 'r');
}

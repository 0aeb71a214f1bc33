/**
 * FCPXML 1.x (Final Cut Pro 10.x) → Session. FCPXML has no tracks: every element sits in its parent's
 * time space (offset), shows its own local time from `start`, and audio carries a role. Clips are
 * gathered by walking the project's spine with an exact time mapping (BigInt rational seconds), then
 * put on one track per audio role/subrole, split by lane where one role sits on several lanes.
 */
import { statSync } from 'node:fs';
import { readRegularFile } from '../../src/audio/bytesource.js';
import path from 'node:path';
import { DubstageError } from '../../src/errors.js';
import { filePathFromUrl } from '../../src/session/media.js';
import type { Clip, FadeShape, Marker, MediaRef, ReadOptions, Session, SessionAdapter, Track, TrackRole } from '../../src/session/model.js';
import { dropFrameAllowed, formatTimecode, frameRateFromDuration, type Rational, type RationalTime } from '../../src/session/time.js';
import { child, childrenNamed, descendants, parseXml, xmlRootName, type XmlNode } from '../fcp-xml/xml.js';

export const fcpxmlAdapter: SessionAdapter = {
  format: 'fcpxml',
  sniff(head: Uint8Array, name: string): boolean {
    // content decides; a .fcpxmld bundle is a folder, whose Info.fcpxml the reader opens
    void name;
    return xmlRootName(head) === 'fcpxml';
  },
  read: async (filePath: string, options: ReadOptions) => readFcpxml(filePath, options),
};

export async function readFcpxml(filePath: string, options: ReadOptions = {}): Promise<Session> {
  let file = filePath;
  try {
    if (statSync(filePath).isDirectory()) file = path.join(filePath, 'Info.fcpxml');
  } catch (err) {
    throw new DubstageError({ code: 'io', message: `${filePath}: ${(err as Error).message}`, path: filePath });
  }
  let text: string;
  try {
    text = readRegularFile(file, 256 * 1024 * 1024, 'FCPXML file').toString('utf8');
  } catch (err) {
    if (err instanceof DubstageError) throw err;
    throw new DubstageError({ code: 'io', message: `${file}: ${(err as Error).message}`, path: filePath });
  }
  return fcpxmlToSession(text, filePath, options);
}

// ---- exact rational seconds ----

/** n/d seconds, d > 0, reduced. */
interface Rat {
  n: bigint;
  d: bigint;
}

function bgcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b) [a, b] = [b, a % b];
  return a;
}

function rat(n: bigint, d = 1n): Rat {
  if (d < 0n) [n, d] = [-n, -d];
  const g = bgcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

const ZERO: Rat = { n: 0n, d: 1n };
const add = (a: Rat, b: Rat): Rat => rat(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Rat, b: Rat): Rat => rat(a.n * b.d - b.n * a.d, a.d * b.d);
const cmp = (a: Rat, b: Rat): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const max = (a: Rat, b: Rat): Rat => (cmp(a, b) >= 0 ? a : b);
const min = (a: Rat, b: Rat): Rat => (cmp(a, b) <= 0 ? a : b);
const ratSeconds = (a: Rat): number => Number(a.n) / Number(a.d);

/** "1001/24000s", "3600s", "0s", "2.5s" → Rat; null when absent. */
function parseTime(text: string | undefined, where: () => string, filePath: string): Rat | null {
  if (text === undefined) return null;
  const m = /^\s*(-?\d+)(?:\/(\d+))?s?\s*$/.exec(text);
  if (m) {
    const d = m[2] === undefined ? 1n : BigInt(m[2]);
    if (d === 0n) throw bad(filePath, `${where()}: time '${text}' divides by zero`);
    return rat(BigInt(m[1]!), d);
  }
  const dec = /^\s*(-?)(\d*)\.(\d+)s?\s*$/.exec(text);
  if (dec) {
    const scale = 10n ** BigInt(dec[3]!.length);
    const v = BigInt((dec[2] || '0') + dec[3]!);
    return rat(dec[1] === '-' ? -v : v, scale);
  }
  throw bad(filePath, `${where()}: '${text}' is not an FCPXML time (expected e.g. "1001/24000s")`);
}

function bad(filePath: string, message: string, line?: number): DubstageError {
  if (line === undefined) return new DubstageError({ code: 'bad-session', message: `${filePath}: ${message}`, path: filePath });
  return new DubstageError({ code: 'bad-session', message: `${filePath}: line ${line}: ${message}`, path: filePath, line });
}

// ---- the walk ----

interface Asset {
  id: string;
  name: string;
  start: Rat;
  src: string | null;
  channels: number | null;
  sampleRate: number | null;
  hasAudio: boolean;
}

interface Found {
  name: string;
  role: string;
  lane: number;
  start: Rat;
  end: Rat;
  sourceStart: Rat;
  assetId: string | null;
  channels: number;
  gainDb: number;
  fadeInSeconds: number;
  fadeOutSeconds: number;
  fadeInShape?: FadeShape;
  fadeOutShape?: FadeShape;
  muted: boolean;
}

/** How an element's local time reaches the timeline, and what it inherits. */
interface Frame {
  /** timeline = origin + (local − localStart). */
  origin: Rat;
  localStart: Rat;
  /** Visible timeline window of the container: its components are trimmed to it. */
  windowStart: Rat;
  windowEnd: Rat;
  /**
   * Window of the storyline the container sits in: clips connected to it (lane ≠ 0) may run past the
   * container, not past this. A clip-like container (clip, ref-clip, mc-clip, sync-clip) holds a
   * storyline of its own, cut to its extent, for what it contains.
   */
  storyStart: Rat;
  storyEnd: Rat;
  /** Gain and mute of that storyline: a clip's volume and enable do not reach the clips connected to it. */
  storyGainDb: number;
  storyMuted: boolean;
  storyNoAudio: boolean;
  clipLike: boolean;
  lane: number;
  gainDb: number;
  muted: boolean;
  /** Role forced by a container (ref-clip audioRole without subroles). */
  role: string | null;
  /** Roles switched off in an enclosing sync-clip. */
  inactiveRoles: Set<string>;
  /** srcEnable="video" on a container: no audio below. */
  noAudio: boolean;
  depth: number;
}

interface Ctx {
  filePath: string;
  assets: Map<string, Asset>;
  media: Map<string, XmlNode>;
  found: Found[];
  markers: { name: string; at: Rat; duration: Rat | null }[];
  warnings: string[];
  warned: Set<string>;
  usedAssets: Set<string>;
  /** Elements placed so far: compounds used inside compounds multiply, so the walk has a budget. */
  placed: number;
}

const MAX_DEPTH = 32;
const MAX_PLACED = 1_000_000;

function warnOnce(ctx: Ctx, key: string, message: string): void {
  if (ctx.warned.has(key)) return;
  ctx.warned.add(key);
  ctx.warnings.push(message);
}

function label(n: XmlNode): string {
  const name = n.attrs.name ? ` name="${n.attrs.name}"` : n.attrs.ref ? ` ref="${n.attrs.ref}"` : '';
  return `<${n.name}${name}>`;
}

function time(n: XmlNode, attr: string, ctx: Ctx): Rat | null {
  return parseTime(n.attrs[attr], () => `${label(n)} ${attr}`, ctx.filePath);
}

function toTimeline(f: Frame, local: Rat): Rat {
  return add(f.origin, sub(local, f.localStart));
}

/** adjust-volume amount="-9dB" and its fadeIn/fadeOut params. */
function volumeOf(n: XmlNode, ctx: Ctx): { gainDb: number; fadeIn: Rat | null; fadeOut: Rat | null; inShape?: FadeShape; outShape?: FadeShape } {
  const adj = child(n, 'adjust-volume');
  if (!adj) return { gainDb: 0, fadeIn: null, fadeOut: null };
  let gainDb = 0;
  const amount = adj.attrs.amount;
  if (amount !== undefined) {
    const m = /^\s*(-?[\d.]+)\s*dB\s*$/i.exec(amount);
    if (m) gainDb = Number(m[1]);
    else warnOnce(ctx, `vol:${amount}`, `${label(n)}: adjust-volume amount '${amount}' not understood`);
  }
  const param = childrenNamed(adj, 'param').find((p) => p.attrs.name === 'amount');
  if (param && childrenNamed(param, 'keyframeAnimation').length > 0) {
    warnOnce(ctx, 'volkf', 'volume keyframes are not followed; the static amount is used');
  }
  const fi = child(param, 'fadeIn');
  const fo = child(param, 'fadeOut');
  const shape = (x: XmlNode | undefined): FadeShape | undefined => {
    const t = (x?.attrs.type ?? '').toLowerCase();
    if (!x) return undefined;
    if (t === 'linear') return 'linear';
    if (t === 'easein' || t === 'easeout' || t === 'ease') return 's-curve';
    if (t === '+3db') return 'equal-power';
    return 'other';
  };
  return {
    gainDb,
    fadeIn: fi ? time(fi, 'duration', ctx) : null,
    fadeOut: fo ? time(fo, 'duration', ctx) : null,
    inShape: shape(fi),
    outShape: shape(fo),
  };
}

/** "1, 2" / "1-6" / "3" → channel count. */
function channelCount(srcCh: string | undefined): number | null {
  if (!srcCh) return null;
  let n = 0;
  for (const part of srcCh.split(',')) {
    const r = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!r) return null;
    n += r[2] ? Number(r[2]) - Number(r[1]) + 1 : 1;
  }
  return n > 0 ? n : null;
}

const CLIP_LIKE = new Set(['clip', 'ref-clip', 'mc-clip', 'sync-clip']);
const CONTAINERS = new Set(['clip', 'sync-clip', 'gap', 'spine', 'ref-clip', 'mc-clip', 'asset-clip', 'audio', 'video', 'audition', 'title', 'caption']);

/**
 * Place one element (a child of a container with frame `f`) and recurse. `defaultOffset` is where a
 * spine child without an offset would sit (after its predecessor).
 */
function walk(n: XmlNode, f: Frame, ctx: Ctx, defaultOffset: Rat | null): Found[] {
  if (f.depth > MAX_DEPTH) throw bad(ctx.filePath, `${label(n)}: nesting deeper than ${MAX_DEPTH} levels (a compound clip that contains itself?)`);
  if (++ctx.placed > MAX_PLACED) {
    throw bad(ctx.filePath, `${label(n)}: more than ${MAX_PLACED} clip instances once compound clips are expanded`);
  }
  if (n.name === 'audition') {
    // the first child is the active pick; it takes the audition's place
    const pick = n.children.find((c) => CONTAINERS.has(c.name));
    if (!pick) return [];
    const offset = time(n, 'offset', ctx) ?? defaultOffset ?? ZERO;
    const placed: XmlNode = { ...pick, attrs: { ...pick.attrs, offset: `${offset.n}/${offset.d}s` } };
    if (n.attrs.lane && !pick.attrs.lane) placed.attrs.lane = n.attrs.lane;
    return walk(placed, f, ctx, null);
  }
  const offset = time(n, 'offset', ctx) ?? defaultOffset ?? f.localStart;
  const duration = time(n, 'duration', ctx);
  const asset = n.attrs.ref ? ctx.assets.get(n.attrs.ref) : undefined;
  const isAssetRef = n.name === 'asset-clip' || n.name === 'audio' || n.name === 'video';
  const localStart = time(n, 'start', ctx) ?? (isAssetRef && asset ? asset.start : ZERO);
  const tlStart = toTimeline(f, offset);
  const tlEnd = duration ? add(tlStart, duration) : f.windowEnd;
  const laneAttr = n.attrs.lane !== undefined ? Number(n.attrs.lane) : 0;
  const vol = volumeOf(n, ctx);
  const connected = laneAttr !== 0;
  const windowStart = max(tlStart, connected ? f.storyStart : f.windowStart);
  const windowEnd = min(tlEnd, connected ? f.storyEnd : f.windowEnd);
  // the storyline this element lives in: its parent's, or the parent's own content when the parent is clip-like
  const story = connected || !f.clipLike
    ? { start: f.storyStart, end: f.storyEnd, gainDb: f.storyGainDb, muted: f.storyMuted, noAudio: f.storyNoAudio }
    : { start: f.windowStart, end: f.windowEnd, gainDb: f.gainDb, muted: f.muted, noAudio: f.noAudio };
  const baseGainDb = connected ? f.storyGainDb : f.gainDb;
  const baseMuted = connected ? f.storyMuted : f.muted;
  const gainDb = baseGainDb + vol.gainDb;
  const muted = baseMuted || n.attrs.enabled === '0';
  const me: Frame = {
    origin: tlStart,
    localStart,
    windowStart,
    windowEnd,
    storyStart: story.start,
    storyEnd: story.end,
    storyGainDb: story.gainDb,
    storyMuted: story.muted,
    storyNoAudio: story.noAudio,
    clipLike: CLIP_LIKE.has(n.name),
    lane: f.lane !== 0 ? f.lane : laneAttr,
    gainDb,
    muted,
    role: f.role,
    inactiveRoles: f.inactiveRoles,
    // srcEnable="video" silences what the element contains, not the clips connected to it
    noAudio: (connected ? f.storyNoAudio : f.noAudio) || n.attrs.srcEnable === 'video',
    depth: f.depth + 1,
  };
  if (cmp(me.windowEnd, me.windowStart) <= 0) return [];

  for (const m of [...childrenNamed(n, 'marker'), ...childrenNamed(n, 'chapter-marker')]) {
    const at = time(m, 'start', ctx);
    if (!at) continue;
    const tl = toTimeline(me, at);
    if (cmp(tl, me.windowStart) >= 0 && cmp(tl, me.windowEnd) < 0) {
      ctx.markers.push({ name: m.attrs.value ?? '', at: tl, duration: time(m, 'duration', ctx) });
    }
  }

  const produced: Found[] = [];
  switch (n.name) {
    case 'asset-clip':
    case 'audio':
      if (!me.noAudio && n.attrs.srcEnable !== 'video') produced.push(...assetAudio(n, me, localStart, asset, ctx));
      break;
    case 'ref-clip': {
      const media = n.attrs.ref ? ctx.media.get(n.attrs.ref) : undefined;
      const seq = child(media, 'sequence');
      if (!seq) {
        warnOnce(ctx, `ref:${n.attrs.ref}`, `${label(n)}: compound clip media '${n.attrs.ref}' not found in <resources>`);
        break;
      }
      const inner: Frame = { ...me, role: n.attrs.useAudioSubroles === '1' ? me.role : (n.attrs.audioRole ?? me.role) };
      // the compound's own sequence starts at its tcStart (its spine offsets count from there)
      produced.push(...walkSpine(child(seq, 'spine'), inner, ctx));
      break;
    }
    case 'mc-clip': {
      const multicam = child(n.attrs.ref ? ctx.media.get(n.attrs.ref) : undefined, 'multicam');
      if (!multicam) {
        warnOnce(ctx, `mc:${n.attrs.ref}`, `${label(n)}: multicam media '${n.attrs.ref}' not found in <resources>`);
        break;
      }
      const sources = childrenNamed(n, 'mc-source');
      const audioSource = sources.find((s) => s.attrs.srcEnable === 'audio') ?? sources.find((s) => s.attrs.srcEnable === 'all' || !s.attrs.srcEnable);
      const angle = audioSource ? childrenNamed(multicam, 'mc-angle').find((a) => a.attrs.angleID === audioSource.attrs.angleID) : undefined;
      if (!angle) {
        warnOnce(ctx, `mcangle:${n.attrs.ref}`, `${label(n)}: no active audio angle found`);
        break;
      }
      produced.push(...walkSequence(angle.children, me, ctx));
      break;
    }
    case 'sync-clip': {
      const inactive = new Set(me.inactiveRoles);
      for (const s of childrenNamed(n, 'sync-source')) {
        for (const r of childrenNamed(s, 'audio-role-source')) if (r.attrs.active === '0') inactive.add(r.attrs.role ?? '');
      }
      produced.push(...walkChildren(n, { ...me, inactiveRoles: inactive }, ctx));
      break;
    }
    case 'spine':
      produced.push(...walkSequence(n.children, me, ctx));
      break;
    default:
      break;
  }
  // connected clips, components and stories inside this element, in its local time
  if (n.name !== 'spine' && n.name !== 'sync-clip') {
    produced.push(...walkChildren(n, me, ctx));
  }
  // fades written on this element apply to what it plays
  if (vol.fadeIn || vol.fadeOut) {
    for (const c of produced) {
      if (vol.fadeIn && cmp(c.start, me.windowStart) === 0) {
        c.fadeInSeconds = ratSeconds(vol.fadeIn);
        if (vol.inShape) c.fadeInShape = vol.inShape;
      }
      if (vol.fadeOut && cmp(c.end, me.windowEnd) === 0) {
        c.fadeOutSeconds = ratSeconds(vol.fadeOut);
        if (vol.outShape) c.fadeOutShape = vol.outShape;
      }
    }
  }
  return produced;
}

function walkChildren(n: XmlNode, me: Frame, ctx: Ctx): Found[] {
  const out: Found[] = [];
  for (const c of n.children) {
    if (c.name === 'spine' || c.name === 'audition' || (CONTAINERS.has(c.name) && c.name !== 'title' && c.name !== 'caption')) {
      out.push(...walk(c, me, ctx, null));
    }
  }
  return out;
}

/** A storyline: elements in order, transitions fading their neighbours. */
function walkSequence(items: XmlNode[], f: Frame, ctx: Ctx): Found[] {
  const out: Found[] = [];
  const perItem: { node: XmlNode; found: Found[]; start: Rat; end: Rat }[] = [];
  let cursor: Rat | null = null;
  for (const c of items) {
    if (c.name === 'transition') {
      perItem.push({ node: c, found: [], start: ZERO, end: ZERO });
      continue;
    }
    if (!CONTAINERS.has(c.name)) continue;
    const found = walk(c, f, ctx, cursor);
    const offset = time(c, 'offset', ctx) ?? cursor ?? f.localStart;
    const duration = time(c, 'duration', ctx) ?? ZERO;
    cursor = add(offset, duration);
    perItem.push({ node: c, found, start: toTimeline(f, offset), end: toTimeline(f, add(offset, duration)) });
    out.push(...found);
  }
  perItem.forEach((p, i) => {
    if (p.node.name !== 'transition') return;
    const duration = time(p.node, 'duration', ctx);
    if (!duration) return;
    const hasAudio = childrenNamed(p.node, 'filter-audio').length > 0;
    if (!hasAudio) return;
    const seconds = ratSeconds(duration);
    const prev = perItem.slice(0, i).reverse().find((q) => q.node.name !== 'transition');
    const next = perItem.slice(i + 1).find((q) => q.node.name !== 'transition');
    // FCP's audio crossfade plays media beyond the cut (handles); extents stay at the cut
    if (prev) for (const c of prev.found) if (cmp(c.end, prev.end) === 0) c.fadeOutSeconds = seconds;
    if (next) for (const c of next.found) if (cmp(c.start, next.start) === 0) c.fadeInSeconds = seconds;
  });
  return out;
}

function walkSpine(spine: XmlNode | undefined, f: Frame, ctx: Ctx): Found[] {
  return spine ? walkSequence(spine.children, f, ctx) : [];
}

/** The audio an asset-clip or audio element plays: one clip per active channel source (each may have its own role). */
function assetAudio(n: XmlNode, f: Frame, localStart: Rat, asset: Asset | undefined, ctx: Ctx): Found[] {
  if (n.attrs.ref && !asset) {
    warnOnce(ctx, `asset:${n.attrs.ref}`, `${label(n)}: asset '${n.attrs.ref}' is not in <resources>; media unknown`);
  }
  if (asset && !asset.hasAudio) return [];
  const defaultRole = f.role ?? n.attrs.audioRole ?? n.attrs.role ?? 'dialogue';
  const sources = childrenNamed(n, 'audio-channel-source').filter((s) => s.attrs.active !== '0' && s.attrs.enabled !== '0');
  const parts =
    sources.length > 0
      ? sources.map((s) => ({ role: f.role ?? s.attrs.role ?? defaultRole, channels: channelCount(s.attrs.srcCh), muted: false }))
      : [{ role: defaultRole, channels: channelCount(n.attrs.srcCh), muted: false }];
  const start = f.windowStart;
  const end = f.windowEnd;
  // the window may begin after the element's own start (trimmed by its container)
  const sourceStart = add(sub(localStart, asset?.start ?? ZERO), sub(start, f.origin));
  if (asset) ctx.usedAssets.add(asset.id);
  return parts.map((p) => ({
    name: n.attrs.name ?? asset?.name ?? '',
    role: p.role,
    lane: f.lane,
    start,
    end,
    sourceStart,
    assetId: asset?.id ?? null,
    channels: p.channels ?? asset?.channels ?? 2,
    gainDb: f.gainDb,
    fadeInSeconds: 0,
    fadeOutSeconds: 0,
    muted: f.muted || f.inactiveRoles.has(p.role),
  }));
}

// ---- the document ----

function audioRate(text: string | undefined): number | null {
  if (!text) return null;
  const m = /^\s*([\d.]+)\s*(k)?\s*$/i.exec(text);
  if (!m) return null;
  const v = Number(m[1]) * (m[2] ? 1000 : 1);
  return Number.isFinite(v) && v > 0 ? Math.round(v) : null;
}

function trackRole(role: string): TrackRole {
  const main = role.split('.')[0]!.toLowerCase();
  if (main === 'dialogue' || main === 'music' || main === 'effects') return main;
  return 'other';
}

/** Rat seconds → frames at the frame rate when exact, else a count at the fraction's own denominator. */
function toRationalTime(t: Rat, rate: Rational): RationalTime {
  const frames = t.n * BigInt(rate.num);
  const per = t.d * BigInt(rate.den);
  if (frames % per === 0n) return { value: Number(frames / per), rate };
  return { value: Number(t.n), rate: { num: Number(t.d), den: 1 } };
}

export function fcpxmlToSession(text: string, filePath: string, options: ReadOptions = {}): Session {
  const root = parseXml(text, filePath, 'FCPXML');
  if (root.name !== 'fcpxml') throw bad(filePath, `root element is <${root.name}>, expected <fcpxml>`);
  const warnings: string[] = [];
  const ctx: Ctx = {
    filePath,
    assets: new Map(),
    media: new Map(),
    found: [],
    markers: [],
    warnings,
    warned: new Set(),
    usedAssets: new Set(),
    placed: 0,
  };

  const formats = new Map<string, XmlNode>();
  for (const res of childrenNamed(root, 'resources')) {
    for (const r of res.children) {
      const id = r.attrs.id;
      if (!id) continue;
      if (r.name === 'format') formats.set(id, r);
      else if (r.name === 'media') ctx.media.set(id, r);
      else if (r.name === 'asset') {
        const rep = childrenNamed(r, 'media-rep');
        const original = rep.find((m) => m.attrs.kind === 'original-media') ?? rep[0];
        const src = original?.attrs.src ?? r.attrs.src ?? null;
        const channels = Number(r.attrs.audioChannels);
        ctx.assets.set(id, {
          id,
          name: r.attrs.name ?? id,
          start: time(r, 'start', ctx) ?? ZERO,
          src,
          channels: Number.isFinite(channels) && channels > 0 ? channels : null,
          sampleRate: audioRate(r.attrs.audioRate),
          // hasAudio is written when true; a video asset without it has no sound
          hasAudio:
            r.attrs.hasAudio !== undefined
              ? r.attrs.hasAudio === '1'
              : r.attrs.audioSources !== undefined || r.attrs.audioChannels !== undefined || r.attrs.hasVideo !== '1',
        });
      }
    }
  }

  const projects = descendants(root, (n) => n.name === 'project', (n) => n.name === 'project' || n.name === 'resources');
  let project: XmlNode | undefined = projects[0];
  if (options.composition) {
    project = projects.find((p) => p.attrs.name === options.composition);
    if (!project) throw new DubstageError({ code: 'usage', message: `${filePath}: no project named '${options.composition}'`, path: filePath });
  } else if (projects.length > 1) {
    warnings.push(`${projects.length} projects in the file; read the first, '${project!.attrs.name ?? ''}'`);
  }
  const firstFormat = [...formats.values()].find((f) => f.attrs.frameDuration);
  const seq = child(project, 'sequence');
  if (!project || !seq) {
    // an event or clip export with no project: nothing is on a timeline
    warnings.push('no <project><sequence> in the file (a clip or event export): no timeline to read');
    const rate = firstFormat ? frameRateFromDuration(firstFormat.attrs.frameDuration!) : { num: 25, den: 1 };
    return emptySession(filePath, rate, warnings);
  }
  const seqName = project.attrs.name ?? path.basename(filePath).replace(/\.fcpxmld?$/i, '');
  const format = seq.attrs.format ? formats.get(seq.attrs.format) : undefined;
  if (!format) throw bad(filePath, `<sequence> of project '${seqName}': format '${seq.attrs.format ?? ''}' is not in <resources>`);
  let rate: Rational;
  const frameRateAssumed = !format.attrs.frameDuration;
  if (format.attrs.frameDuration) {
    try {
      rate = frameRateFromDuration(format.attrs.frameDuration);
    } catch {
      throw bad(filePath, `<format id="${format.attrs.id}"> frameDuration '${format.attrs.frameDuration}' is not a frame duration`, format.line);
    }
  } else {
    try {
      rate = firstFormat ? frameRateFromDuration(firstFormat.attrs.frameDuration!) : { num: 25, den: 1 };
    } catch {
      throw bad(filePath, `<format id="${firstFormat!.attrs.id}"> frameDuration '${firstFormat!.attrs.frameDuration}' is not a frame duration`, firstFormat!.line);
    }
    warnings.push(`sequence format '${format.attrs.name ?? format.attrs.id}' has no frame rate: using ${rate.num}/${rate.den}`);
  }
  const dropFrame = seq.attrs.tcFormat === 'DF' && dropFrameAllowed(rate);
  const tcStart = time(seq, 'tcStart', ctx) ?? ZERO;
  const tcFrames = tcStart.n * BigInt(rate.num);
  const tcPer = tcStart.d * BigInt(rate.den);
  if (tcFrames % tcPer !== 0n) warnings.push('tcStart is not on a frame boundary: start timecode rounded down');
  const startTimecode = formatTimecode(Number(tcFrames / tcPer), rate, dropFrame);

  const spine = child(seq, 'spine');
  if (!spine) throw bad(filePath, `<sequence> of project '${seqName}' has no <spine>`);
  const seqDuration = time(seq, 'duration', ctx);
  // spine offsets count from tcStart; the session's timeline starts there
  const top: Frame = {
    origin: ZERO,
    localStart: tcStart,
    windowStart: ZERO,
    windowEnd: seqDuration && seqDuration.n > 0n ? seqDuration : rat(1n << 40n),
    storyStart: ZERO,
    storyEnd: seqDuration && seqDuration.n > 0n ? seqDuration : rat(1n << 40n),
    storyGainDb: 0,
    storyMuted: false,
    storyNoAudio: false,
    clipLike: false,
    lane: 0,
    gainDb: 0,
    muted: false,
    role: null,
    inactiveRoles: new Set(),
    noAudio: false,
    depth: 0,
  };
  const found = walkSpine(spine, top, ctx);

  // one track per role; where a role is on several lanes, one per role and lane
  const lanesByRole = new Map<string, Set<number>>();
  for (const c of found) {
    let s = lanesByRole.get(c.role);
    if (!s) lanesByRole.set(c.role, (s = new Set()));
    s.add(c.lane);
  }
  const tracks = new Map<string, Track>();
  const sorted = [...found].sort((a, b) => cmp(a.start, b.start));
  for (const c of sorted) {
    const split = lanesByRole.get(c.role)!.size > 1;
    const key = split ? `${c.role} (lane ${c.lane})` : c.role;
    let t = tracks.get(key);
    if (!t) tracks.set(key, (t = { name: key, channels: 0, role: trackRole(c.role), clips: [] }));
    t.channels = Math.max(t.channels, c.channels);
    const clip: Clip = {
      name: c.name,
      start: toRationalTime(c.start, rate),
      duration: toRationalTime(sub(c.end, c.start), rate),
      sourceStart: toRationalTime(c.sourceStart, rate),
      mediaId: c.assetId,
      channel: null,
      gainDb: c.gainDb,
      fadeInSeconds: c.fadeInSeconds,
      fadeOutSeconds: c.fadeOutSeconds,
      muted: c.muted,
    };
    if (c.fadeInShape) clip.fadeInShape = c.fadeInShape;
    if (c.fadeOutShape) clip.fadeOutShape = c.fadeOutShape;
    t.clips.push(clip);
  }
  const trackList = [...tracks.values()].sort((a, b) => a.name.localeCompare(b.name));

  const media: MediaRef[] = [...ctx.usedAssets].map((id) => {
    const a = ctx.assets.get(id)!;
    return {
      id,
      name: a.name,
      path: a.src ? filePathFromUrl(a.src) : null,
      resolvedPath: null,
      embedded: false,
      channels: a.channels,
      sampleRate: a.sampleRate,
    };
  });
  for (const m of media) if (!m.path) warnings.push(`asset '${m.name}' (${m.id}) has no media-rep src: media missing`);

  const markers: Marker[] = ctx.markers
    .sort((a, b) => cmp(a.at, b.at))
    .map((m) => {
      const marker: Marker = { name: m.name, start: toRationalTime(m.at, rate) };
      // point markers are written with a one-frame or one-sample duration
      if (m.duration && cmp(m.duration, rat(BigInt(rate.den), BigInt(rate.num))) > 0) marker.duration = toRationalTime(m.duration, rate);
      return marker;
    });

  return {
    format: 'fcpxml',
    name: seqName,
    path: filePath,
    frameRate: rate,
    dropFrame,
    startTimecode,
    sampleRate: audioRate(seq.attrs.audioRate),
    tracks: trackList,
    media,
    markers,
    warnings,
    ...(frameRateAssumed ? { frameRateAssumed: true } : {}),
  };
}

function emptySession(filePath: string, rate: Rational, warnings: string[]): Session {
  return {
    format: 'fcpxml',
    name: path.basename(filePath).replace(/\.fcpxmld?$/i, ''),
    path: filePath,
    frameRate: rate,
    dropFrame: false,
    startTimecode: formatTimecode(0, rate, false),
    sampleRate: null,
    tracks: [],
    media: [],
    markers: [],
    warnings,
  };
}

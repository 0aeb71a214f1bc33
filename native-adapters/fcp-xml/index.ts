/**
 * Final Cut Pro 7 / Premiere XML (xmeml v4/v5) → Session. Sequence positions (start/end) are frames
 * at the sequence rate; in/out are frames at the clip's own rate (they differ when media was
 * conformed). A Premiere stereo track is exploded into one xmeml track per channel; those are
 * folded back into one track with N channels.
 */
import { readRegularFile } from '../../src/audio/bytesource.js';
import path from 'node:path';
import { DubstageError } from '../../src/errors.js';
import { filePathFromUrl } from '../../src/session/media.js';
import type { Clip, FadeShape, Marker, MediaRef, ReadOptions, Session, SessionAdapter, Track } from '../../src/session/model.js';
import {
  dropFrameAllowed,
  formatTimecode,
  MAX_FRAME_RATE,
  parseTimecode,
  rational,
  rescaleTime,
  timecodeToFrames,
  type Rational,
  type RationalTime,
} from '../../src/session/time.js';
import { at, child, childrenNamed, descendants, parseXml, textAt, xmlRootName, type XmlNode } from './xml.js';

export const fcpXmlAdapter: SessionAdapter = {
  format: 'fcp-xml',
  sniff(head: Uint8Array, name: string): boolean {
    // content only: ".xml" says nothing, and an xmeml root is unmistakable
    void name;
    return xmlRootName(head) === 'xmeml';
  },
  read: async (filePath: string, options: ReadOptions) => readFcpXml(filePath, options),
};

export async function readFcpXml(filePath: string, options: ReadOptions = {}): Promise<Session> {
  let text: string;
  try {
    text = readRegularFile(filePath, 256 * 1024 * 1024, 'FCP XML file').toString('utf8');
  } catch (err) {
    if (err instanceof DubstageError) throw err;
    throw new DubstageError({ code: 'io', message: `${filePath}: ${(err as Error).message}`, path: filePath });
  }
  return xmemlToSession(text, filePath, options);
}

const SILENCE_DB = -150;

function badSession(filePath: string, message: string): DubstageError {
  return new DubstageError({ code: 'bad-session', message: `${filePath}: ${message}`, path: filePath });
}

/** `<rate><timebase>24</timebase><ntsc>TRUE</ntsc></rate>` → 24000/1001. */
function rateOf(node: XmlNode | undefined, filePath = ''): Rational | null {
  const tbNode = at(node, 'rate', 'timebase');
  const tb = Number(tbNode?.text);
  if (!Number.isFinite(tb) || tb <= 0) return null;
  // a timebase that rounds to no frames (0.0001) or to thousands of them is not a frame rate
  if (Math.round(tb) < 1 || tb > MAX_FRAME_RATE) {
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: line ${tbNode!.line}: <timebase>${tbNode!.text}</timebase> is not a frame rate (expected 1 to ${MAX_FRAME_RATE})`, path: filePath, line: tbNode!.line });
  }
  const ntsc = (textAt(node, 'rate', 'ntsc') ?? '').toUpperCase() === 'TRUE';
  return ntsc ? rational(Math.round(tb) * 1000, 1001) : rational(Math.round(tb), 1);
}

function intAt(node: XmlNode | undefined, name: string): number | null {
  const t = textAt(node, name);
  if (t === undefined || t === '') return null;
  const n = Number(t);
  return Number.isInteger(n) ? n : null;
}

function frames(value: number, rate: Rational): RationalTime {
  return { value, rate };
}

function secondsOfFrames(count: number, rate: Rational): number {
  return (count * rate.den) / rate.num;
}

interface Ctx {
  filePath: string;
  seqRate: Rational;
  warnings: string[];
  files: Map<string, XmlNode>;
  media: Map<string, MediaRef>;
  warned: Set<string>;
}

function warnOnce(ctx: Ctx, key: string, message: string): void {
  if (ctx.warned.has(key)) return;
  ctx.warned.add(key);
  ctx.warnings.push(message);
}

/** Top-level sequences: under xmeml, or in project/bin children, but not those nested inside clipitems. */
function topSequences(root: XmlNode): XmlNode[] {
  return descendants(
    root,
    (n) => n.name === 'sequence',
    (n) => n.name === 'sequence' || n.name === 'clipitem' || n.name === 'file',
  );
}

export function xmemlToSession(text: string, filePath: string, options: ReadOptions = {}): Session {
  const root = parseXml(text, filePath, 'FCP XML');
  if (root.name !== 'xmeml') throw badSession(filePath, `root element is <${root.name}>, expected <xmeml>`);
  const sequences = topSequences(root);
  if (sequences.length === 0) throw badSession(filePath, '<xmeml> holds no <sequence>');
  const warnings: string[] = [];
  let seq = sequences[0]!;
  if (options.composition) {
    const named = sequences.find((s) => textAt(s, 'name') === options.composition);
    if (!named) throw new DubstageError({ code: 'usage', message: `${filePath}: no sequence named '${options.composition}'`, path: filePath });
    seq = named;
  } else if (sequences.length > 1) {
    warnings.push(
      `${sequences.length} sequences in the file; read the first, '${textAt(seq, 'name') ?? ''}' (others: ${sequences
        .slice(1)
        .map((s) => `'${textAt(s, 'name') ?? ''}'`)
        .join(', ')})`,
    );
  }
  const seqName = textAt(seq, 'name') ?? '';
  const seqRate = rateOf(seq, filePath);
  if (!seqRate) throw badSession(filePath, `<sequence> '${seqName}' has no <rate><timebase>`);

  // a <file> is defined in full once and later referenced by id alone, possibly in another sequence
  const files = new Map<string, XmlNode>();
  for (const f of descendants(root, (n) => n.name === 'file')) {
    const id = f.attrs.id;
    if (id && f.children.length > 0 && !files.has(id)) files.set(id, f);
  }
  const ctx: Ctx = { filePath, seqRate, warnings, files, media: new Map(), warned: new Set() };

  // start timecode: <timecode><string> as written, else its <frame> count
  const tc = child(seq, 'timecode');
  const dropFrame = (textAt(tc, 'displayformat') ?? '').toUpperCase() === 'DF' && dropFrameAllowed(seqRate);
  let startTimecode = '00:00:00:00';
  const tcString = textAt(tc, 'string');
  const tcFrame = intAt(tc, 'frame');
  if (tcString && parseTimecode(tcString)) {
    const parsed = parseTimecode(tcString)!;
    startTimecode = formatTimecode(timecodeToFrames(parsed, seqRate, dropFrame), seqRate, dropFrame);
  } else if (tcFrame !== null) {
    startTimecode = formatTimecode(tcFrame, seqRate, dropFrame);
  } else if (tc) {
    warnings.push('sequence <timecode> has neither <string> nor <frame>: start timecode 00:00:00:00');
  }

  const audio = at(seq, 'media', 'audio');
  const sr = Number(textAt(audio, 'format', 'samplecharacteristics', 'samplerate'));
  const tracks = readTracks(childrenNamed(audio, 'track'), ctx);

  const markers: Marker[] = childrenNamed(seq, 'marker').map((m) => {
    const inF = intAt(m, 'in') ?? 0;
    const outF = intAt(m, 'out') ?? -1;
    const marker: Marker = { name: textAt(m, 'name') ?? '', start: frames(inF, seqRate) };
    if (outF > inF) marker.duration = frames(outF - inF, seqRate);
    const comment = textAt(m, 'comment');
    if (comment) marker.comment = comment;
    return marker;
  });

  return {
    format: 'fcp-xml',
    name: seqName || path.basename(filePath).replace(/\.xml$/i, ''),
    path: filePath,
    frameRate: seqRate,
    dropFrame,
    startTimecode,
    sampleRate: Number.isFinite(sr) && sr > 0 ? sr : null,
    tracks,
    media: [...ctx.media.values()],
    markers,
    warnings,
  };
}

/** Group Premiere's exploded tracks: index 0 of N starts a group of the next N tracks. */
function groupTracks(trackNodes: XmlNode[], ctx: Ctx): XmlNode[][] {
  const groups: XmlNode[][] = [];
  for (let i = 0; i < trackNodes.length; ) {
    const t = trackNodes[i]!;
    const total = Number(t.attrs.totalExplodedTrackCount ?? 1);
    const index = Number(t.attrs.currentExplodedTrackIndex ?? 0);
    if (total > 1 && index === 0) {
      const group = [t];
      for (let k = 1; k < total && i + k < trackNodes.length; k++) {
        const next = trackNodes[i + k]!;
        if (Number(next.attrs.currentExplodedTrackIndex) !== k) break;
        group.push(next);
      }
      if (group.length !== total) {
        ctx.warnings.push(`audio track ${i + 1}: exploded ${total}-channel track has only ${group.length} part(s)`);
      }
      groups.push(group);
      i += group.length;
    } else if (i + 1 < trackNodes.length && isStereoPair(t, trackNodes[i + 1]!)) {
      groups.push([t, trackNodes[i + 1]!]);
      i += 2;
    } else {
      groups.push([t]);
      i++;
    }
  }
  return groups;
}

/** The group index a clipitem's link gives to the clip `id` (FCP 7 puts both halves of a stereo pair in one group). */
function linkGroup(clip: XmlNode, id: string | undefined): string | undefined {
  if (!id) return undefined;
  const link = childrenNamed(clip, 'link').find((l) => textAt(l, 'linkclipref') === id);
  return textAt(link, 'groupindex');
}

/**
 * FCP 7 stereo pair on two adjacent mono tracks: clip for clip the same edit, the same file, and
 * linked to each other in one link group.
 */
function isStereoPair(a: XmlNode, b: XmlNode): boolean {
  if (a.attrs.totalExplodedTrackCount || b.attrs.totalExplodedTrackCount) return false;
  const ca = childrenNamed(a, 'clipitem');
  const cb = childrenNamed(b, 'clipitem');
  if (ca.length === 0 || ca.length !== cb.length) return false;
  return ca.every((x, k) => {
    const y = cb[k]!;
    if (textAt(x, 'start') !== textAt(y, 'start') || textAt(x, 'end') !== textAt(y, 'end')) return false;
    if (child(x, 'file')?.attrs.id === undefined || child(x, 'file')?.attrs.id !== child(y, 'file')?.attrs.id) return false;
    const own = linkGroup(x, x.attrs.id);
    const other = linkGroup(x, y.attrs.id);
    return own !== undefined && own === other;
  });
}

function channelsOfTrackType(t: XmlNode): number {
  switch ((t.attrs.premiereTrackType ?? '').toLowerCase()) {
    case 'stereo':
      return 2;
    case '5.1':
      return 6;
    default:
      return 1;
  }
}

function readTracks(trackNodes: XmlNode[], ctx: Ctx): Track[] {
  const out: Track[] = [];
  for (const group of groupTracks(trackNodes, ctx)) {
    const first = group[0]!;
    const channels = group.length > 1 ? group.length : channelsOfTrackType(first);
    const name = first.attrs['MZ.TrackName'] || textAt(first, 'name') || `A${out.length + 1}`;
    const enabled = (textAt(first, 'enabled') ?? 'TRUE').toUpperCase() !== 'FALSE';
    // a Premiere stereo or 5.1 track is one track of several channels: its clips play source channels 1..n
    // (trackindex there numbers the file's audio tracks, not a channel), so only a mono track's clip plays one channel
    const clips = readTrackItems(first, ctx, name, group.length === 1 && channels === 1);
    // the other channels' pieces are the same edit events; one that reaches further widens the event
    // (coverage is never lost), one with no counterpart on the first channel is kept as its own clip
    for (const other of group.slice(1)) {
      for (const c of readTrackItems(other, ctx, name, false)) {
        const cEnd = c.start.value + c.duration.value;
        const same = counterpart(clips, c);
        if (!same) {
          clips.push(c);
          continue;
        }
        const kEnd = same.start.value + same.duration.value;
        if (c.start.value !== same.start.value || cEnd !== kEnd) {
          warnOnce(ctx, `split:${name}`, `${name}: the channels of a ${group.length}-channel clip differ in length; the clip covers them all`);
        }
        if (c.start.value < same.start.value) {
          same.sourceStart = c.sourceStart;
          same.fadeInSeconds = c.fadeInSeconds;
          same.start = c.start;
        }
        if (cEnd > kEnd) same.fadeOutSeconds = c.fadeOutSeconds;
        same.duration = frames(Math.max(cEnd, kEnd) - same.start.value, ctx.seqRate);
      }
    }
    clips.sort((a, b) => a.start.value - b.start.value);
    out.push({ name, channels, muted: !enabled, clips });
  }
  return out;
}

/** The first-channel clip that is the same edit event as `c`: same start, else same end, else the most overlap on the same media. */
function counterpart(clips: Clip[], c: Clip): Clip | undefined {
  const end = (k: Clip) => k.start.value + k.duration.value;
  const sameMedia = clips.filter((k) => k.mediaId === c.mediaId);
  const exact = sameMedia.find((k) => k.start.value === c.start.value) ?? sameMedia.find((k) => end(k) === end(c));
  if (exact) return exact;
  let best: Clip | undefined;
  let bestOverlap = 0;
  for (const k of sameMedia) {
    const overlap = Math.min(end(k), end(c)) - Math.max(k.start.value, c.start.value);
    if (overlap > bestOverlap) [best, bestOverlap] = [k, overlap];
  }
  return best;
}

interface Pending {
  node: XmlNode;
  start: number;
  end: number;
  clip: Clip | null;
}

/** Clipitems of one track in order, with −1 edges taken from the neighbouring transitions. */
function readTrackItems(track: XmlNode, ctx: Ctx, trackName: string, monoTrack: boolean): Clip[] {
  const items = track.children.filter((c) => c.name === 'clipitem' || c.name === 'transitionitem' || c.name === 'generatoritem');
  const pending: Pending[] = items.map((node) => ({ node, start: intAt(node, 'start') ?? -1, end: intAt(node, 'end') ?? -1, clip: null }));
  // an edge inside a transition is written as −1: the outgoing clip runs to the transition's end,
  // the incoming one starts at its start
  pending.forEach((p, i) => {
    if (p.node.name !== 'transitionitem') return;
    const prev = pending[i - 1];
    const next = pending[i + 1];
    if (prev && prev.node.name === 'clipitem' && prev.end === -1) prev.end = p.end;
    if (next && next.node.name === 'clipitem' && next.start === -1) next.start = p.start;
  });
  for (const p of pending) {
    if (p.node.name === 'generatoritem') {
      warnOnce(ctx, 'generator', `generator items on audio tracks are not clips (first on '${trackName}')`);
    } else if (p.node.name === 'clipitem') {
      p.clip = readClipItem(p, ctx, trackName, monoTrack);
    }
  }
  // fades from transitions: the clip before fades out over it, the clip after fades in
  pending.forEach((p, i) => {
    if (p.node.name !== 'transitionitem' || p.start < 0 || p.end <= p.start) return;
    const lengthSeconds = secondsOfFrames(p.end - p.start, ctx.seqRate);
    const shape = transitionShape(p.node);
    const prev = pending[i - 1];
    const next = pending[i + 1];
    if (prev?.clip && prev.end >= p.start && prev.start < p.start) {
      prev.clip.fadeOutSeconds = lengthSeconds;
      prev.clip.fadeOutShape = shape;
    }
    if (next?.clip && next.start <= p.end && next.end > p.end) {
      next.clip.fadeInSeconds = lengthSeconds;
      next.clip.fadeInShape = shape;
    }
  });
  return pending.flatMap((p) => (p.clip ? [p.clip] : []));
}

function transitionShape(node: XmlNode): FadeShape {
  const name = `${textAt(node, 'effect', 'name') ?? ''} ${textAt(node, 'effect', 'effectid') ?? ''}`;
  if (/\+3|3db|equal/i.test(name)) return 'equal-power';
  if (/0db|cross ?fade|linear/i.test(name)) return 'linear';
  return 'other';
}

function linearToDb(linear: number): number {
  return linear > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(linear)) : SILENCE_DB;
}

/** Audio Levels filters (effectid "audiolevels"): the level parameter is a linear gain, 1 = 0 dB. */
function clipGainDb(clip: XmlNode, ctx: Ctx, where: string): number {
  let db = 0;
  for (const filter of childrenNamed(clip, 'filter')) {
    const effect = child(filter, 'effect');
    const id = (textAt(effect, 'effectid') ?? '').toLowerCase();
    const name = (textAt(effect, 'name') ?? '').toLowerCase();
    if (id !== 'audiolevels' && name !== 'audio levels') continue;
    if ((textAt(filter, 'enabled') ?? 'TRUE').toUpperCase() === 'FALSE') continue;
    const level = childrenNamed(effect, 'parameter').find((p) => (textAt(p, 'parameterid') ?? textAt(p, 'name') ?? '').toLowerCase() === 'level');
    if (!level) continue;
    let value = Number(textAt(level, 'value'));
    const keyframes = childrenNamed(level, 'keyframe');
    if (!Number.isFinite(value) && keyframes.length > 0) value = Number(textAt(keyframes[0], 'value'));
    if (keyframes.length > 1) warnOnce(ctx, `kf:${where}`, `${where}: audio level keyframes not followed; the first level is used`);
    if (Number.isFinite(value)) db += linearToDb(value);
  }
  return db;
}

function mediaFor(fileNode: XmlNode, ctx: Ctx): MediaRef {
  const id = fileNode.attrs.id ?? `file-${ctx.media.size + 1}`;
  let m = ctx.media.get(id);
  if (m) return m;
  const def = ctx.files.get(id) ?? fileNode;
  const url = textAt(def, 'pathurl');
  const fileAudio = at(def, 'media', 'audio');
  const channels = Number(textAt(fileAudio, 'channelcount'));
  const sr = Number(textAt(fileAudio, 'samplecharacteristics', 'samplerate'));
  m = {
    id,
    name: textAt(def, 'name') || (url ? decodeURIComponent(url.split('/').pop() ?? '') : id),
    path: url ? filePathFromUrl(url) : null,
    resolvedPath: null,
    embedded: false,
    channels: Number.isFinite(channels) && channels > 0 ? channels : null,
    sampleRate: Number.isFinite(sr) && sr > 0 ? sr : null,
  };
  ctx.media.set(id, m);
  return m;
}

function readClipItem(p: Pending, ctx: Ctx, trackName: string, monoTrack: boolean): Clip | null {
  const node = p.node;
  const name = textAt(node, 'name') ?? '';
  const where = `clipitem '${name || node.attrs.id || '?'}' on ${trackName}`;
  const clipRate = rateOf(node, ctx.filePath) ?? ctx.seqRate;
  const inF = intAt(node, 'in');
  const outF = intAt(node, 'out');
  let { start, end } = p;
  if (start < 0 && end < 0) {
    ctx.warnings.push(`${where}: no start or end on the timeline, left out`);
    return null;
  }
  // an edge still unknown (transition missing): derive it from the source length, converted to sequence frames
  if (start < 0 || end < 0) {
    if (inF === null || outF === null) {
      throw badSession(ctx.filePath, `${where}: <start>/<end> is -1 with no transition beside it and no <in>/<out>`);
    }
    const len = rescaleTime({ value: outF - inF, rate: clipRate }, ctx.seqRate).value;
    if (start < 0) start = end - len;
    else end = start + len;
    p.start = start;
    p.end = end;
  }
  if (end < start) throw badSession(ctx.filePath, `${where}: <end> ${end} is before <start> ${start}`);

  let mediaId: string | null = null;
  const fileNode = child(node, 'file');
  if (fileNode) {
    const id = fileNode.attrs.id;
    if (id && !ctx.files.has(id) && fileNode.children.length === 0) {
      ctx.warnings.push(`${where}: <file id="${id}"> is never defined in the file; media unknown`);
    } else {
      mediaId = mediaFor(fileNode, ctx).id;
    }
  } else if (child(node, 'sequence')) {
    warnOnce(ctx, `nest:${name}`, `${where}: a nested sequence; its own tracks are not expanded`);
  } else {
    ctx.warnings.push(`${where}: no <file>; media unknown`);
  }

  const sourceTrack = intAt(child(node, 'sourcetrack'), 'trackindex');
  const enabled = (textAt(node, 'enabled') ?? 'TRUE').toUpperCase() !== 'FALSE';
  const clip: Clip = {
    name: name || (mediaId ? ctx.media.get(mediaId)!.name : ''),
    start: frames(start, ctx.seqRate),
    duration: frames(end - start, ctx.seqRate),
    sourceStart: frames(inF !== null && inF >= 0 ? inF : 0, clipRate),
    mediaId,
    gainDb: clipGainDb(node, ctx, where),
    fadeInSeconds: 0,
    fadeOutSeconds: 0,
    muted: !enabled,
  };
  if (monoTrack && sourceTrack !== null) clip.channel = sourceTrack;
  return clip;
}

/**
 * REAPER project (.RPP) → Session. Times in an RPP are float seconds from project time 0; they are
 * kept as whole samples at the project sample rate. PROJOFFS names the timecode of project time 0.
 */
import { readRegularFile } from '../../src/audio/bytesource.js';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../../src/audio/limits.js';
import path from 'node:path';
import { DubstageError } from '../../src/errors.js';
import type { Clip, FadeShape, Marker, MediaRef, Session, SessionAdapter, Track } from '../../src/session/model.js';
import { parseFrameRate, secondsToTimecode, type Rational, type RationalTime } from '../../src/session/time.js';
import { isBlock, parseRpp, tokenize, type RppBlock, type RppLine } from './rpp.js';

const DEFAULT_SAMPLE_RATE = 44100;
/** Floor for a linear gain of 0 (−inf dB), which JSON cannot carry. */
const SILENCE_DB = -150;

/** Item sources that are not clips at all (no sound on the timeline). */
const NOT_A_CLIP = new Set(['EMPTY']);
/** Sources that make sound without a media file: a clip with no media. */
const GENERATED = new Set(['MIDI', 'CLICK', 'MIDIPOOL', 'TIMECODE']);

export const reaperAdapter: SessionAdapter = {
  format: 'rpp',
  sniff(head: Uint8Array, name: string): boolean {
    let text = Buffer.from(head.subarray(0, 256)).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // the first line says it all; the extension is not needed, and a .rpp holding anything else is refused
    void name;
    return /^\s*<REAPER_PROJECT[\s>]/.test(text);
  },
  read: async (filePath: string) => readRpp(filePath),
};

export async function readRpp(filePath: string): Promise<Session> {
  let text: string;
  try {
    text = readRegularFile(filePath, 256 * 1024 * 1024, 'REAPER project').toString('utf8');
  } catch (err) {
    if (err instanceof DubstageError) throw err;
    throw new DubstageError({ code: 'io', message: `${filePath}: ${(err as Error).message}`, path: filePath });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return rppToSession(text, filePath);
}

interface Ctx {
  filePath: string;
  sampleRate: number;
  rate: Rational;
  warnings: string[];
  media: Map<string, MediaRef>;
}

function lines(block: RppBlock): RppLine[] {
  return block.children.filter((c): c is RppLine => !isBlock(c));
}

function blocks(block: RppBlock, tag?: string): RppBlock[] {
  return block.children.filter((c): c is RppBlock => isBlock(c) && (tag === undefined || c.tag === tag));
}

/** Tokens of the first `KEY …` line in this block (not nested ones), without the key. */
function field(block: RppBlock, key: string, ctx: Ctx): string[] | null {
  for (const c of block.children) {
    if (isBlock(c)) continue;
    if (c.text === key || c.text.startsWith(key + ' ')) {
      return tokenize(c.text, { path: ctx.filePath, line: c.line }).slice(1);
    }
  }
  return null;
}

/** The line a block's KEY line sits on, for messages; undefined when the block has none. */
function fieldLine(block: RppBlock, key: string): number | undefined {
  for (const c of block.children) if (!isBlock(c) && (c.text === key || c.text.startsWith(key + ' '))) return c.line;
  return undefined;
}

function num(tokens: string[] | null, index: number, fallback: number): number {
  const v = tokens?.[index];
  if (v === undefined) return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

function linearToDb(linear: number): number {
  const a = Math.abs(linear); // a negative volume is a polarity flip, not a level
  return a > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(a)) : SILENCE_DB;
}

/** Clip gain in dB from a linear volume; unity stays exactly 0. */
function gainDb(linear: number): number {
  return Math.abs(linear) === 1 ? 0 : linearToDb(linear);
}

function samples(seconds: number, ctx: Ctx): RationalTime {
  return { value: Math.round(seconds * ctx.sampleRate), rate: { num: ctx.sampleRate, den: 1 } };
}

/**
 * REAPER stores fade shapes as menu indices (0–7) whose curves we have not verified against REAPER
 * itself; only 0 (linear) is named, the rest are reported as 'other' rather than guessed.
 */
function fadeShape(code: number): FadeShape {
  return code === 0 ? 'linear' : 'other';
}

export function rppToSession(text: string, filePath: string): Session {
  const root = parseRpp(text, filePath);
  const warnings: string[] = [];
  const ctx: Ctx = { filePath, sampleRate: DEFAULT_SAMPLE_RATE, rate: { num: 30, den: 1 }, warnings, media: new Map() };

  const sr = field(root, 'SAMPLERATE', ctx);
  const srHz = Number(sr?.[0]);
  if (sr && (sr[0] === undefined || !Number.isFinite(srHz) || (srHz !== 0 && (srHz < MIN_SAMPLE_RATE || srHz > MAX_SAMPLE_RATE)))) {
    // a rate no time can be counted at (1e400 is Infinity): refused with its line, not carried into the session
    const line = root.children.find((c): c is { line: number; text: string } => !isBlock(c) && c.text.split(' ')[0] === 'SAMPLERATE')?.line;
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: line ${line}: SAMPLERATE '${sr[0] ?? ''}': expected ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`, path: filePath, ...(line !== undefined ? { line } : {}) });
  }
  if (sr && srHz > 0) ctx.sampleRate = Math.round(srHz);
  else warnings.push(`no SAMPLERATE line: times counted at ${DEFAULT_SAMPLE_RATE} Hz`);

  // project frame rate: TIMEMODE's 4th value (REAPER 5+), else SMPTESYNC's 2nd (REAPER 4)
  const timemode = field(root, 'TIMEMODE', ctx);
  const smpte = field(root, 'SMPTESYNC', ctx);
  const fpsText = timemode?.[3] ?? smpte?.[1];
  let rateKnown = false;
  if (fpsText !== undefined && Number(fpsText) > 0) {
    try {
      ctx.rate = parseFrameRate(fpsText);
      rateKnown = true;
    } catch {
      /* fall through to the warning */
    }
  }
  if (!rateKnown) warnings.push('no project frame rate (TIMEMODE/SMPTESYNC): assuming 30 fps for timecode');
  // REAPER's drop-frame setting is not stored in a field we can confirm; timecode is shown non-drop
  if (ctx.rate.den === 1001 && ctx.rate.num % 30000 === 0) {
    warnings.push('drop-frame flag is not read from RPP: start timecode shown non-drop');
  }

  const projOffsSeconds = num(field(root, 'PROJOFFS', ctx), 0, 0);
  const startTimecode = secondsToTimecode(Math.max(0, projOffsSeconds), ctx.rate, false);
  if (projOffsSeconds < 0) warnings.push(`negative PROJOFFS ${projOffsSeconds}s: start timecode shown as 00:00:00:00`);

  const tracks = readTracks(root, ctx);
  const markers = readMarkers(root, ctx);

  const versionTokens = tokenize(root.head.text, { path: filePath, line: root.head.line });
  if (versionTokens.length < 2) warnings.push('REAPER_PROJECT line carries no version');
  // <REAPER_PROJECT 0.1 "7.51/linux64" 1735689600>: the quoted token is the version that saved it
  const saved = versionTokens.find((t) => /^\d+\.\d+.*\//.test(t)) ?? versionTokens.find((t, i) => i > 0 && /^\d+\.\d+[a-z+]*$/i.test(t) && t !== '0.1');
  const writer = saved ? `REAPER ${saved}` : undefined;

  return {
    format: 'rpp',
    name: path.basename(filePath).replace(/\.rpp(-bak)?$/i, ''),
    path: filePath,
    frameRate: ctx.rate,
    dropFrame: false,
    startTimecode,
    sampleRate: ctx.sampleRate,
    tracks,
    media: [...ctx.media.values()],
    markers,
    warnings,
    ...(rateKnown ? {} : { frameRateAssumed: true }),
    ...(writer ? { writer } : {}),
  };
}

function readTracks(root: RppBlock, ctx: Ctx): Track[] {
  const out: Track[] = [];
  // folder nesting: ISBUS 1 1 opens a folder, the last child carries ISBUS 2 -n (closes n levels);
  // a muted folder mutes everything inside it
  const folderMuted: boolean[] = [];
  const folderIndex: number[] = [];
  for (const tb of blocks(root, 'TRACK')) {
    const nameTok = field(tb, 'NAME', ctx);
    const name = nameTok?.[0] ?? '';
    const volpan = field(tb, 'VOLPAN', ctx);
    const ownMute = num(field(tb, 'MUTESOLO', ctx), 0, 0) === 1;
    const nchan = num(field(tb, 'NCHAN', ctx), 0, 2);
    const inheritedMute = folderMuted.some(Boolean);
    const track: Track = {
      // an empty NAME stays empty: the session says what the file says; text output labels it
      name,
      channels: nchan > 0 ? nchan : 2,
      muted: ownMute || inheritedMute,
      volumeDb: linearToDb(num(volpan, 0, 1)),
      clips: [],
    };
    if (folderIndex.length > 0) track.parentTrack = folderIndex[folderIndex.length - 1]!;
    const rates: RateNote[] = [];
    for (const ib of blocks(tb, 'ITEM')) {
      const clip = readItem(ib, ctx, name || `unnamed track ${out.length + 1}`, rates);
      if (clip) track.clips.push(clip);
    }
    if (rates.length > 0) {
      // one line per track: a stretched guide track has hundreds of items at other rates
      const first = rates[0]!;
      const label = name || `unnamed track ${out.length + 1}`;
      ctx.warnings.push(
        rates.length === 1
          ? `line ${first.line}: item at ${first.positionSeconds}s on '${label}' plays at rate ${first.rate}: source times not scaled`
          : `${rates.length} items on '${label}' play at rates other than 1 (first: line ${first.line}, at ${first.positionSeconds}s, rate ${first.rate}): source times not scaled`,
      );
    }
    out.push(track);

    const isbus = field(tb, 'ISBUS', ctx);
    const kind = num(isbus, 0, 0);
    const delta = num(isbus, 1, 0);
    if (kind === 1 && delta > 0) {
      folderMuted.push(ownMute);
      folderIndex.push(out.length - 1);
      track.folder = true;
    } else if (delta < 0) {
      for (let i = 0; i < -delta; i++) {
        if (folderMuted.length === 0) {
          // REAPER keeps a folder depth the user set with nothing open (ISBUS 2 -2 on a top track); it closes nothing
          ctx.warnings.push(`line ${fieldLine(tb, 'ISBUS')}: track '${name || `unnamed track ${out.length}`}' closes ${-delta - i} folder(s) that were never opened (ISBUS ${isbus!.join(' ')}); ignored`);
          break;
        }
        folderMuted.pop();
        folderIndex.pop();
      }
    }
  }
  if (folderMuted.length > 0) ctx.warnings.push(`${folderMuted.length} track folder(s) left open at the last track`);
  return out;
}

/** An item that plays its source at another rate (PLAYRATE), said once per track. */
interface RateNote {
  line: number;
  positionSeconds: number;
  rate: number;
}

interface Take {
  name: string | null;
  /** Take volume, linear (negative = polarity flipped). */
  volumeLinear: number;
  soffsSeconds: number;
  source: RppBlock | null;
  selected: boolean;
}

/**
 * Split an ITEM's children into takes: the first take's fields sit in the item; `TAKE` lines start the
 * others. The item's `VOLPAN itemVol takePan takeVol panLaw` carries the item volume and the first
 * take's; a later take has `TAKEVOLPAN pan vol panLaw`.
 */
function readTakes(item: RppBlock, ctx: Ctx): { takes: Take[]; itemVolumeLinear: number } {
  const takes: Take[] = [];
  let itemVolumeLinear = 1;
  let cur: Take = { name: null, volumeLinear: 1, soffsSeconds: 0, source: null, selected: false };
  takes.push(cur);
  for (const c of item.children) {
    if (isBlock(c)) {
      if (c.tag === 'SOURCE' && !cur.source) cur.source = c;
      continue;
    }
    const key = c.text.split(/\s/, 1)[0];
    if (key === 'TAKE') {
      const t = tokenize(c.text, { path: ctx.filePath, line: c.line });
      cur = { name: null, volumeLinear: 1, soffsSeconds: 0, source: null, selected: t.includes('SEL') };
      takes.push(cur);
    } else if (key === 'NAME') {
      cur.name = tokenize(c.text, { path: ctx.filePath, line: c.line })[1] ?? '';
    } else if (key === 'VOLPAN' && takes.length === 1) {
      const t = tokenize(c.text, { path: ctx.filePath, line: c.line }).slice(1);
      itemVolumeLinear = num(t, 0, 1);
      cur.volumeLinear = num(t, 2, 1);
    } else if (key === 'TAKEVOLPAN') {
      cur.volumeLinear = num(tokenize(c.text, { path: ctx.filePath, line: c.line }).slice(1), 1, 1);
    } else if (key === 'SOFFS') {
      cur.soffsSeconds = num(tokenize(c.text, { path: ctx.filePath, line: c.line }).slice(1), 0, 0);
    }
  }
  return { takes, itemVolumeLinear };
}

/** The file behind a source block, following SECTION wrappers; plus the extra offset a SECTION adds. */
function sourceFile(source: RppBlock, ctx: Ctx): { type: string; file: string | null; offsetSeconds: number } {
  const type = (tokenize(source.head.text, { path: ctx.filePath, line: source.head.line })[1] ?? '').toUpperCase();
  if (type === 'SECTION') {
    const inner = blocks(source, 'SOURCE')[0];
    const startPos = num(field(source, 'STARTPOS', ctx), 0, 0);
    if (!inner) return { type, file: null, offsetSeconds: startPos };
    const r = sourceFile(inner, ctx);
    return { type: r.type, file: r.file, offsetSeconds: r.offsetSeconds + startPos };
  }
  const f = field(source, 'FILE', ctx);
  return { type, file: f && f[0] ? f[0] : null, offsetSeconds: 0 };
}

function mediaFor(file: string, ctx: Ctx): MediaRef {
  let m = ctx.media.get(file);
  if (!m) {
    m = {
      id: `m${ctx.media.size + 1}`,
      name: file.split(/[\\/]/).pop() ?? file,
      path: file,
      resolvedPath: null,
      embedded: false,
      channels: null,
      sampleRate: null,
    };
    ctx.media.set(file, m);
  }
  return m;
}

function readItem(item: RppBlock, ctx: Ctx, trackName: string, rates: RateNote[]): Clip | null {
  const { takes, itemVolumeLinear } = readTakes(item, ctx);
  const active = takes.find((t) => t.selected) ?? takes[0]!;
  // empty and text items (no source, or EMPTY) are not clips
  if (!active.source) return null;
  const src = sourceFile(active.source, ctx);
  if (NOT_A_CLIP.has(src.type)) return null;

  const position = num(field(item, 'POSITION', ctx), 0, NaN);
  const length = num(field(item, 'LENGTH', ctx), 0, NaN);
  if (!Number.isFinite(position) || !Number.isFinite(length)) {
    throw new DubstageError({
      code: 'bad-session',
      message: `${ctx.filePath}: line ${item.head.line}: <ITEM> on track '${trackName}' has no POSITION/LENGTH`,
      path: ctx.filePath,
      line: item.head.line,
    });
  }
  const fadeIn = field(item, 'FADEIN', ctx);
  const fadeOut = field(item, 'FADEOUT', ctx);
  // FADEIN shape length autoLength …: a non-zero auto-crossfade length is the one REAPER plays
  const fadeLen = (f: string[] | null) => {
    const auto = num(f, 2, 0);
    return auto > 0 ? auto : Math.max(0, num(f, 1, 0));
  };
  const playrate = num(field(item, 'PLAYRATE', ctx), 0, 1);
  if (playrate !== 1) rates.push({ line: fieldLine(item, 'PLAYRATE') ?? item.head.line, positionSeconds: position, rate: playrate });

  let mediaId: string | null = null;
  if (!GENERATED.has(src.type)) {
    if (src.file) mediaId = mediaFor(src.file, ctx).id;
    else ctx.warnings.push(`line ${active.source.head.line}: <SOURCE ${src.type}> on '${trackName}' names no FILE`);
  }
  const name = active.name ?? field(item, 'NAME', ctx)?.[0] ?? '';
  return {
    name,
    start: samples(position, ctx),
    duration: samples(length, ctx),
    sourceStart: samples(active.soffsSeconds + src.offsetSeconds, ctx),
    mediaId,
    // item and take volume both play
    gainDb: gainDb(itemVolumeLinear) + gainDb(active.volumeLinear),
    fadeInSeconds: fadeLen(fadeIn),
    fadeOutSeconds: fadeLen(fadeOut),
    fadeInShape: fadeShape(num(fadeIn, 0, 0)),
    fadeOutShape: fadeShape(num(fadeOut, 0, 0)),
    muted: num(field(item, 'MUTE', ctx), 0, 0) === 1,
  };
}

/**
 * `MARKER idx pos name flags …`: flags bit 1 marks a region; a region is written twice with the same
 * idx, at its start and its end.
 */
function readMarkers(root: RppBlock, ctx: Ctx): Marker[] {
  const out: Marker[] = [];
  const openRegions = new Map<string, Marker>();
  for (const l of lines(root)) {
    if (!l.text.startsWith('MARKER ')) continue;
    const t = tokenize(l.text, { path: ctx.filePath, line: l.line });
    const idx = t[1] ?? '';
    const pos = Number(t[2]);
    if (!Number.isFinite(pos)) {
      ctx.warnings.push(`line ${l.line}: MARKER without a position, skipped`);
      continue;
    }
    const name = t[3] ?? '';
    const isRegion = (Number(t[4] ?? 0) & 1) === 1;
    if (!isRegion) {
      out.push({ name, start: samples(pos, ctx) });
      continue;
    }
    const open = openRegions.get(idx);
    if (open) {
      open.duration = { value: samples(pos, ctx).value - open.start.value, rate: open.start.rate };
      openRegions.delete(idx);
    } else {
      const region: Marker = { name, start: samples(pos, ctx) };
      openRegions.set(idx, region);
      out.push(region);
    }
  }
  for (const r of openRegions.values()) ctx.warnings.push(`region '${r.name}' has no end MARKER line`);
  return out;
}

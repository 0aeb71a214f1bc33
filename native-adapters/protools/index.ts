/**
 * Pro Tools "Export Session Info as Text" → Session (session-formats.md §6). Tab-separated, UTF-8
 * or Mac Roman with no marker; sections titled in spaced-out capitals; times in whatever format
 * the export chose (timecode, feet+frames, bars|beats, min:sec, samples, optionally sub-frames).
 * A multichannel track lists its clips once per channel: here it is one track with N channels
 * and one clip per event; rendered fade rows are folded into their clip.
 */
import { readRegularFile } from '../../src/audio/bytesource.js';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../../src/audio/limits.js';
import path from 'node:path';
import { DubstageError } from '../../src/errors.js';
import { foldFadePieces, type FadePieceKind } from '../../src/session/fades.js';
import { filePathFromHfs } from '../../src/session/media.js';
import type { Clip, Marker, MediaRef, ReadOptions, Session, SessionAdapter, Track } from '../../src/session/model.js';
import { decodeSessionText, headText, sessionLineError, splitLines } from '../../src/session/text.js';
import {
  addTime,
  compareTime,
  dropFrameAllowed,
  formatTimecode,
  parseFrameRateAt,
  parseTimecode,
  rational,
  rescaleTime,
  subtractTime,
  timecodeToFrames,
  type Rational,
  type RationalTime,
} from '../../src/session/time.js';

const FEET_FRAMES_PER_FOOT = 16; // 35 mm 4-perf, as Pro Tools counts feet+frames
// Feet+frames count film frames at 24 fps whatever the timecode rate: in the corpus 37+08.60 is
// 1 201 200 samples at 48 kHz in a 23.976 session (600.6 × 2000), and 33+08.58 in a 30 fps session
// is the 01:00:22;10 of its 29.97 DF twin.
const FEET_FRAMES_RATE = rational(24);
const TICKS_PER_BEAT = 960; // Pro Tools bars|beats ticks
// The text export carries no tempo map: bars|beats are read at Pro Tools' default 120 bpm 4/4 with
// bar 1 at the session start, and a warning says so.
const ASSUMED_BPM = 120;
const ASSUMED_BEATS_PER_BAR = 4;

function sniff(head: Uint8Array): boolean {
  const text = headText(head).replace(/^\uFEFF/, '').trimStart();
  return /^SESSION NAME:\t/.test(text) || (/^SESSION NAME:/.test(text) && /\nSAMPLE RATE:/.test(text.slice(0, 2000)));
}

/** "T R A C K  L I S T I N G" → "TRACK LISTING"; null when the line is not a spaced-out title. */
function sectionTitle(line: string): string | null {
  const t = line.trimEnd();
  if (t.length < 5 || !/^\S( {1,2}\S)+$/.test(t)) return null;
  return t
    .split('  ')
    .map((w) => w.replace(/ /g, ''))
    .join(' ');
}

interface TimeContext {
  frameRate: Rational;
  dropFrame: boolean;
  sampleRate: Rational;
  startFrames: number;
  warned: Set<string>;
  warnings: string[];
}

function warnOnce(ctx: TimeContext, key: string, message: string): void {
  if (ctx.warned.has(key)) return;
  ctx.warned.add(key);
  ctx.warnings.push(message);
}

/** One time cell → time from the session start, or null when it is not a time in any PT format. */
function parsePtTime(cell: string, ctx: TimeContext): RationalTime | null {
  const t = cell.trim();
  let m: RegExpExecArray | null;
  // timecode, with optional .sub-frames (hundredths of a frame); absolute, so the session start is subtracted
  if ((m = /^(\d{1,2}[:;]\d{2}[:;]\d{2}[:;.]\d{2,3})(?:\.(\d{1,2}))?$/.exec(t))) {
    const tc = parseTimecode(m[1]!);
    if (!tc) return null;
    const df = ctx.dropFrame && dropFrameAllowed(ctx.frameRate);
    const frames = timecodeToFrames(tc, ctx.frameRate, df) - ctx.startFrames;
    return withSubframes(frames, m[2], ctx.frameRate, ctx);
  }
  // samples from the session start
  if ((m = /^-?\d+$/.exec(t))) return { value: Number(t), rate: ctx.sampleRate };
  // feet+frames from the session start
  if ((m = /^(-?\d+)\+(\d{1,2})(?:\.(\d{1,2}))?$/.exec(t))) {
    const frames = Number(m[1]) * FEET_FRAMES_PER_FOOT + Number(m[2]);
    return withSubframes(frames, m[3], FEET_FRAMES_RATE, ctx);
  }
  // min:sec(.mmm) from the session start
  if ((m = /^(-?\d+):(\d{2})(?:\.(\d{1,3}))?$/.exec(t))) {
    if (m[3] === undefined) {
      warnOnce(ctx, 'minsec', 'times are in Min:Secs without sub-frames, so clip and marker times are rounded to whole seconds');
    }
    const ms = Number(m[1]) * 60000 + Number(m[2]) * 1000 + Number((m[3] ?? '0').padEnd(3, '0'));
    return rescaleTime({ value: ms, rate: rational(1000) }, ctx.sampleRate);
  }
  // bars|beats(|ticks): bar 1 beat 1 is the session start at the assumed tempo
  if ((m = /^(\d+)\|(\d+)(?:\|\s*(\d+))?$/.exec(t))) {
    warnOnce(
      ctx,
      'bars',
      `times are in Bars|Beats and the text export has no tempo map: read at ${ASSUMED_BPM} bpm ${ASSUMED_BEATS_PER_BAR}/4 from the session start (right only for a session that keeps Pro Tools' default tempo)`,
    );
    if (m[3] === undefined) warnOnce(ctx, 'beats', 'Bars|Beats without ticks: times are rounded to the beat');
    const beats = (Number(m[1]) - 1) * ASSUMED_BEATS_PER_BAR + (Number(m[2]) - 1);
    const ticks = beats * TICKS_PER_BEAT + Number(m[3] ?? 0);
    return { value: ticks, rate: rational((ASSUMED_BPM * TICKS_PER_BEAT) / 60) };
  }
  return null;
}

function withSubframes(frames: number, sub: string | undefined, frameRate: Rational, ctx: TimeContext): RationalTime {
  const whole: RationalTime = { value: frames, rate: frameRate };
  if (!sub || Number(sub) === 0) return whole;
  // hundredths of a frame, placed on the nearest sample
  const hundredths: RationalTime = { value: frames * 100 + Number(sub.padEnd(2, '0')), rate: rational(frameRate.num * 100, frameRate.den) };
  return rescaleTime(hundredths, ctx.sampleRate);
}

interface ClipRow {
  channel: number;
  event: number;
  name: string;
  start: RationalTime;
  end: RationalTime;
  muted: boolean;
  line: number;
}

interface TrackBlock {
  name: string;
  state: string;
  comments: string;
  rows: ClipRow[];
  line: number;
}

const FADE_ROW = /^\((fade in|fade out|cross ?fade)\)$/i;

function fadeKind(name: string): FadePieceKind | null {
  const m = FADE_ROW.exec(name.trim());
  if (!m) return null;
  const k = m[1]!.toLowerCase();
  return k === 'fade in' ? 'in' : k === 'fade out' ? 'out' : 'cross';
}

/** "Dialogue 1.L" → "Dialogue 1": the channel suffix Pro Tools adds to multichannel clip names. */
function stripChannelSuffix(name: string): string {
  return name.replace(/\.(L|R|C|Ls|Rs|Lfe|LFE|Lc|Rc|Cs|Lsr|Rsr|Lss|Rss|Lts|Rts|Ltf|Rtf|Ltr|Rtr|[0-9]{1,2})$/, '');
}

function channelsFromTrackName(name: string): number | null {
  const m = /\((Mono|Stereo|LCR|LCRS|Quad|5\.0|5\.1|6\.0|6\.1|7\.0|7\.1|7\.0\.2|7\.1\.2|7\.1\.4|[0-9.]+)\)\s*$/i.exec(name);
  if (!m) return null;
  const f = m[1]!.toLowerCase();
  const named: Record<string, number> = { mono: 1, stereo: 2, lcr: 3, lcrs: 4, quad: 4 };
  if (named[f] !== undefined) return named[f]!;
  const parts = f.split('.').map(Number);
  if (parts.some((n) => !Number.isFinite(n))) return null;
  return parts.reduce((a, b) => a + b, 0);
}

/**
 * A feature's session text with every clip listed is a few hundred KB (51 tracks: 242 KB); the whole
 * text is held while parsing (16 MiB: about 2 s and 120 MB on this machine).
 */
export const MAX_PROTOOLS_TEXT_BYTES = 16 * 1024 * 1024;

export async function readProTools(filePath: string, _options: ReadOptions): Promise<Session> {
  const { text } = decodeSessionText(readRegularFile(filePath, MAX_PROTOOLS_TEXT_BYTES, 'Pro Tools session text'));
  const lines = splitLines(text.replace(/^\uFEFF/, ''));
  const warnings: string[] = [];

  // ---- header ----
  const header = new Map<string, { value: string; line: number }>();
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      if (header.size > 0) break;
      continue;
    }
    const m = /^([^:\t]+):\s*\t?(.*)$/.exec(line);
    if (!m) throw sessionLineError(filePath, i + 1, `expected a header line 'NAME:<tab>value', found '${line.slice(0, 60)}'`);
    // keys without spaces: Pro Tools 7-9 write 'TIME CODE FORMAT:', later versions 'TIMECODE FORMAT:'
    header.set(m[1]!.trim().toUpperCase().replace(/\s+/g, ''), { value: m[2]!.trim(), line: i + 1 });
  }
  // a fact the header leaves out is assumed and said, never a refusal (Pro Tools 7-9 write no start timecode)
  const missing = (key: string, assumed: string) =>
    warnings.push(`the header has no '${key}:' line (older Pro Tools versions omit it); assumed ${assumed}`);
  const sessionName = header.get('SESSIONNAME')?.value || path.basename(filePath, path.extname(filePath));
  const srText = header.get('SAMPLERATE');
  if (!srText) missing('SAMPLE RATE', '48000 Hz');
  const sampleRateHz = srText ? Number(srText.value) : 48000;
  if (srText && (!Number.isFinite(sampleRateHz) || sampleRateHz < MIN_SAMPLE_RATE || sampleRateHz > MAX_SAMPLE_RATE)) throw sessionLineError(filePath, srText.line, `bad sample rate '${srText.value}' (expected ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz)`);
  // every dialect states the frame rate (spelled either way); without it no timecode in the file can be read
  let tcFormat = header.get('TIMECODEFORMAT');
  // a header cut down to its name (hand-trimmed test exports) over feet+frames times needs no frame
  // rate to place them (feet+frames count 24 fps film): assume 24 fps and say so. A timecode cell
  // without the rate cannot be read, and a file with no times at all is truncated: both stay refusals.
  const rest = !tcFormat ? lines.slice(i) : [];
  if (!tcFormat && rest.some((l) => /\t\s*-?\d+\+\d{1,2}(\.\d+)?\s*(\t|$)/.test(l)) && !rest.some((l) => /(^|\t)\s*\d{1,2}:\d{2}:\d{2}[:;.]\d{2}/.test(l))) {
    missing('TIMECODE FORMAT', '24 fps (no time in the file is timecode, so none depends on it)');
    tcFormat = { value: '24 Frame', line: i + 1 };
  }
  if (!tcFormat) {
    throw new DubstageError({
      code: 'bad-session',
      message: `${filePath}: the header has no 'TIMECODE FORMAT:' line (nor Pro Tools 7-9's 'TIME CODE FORMAT:'), so its times cannot be read (truncated or not a Pro Tools session text?)`,
      path: filePath,
      line: i + 1,
    });
  }
  const fm = /^([\d.]+)\s*(Drop)?\s*(Frame)?/i.exec(tcFormat.value);
  if (!fm) throw sessionLineError(filePath, tcFormat.line, `unknown timecode format '${tcFormat.value}' (expected e.g. '23.976 Frame' or '29.97 Drop Frame')`);
  const frameRate = parseFrameRateAt(fm[1]!, filePath, tcFormat.line, 'TIMECODE FORMAT');
  const dropFrame = Boolean(fm[2]) && dropFrameAllowed(frameRate);
  const startText = header.get('SESSIONSTARTTIMECODE');
  if (!startText) missing('SESSION START TIMECODE', `${formatTimecode(0, frameRate, dropFrame)} (clip times are read as absolute timecode)`);
  const startTc = startText ? parseTimecode(startText.value.replace(/\.\d+$/, '')) : { hours: 0, minutes: 0, seconds: 0, frames: 0, dropFrameMarked: dropFrame };
  if (!startTc) throw sessionLineError(filePath, startText!.line, `bad session start timecode '${startText!.value}'`);
  const startFrames = timecodeToFrames(startTc, frameRate, dropFrame);
  const sampleRate = rational(Math.round(sampleRateHz));
  const ctx: TimeContext = { frameRate, dropFrame, sampleRate, startFrames, warned: new Set(), warnings };

  // ---- sections ----
  const media: MediaRef[] = [];
  const mediaByFile = new Map<string, MediaRef>();
  const clipToFile = new Map<string, { file: string; channel: number | null }>();
  const blocks: TrackBlock[] = [];
  const markers: Marker[] = [];
  let section: string | null = null;
  let block: TrackBlock | null = null;
  let tableColumns: string[] | null = null;
  let markerColumns: string[] | null = null;

  const addFile = (file: string, location: string, offline: boolean) => {
    const folder = filePathFromHfs(location);
    const ref: MediaRef = {
      id: `f${media.length + 1}`,
      name: file,
      path: folder ? (folder.endsWith('/') ? folder + file : `${folder}/${file}`) : file,
      resolvedPath: null,
      embedded: false,
      offline,
      channels: null,
      sampleRate: null,
    };
    media.push(ref);
    if (!mediaByFile.has(file)) mediaByFile.set(file, ref);
  };

  for (; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    const title = sectionTitle(line);
    if (title) {
      section = title;
      block = null;
      tableColumns = null;
      markerColumns = null;
      // Pro Tools 7-9 say REGIONS where later versions say CLIPS
      section = title.replace(/\bREGIONS\b/, 'CLIPS');
      // before online and offline were listed apart (Pro Tools 7-10), one 'FILES'/'REGIONS'/'CLIPS IN SESSION' list held both
      const known = ['PLUG-INS LISTING', 'ONLINE FILES IN SESSION', 'OFFLINE FILES IN SESSION', 'FILES IN SESSION', 'ONLINE CLIPS IN SESSION', 'OFFLINE CLIPS IN SESSION', 'CLIPS IN SESSION', 'TRACK LISTING', 'MARKERS LISTING'];
      if (!known.includes(section)) warnings.push(`line ${lineNo}: section '${title}' is not one dubstage knows; skipped`);
      continue;
    }
    if (line.trim() === '' && section !== 'MARKERS LISTING') continue;
    const cells = line.split('\t');
    switch (section) {
      case 'ONLINE FILES IN SESSION':
      case 'OFFLINE FILES IN SESSION':
      case 'FILES IN SESSION': {
        if (/^Filename\s*$/.test(cells[0]!)) continue;
        addFile(cells[0]!.trimEnd(), (cells[1] ?? '').trim(), section === 'OFFLINE FILES IN SESSION');
        break;
      }
      case 'ONLINE CLIPS IN SESSION':
      case 'OFFLINE CLIPS IN SESSION':
      case 'CLIPS IN SESSION': {
        if (/^(CLIP|REGION) NAME\s*$/.test(cells[0]!)) continue;
        const ch = /^\[(\d+)\]$/.exec((cells[2] ?? '').trim());
        // names are padded on the right only: a leading space is the name's own (' VO Live 5.wav'), as in the files list;
        // clips are keyed trimmed, as the track rows give them
        clipToFile.set(cells[0]!.trim(), { file: (cells[1] ?? '').trimEnd(), channel: ch ? Number(ch[1]) : null });
        break;
      }
      case 'TRACK LISTING': {
        const field = /^(TRACK NAME|COMMENTS|USER DELAY|STATE|PLUG-INS):\s?(.*)$/.exec(line);
        if (field) {
          if (field[1] === 'TRACK NAME') {
            block = { name: field[2]!.replace(/^\t/, '').trim(), state: '', comments: '', rows: [], line: lineNo };
            blocks.push(block);
            tableColumns = null;
          } else if (block && field[1] === 'STATE') block.state = field[2]!.trim();
          else if (block && field[1] === 'COMMENTS') block.comments = field[2]!.replace(/^\t/, '');
          continue;
        }
        if (!block) throw sessionLineError(filePath, lineNo, `expected 'TRACK NAME:' to start a track, found '${line.slice(0, 60)}'`);
        if (/^CHANNEL\s*$/.test(cells[0]!)) {
          // 'REGION NAME' (Pro Tools 7-9) is the column later versions call 'CLIP NAME'
          tableColumns = cells.map((c) => c.trim().toUpperCase().replace(/^REGION NAME$/, 'CLIP NAME'));
          continue;
        }
        if (!tableColumns) {
          // comment text that ran over several lines, before the clip table
          block.comments += `\n${line}`;
          continue;
        }
        // a clip row; a clip name may hold a newline, so join lines until the row has all its columns
        let rowCells = cells;
        let rowEnd = i;
        while (rowCells.length < tableColumns.length && rowEnd + 1 < lines.length && !/^\d+\s*\t\s*\d+\s*\t/.test(lines[rowEnd + 1]!)) {
          rowEnd++;
          const more = lines[rowEnd]!.split('\t');
          rowCells = [...rowCells.slice(0, -1), `${rowCells[rowCells.length - 1]}\n${more[0]}`, ...more.slice(1)];
        }
        block.rows.push(parseClipRow(rowCells, tableColumns, lineNo, filePath, ctx));
        i = rowEnd;
        break;
      }
      case 'MARKERS LISTING': {
        if (line.trim() === '') continue;
        if (/^#\s*$/.test(cells[0]!)) {
          markerColumns = cells.map((c) => c.trim().toUpperCase());
          continue;
        }
        if (!markerColumns) throw sessionLineError(filePath, lineNo, "expected the markers header '#<tab>LOCATION<tab>...'");
        if (!/^\d+\s*$/.test(cells[0]!)) {
          // continuation of the previous marker's name or comment (Pro Tools keeps newlines)
          const last = markers[markers.length - 1];
          if (last) last.comment = [last.comment, cells.map((c) => c.trim()).filter(Boolean).join(' ')].filter(Boolean).join('\n');
          continue;
        }
        markers.push(parseMarker(cells, markerColumns, lineNo, filePath, ctx));
        break;
      }
      default:
        // plug-ins listing and unknown sections carry nothing for the timeline
        break;
    }
  }

  // ---- files per clip, channel counts ----
  for (const [, use] of clipToFile) {
    const ref = mediaByFile.get(use.file);
    // clips of a multichannel file carry [n]; a file listed without it is mono
    if (ref) ref.channels = Math.max(ref.channels ?? 0, use.channel ?? 1);
  }
  const fileBaseNames = new Map<string, MediaRef>();
  for (const ref of media) fileBaseNames.set(ref.name.replace(/\.[^.]+$/, ''), ref);
  const mediaForClip = (clipName: string): MediaRef | null => {
    const use = clipToFile.get(clipName.trim());
    if (use) {
      let ref = mediaByFile.get(use.file);
      if (!ref && use.file) {
        // a clip whose file is not in the files sections (they were not exported)
        addFile(use.file, '', false);
        ref = mediaByFile.get(use.file)!;
      }
      return ref ?? null;
    }
    // no clip list exported: a clip named like its file (PT names whole-file clips after the file)
    return fileBaseNames.get(clipName) ?? fileBaseNames.get(stripChannelSuffix(clipName)) ?? null;
  };

  // ---- rendered fades (Pro Tools 5-9) ----
  // Before clip-based fades, Pro Tools rendered each fade to a file in the session's 'Fade Files' folder
  // and listed it on the track as a region of its own ('Fade 1', 'Fade yA1wzdWewffaaaGk'), trimmed
  // neighbours touching it. Such a region is known by structure, not by its name: the session has that
  // folder, lists its regions, and this region is not among them (its file, when named, is in that folder).
  const fadeFolder = (ref: MediaRef) => /(^|[\\/:])Fade Files[\\/:][^\\/:]*$/i.test(ref.path ?? "");
  const hasFadeFiles = media.some(fadeFolder);
  const isRenderedFadeRow = (r: ClipRow): boolean => {
    if (!hasFadeFiles || clipToFile.size === 0) return false;
    if (clipToFile.has(r.name.trim())) return false;
    const ref = fileBaseNames.get(r.name) ?? null;
    return ref === null || fadeFolder(ref);
  };
  /** Kind of each rendered-fade region on a lane, from the clips it touches (both: a crossfade). */
  const renderedFades = (clips: Clip[], rowsOf: Map<Clip, ClipRow[]>): Map<Clip, FadePieceKind> => {
    const out = new Map<Clip, FadePieceKind>();
    const candidates = clips.filter((c) => rowsOf.has(c) && rowsOf.get(c)!.every(isRenderedFadeRow));
    if (candidates.length === 0) return out;
    const others = clips.filter((c) => !candidates.includes(c));
    const endOf = (c: Clip) => addTime(c.start, c.duration);
    for (const f of candidates) {
      const before = others.some((c) => compareTime(endOf(c), f.start) === 0);
      const after = others.some((c) => compareTime(c.start, endOf(f)) === 0);
      if (before || after) out.set(f, before && after ? 'cross' : after ? 'in' : 'out');
    }
    return out;
  };

  // ---- tracks ----
  const tracks: Track[] = [];
  for (const b of blocks) {
    // a loop, not Math.max(...rows): a track of hundreds of thousands of rows would overflow the stack
    let channelCount = channelsFromTrackName(b.name) ?? 1;
    for (const r of b.rows) if (r.channel > channelCount) channelCount = r.channel;
    const byEvent = new Map<number, ClipRow[]>();
    for (const row of b.rows) {
      let list = byEvent.get(row.event);
      if (!list) byEvent.set(row.event, (list = []));
      list.push(row);
    }
    const clips: Clip[] = [];
    const rowsOf = new Map<Clip, ClipRow[]>();
    for (const [event, rows] of byEvent) {
      rows.sort((a, c) => a.channel - c.channel);
      const first = rows[0]!;
      let start = first.start;
      let end = first.end;
      for (const r of rows) {
        if (compareTime(r.start, start) < 0) start = r.start;
        if (compareTime(r.end, end) > 0) end = r.end;
      }
      if (rows.some((r) => compareTime(r.start, first.start) !== 0 || compareTime(r.end, first.end) !== 0)) {
        warnings.push(`track '${b.name}' event ${event}: channels differ in extent; the clip covers all of them`);
      }
      const bases = new Set(rows.map((r) => stripChannelSuffix(r.name)));
      const name = rows.length > 1 && bases.size === 1 ? [...bases][0]! : first.name;
      const ref = fadeKind(first.name) ? null : mediaForClip(first.name);
      const use = clipToFile.get(first.name.trim());
      const clipRows = rows;
      clips.push({
        name,
        start,
        duration: subtractTime(end, start),
        sourceStart: { value: 0, rate: sampleRate },
        mediaId: ref?.id ?? null,
        // one row is one source channel; a multichannel event plays the file's channels in order
        channel: rows.length === 1 ? (use?.channel ?? null) : null,
        // one row per channel: each names its own clip, so its own file and channel (multi-mono 5.1)
        channelMedia: fadeKind(first.name)
          ? []
          : rows.map((r) => ({ mediaId: mediaForClip(r.name)?.id ?? null, channel: clipToFile.get(r.name.trim())?.channel ?? 1 })),
        gainDb: 0,
        fadeInSeconds: 0,
        fadeOutSeconds: 0,
        muted: rows.every((r) => r.muted),
      });
      rowsOf.set(clips[clips.length - 1]!, clipRows);
    }
    const rendered = renderedFades(clips, rowsOf);
    const folded = foldFadePieces(clips, (c) => fadeKind(c.name) ?? rendered.get(c) ?? null, warnings, `track '${b.name}'`);
    const state = b.state.split(/\s+/);
    const track: Track = { name: b.name, channels: channelCount, clips: folded };
    if (state.includes('Muted') || state.includes('Inactive')) track.muted = true;
    tracks.push(track);
  }

  return {
    format: 'protools',
    name: sessionName,
    path: filePath,
    frameRate,
    dropFrame,
    startTimecode: formatTimecode(startFrames, frameRate, dropFrame),
    sampleRate: sampleRateHz,
    tracks,
    media,
    markers,
    warnings,
  };
}

function column(columns: string[], name: string): number {
  return columns.indexOf(name);
}

function parseClipRow(cells: string[], columns: string[], lineNo: number, filePath: string, ctx: TimeContext): ClipRow {
  // fixed columns are counted from the right, so a tab inside a clip name stays in the name
  const extra = cells.length - columns.length;
  if (extra < 0) {
    throw sessionLineError(filePath, lineNo, `clip row has ${cells.length} columns, the table header has ${columns.length} (truncated?)`);
  }
  const nameAt = column(columns, 'CLIP NAME');
  const at = (name: string): string | undefined => {
    const c = column(columns, name);
    if (c < 0) return undefined;
    return cells[c > nameAt ? c + extra : c];
  };
  const channel = Number(at('CHANNEL')?.trim());
  const event = Number(at('EVENT')?.trim());
  if (!Number.isInteger(channel) || channel < 1 || !Number.isInteger(event)) {
    throw sessionLineError(filePath, lineNo, `expected a clip row 'CHANNEL<tab>EVENT<tab>CLIP NAME<tab>START<tab>END<tab>...', found '${cells.join(' ').slice(0, 80)}'`);
  }
  const name = cells.slice(nameAt, nameAt + extra + 1).join('\t').trim();
  const time = (col: string): RationalTime | null => {
    const cell = at(col);
    if (cell === undefined) return null;
    const t = parsePtTime(cell, ctx);
    if (!t) throw sessionLineError(filePath, lineNo, `${col.toLowerCase()} '${cell.trim()}' is not a Pro Tools time (timecode, feet+frames, bars|beats, min:sec or samples)`);
    return t;
  };
  const start = time('START TIME');
  if (!start) throw sessionLineError(filePath, lineNo, 'the clip table has no START TIME column');
  let end = time('END TIME');
  if (!end) {
    const duration = time('DURATION');
    if (!duration) throw sessionLineError(filePath, lineNo, 'the clip table has neither END TIME nor DURATION');
    end = addTime(start, duration);
  }
  const state = (at('STATE') ?? '').trim();
  return { channel, event, name, start, end, muted: state === 'Muted', line: lineNo };
}

function parseMarker(cells: string[], columns: string[], lineNo: number, filePath: string, ctx: TimeContext): Marker {
  const get = (name: string) => {
    const c = column(columns, name);
    return c >= 0 ? (cells[c] ?? '').trim() : '';
  };
  let start: RationalTime | null = null;
  // the sample reference is exact; the location is in the display format
  if (/^Samples$/i.test(get('UNITS')) && /^-?\d+$/.test(get('TIME REFERENCE'))) {
    start = { value: Number(get('TIME REFERENCE')), rate: ctx.sampleRate };
  } else {
    start = parsePtTime(get('LOCATION'), ctx);
  }
  if (!start) throw sessionLineError(filePath, lineNo, `marker location '${get('LOCATION')}' is not a Pro Tools time`);
  const nameAt = column(columns, 'NAME');
  const commentsAt = column(columns, 'COMMENTS');
  // names and comments may hold tabs; with no other columns between them, the rest is the comment
  let name = (cells[nameAt] ?? '').trim();
  let comment = commentsAt >= 0 ? cells.slice(commentsAt).map((c) => c.trim()).filter(Boolean).join('\t') : '';
  if (commentsAt === nameAt + 1 && cells.length > columns.length) {
    name = cells.slice(nameAt, nameAt + 1 + cells.length - columns.length).map((c) => c.trim()).join('\t');
    comment = cells.slice(nameAt + 1 + cells.length - columns.length).map((c) => c.trim()).filter(Boolean).join('\t');
  }
  const marker: Marker = { name, start };
  if (comment) marker.comment = comment;
  return marker;
}

export const protoolsAdapter: SessionAdapter = {
  format: 'protools',
  sniff,
  read: readProTools,
};

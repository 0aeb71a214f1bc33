/**
 * CMX 3600 EDL (and the Avid, Premiere, Resolve, Nucoda variants) → Session, audio events only.
 * session-formats.md §2: channels name RECORD tracks (A, A2, AA, A3…A12, B, `AUD 3 4` lines), Avid
 * `* PATCH … FROM SOURCE n TO RECORD m` gives the source channel, file names come only from comment
 * lines, FCM says drop/non-drop but no rate, so the rate is the user's (--fps) or assumed.
 */
import { readRegularFile } from '../../src/audio/bytesource.js';
import path from 'node:path';
import { DubstageError } from '../../src/errors.js';
import type { Clip, Marker, MediaRef, ReadOptions, Session, SessionAdapter, Track } from '../../src/session/model.js';
import { decodeSessionText, headText, sessionLineError, splitLines } from '../../src/session/text.js';
import {
  dropFrameAllowed,
  formatTimecode,
  nominalFps,
  parseTimecode,
  rational,
  rateToNumber,
  timecodeToFrames,
  type ParsedTimecode,
  type Rational,
  type RationalTime,
} from '../../src/session/time.js';

interface EdlEvent {
  number: string;
  reel: string;
  channelField: string;
  transition: string;
  transitionFrames: number;
  srcIn: ParsedTimecode;
  srcOut: ParsedTimecode;
  recIn: ParsedTimecode;
  recOut: ParsedTimecode;
  dropFrame: boolean;
  line: number;
  /** Record audio channels (1-based); empty for picture-only events. */
  audio: number[];
  fromClipName?: string;
  toClipName?: string;
  sourceFile?: string;
  /** record channel → source channel (Avid PATCH comments). */
  patches: Map<number, number>;
  /** record channel → clip gain (Premiere AUDIO LEVEL comments); 0 when absent. */
  levelsDb: Map<number, number>;
  /** The transition field held only a duration (Avid dissolves): read as a dissolve. */
  blankTransition: boolean;
  /** M2 motion effect: source frames per second (negative = reverse); null when none. */
  speedFps: number | null;
}

const TRANSITION = /^(C|D|W\d{3}|K|KB|KO|K\d*)$/i;
const EVENT_START = /^\d{3,6}\s/;

/** Record audio channels named by a CMX channel field; null when the field is not one. */
export function audioChannelsOf(field: string): number[] | null {
  const f = field.toUpperCase();
  if (f === 'V' || f === 'NONE') return [];
  if (f === 'A' || f === 'A1' || f === 'A/V' || f === 'B') return [1];
  if (f === 'AA' || f === 'AA/V') return [1, 2];
  const n = /^A(\d{1,2})(\/V)?$/.exec(f);
  if (n) return [Number(n[1])];
  return null;
}

function parseEventLine(line: string): Omit<EdlEvent, 'dropFrame' | 'line' | 'audio' | 'patches' | 'levelsDb' | 'speedFps'> | null {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length < 8) return null;
  const tcs = tokens.slice(-4).map((t) => parseTimecode(t));
  if (tcs.some((t) => t === null)) return null;
  const middle = tokens.slice(1, -4);
  let transitionFrames = 0;
  if (middle.length >= 2 && /^\d{1,4}$/.test(middle[middle.length - 1]!) && TRANSITION.test(middle[middle.length - 2]!)) {
    transitionFrames = Number(middle.pop());
  }
  let transition = middle.pop();
  // Avid leaves the transition field of a dissolve blank and writes only its duration there
  let blankTransition = false;
  if (transition && /^\d{1,4}$/.test(transition) && middle.length >= 2 && audioChannelsOf(middle[middle.length - 1]!) !== null) {
    transitionFrames = Number(transition);
    transition = 'D';
    blankTransition = true;
  }
  const channelField = middle.pop();
  if (!transition || !TRANSITION.test(transition) || !channelField || middle.length === 0) return null;
  return {
    blankTransition,
    number: tokens[0]!,
    reel: middle.join(' '),
    channelField,
    transition: transition.toUpperCase(),
    transitionFrames,
    srcIn: tcs[0]!,
    srcOut: tcs[1]!,
    recIn: tcs[2]!,
    recOut: tcs[3]!,
  };
}

/** Content sniff: an event line (event number, reel, channels, transition, four timecodes) near the top. */
function sniff(head: Uint8Array, name: string): boolean {
  const text = headText(head);
  const first = text.replace(/^\uFEFF/, '').trimStart();
  if (first.startsWith('<') || first.startsWith('{') || first.startsWith('SESSION NAME:')) return false;
  const lines = splitLines(text).slice(0, 200);
  const events = lines.filter((l) => EVENT_START.test(l) && parseEventLine(l) !== null).length;
  if (events > 0) return true;
  // an EDL with a title and no events yet is still an EDL when it says so by name
  return /\.edl$/i.test(name) && lines.some((l) => /^TITLE:/i.test(l));
}

interface Rate {
  frameRate: Rational;
  warning?: string;
}

/** Standard rates a timecode's frame field can count to (frames 0 to rate-1). */
const COUNTED_RATES = [24, 25, 30, 50, 60] as const;

/**
 * The record side's frame rate: the user's, else one implied by DF or by the largest record frame
 * field, else 24. Source timecodes do not count: an Avid audio list cut at 24 gives a 30 fps sound
 * roll's own timecode on the source side (see sourceRates).
 */
function chooseRate(options: ReadOptions, events: EdlEvent[], anyDropFrame: boolean, filePath: string): Rate {
  if (options.fps) return { frameRate: options.fps };
  let maxFrame = 0;
  let maxLine = 0;
  for (const e of events) {
    for (const t of [e.recIn, e.recOut]) {
      if (t.frames > maxFrame) {
        maxFrame = t.frames;
        maxLine = e.line;
      }
    }
  }
  if (anyDropFrame) {
    // drop frame exists at 29.97 and 59.94: frame numbers past 29 can only be 59.94
    if (maxFrame >= 30) {
      return {
        frameRate: rational(60000, 1001),
        warning: `the EDL does not state its frame rate; drop-frame timecode with frame numbers up to ${maxFrame} implies 59.94, assumed (use --fps to say otherwise)`,
      };
    }
    return {
      frameRate: rational(30000, 1001),
      warning: 'the EDL does not state its frame rate; drop-frame timecode implies 29.97, assumed (use --fps to say otherwise)',
    };
  }
  for (const fps of COUNTED_RATES) {
    if (maxFrame < fps) {
      const why = fps === 24 ? '' : ` (frame numbers reach ${maxFrame}, so not 24)`;
      return {
        frameRate: rational(fps),
        warning: `the EDL does not state its frame rate; assumed ${fps} fps${why} — use --fps to say otherwise`,
      };
    }
  }
  throw sessionLineError(
    filePath,
    maxLine,
    `a timecode with frame number ${maxFrame} fits no known frame rate (24, 25, 30, 50, 60 fps count frames 0 to 59); use --fps to say the rate`,
  );
}

/** The source this event plays, for rate purposes: its file when a comment names one, else its reel. */
function sourceKey(e: EdlEvent): string {
  return e.sourceFile ? `file:${e.sourceFile}` : `reel:${e.reel}`;
}

/**
 * Source timecode is the source's own: a sound roll recorded at 30 fps keeps frames up to 29 in a
 * list cut at 24. A source whose frame numbers pass the record rate is read at the slowest standard
 * rate that counts them (NTSC when the record rate is), with one warning per source; every event of
 * that source is read at it. Sources within the record rate are read at the record rate.
 */
function sourceRates(events: EdlEvent[], frameRate: Rational, filePath: string, warnings: string[]): Map<string, Rational> {
  const fps = nominalFps(frameRate);
  const most = new Map<string, { frames: number; line: number }>();
  for (const e of events) {
    if (e.audio.length === 0) continue;
    const key = sourceKey(e);
    const top = Math.max(e.srcIn.frames, e.srcOut.frames);
    const seen = most.get(key);
    if (!seen || top > seen.frames) most.set(key, { frames: top, line: e.line });
  }
  const rates = new Map<string, Rational>();
  for (const [key, { frames, line }] of most) {
    if (frames < fps) continue;
    const nominal = COUNTED_RATES.find((r) => r > frames && r > fps);
    if (nominal === undefined) {
      throw sessionLineError(filePath, line, `source frame number ${frames} does not exist at ${fps} fps, nor at any rate a source timecode counts (up to 60); use --fps if the list's rate is another`);
    }
    const ntsc = frameRate.den === 1001 && nominal % 30 === 0;
    const rate = ntsc ? rational(nominal * 1000, 1001) : rational(nominal);
    rates.set(key, rate);
    const name = key.slice(key.indexOf(':') + 1);
    warnings.push(
      `line ${line}: source timecodes of ${key.startsWith('file:') ? 'file' : 'reel'} '${name}' count frames up to ${frames}, past the ${fps} fps of the record side; read at ${ntsc ? `${nominal * 1000}/1001` : nominal} fps (the source's own timecode)`,
    );
  }
  return rates;
}

function mediaKey(name: string, file: string | undefined): string {
  return file ? `file:${file}` : `clip:${name}`;
}

/**
 * A CMX 3600 list holds at most 999 events (a few hundred KB with notes); this is far past any real one.
 * Reading is linear in the size (bench/edl-read.bench.ts); the cap only bounds memory on hostile input.
 */
export const MAX_EDL_BYTES = 2 * 1024 * 1024;

/** Notes about the event above that some writers give without the '*' comment mark. */
const STARLESS_NOTE = /^(FROM CLIP NAME|TO CLIP NAME|SOURCE FILE|FROM FILE):/i;

/** A comment line's text (without '*') that describes the event above it. */
function eventComment(current: EdlEvent, body: string): void {
  let m: RegExpExecArray | null;
  if ((m = /^FROM CLIP NAME:\s*(.*)$/i.exec(body))) current.fromClipName = m[1]!.trim();
  else if ((m = /^TO CLIP NAME:\s*(.*)$/i.exec(body))) current.toClipName = m[1]!.trim();
  else if ((m = /^SOURCE FILE:\s*(.*)$/i.exec(body))) current.sourceFile ??= m[1]!.trim();
  else if ((m = /^(FROM FILE|FROM CLIP):\s*(.*)$/i.exec(body))) {
    // a full path (Nucoda FROM FILE, Avid FROM CLIP) says more than Avid's SOURCE FILE name
    current.sourceFile = m[2]!.trim();
  } else if ((m = /^A(\d{1,2})\s+VOL\s*=\s*([-+]?\d+(?:\.\d+)?)\s*DB/i.exec(body))) {
    // Avid clip gain per record channel: "* A12 VOL =  +3.0 DB  PAN L100"
    current.levelsDb.set(Number(m[1]), Number(m[2]));
  } else if ((m = /^PATCH\b.*FROM SOURCE\s+(\d+)\s+TO RECORD\s+(\d+)/i.exec(body))) {
    current.patches.set(Number(m[2]), Number(m[1]));
  } else if ((m = /^AUDIO LEVEL AT\s+\S+\s+IS\s+([-+]?\d+(?:\.\d+)?)\s*DB.*?\bA(\d+)\)?\s*$/i.exec(body))) {
    if (!current.levelsDb.has(Number(m[2]))) current.levelsDb.set(Number(m[2]), Number(m[1]));
  }
}

export async function readEdl(filePath: string, options: ReadOptions): Promise<Session> {
  const bytes = readRegularFile(filePath, MAX_EDL_BYTES, 'EDL');
  const { text } = decodeSessionText(bytes);
  const lines = splitLines(text);
  const warnings: string[] = [];
  let title: string | null = null;
  let dropFrame: boolean | null = null;
  let sawDropFrame = false;
  const events: EdlEvent[] = [];
  const locators: { tc: ParsedTimecode; name: string; line: number; comment?: string }[] = [];
  let markerTable: number[] | null = null;
  const unknownLines: number[] = [];
  let current: EdlEvent | null = null;
  let warnedBlank = false;
  // the last line with text: an event line cut short there is a truncated list (found once, not per line)
  let lastTextLine = lines.length - 1;
  while (lastTextLine >= 0 && lines[lastTextLine]!.trim() === '') lastTextLine--;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '') continue;
    if (/^TITLE:/i.test(line)) {
      title = line.slice(6).trim() || title;
      continue;
    }
    if (/^FCM:/i.test(line)) {
      const v = line.slice(4).trim().toUpperCase();
      if (/^NON[- ]?DROP/.test(v)) dropFrame = false;
      else if (/^DROP/.test(v)) dropFrame = sawDropFrame = true;
      else warnings.push(`line ${lineNo}: unknown FCM '${line.slice(4).trim()}'`);
      continue;
    }
    if (/^\d/.test(line)) {
      const parsed = EVENT_START.test(line) ? parseEventLine(line) : null;
      if (!parsed && EVENT_START.test(line) && i === lastTextLine) {
        // an event line cut short at the end of the file: the list was truncated, say so
        throw sessionLineError(
          filePath,
          lineNo,
          `expected an event line 'NNN REEL CHANNELS TRANSITION [DURATION] SRC-IN SRC-OUT REC-IN REC-OUT', found '${line.slice(0, 80)}' at the end of the file (truncated?)`,
        );
      }
      if (!parsed) {
        // one odd line never costs the list: a header comment wrapped without '*', a field we do not know
        warnings.push(
          `line ${lineNo}: not an event line 'NNN REEL CHANNELS TRANSITION [DURATION] SRC-IN SRC-OUT REC-IN REC-OUT' ('${line.slice(0, 60)}'); skipped`,
        );
        current = null;
        continue;
      }
      if (parsed.blankTransition && !warnedBlank) {
        warnedBlank = true;
        warnings.push(`line ${lineNo}: event ${parsed.number} has a duration (${parsed.transitionFrames}) but no transition code; read as a dissolve (Avid writes dissolves so)`);
      }
      const audio = audioChannelsOf(parsed.channelField);
      if (audio === null) warnings.push(`line ${lineNo}: unknown channel field '${parsed.channelField}'; event ${parsed.number} skipped`);
      const semicolon = [parsed.recIn, parsed.recOut, parsed.srcIn, parsed.srcOut].some((t) => t.dropFrameMarked);
      if (semicolon) sawDropFrame = true;
      current = { ...parsed, dropFrame: dropFrame ?? semicolon, line: lineNo, audio: audio ?? [], patches: new Map(), levelsDb: new Map(), speedFps: null };
      events.push(current);
      continue;
    }
    if (line.startsWith('*')) {
      const body = line.replace(/^\*+\s*/, '');
      // Avid's "Marker Metadata" table: fixed-width columns under a header line
      if (/^Number\s+Color\s+Marker Name\s+Start TC/i.test(body)) {
        markerTable = ['Number', 'Color', 'Marker Name', 'Start TC', 'End TC', 'Duration', 'Track', 'Part', 'Comment'].map((h) => raw.indexOf(h));
        continue;
      }
      if (markerTable && /^\d+\s/.test(body)) {
        const cols = markerTable;
        const cell = (k: number) => (cols[k]! < 0 ? '' : raw.slice(cols[k]!, cols.slice(k + 1).find((c) => c > cols[k]!) ?? raw.length).trim());
        const tc = parseTimecode(cell(3));
        if (tc) {
          const marker = { tc, name: cell(2) || cell(1) || 'marker', line: lineNo, comment: cell(8) };
          locators.push(marker);
          continue;
        }
      }
      const loc = /^LOC:\s*(\S+)\s*(.*)$/i.exec(body);
      if (loc) {
        const tc = parseTimecode(loc[1]!);
        if (tc) {
          // "* LOC: tc COLOR text": the colour word is optional
          const rest = loc[2]!.trim();
          const m = /^(WHITE|RED|GREEN|BLUE|CYAN|MAGENTA|YELLOW|BLACK|ORANGE|PURPLE|PINK)\b\s*(.*)$/i.exec(rest);
          locators.push({ tc, name: (m ? m[2]!.trim() || m[1]!.toUpperCase() : rest) || 'LOC', line: lineNo });
        }
        continue;
      }
      if (current) eventComment(current, body);
      continue;
    }
    // Flame and Baselight write the clip-name notes without the '*'
    if (STARLESS_NOTE.test(line)) {
      if (current) eventComment(current, line);
      continue;
    }
    const aud = /^AUD\s+(\d+)(?:\s+(\d+))?\s*$/i.exec(line);
    if (aud) {
      if (!current) throw sessionLineError(filePath, lineNo, "an 'AUD' line needs an event line before it");
      for (const n of [aud[1], aud[2]]) if (n && !current.audio.includes(Number(n))) current.audio.push(Number(n));
      continue;
    }
    // M2 REEL SPEED [fields] ENTRY-TC: the event plays its source at SPEED frames a second (negative:
    // backwards); Flame writes "M2 REEL 000.0 MSTR I +00:00:00:10"
    const m2 = /^M2\s+(.+?)\s+([-+]?\d+(?:\.\d+)?)\s+(?:.*\s)?[-+]?\d{1,2}[:;.]\d{2}[:;.]\d{2}[:;.]\d{2,3}\s*$/i.exec(line);
    if (m2) {
      if (current) current.speedFps = Number(m2[2]);
      continue;
    }
    // known non-event lines: speed, effects names, split edits, frame counts, remarks
    if (/^(M2|EFFECTS NAME IS|SPLIT:|FRMC|REM\b|>>>|SWM|DLEDL|FINAL|GPI|%)/i.test(line)) continue;
    unknownLines.push(lineNo);
  }
  if (unknownLines.length > 0) {
    warnings.push(`${unknownLines.length} line(s) not understood and skipped (first at line ${unknownLines[0]})`);
  }
  if (events.length === 0) {
    // a list with no events is an empty timeline, not a broken file
    warnings.push(`no audio tracks: no edit events found (expected lines like '001  REEL  A  C  00:00:00:00 ...')`);
  }

  const rate = chooseRate(options, events, sawDropFrame, filePath);
  if (rate.warning) warnings.push(rate.warning);
  const frameRate = rate.frameRate;
  const dfAllowed = dropFrameAllowed(frameRate);
  if (sawDropFrame && !dfAllowed) {
    warnings.push(`drop-frame timecode does not exist at ${frameRate.num}/${frameRate.den} fps; read as non-drop`);
  }
  const fps = nominalFps(frameRate);
  const toFrames = (tc: ParsedTimecode, df: boolean, lineNo: number): number => {
    if (tc.frames >= fps) throw sessionLineError(filePath, lineNo, `frame number ${tc.frames} does not exist at ${fps} fps (use --fps)`);
    return timecodeToFrames(tc, frameRate, df && dfAllowed);
  };

  const at = (value: number): RationalTime => ({ value, rate: frameRate });
  const srcRates = sourceRates(events, frameRate, filePath, warnings);
  /** An event's source timecode as a time at its source's rate (the record rate unless the source counts past it). */
  const sourceTime = (e: EdlEvent, tc: ParsedTimecode): RationalTime => {
    const rate = srcRates.get(sourceKey(e));
    if (!rate) return at(toFrames(tc, e.dropFrame, e.line));
    return { value: timecodeToFrames(tc, rate, e.dropFrame && dropFrameAllowed(rate)), rate };
  };

  const sessionDropFrame = (dropFrame ?? sawDropFrame) && dfAllowed;
  // timeline start = earliest record-in of any event, picture included
  let startFrames = events.length > 0 ? Infinity : 0;
  for (const e of events) startFrames = Math.min(startFrames, toFrames(e.recIn, e.dropFrame, e.line));

  const media: MediaRef[] = [];
  const mediaByKey = new Map<string, MediaRef>();
  const mediaByClipName = new Map<string, MediaRef>();
  const mediaFor = (clipName: string, file: string | undefined): MediaRef => {
    const key = mediaKey(clipName, file);
    let ref = mediaByKey.get(key);
    if (!ref) {
      ref = {
        id: `m${media.length + 1}`,
        name: file ? path.basename(file.replace(/\\/g, '/')) : clipName,
        path: file ?? null,
        resolvedPath: null,
        embedded: false,
        channels: null,
        sampleRate: null,
      };
      media.push(ref);
      mediaByKey.set(key, ref);
    }
    if (!mediaByClipName.has(clipName)) mediaByClipName.set(clipName, ref);
    return ref;
  };

  const lanes = new Map<number, Clip[]>();
  const lane = (ch: number) => {
    let l = lanes.get(ch);
    if (!l) lanes.set(ch, (l = []));
    return l;
  };
  // per lane, the first clip ending at each frame: a transition finds its outgoing clip in one look-up
  const endings = new Map<number, Map<number, Clip>>();
  const endingsOf = (ch: number) => {
    let m = endings.get(ch);
    if (!m) endings.set(ch, (m = new Map()));
    return m;
  };
  const place = (ch: number, clip: Clip) => {
    lane(ch).push(clip);
    const ends = endingsOf(ch);
    const end = clip.start.value + clip.duration.value;
    if (!ends.has(end)) ends.set(end, clip);
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.audio.length === 0) continue;
    if (e.speedFps !== null && e.speedFps < 0) {
      warnings.push(
        `line ${e.line}: audio event ${e.number} plays its source in reverse (M2 ${e.speedFps}); the session has no reverse clips, so it is read forward from the source in — its audio will not match`,
      );
    } else if (e.speedFps !== null && Math.abs(e.speedFps - rateToNumber(frameRate)) > 0.01 && Math.abs(e.speedFps - nominalFps(frameRate)) > 0.01) {
      warnings.push(`line ${e.line}: audio event ${e.number} plays its source at ${e.speedFps} fps (M2); speed changes are not applied, the clip is read at normal speed`);
    }
    const recIn = toFrames(e.recIn, e.dropFrame, e.line);
    const recOut = toFrames(e.recOut, e.dropFrame, e.line);
    if (recOut < recIn) throw sessionLineError(filePath, e.line, `record out ${formatTc(e.recOut)} is before record in ${formatTc(e.recIn)}`);
    const prev = events[i - 1];
    const pairedWithCut = e.transition !== 'C' && prev !== undefined && prev.number === e.number && recIn === toFrames(prev.recIn, prev.dropFrame, prev.line);
    // the zero-length cut line of a transition pair only names the outgoing source
    if (e.transition === 'C' && recOut === recIn && events[i + 1]?.number === e.number) continue;
    const blackOrSilence = /^(BL|BLK|BLACK)$/i.test(e.reel);
    const transitionFrames = e.transition === 'C' ? 0 : e.transitionFrames;

    for (const ch of e.audio) {
      if (transitionFrames > 0) {
        // CMX: the incoming event starts the transition at its record-in; the outgoing clip plays
        // under it for the transition's length (a dissolve overlaps; from or to black is a fade)
        const ends = endingsOf(ch);
        const outgoing = ends.get(recIn - startFrames);
        if (outgoing) {
          ends.delete(recIn - startFrames);
          outgoing.duration = at(outgoing.duration.value + transitionFrames);
          const end = outgoing.start.value + outgoing.duration.value;
          if (!ends.has(end)) ends.set(end, outgoing);
          outgoing.fadeOutSeconds = (transitionFrames * frameRate.den) / frameRate.num;
        } else if (pairedWithCut && prev && !/^(BL|BLK|BLACK)$/i.test(prev.reel)) {
          // the outgoing source is named only by the cut line: it plays for the transition
          const name = e.fromClipName ?? prev.fromClipName ?? prev.reel;
          const ref = mediaByClipName.get(name) ?? mediaFor(name, e.sourceFile);
          place(ch, {
            name,
            start: at(recIn - startFrames),
            duration: at(transitionFrames),
            sourceStart: sourceTime(prev, prev.srcIn),
            mediaId: ref.id,
            channel: prev.patches.get(ch) ?? ch,
            gainDb: prev.levelsDb.get(ch) ?? 0,
            fadeInSeconds: 0,
            fadeOutSeconds: (transitionFrames * frameRate.den) / frameRate.num,
            muted: false,
          });
        }
      }
      if (blackOrSilence) continue;
      const incomingName = (pairedWithCut ? e.toClipName : undefined) ?? e.fromClipName ?? e.reel;
      // in a transition pair the SOURCE FILE comment belongs to the outgoing clip unless both are the same
      const sameAsOutgoing = !pairedWithCut || !e.toClipName || e.toClipName === e.fromClipName;
      const ref = sameAsOutgoing ? mediaFor(incomingName, e.sourceFile) : (mediaByClipName.get(incomingName) ?? mediaFor(incomingName, undefined));
      place(ch, {
        name: incomingName,
        start: at(recIn - startFrames),
        duration: at(recOut - recIn),
        sourceStart: sourceTime(e, e.srcIn),
        mediaId: ref.id,
        channel: e.patches.get(ch) ?? ch,
        gainDb: e.levelsDb.get(ch) ?? 0,
        fadeInSeconds: transitionFrames > 0 ? (transitionFrames * frameRate.den) / frameRate.num : 0,
        fadeOutSeconds: 0,
        muted: false,
      });
    }
  }

  if (events.length > 0 && !events.some((e) => e.audio.length > 0)) {
    warnings.push(`no audio tracks: all ${events.length} events are picture-only (channel V)`);
  }
  const tracks: Track[] = [...lanes.entries()]
    .filter(([, clips]) => clips.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([ch, clips]) => ({ name: `A${ch}`, channels: 1, clips: clips.sort((a, b) => a.start.value - b.start.value) }));

  const usedMedia = new Set(tracks.flatMap((t) => t.clips.map((c) => c.mediaId)));
  const markers: Marker[] = locators.map((l) => {
    const marker: Marker = { name: l.name, start: at(toFrames(l.tc, (sessionDropFrame || l.tc.dropFrameMarked) && dfAllowed, l.line) - startFrames) };
    if (l.comment) marker.comment = l.comment;
    return marker;
  });

  return {
    format: 'edl',
    name: title ?? path.basename(filePath, path.extname(filePath)),
    path: filePath,
    frameRate,
    dropFrame: sessionDropFrame,
    startTimecode: formatTimecode(startFrames, frameRate, sessionDropFrame),
    sampleRate: null,
    tracks,
    media: media.filter((m) => usedMedia.has(m.id)),
    markers,
    warnings,
    ...(rate.warning ? { frameRateAssumed: true } : {}),
  };
}

function formatTc(t: ParsedTimecode): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.hours)}:${p(t.minutes)}:${p(t.seconds)}:${p(t.frames)}`;
}

export const edlAdapter: SessionAdapter = {
  format: 'edl',
  sniff,
  read: readEdl,
};

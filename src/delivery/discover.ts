/**
 * Finding the deliverables a `qc` run was given: folders (their audio files, in subfolders too, as
 * facilities file them: DELIVERY/PRINTMASTERS/..., DELIVERY/STEMS/...), audio files, and session
 * files (the media they use); and the ADM counts the Atmos rules read. A Dolby Atmos master set is one
 * deliverable, found as its `.atmos` (its .atmos.metadata and .atmos.audio go with it, never on their own). Symbolic links are followed and
 * said so; a link back into a folder already walked (a loop) is not walked twice. What a folder holds
 * that is not measured is listed with the reason, so nothing is skipped silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findAdapter, readSession } from '../../native-adapters/index.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { resolveMedia } from '../session/media.js';
import type { Rational } from '../session/time.js';
import type { AdmSummary } from './types.js';
import { containerDeliverables } from '../imf/deliverables.js';
import { damfRootPath } from '../audio/dolby-atmos/index.js';

export const AUDIO_EXT = /\.(wav|wave|bwf|rf64|w64|bw64|aif|aiff|aifc)$/i;
/** A Dolby Atmos master set's root: the deliverable that stands for the set (its .atmos.metadata and .atmos.audio go with it). */
export const DAMF_ROOT = /\.atmos$/i;
/** The other two files of a set: never deliverables of their own. */
export const DAMF_PART = /\.atmos\.(metadata|audio)$/i;
/** Deeper than any delivery tree; a guard against pathological nesting. */
export const MAX_FOLDER_DEPTH = 12;

export interface Discovered {
  files: string[];
  sessionFps: Rational | null;
  sessionDropFrame: boolean;
  errors: ErrorInfo[];
  /** What was found in the folders given and not measured, with why (reports list it). */
  ignored: Array<{ path: string; reason: string }>;
  /** Symbolic links followed: the link as found and where it leads. */
  links: Array<{ path: string; target: string }>;
  /** Checks that run beside the audio pass (an IMF package's picture and subtitle hashes): start them with it, join their errors after. */
  late?: Array<() => Promise<ErrorInfo[]>>;
}

/** Files in folders that are neither audio nor worth a line each (OS and DAW housekeeping). */
const HOUSEKEEPING = /^(\.DS_Store|Thumbs\.db|desktop\.ini|\.localized)$/i;

export async function discover(paths: string[]): Promise<Discovered> {
  const out: Discovered = { files: [], sessionFps: null, sessionDropFrame: false, errors: [], ignored: [], links: [] };
  const walked = new Set<string>();
  const containers: string[] = [];
  const walk = (dir: string, depth: number) => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch (err) {
      out.errors.push(toErrorInfo(err, dir));
      return;
    }
    if (walked.has(real)) {
      out.ignored.push({ path: dir, reason: `a link to ${real}, a folder already walked (a link loop or a second path to it)` });
      return;
    }
    walked.add(real);
    if (depth > MAX_FOLDER_DEPTH) {
      out.ignored.push({ path: dir, reason: `more than ${MAX_FOLDER_DEPTH} folders deep` });
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      out.errors.push(toErrorInfo(err, dir));
      return;
    }
    // files first, then subfolders, each in name order: a stable order for reports
    const files: string[] = [];
    const folders: string[] = [];
    const parts: string[] = [];
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (HOUSEKEEPING.test(e.name)) continue;
      if (e.name.startsWith('.')) {
        // "._NAME.wav" is macOS metadata (AppleDouble), not audio
        out.ignored.push({ path: p, reason: e.name.startsWith('._') ? 'macOS resource fork (AppleDouble), not audio' : 'hidden' });
        continue;
      }
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let target: string;
        let st: fs.Stats;
        try {
          target = fs.realpathSync(p);
          st = fs.statSync(p);
        } catch {
          out.ignored.push({ path: p, reason: `a symbolic link to ${safeReadlink(p)}, which does not exist` });
          continue;
        }
        out.links.push({ path: p, target });
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) folders.push(p);
      else if (isFile && (AUDIO_EXT.test(e.name) || DAMF_ROOT.test(e.name))) files.push(p);
      else if (isFile && DAMF_PART.test(e.name)) parts.push(p);
      else if (isFile && /\.mxf$/i.test(e.name)) containers.push(p);
      else if (isFile) out.ignored.push({ path: p, reason: findAdapter(p) ? 'a session file inside a folder (give it to qc by itself to check its media)' : 'not an audio file dubstage reads' });
      else out.ignored.push({ path: p, reason: 'not a file or a folder' });
    }
    out.files.push(...files);
    // a set's .atmos.metadata and .atmos.audio go with the .atmos that names them; one without it is said
    const claimed = new Set(files.filter((f) => DAMF_ROOT.test(f)).flatMap((f) => damfSetFiles(f)));
    for (const part of parts) if (!claimed.has(part)) out.errors.push(orphanPart(part));
    for (const f of folders) walk(f, depth + 1);
  };

  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      out.errors.push(toErrorInfo(err, p));
      continue;
    }
    // an IMF package (or CPL) stands for its audio virtual tracks, an MXF for its audio tracks (issue 18)
    const packaged = await containerDeliverables(p);
    if (packaged) {
      out.files.push(...packaged.files);
      out.errors.push(...packaged.errors);
      if (packaged.lateErrors) (out.late ??= []).push(packaged.lateErrors);
      continue;
    }
    if (stat.isDirectory()) {
      walk(p, 0);
      // MXF track files found in the folders stand for their audio tracks (issue 18)
      for (const mxf of containers.splice(0)) {
        const tracks = (await containerDeliverables(mxf))!;
        out.files.push(...tracks.files);
        out.errors.push(...tracks.errors);
      }
      continue;
    }
    if (AUDIO_EXT.test(p) || DAMF_ROOT.test(p)) {
      out.files.push(p);
      continue;
    }
    if (DAMF_PART.test(p)) {
      // a part given by itself stands for its set
      const root = damfRootPath(p);
      if (fs.existsSync(root)) out.files.push(root);
      else out.errors.push(orphanPart(p));
      continue;
    }
    // A session file: its media are the deliverables.
    try {
      if (!findAdapter(p)) throw new DubstageError({ code: 'not-audio', message: 'neither an audio file nor a session file dubstage reads', path: p });
      const session = await readSession(p);
      resolveMedia(session, p);
      out.sessionFps = session.frameRate;
      out.sessionDropFrame = session.dropFrame ?? false;
      for (const m of session.media) if (m.resolvedPath && AUDIO_EXT.test(m.resolvedPath)) out.files.push(m.resolvedPath);
    } catch (err) {
      out.errors.push(toErrorInfo(err, p));
    }
  }
  // One file reached twice (given twice, or a link beside its target) is measured once: the first path
  // that is not a link keeps it.
  const linked = new Set(out.links.map((l) => l.path));
  const byReal = new Map<string, string>();
  for (const f of out.files.map((x) => path.resolve(x))) {
    let real = f;
    try {
      real = fs.realpathSync(f);
    } catch {
      // an unreadable path is reported when it is opened
    }
    const kept = byReal.get(real);
    if (kept === undefined) byReal.set(real, f);
    else if (kept === f) continue;
    else if (linked.has(kept) && !linked.has(f)) {
      byReal.set(real, f);
      out.ignored.push({ path: kept, reason: `the same file as ${f}` });
    } else out.ignored.push({ path: f, reason: `the same file as ${kept}` });
  }
  out.files = [...byReal.values()];
  return out;
}

/**
 * The three files of a Dolby Atmos master set from its .atmos: the root, then the .atmos.metadata and
 * .atmos.audio its first presentation names (beside it), or `<name>.atmos.metadata` / `.atmos.audio`
 * when the root cannot be read or names none (reading it whole, and saying what is wrong, is the
 * measuring pass's work).
 */
export function damfSetFiles(root: string): string[] {
  let metadata = `${root}.metadata`;
  let audio = `${root}.audio`;
  try {
    const fd = fs.openSync(root, 'r');
    try {
      const head = Buffer.alloc(64 * 1024);
      const text = head.toString('utf8', 0, fs.readSync(fd, head, 0, head.length, 0));
      const named = (key: string): string | null => {
        const m = new RegExp(`^\\s*(?:-\\s+)?${key}:\\s*(.+?)\\s*$`, 'm').exec(text);
        return m ? path.join(path.dirname(root), m[1]!.replace(/^(['"])(.*)\1$/, '$2')) : null;
      };
      metadata = named('metadata') ?? metadata;
      audio = named('audio') ?? audio;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // unreadable: the conventional names; the pass says why
  }
  return [root, metadata, audio];
}

function orphanPart(part: string): ErrorInfo {
  const root = damfRootPath(part);
  return {
    code: 'io',
    message: `${part}: part of a Dolby Atmos master set, but its root ${path.basename(root)} (the .atmos that names its .atmos.metadata and .atmos.audio) is missing: the set is not checked`,
    path: root,
  };
}

function safeReadlink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return '(unreadable)';
  }
}

/** ADM counts for the Atmos rules; the reader's bed names ("7.1.2-smpte") become profile names ("7.1.2"). */
export function admSummary(report: { beds: { layout: string; channels: number }[]; bedChannels: number; objects: number }): AdmSummary {
  const raw = report.beds[0]?.layout ?? null;
  const bedLayout = raw === null ? null : (/^(LCR|mono|\d+\.\d+(?:\.\d+)?)/i.exec(raw)?.[1] ?? raw);
  return { bedLayout, bedChannels: report.bedChannels, objectCount: report.objects };
}

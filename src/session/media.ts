/**
 * Media resolution: find each MediaRef's file on disk (as written, relative to the session's folder,
 * then by name in the --media folders) and report what is missing or offline with the clips that
 * use it. Adapters only fill `path`; the registry calls resolveMedia after reading.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { channelMediaFor } from './channel-media.js';
import type { MediaRef, Session } from './model.js';

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A path written on Windows (drive letter or UNC) — absolute, but not on this machine's terms. */
function isWindowsAbsolute(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || /^\\\\/.test(p);
}

/** Path components, splitting on both separators (sessions travel between Windows and macOS). */
function components(p: string): string[] {
  return p.split(/[\\/]+/).filter((c) => c.length > 0 && c !== '.');
}

/**
 * Candidate locations for one reference, in the order of the issue: as written, relative to the
 * session folder, then trailing parts of the path (sub-folder + name, then name) under the session
 * folder and each media folder. Session media often moves with the session ("Audio Files/x.wav").
 */
function candidates(written: string, sessionDir: string, mediaDirs: string[]): string[] {
  const out: string[] = [];
  if (path.isAbsolute(written)) out.push(written);
  // a Windows path is only a location on Windows; elsewhere its tail is tried below
  else if (isWindowsAbsolute(written)) {
    if (process.platform === 'win32') out.push(written);
  } else out.push(path.resolve(sessionDir, written));
  const parts = components(written);
  const tails: string[] = [];
  // at most three trailing components: deep enough for "Audio Files/sub/x.wav", cheap to try
  for (let n = Math.min(3, parts.length); n >= 1; n--) tails.push(path.join(...parts.slice(parts.length - n)));
  for (const dir of [sessionDir, ...mediaDirs]) {
    for (const tail of tails) out.push(path.resolve(dir, tail));
  }
  return [...new Set(out)];
}

/** Fill `resolvedPath` for every non-embedded reference that is found on disk; null otherwise. */
export function resolveMedia(session: Session, sessionPath: string, mediaDirs: string[] = []): void {
  const sessionDir = path.dirname(path.resolve(sessionPath));
  for (const media of session.media) {
    media.resolvedPath = null;
    if (media.embedded) continue;
    const written = media.path ?? (media.name && /\.\w{2,5}$/.test(media.name) ? media.name : null);
    if (!written) continue;
    for (const candidate of candidates(written, sessionDir, mediaDirs)) {
      if (isFile(candidate)) {
        media.resolvedPath = path.resolve(candidate);
        break;
      }
    }
  }
}

export interface ClipUse {
  track: string;
  clip: string;
}

export interface MediaProblem {
  media: MediaRef;
  clips: ClipUse[];
}

export interface MediaReport {
  /** Not embedded and not found on disk (including references with no path at all). */
  missing: MediaProblem[];
  /** Marked offline by the session itself (Pro Tools "offline files"), found or not. */
  offline: MediaProblem[];
}

/** Missing and offline media with the clips (track + clip name) that use them. Call after resolveMedia. */
export function mediaReport(session: Session): MediaReport {
  const uses = new Map<string, ClipUse[]>();
  const byId = new Map(session.media.map((m) => [m.id, m]));
  for (const [index, track] of session.tracks.entries()) {
    // an unnamed track is named as the text output names it
    const trackName = track.name.trim() === '' ? `(unnamed track ${index + 1})` : track.name;
    for (const clip of track.clips) {
      // every channel's media is used, not only channel 1's (a 5.1 clip of six mono files uses six)
      const ids = new Set<string>();
      if (clip.mediaId !== null) ids.add(clip.mediaId);
      for (const c of channelMediaFor(clip, track.channels, byId)) if (c.mediaId !== null) ids.add(c.mediaId);
      for (const id of ids) {
        let list = uses.get(id);
        if (!list) uses.set(id, (list = []));
        list.push({ track: trackName, clip: clip.name });
      }
    }
  }
  const report: MediaReport = { missing: [], offline: [] };
  for (const media of session.media) {
    const clips = uses.get(media.id) ?? [];
    if (!media.embedded && media.resolvedPath === null) report.missing.push({ media, clips });
    if (media.offline) report.offline.push({ media, clips });
  }
  return report;
}

/**
 * A file URL as sessions write it → a path. Handles `file:///c%3a/Users/x.wav` (→ `c:/Users/x.wav`),
 * `file://localhost/Users/x.wav`, `file:///Volumes/...`, UNC hosts (`file://server/share` →
 * `//server/share`), HFS paths inside the URL (`file:///Macintosh%20HD:Users:x.wav`), a volume
 * given as host (`file://Macintosh HD/x.wav`), percent-encoding including UTF-8 sequences. Text
 * that is not a file URL is returned as it is (already a path).
 */
export function filePathFromUrl(url: string): string {
  const m = /^file:(\/\/([^/]*))?(\/.*)?$/i.exec(url.trim());
  if (!m) return url;
  const host = m[2] ?? '';
  let rest = m[3] ?? '';
  rest = safeDecode(rest);
  // file:///c:/... or file:///c|/... → c:/...
  const drive = /^\/([A-Za-z])[:|](\/.*)?$/.exec(rest);
  if (drive) return `${drive[1]}:${drive[2] ?? '/'}`;
  // old Mac writers put an HFS path in the URL: file:///Macintosh%20HD:Users:me:x.wav
  if (/^\/[^/:]+:/.test(rest)) return filePathFromHfs(rest.slice(1));
  const hostName = safeDecode(host);
  // a "host" with a space is a volume name (file://Macintosh HD/Users/...), never a network host
  if (hostName.includes(' ')) return `/Volumes/${hostName}${rest}`;
  if (host && host.toLowerCase() !== 'localhost') return `//${hostName}${rest}`;
  return rest || '/';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // a stray '%' that is not an escape: decode the valid escapes one by one
    return s.replace(/(%[0-9A-Fa-f]{2})+/g, (seq) => {
      try {
        return decodeURIComponent(seq);
      } catch {
        return seq;
      }
    });
  }
}

/**
 * A classic Mac (HFS) path as Pro Tools writes it, `Macintosh HD:Users:me:Audio Files:` → a POSIX
 * path under /Volumes (`/Volumes/Macintosh HD/Users/me/Audio Files/`), which is also valid for the
 * startup disk on macOS. A trailing ':' marks a folder. Text with no ':' or already POSIX is returned as is;
 * a Windows path (drive letter or UNC) keeps its drive with '/' separators (`G:/Session/Audio Files/`).
 */
export function filePathFromHfs(hfs: string): string {
  const t = hfs.trim();
  // Pro Tools on Windows writes Windows paths ('G:\\Session\\Fade Files\\'): a drive letter, not an HFS volume
  if (/^[A-Za-z]:[\\/]/.test(t) || t.startsWith('\\\\')) return t.replace(/\\/g, '/');
  if (!t.includes(':') || t.startsWith('/')) return t;
  const folder = t.endsWith(':');
  const parts = t.split(':').filter((p, i, all) => !(p === '' && i === all.length - 1));
  // '/' inside an HFS name is a legal character; on disk it appears as ':' in POSIX names
  const posix = parts.map((p) => p.replace(/\//g, ':'));
  return `/Volumes/${posix.join('/')}${folder ? '/' : ''}`;
}

/**
 * The adapter registry: sniff content first, then read. cli and delivery call this; adapters
 * import src/session, never the other way round.
 */
import { statSync } from 'node:fs';
import { readRegularHead } from '../src/audio/bytesource.js';
import path from 'node:path';
import { DubstageError } from '../src/errors.js';
import type { ReadOptions, Session, SessionAdapter } from '../src/session/model.js';
import { fillChannelMedia } from '../src/session/channel-media.js';
import { resolveMedia } from '../src/session/media.js';
import { aafAdapter } from './aaf/index.js';
import { edlAdapter } from './edl/index.js';
import { fcpXmlAdapter } from './fcp-xml/index.js';
import { fcpxmlAdapter } from './fcpxml/index.js';
import { protoolsAdapter } from './protools/index.js';
import { reaperAdapter } from './reaper/index.js';

/** Order matters only where two formats could both claim a file; binary AAF first, loose text last. */
export const adapters: readonly SessionAdapter[] = [
  aafAdapter,
  fcpxmlAdapter,
  fcpXmlAdapter,
  reaperAdapter,
  protoolsAdapter,
  edlAdapter,
];

const HEAD_BYTES = 64 * 1024;

/**
 * The first bytes of a session file. A bundle folder (FCPXML's .fcpxmld) is sniffed by the document
 * inside it; the adapter itself opens the bundle.
 */
export function readHead(filePath: string): Uint8Array {
  const target = statSync(filePath).isDirectory() ? path.join(filePath, 'Info.fcpxml') : filePath;
  // a FIFO, device or socket is refused by stat here (opening one could block forever)
  return readRegularHead(target, HEAD_BYTES);
}

/** The adapter for a file by content, or null when no adapter recognises it. */
export function findAdapter(filePath: string, head?: Uint8Array): SessionAdapter | null {
  const bytes = head ?? readHead(filePath);
  const name = path.basename(filePath);
  return adapters.find((a) => a.sniff(bytes, name)) ?? null;
}

export function adapterByFormat(format: string): SessionAdapter | null {
  return adapters.find((a) => a.format === format) ?? null;
}

/** Sniff and read a session file. `format` forces an adapter, which must still accept the content. */
export async function readSession(filePath: string, options: ReadOptions = {}, format?: string): Promise<Session> {
  let head: Uint8Array;
  try {
    head = readHead(filePath);
  } catch (err) {
    if (err instanceof DubstageError && err.code === 'not-regular') throw err;
    const code = err instanceof DubstageError ? undefined : (err as NodeJS.ErrnoException).code;
    const isFolder = (() => {
      try {
        return statSync(filePath).isDirectory();
      } catch {
        return false;
      }
    })();
    const reason = isFolder
      ? 'a folder, not a session file (only an .fcpxmld bundle with Info.fcpxml is read as a folder)'
      : code === 'ENOENT'
        ? 'no such file'
        : (err as Error).message.replace(/^cannot open .*?: (?=[^:]*$)/, '');
    throw new DubstageError({ code: 'io', message: `${filePath}: cannot read (${reason})`, path: filePath });
  }
  const name = path.basename(filePath);
  if (format) {
    const forced = adapterByFormat(format);
    if (!forced) throw new DubstageError({ code: 'usage', message: `unknown session format '${format}'`, path: filePath });
    if (!forced.sniff(head, name)) {
      throw new DubstageError({
        code: 'not-session',
        message: `${filePath} is not a '${format}' session file (its content does not match that format)`,
        path: filePath,
        byteOffset: 0,
      });
    }
    return withResolvedMedia(await forced.read(filePath, options), filePath, options);
  }
  const adapter = adapters.find((a) => a.sniff(head, name));
  if (!adapter) {
    throw new DubstageError({
      code: 'not-session',
      message: `${filePath}: not a session file dubstage can read (expected AAF, EDL, FCP XML, FCPXML, REAPER .RPP or Pro Tools session text)`,
      path: filePath,
      byteOffset: 0,
    });
  }
  return withResolvedMedia(await adapter.read(filePath, options), filePath, options);
}

/**
 * What every adapter's session gets the same way: media found on disk (adapters fill only `path`),
 * media per clip channel for clips whose adapter left it implicit, and one warning when there is no
 * audio track at all (a valid session, not an error: a picture-only timeline, an empty list).
 */
function withResolvedMedia(session: Session, filePath: string, options: ReadOptions): Session {
  resolveMedia(session, filePath, options.mediaDirs ?? []);
  fillChannelMedia(session.tracks, session.media);
  if (session.tracks.length === 0 && !session.warnings.some((w) => w.startsWith(NO_AUDIO_WARNING))) {
    session.warnings.push(`${NO_AUDIO_WARNING}: the session holds no audio clips`);
  }
  return session;
}

/** The start of the one warning every adapter's audio-less session carries. */
export const NO_AUDIO_WARNING = 'no audio tracks';

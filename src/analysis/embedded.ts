/**
 * Audio embedded in a session file (an AAF's EssenceData), addressed as `FILE.aaf#<mediaId>` so it
 * travels through measure and QC like a file path.
 */
import { readSession } from '../../native-adapters/index.js';
import { openEmbeddedEssence } from '../../native-adapters/aaf/index.js';
import type { AudioSource } from '../audio/types.js';
import { openByteSource, type OpenOptions } from '../audio/open.js';
import { DubstageError } from '../errors.js';

const EMBEDDED = /^(.*\.aaf)#(.+)$/i;

export function isEmbeddedPath(p: string): boolean {
  return EMBEDDED.test(p);
}

export function openEmbedded(p: string, options: OpenOptions = {}): AudioSource {
  const m = EMBEDDED.exec(p);
  if (!m) throw new DubstageError({ code: 'usage', message: `${p}: not an embedded-media address (FILE.aaf#MEDIA-ID)`, path: p });
  return openByteSource(openEmbeddedEssence(m[1]!, m[2]!), options);
}

/** The embedded media of an AAF as measurable addresses; empty when its media are all linked. */
export async function embeddedMediaPaths(aafPath: string): Promise<string[]> {
  const session = await readSession(aafPath);
  return session.media.filter((mm) => mm.embedded).map((mm) => `${aafPath}#${mm.id}`);
}

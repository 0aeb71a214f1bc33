/**
 * The AAF adapter: Pro Tools, Media Composer, Resolve and Premiere AAF exports read into the Session.
 * Container: cfb.ts (positional reads); objects: objects.ts + model.ts; composition: read.ts.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DubstageError } from '../../src/errors.js';
import type { ByteSource } from '../../src/audio/types.js';
import type { SessionAdapter } from '../../src/session/model.js';
import { isCfb } from './cfb.js';
import { PID } from './model.js';
import { AafFile } from './objects.js';
import { readAafSession } from './read.js';

/** MXF-style KLV "AAF" (SMPTE 336 key prefix): not structured storage, refused with a clear word. */
function isKlv(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x06 && head[1] === 0x0e && head[2] === 0x2b && head[3] === 0x34;
}

export const aafAdapter: SessionAdapter = {
  format: 'aaf',
  // content first: every CFB file is offered to us and refused later if its root is not AAF;
  // a KLV file named .aaf is claimed so the user hears why it cannot be read
  sniff: (head, name) => isCfb(head) || (isKlv(head) && /\.aaf$/i.test(name)),
  read: async (filePath, options) => {
    const fd = openSync(filePath, 'r');
    const head = Buffer.alloc(8);
    try {
      readSync(fd, head, 0, 8, 0);
    } finally {
      closeSync(fd);
    }
    if (isKlv(head)) {
      throw new DubstageError({
        code: 'not-session',
        message: `${filePath}: a KLV-encoded (MXF-style) AAF; only structured-storage AAF files can be read`,
        path: filePath,
        byteOffset: 0,
      });
    }
    return readAafSession(filePath, options);
  },
};

/**
 * The embedded essence (WAVE or AIFC bytes) of the file SourceMob `mediaId` (a MediaRef id with
 * `embedded: true`), as random-access bytes for the audio readers. Closing it closes the AAF.
 */
export function openEmbeddedEssence(aafPath: string, mediaId: string): ByteSource {
  const file = AafFile.open(aafPath);
  try {
    const content = file.header.strong(PID.Content);
    const essence = content?.keyedSet(PID.EssenceDataSet).get(mediaId);
    if (!essence) {
      throw new DubstageError({ code: 'bad-session', message: `${aafPath}: no embedded essence for media ${mediaId}`, path: aafPath });
    }
    const entry = essence.streamEntry(PID.EssenceDataData);
    if (!entry) throw new DubstageError({ code: 'bad-session', message: `${aafPath}: embedded essence ${mediaId} has no data stream`, path: aafPath });
    const stream = file.cfb.openStream(entry, `${aafPath}#essence-${mediaId.slice(-8)}`);
    return {
      name: stream.name,
      size: stream.size,
      read: (buf, offset, length, position) => stream.read(buf, offset, length, position),
      close: () => file.close(),
    };
  } catch (err) {
    file.close();
    throw err;
  }
}

export { readAafSession } from './read.js';

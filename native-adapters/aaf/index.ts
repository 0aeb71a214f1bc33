/**
 * The AAF adapter: Pro Tools, Media Composer, Resolve and Premiere AAF exports read into the Session.
 * Container: cfb.ts (positional reads); objects: objects.ts + model.ts; composition: read.ts.
 */
import { readRegularHead } from '../../src/audio/bytesource.js';
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
    const head = readRegularHead(filePath, 8);
    if (isKlv(head)) {
      throw new DubstageError({
        code: 'not-session',
        message: `${filePath}: a KLV-encoded (MXF-style) AAF; only structured-storage AAF files can be read`,
        path: filePath,
        byteOffset: 0,
      });
    }
    try {
      return readAafSession(filePath, options);
    } catch (err) {
      if (err instanceof DubstageError) throw err;
      // a structure no check above foresaw (a value cut short inside a property): still a clear error
      const detail = err instanceof Error ? err.message : String(err);
      throw new DubstageError({ code: 'bad-session', message: `${filePath}: the AAF structure is corrupt (${detail})`, path: filePath });
    }
  },
};

/** A canonical 44-byte WAVE header for raw PCM essence (a PCMDescriptor says channels, rate and bits). */
function waveHeader(channels: number, sampleRate: number, bits: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  const blockAlign = channels * Math.ceil(bits / 8);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * The embedded essence of the file SourceMob `mediaId` (a MediaRef id with `embedded: true`) as
 * WAVE or AIFC bytes for the audio readers: WAVE/AIFC essence as stored, raw PCM essence (Pro Tools'
 * PCMDescriptor) behind a WAVE header made from the descriptor. Closing it closes the AAF.
 */
export function openEmbeddedEssence(aafPath: string, mediaId: string): ByteSource {
  const file = AafFile.open(aafPath);
  const fail = (message: string, code: 'bad-session' | 'too-large' = 'bad-session') =>
    new DubstageError({ code, message: `${aafPath}: ${message}`, path: aafPath });
  try {
    const content = file.header.strong(PID.Content);
    const essence = content?.keyedSet(PID.EssenceDataSet).get(mediaId);
    if (!content || !essence) throw fail(`no embedded essence for media ${mediaId}`);
    const entry = essence.streamEntry(PID.EssenceDataData);
    if (!entry) throw fail(`embedded essence ${mediaId} has no data stream`);
    const stream = file.cfb.openStream(entry, `${aafPath}#essence-${mediaId.slice(-8)}`);
    const magic = Buffer.alloc(4);
    stream.read(magic, 0, 4, 0);
    let prefix: Buffer = Buffer.alloc(0);
    if (!['RIFF', 'RF64', 'FORM'].includes(magic.toString('latin1'))) {
      const mob = content.keyedSet(PID.Mobs).get(mediaId);
      const desc = mob?.strong(PID.EssenceDescription);
      const channels = desc?.u32(PID.Channels) ?? null;
      const rate = desc?.rational(PID.AudioSamplingRate) ?? null;
      const bits = desc?.u32(PID.QuantizationBits) ?? null;
      if (!desc || !desc.isA('SoundDescriptor') || !channels || !rate || rate.den === 0 || !bits) {
        throw fail(`embedded essence ${mediaId} is neither WAVE nor AIFC, and its descriptor does not describe PCM`);
      }
      if (stream.size > 0xffffffff - 36) throw fail(`embedded PCM essence ${mediaId} is over 4 GiB; it cannot be given a WAVE header`, 'too-large');
      prefix = waveHeader(channels, Math.round(rate.num / rate.den), bits, stream.size);
    }
    const size = prefix.length + stream.size;
    return {
      name: stream.name,
      size,
      read: (buf, offset, length, position) => {
        let done = 0;
        if (position < prefix.length) {
          const n = Math.min(length, prefix.length - position);
          buf.set(prefix.subarray(position, position + n), offset);
          done = n;
        }
        if (done < length) done += stream.read(buf, offset + done, length - done, position + done - prefix.length);
        return done;
      },
      close: () => file.close(),
    };
  } catch (err) {
    file.close();
    throw err;
  }
}

export { readAafSession } from './read.js';

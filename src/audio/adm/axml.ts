/**
 * ADM XML (ITU-R BS.2076) read with a streaming parser: an axml chunk of a 128-object master can
 * be hundreds of MB, almost all audioBlockFormats. We keep one small record per element and only the
 * first speakerLabel of each channel, never the blocks themselves.
 */
import { createReadStream } from 'node:fs';
import { SaxesParser, type SaxesTag } from 'saxes';
import { DubstageError } from '../../errors.js';
import { BlockSkipper } from './skip-blocks.js';

export interface AdmProgramme {
  id: string;
  name: string;
  start: string | null;
  end: string | null;
  contentRefs: string[];
}

export interface AdmContent {
  id: string;
  name: string;
  objectRefs: string[];
}

export interface AdmObject {
  id: string;
  name: string;
  start: string | null;
  duration: string | null;
  packRefs: string[];
  trackUidRefs: string[];
  objectRefs: string[];
}

export interface AdmPack {
  id: string;
  name: string;
  typeLabel: string | null;
  typeDefinition: string | null;
  channelRefs: string[];
  packRefs: string[];
}

export interface AdmChannel {
  id: string;
  name: string;
  typeLabel: string | null;
  typeDefinition: string | null;
  /** First speakerLabel of the first block (DirectSpeakers). */
  speakerLabel: string | null;
  /** HOA component of the first block: order, degree and normalization (BS.2076 HOA block elements). */
  order?: number | null;
  degree?: number | null;
  normalization?: string | null;
  blockCount: number;
}

export interface AdmStream {
  id: string;
  channelRef: string | null;
  packRef: string | null;
  trackFormatRefs: string[];
}

export interface AdmTrackFormat {
  id: string;
  streamRef: string | null;
}

export interface AdmTrackUid {
  uid: string;
  sampleRate: number | null;
  bitDepth: number | null;
  trackFormatRef: string | null;
  channelFormatRef: string | null;
  packRef: string | null;
}

export interface AdmDocument {
  /** Root element name: ebuCoreMain, ituADM, or audioFormatExtended. */
  root: string;
  programmes: AdmProgramme[];
  contents: AdmContent[];
  objects: AdmObject[];
  packs: Map<string, AdmPack>;
  channels: Map<string, AdmChannel>;
  streams: Map<string, AdmStream>;
  trackFormats: Map<string, AdmTrackFormat>;
  trackUids: Map<string, AdmTrackUid>;
}

/** Where the XML lives: a whole file, or a chunk's byte range inside a BW64. */
export interface XmlRange {
  path: string;
  start: number;
  length: number;
}

const attr = (tag: SaxesTag, name: string): string | null => {
  const v = tag.attributes[name];
  return typeof v === 'string' ? v : v ? v.value : null;
};

/** Element name without a namespace prefix ("ebuCore:audioObject" -> "audioObject"). */
const localName = (tag: { name: string }): string => {
  const i = tag.name.indexOf(':');
  return i < 0 ? tag.name : tag.name.slice(i + 1);
};

/** Parse ADM XML from a byte range of a file, streaming. Errors name the line and the file offset. */
export function parseAdmXml(range: XmlRange): Promise<AdmDocument> {
  const doc: AdmDocument = {
    root: '',
    programmes: [],
    contents: [],
    objects: [],
    packs: new Map(),
    channels: new Map(),
    streams: new Map(),
    trackFormats: new Map(),
    trackUids: new Map(),
  };
  const parser = new SaxesParser({ fileName: range.path });
  const stack: string[] = [];
  let text = '';
  // The element whose ...IDRef children we are collecting.
  let programme: AdmProgramme | null = null;
  let content: AdmContent | null = null;
  let object: AdmObject | null = null;
  let pack: AdmPack | null = null;
  let channel: AdmChannel | null = null;
  let stream: AdmStream | null = null;
  let trackFormat: AdmTrackFormat | null = null;
  let trackUid: AdmTrackUid | null = null;
  let inFirstBlock = false;

  // past each channel's first block the report needs only the count: the rest is cut before the parser
  const skipper = new BlockSkipper(
    (t) => parser.write(t),
    () => stack[stack.length - 1] === 'audioChannelFormat' && channel !== null && channel.blockCount >= 1,
    () => {
      if (channel) channel.blockCount++;
    },
  );
  const fail = (message: string): never => {
    throw new DubstageError({
      code: 'bad-format',
      message: `${range.path}: ADM XML line ${parser.line + skipper.droppedLines}: ${message}`,
      path: range.path,
      line: parser.line,
      byteOffset: range.start,
    });
  };

  parser.on('doctype', () => {
    // BS.2076 has no DTD; a DOCTYPE can only declare entities (an "entity bomb"): refuse, never expand.
    fail('DOCTYPE/ENTITY declarations are not allowed in ADM metadata (refused without expanding)');
  });
  parser.on('error', (err) => fail(err.message.replace(/^[^:]*:\d+:\d+: /, '')));
  parser.on('opentag', (tag) => {
    const name = localName(tag);
    stack.push(name);
    text = '';
    if (stack.length === 1) doc.root = name;
    switch (name) {
      case 'audioProgramme':
        programme = {
          id: attr(tag, 'audioProgrammeID') ?? '',
          name: attr(tag, 'audioProgrammeName') ?? '',
          start: attr(tag, 'start'),
          end: attr(tag, 'end'),
          contentRefs: [],
        };
        doc.programmes.push(programme);
        break;
      case 'audioContent':
        content = { id: attr(tag, 'audioContentID') ?? '', name: attr(tag, 'audioContentName') ?? '', objectRefs: [] };
        doc.contents.push(content);
        break;
      case 'audioObject':
        object = {
          id: attr(tag, 'audioObjectID') ?? '',
          name: attr(tag, 'audioObjectName') ?? '',
          start: attr(tag, 'start'),
          duration: attr(tag, 'duration'),
          packRefs: [],
          trackUidRefs: [],
          objectRefs: [],
        };
        doc.objects.push(object);
        break;
      case 'audioPackFormat':
        pack = {
          id: attr(tag, 'audioPackFormatID') ?? '',
          name: attr(tag, 'audioPackFormatName') ?? '',
          typeLabel: attr(tag, 'typeLabel'),
          typeDefinition: attr(tag, 'typeDefinition'),
          channelRefs: [],
          packRefs: [],
        };
        doc.packs.set(pack.id, pack);
        break;
      case 'audioChannelFormat':
        channel = {
          id: attr(tag, 'audioChannelFormatID') ?? '',
          name: attr(tag, 'audioChannelFormatName') ?? '',
          typeLabel: attr(tag, 'typeLabel'),
          typeDefinition: attr(tag, 'typeDefinition'),
          speakerLabel: null,
          blockCount: 0,
        };
        doc.channels.set(channel.id, channel);
        break;
      case 'audioBlockFormat':
        if (channel) {
          channel.blockCount++;
          inFirstBlock = channel.blockCount === 1;
        }
        break;
      case 'audioStreamFormat':
        stream = { id: attr(tag, 'audioStreamFormatID') ?? '', channelRef: null, packRef: null, trackFormatRefs: [] };
        doc.streams.set(stream.id, stream);
        break;
      case 'audioTrackFormat':
        trackFormat = { id: attr(tag, 'audioTrackFormatID') ?? '', streamRef: null };
        doc.trackFormats.set(trackFormat.id, trackFormat);
        break;
      case 'audioTrackUID': {
        const rate = attr(tag, 'sampleRate');
        const bits = attr(tag, 'bitDepth');
        trackUid = {
          uid: attr(tag, 'UID') ?? '',
          sampleRate: rate !== null && rate.trim() !== '' ? Number(rate.trim()) : null,
          bitDepth: bits !== null && bits.trim() !== '' ? Number(bits.trim()) : null,
          trackFormatRef: null,
          channelFormatRef: null,
          packRef: null,
        };
        doc.trackUids.set(trackUid.uid, trackUid);
        break;
      }
    }
  });
  parser.on('text', (t) => {
    // Only leaf references and speakerLabel matter; cap the buffer so a huge text node costs nothing.
    if (text.length < 256) text += t;
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag);
    const value = text.trim();
    stack.pop();
    const parent = stack[stack.length - 1];
    text = '';
    switch (name) {
      case 'audioProgramme':
        programme = null;
        return;
      case 'audioContent':
        content = null;
        return;
      case 'audioObject':
        // Nested audioObject elements are not BS.2076; references are. Restore nothing.
        object = null;
        return;
      case 'audioPackFormat':
        pack = null;
        return;
      case 'audioChannelFormat':
        channel = null;
        return;
      case 'audioBlockFormat':
        inFirstBlock = false;
        return;
      case 'audioStreamFormat':
        stream = null;
        return;
      case 'audioTrackFormat':
        trackFormat = null;
        return;
      case 'audioTrackUID':
        trackUid = null;
        return;
    }
    if (!value) return;
    if (parent === 'audioProgramme' && programme && name === 'audioContentIDRef') programme.contentRefs.push(value);
    else if (parent === 'audioContent' && content && name === 'audioObjectIDRef') content.objectRefs.push(value);
    else if (parent === 'audioObject' && object) {
      if (name === 'audioPackFormatIDRef') object.packRefs.push(value);
      else if (name === 'audioTrackUIDRef') object.trackUidRefs.push(value);
      else if (name === 'audioObjectIDRef') object.objectRefs.push(value);
    } else if (parent === 'audioPackFormat' && pack) {
      if (name === 'audioChannelFormatIDRef') pack.channelRefs.push(value);
      else if (name === 'audioPackFormatIDRef') pack.packRefs.push(value);
    } else if (parent === 'audioBlockFormat' && channel && inFirstBlock && name === 'speakerLabel' && channel.speakerLabel === null) {
      channel.speakerLabel = value;
    } else if (parent === 'audioBlockFormat' && channel && inFirstBlock && (name === 'order' || name === 'degree')) {
      const n = Number(value.trim());
      if (Number.isInteger(n)) channel[name] = n;
    } else if (parent === 'audioBlockFormat' && channel && inFirstBlock && name === 'normalization') {
      channel.normalization = value.trim();
    } else if (parent === 'audioStreamFormat' && stream) {
      if (name === 'audioChannelFormatIDRef') stream.channelRef = value;
      else if (name === 'audioPackFormatIDRef') stream.packRef = value;
      else if (name === 'audioTrackFormatIDRef') stream.trackFormatRefs.push(value);
    } else if (parent === 'audioTrackFormat' && trackFormat && name === 'audioStreamFormatIDRef') {
      trackFormat.streamRef = value;
    } else if (parent === 'audioTrackUID' && trackUid) {
      if (name === 'audioTrackFormatIDRef') trackUid.trackFormatRef = value;
      else if (name === 'audioChannelFormatIDRef') trackUid.channelFormatRef = value;
      else if (name === 'audioPackFormatIDRef') trackUid.packRef = value;
    }
  });

  return new Promise<AdmDocument>((resolve, reject) => {
    if (range.length <= 0) {
      reject(new DubstageError({ code: 'bad-format', message: `${range.path}: the ADM XML is empty`, path: range.path, byteOffset: range.start }));
      return;
    }
    const input = createReadStream(range.path, { start: range.start, end: range.start + range.length - 1, highWaterMark: 256 * 1024 });
    const decoder = new TextDecoder('utf-8');
    let settled = false;
    const stop = (err: unknown): void => {
      if (settled) return;
      settled = true;
      input.destroy();
      reject(err);
    };
    input.on('data', (chunk) => {
      if (settled) return;
      try {
        // NUL padding inside a chunk (writers reserve room to grow the XML) is not XML.
        skipper.push(decoder.decode(chunk as Buffer, { stream: true }).replace(/\0/g, ''));
      } catch (err) {
        stop(err);
      }
    });
    input.on('error', (err) => stop(new DubstageError({ code: 'io', message: `${range.path}: ${err.message}`, path: range.path })));
    input.on('end', () => {
      if (settled) return;
      try {
        skipper.push(decoder.decode().replace(/\0/g, ''));
        skipper.end();
        parser.close();
        if (!doc.root) fail('no XML element found');
        settled = true;
        resolve(doc);
      } catch (err) {
        stop(err);
      }
    });
  });
}

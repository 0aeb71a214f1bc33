/**
 * The entry point of src/audio: sniff a file, read its header, decide its channel labels, and open a
 * streaming source (a file, a multi-mono set, an embedded stream, or a short compressed reference file).
 */
import { isCaf, readCafHeader } from './dolby-atmos/caf.js';
import { DubstageError } from '../errors.js';
import { isAiff, readAiffHeader } from './aiff.js';
import { openFileSource, readBytes } from './bytesource.js';
import { checksumTap, type ChecksumTap, type FileChecksums } from './checksum.js';
import { genericLabels, labelsFromMask, layoutNameForCount, type ChannelLabel, type MaskLabels } from './channels.js';
import { labelsFromIxmlTracks, pickChannelLabels } from './layouts.js';
import { decodeCompressed, sniffCompressed } from './compressed.js';
import type { AudioInput } from './multimono.js';
import { decodeInterleaved, readDecodeInterleaved, readDecodeInto, type PcmDecodeOptions, type SampleEncoding } from './pcm.js';
import { isRiffWave, readRiffHeader } from './riff.js';
import { isWave64, readWave64Header } from './w64.js';
import type { AudioHeader, AudioSource, ByteSource, PcmDecodeTarget } from './types.js';
import { applyMcaLabels, openMxfTrack, parseMxfAddress, sniffMxf } from './mxf/index.js';

export interface OpenOptions {
  /** User-declared labels (--channels), which win over everything the file says. */
  channels?: ChannelLabel[];
  /** The PCM decoder (default: the WASM one when built); useWasm: false reads through the plain-JS path. */
  pcm?: PcmDecodeOptions;
  /** Take each file's MD5 and SHA-256 as its data is read (AudioSource.checksums completes them). */
  checksums?: boolean;
}

interface PcmHeader extends AudioHeader {
  encoding: SampleEncoding;
}

/** Read the header of a WAV/RF64/BW64/AIFF/AIFC held in a ByteSource (labels not yet decided). */
export function readHeaderFrom(src: ByteSource): PcmHeader {
  const head = readBytes(src, 0, 12);
  if (isRiffWave(head)) return readRiffHeader(src);
  if (isAiff(head)) return readAiffHeader(src);
  if (isWave64(head)) return readWave64Header(src);
  if (isCaf(head)) return readCafHeader(src);
  if (sniffMxf(readBytes(src, 0, 65552))) return openMxfTrack(src, src.name, null).source.header;
  const compressed = sniffCompressed(head);
  if (compressed) {
    throw new DubstageError({
      code: 'not-audio',
      message: `${src.name}: a ${compressed.toUpperCase()} file has no chunk table to read; \`dubstage measure\` decodes short ${compressed.toUpperCase()} reference files whole, everything else reads WAV, RF64, BW64, AIFF or AIFC`,
      path: src.name,
      byteOffset: 0,
    });
  }
  if (src.size === 0) {
    throw new DubstageError({ code: 'not-audio', message: `${src.name}: the file is empty (0 bytes); expected a WAV, RF64, BW64, AIFF or AIFC header`, path: src.name, byteOffset: 0 });
  }
  throw new DubstageError({
    code: 'not-audio',
    message: `${src.name}: not an audio file dubstage reads (expected WAV, RF64, BW64, AIFF, AIFC or MXF; the first bytes are '${Buffer.from(head.subarray(0, 4)).toString('latin1').replace(/[^\x20-\x7e]/g, '.')}')`,
    path: src.name,
    byteOffset: 0,
  });
}

/** The header of a file with its channel labels decided (for inspect, delivery, ADM). */
export function readAudioHeader(filePath: string, options: OpenOptions = {}): AudioHeader {
  const opener = addressOpeners.find((o) => o.matches(filePath));
  if (opener || parseMxfAddress(filePath)) {
    const source = opener ? opener.open(filePath, options) : openMxfAddress(filePath, options);
    source.close();
    return source.header;
  }
  const src = openFileSource(filePath);
  try {
    const header = readHeaderFrom(src);
    applyLabels(header, options.channels);
    return header;
  } finally {
    src.close();
  }
}

/**
 * Decide channel labels. The file's own sources in the order of channel-layouts.md §7 (iXML track names,
 * then the channel mask; ADM is applied by measure, multi-mono suffixes by the set) through
 * pickChannelLabels, else the common layout for the channel count, said as an assumption. The user's
 * --channels is an explicit override: it wins, and says so when the file claimed something else.
 */
export function applyLabels(header: AudioHeader, user?: ChannelLabel[]): void {
  const n = header.format.channels;
  if (applyMcaLabels(header, user)) return;
  if (user && user.length > 0 && user.length !== n) {
    throw new DubstageError({
      code: 'usage',
      message: `${header.path}: --channels names ${user.length} channels but the file has ${n}`,
      path: header.path,
    });
  }
  let mask: MaskLabels | null = null;
  if (header.channelMask !== null) {
    mask = labelsFromMask(header.channelMask, n);
    if (!mask && header.channelMask !== 0) {
      header.warnings.push(`channel mask 0x${header.channelMask.toString(16)} names ${popcount(header.channelMask)} channels but the file has ${n}; mask ignored`);
    }
  }
  const ixml = header.ixml ? labelsFromIxmlTracks(header.ixml.tracks, n) : null;
  const picked = pickChannelLabels(n, { ixml: ixml && new Set(ixml).size === n ? ixml : null, channelMask: mask?.labels ?? null });
  if (user && user.length > 0) {
    header.format.channelLabels = user;
    header.format.labelSource = 'user';
    if ((picked.source === 'ixml' || picked.source === 'channel-mask') && picked.labels.join(' ') !== user.join(' ')) {
      header.warnings.push(`--channels ${user.join(',')} overrides the file's own labels (${picked.labels.join(' ')}, from ${picked.source})`);
    }
    return;
  }
  header.format.channelLabels = picked.labels;
  header.format.labelSource = picked.source;
  if (picked.source === 'channel-mask') header.warnings.push(...mask!.notes);
  else if (picked.source === 'assumed-by-count' && n > 2) {
    header.warnings.push(`channel layout assumed from the channel count: ${layoutNameForCount(n)}; use --channels to declare it`);
  } else if (picked.source === 'unknown') {
    header.warnings.push(`no channel layout known for ${n} channels: every channel weighted 1.0; use --channels to declare it`);
  }
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** Streams a WAV/AIFF held in a ByteSource. */
class PcmSource implements AudioSource {
  readonly files: string[];
  private position = 0;
  private scratch = new Uint8Array(0);
  /** Plain files are read straight into the WASM decoder's input, a kernel chunk per read. */
  private readonly direct: boolean;

  constructor(
    readonly header: PcmHeader,
    private readonly src: ByteSource,
    private readonly pcm?: PcmDecodeOptions,
    private readonly tap?: ChecksumTap,
  ) {
    this.files = [header.path];
    this.direct = src.plainFile === true;
  }

  checksums(): FileChecksums[] {
    return this.tap ? [this.tap.finish()] : [];
  }

  seek(frame: number): void {
    this.position = Math.max(0, Math.min(frame, this.header.format.frames));
  }

  read(out: Float32Array[], maxFrames: number): number {
    const h = this.header;
    const frames = Math.min(maxFrames, h.format.frames - this.position);
    if (frames <= 0) return 0;
    const at = h.dataOffset + this.position * h.blockAlign;
    let whole = this.direct ? readDecodeInterleaved(this.src, at, frames, h.format.channels, h.blockAlign, h.encoding, out, 0, this.pcm) : -1;
    if (whole < 0) {
      const bytes = frames * h.blockAlign;
      if (this.scratch.length < bytes) this.scratch = new Uint8Array(bytes);
      whole = Math.floor(this.src.read(this.scratch, 0, bytes, at) / h.blockAlign);
      if (whole > 0) decodeInterleaved(this.scratch, whole, h.format.channels, h.blockAlign, h.encoding, out, 0, this.pcm);
    }
    if (whole === 0) {
      // the file shrank under us or a read came back short: say where
      throw new DubstageError({
        code: 'truncated',
        message: `${h.path}: read stopped at byte ${at}, frame ${this.position} of ${h.format.frames}`,
        path: h.path,
        byteOffset: at,
      });
    }
    this.position += whole;
    return whole;
  }

  readInto(into: PcmDecodeTarget, maxFrames: number): number {
    const h = this.header;
    // a hashed pass reads through read() (the tap sees the bytes in order)
    if (!this.direct || this.tap || this.pcm?.useWasm === false || this.pcm?.wasm === null) return -1;
    const frames = Math.min(maxFrames, h.format.frames - this.position);
    if (frames <= 0) return 0;
    const at = h.dataOffset + this.position * h.blockAlign;
    const whole = readDecodeInto(this.src, at, frames, h.format.channels, h.blockAlign, h.encoding, into);
    if (whole < 0) return -1;
    if (whole === 0) {
      throw new DubstageError({ code: 'truncated', message: `${h.path}: read stopped at byte ${at}, frame ${this.position} of ${h.format.frames}`, path: h.path, byteOffset: at });
    }
    this.position += whole;
    return whole;
  }

  close(): void {
    this.src.close();
  }
}

/** Several mono files read in lockstep as one stream. */
class MultiMonoSource implements AudioSource {
  private readonly one: Float32Array[] = [new Float32Array(0)];

  constructor(
    readonly header: AudioHeader,
    readonly files: string[],
    private readonly members: AudioSource[],
  ) {}

  seek(frame: number): void {
    for (const m of this.members) m.seek(frame);
  }

  read(out: Float32Array[], maxFrames: number): number {
    let frames = -1;
    for (let c = 0; c < this.members.length; c++) {
      this.one[0] = out[c]!;
      const n = this.members[c]!.read(this.one, maxFrames);
      frames = frames < 0 ? n : Math.min(frames, n);
    }
    return Math.max(0, frames);
  }

  checksums(): FileChecksums[] {
    return this.members.flatMap((m) => m.checksums?.() ?? []);
  }

  close(): void {
    for (const m of this.members) m.close();
  }
}

/** Open a PCM stream held in a ByteSource (e.g. an AAF's embedded essence). */
export function openByteSource(src: ByteSource, options: OpenOptions = {}): AudioSource {
  // an MXF's essence is not one contiguous range when frame-wrapped: its own source reads it
  if (!isRiffWave(readBytes(src, 0, 12)) && !isCaf(readBytes(src, 0, 12)) && sniffMxf(readBytes(src, 0, 65552))) return openMxfSource(src, src.name, null, options);
  try {
    const header = readHeaderFrom(src);
    applyLabels(header, options.channels);
    // the tap sees the data reads from here on; it hashes the header bytes itself, in order
    const tap = options.checksums ? checksumTap(src) : undefined;
    return new PcmSource(header, tap ? tap.source : src, options.pcm, tap);
  } catch (err) {
    src.close();
    throw err;
  }
}

/** Open one input (file or multi-mono set) for streaming. */
export async function openAudio(input: AudioInput | string, options: OpenOptions = {}): Promise<AudioSource> {
  const inp: AudioInput = typeof input === 'string' ? { path: input } : input;
  if (inp.files && inp.files.length > 1) return openMultiMono(inp, options);
  const opener = addressOpeners.find((o) => o.matches(inp.path));
  if (opener) return opener.open(inp.path, options);
  if (parseMxfAddress(inp.path)) return openMxfAddress(inp.path, options);
  const src = openFileSource(inp.path);
  const head = readBytes(src, 0, 12);
  if (!isRiffWave(head) && !isAiff(head) && !isCaf(head)) {
    if (sniffMxf(readBytes(src, 0, 65552))) return openMxfSource(src, inp.path, null, options);
    const kind = sniffCompressed(head);
    if (kind) {
      src.close();
      return decodeCompressed(inp.path, kind, src.size, options);
    }
  }
  return openByteSource(src, options);
}

/**
 * Addresses that name a stream rather than a file (an IMF virtual track, `CPL.xml#track1`): a room above
 * audio registers an opener (src/imf), so the readers stay below it and the workers open them too.
 */
export interface AddressOpener {
  matches(p: string): boolean;
  open(p: string, options: OpenOptions): AudioSource;
}
const addressOpeners: AddressOpener[] = [];
export function registerAddressOpener(opener: AddressOpener): void {
  if (!addressOpeners.includes(opener)) addressOpeners.push(opener);
}

function openMxfSource(src: ByteSource, address: string, track: number | null, options: OpenOptions): AudioSource {
  const { source } = openMxfTrack(src, address, track, options.pcm);
  try {
    applyLabels(source.header, options.channels);
  } catch (err) {
    source.close();
    throw err;
  }
  return source;
}

/** `FILE.mxf#track<N>`: one audio track of an MXF with several. */
function openMxfAddress(address: string, options: OpenOptions): AudioSource {
  const a = parseMxfAddress(address)!;
  return openMxfSource(openFileSource(a.file), address, a.track, options);
}

function openMultiMono(inp: AudioInput, options: OpenOptions): AudioSource {
  const files = inp.files!;
  const members: AudioSource[] = [];
  try {
    for (const f of files) members.push(openByteSource(openFileSource(f), { pcm: options.pcm, checksums: options.checksums }));
    const first = members[0]!.header;
    for (let i = 0; i < members.length; i++) {
      const h = members[i]!.header;
      if (h.format.channels !== 1) {
        throw new DubstageError({ code: 'mismatch', message: `${files[i]}: member of a multi-mono set has ${h.format.channels} channels; 1 expected (use --no-group to measure files separately)`, path: files[i]! });
      }
      if (h.format.sampleRate !== first.format.sampleRate) {
        throw new DubstageError({ code: 'mismatch', message: `${files[i]}: ${h.format.sampleRate} Hz but ${files[0]} is ${first.format.sampleRate} Hz; a multi-mono set must share one rate`, path: files[i]! });
      }
      if (h.format.frames !== first.format.frames) {
        throw new DubstageError({ code: 'mismatch', message: `${files[i]}: ${h.format.frames} frames but ${files[0]} has ${first.format.frames}; a multi-mono set must be one length (use --no-group to measure files separately)`, path: files[i]! });
      }
    }
    const header: AudioHeader = {
      ...first,
      path: inp.path,
      format: { ...first.format, channels: files.length, channelLabels: [], labelSource: 'multi-mono-names' },
      chunks: [],
      warnings: members.flatMap((m, i) => m.header.warnings.map((w) => `${files[i]}: ${w}`)),
    };
    if (options.channels) applyLabels(header, options.channels);
    else header.format.channelLabels = inp.labels ?? genericLabels(files.length);
    return new MultiMonoSource(header, files, members);
  } catch (err) {
    for (const m of members) m.close();
    throw err;
  }
}

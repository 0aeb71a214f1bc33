/**
 * MXF audio (SMPTE ST 377-1, ST 382): an MXF file's audio tracks as streaming sources, each addressed
 * as `FILE.mxf#track<N>` (N: the track's 1-based position among the file's audio tracks; a file with one
 * audio track is just `FILE.mxf`). Clip-wrapped essence is one contiguous range read like a WAV's data
 * chunk; frame-wrapped essence is read element by element, skipping other tracks' elements (video)
 * by their length without reading them.
 */
import { DubstageError } from '../../errors.js';
import { openFileSource, readBytes } from '../bytesource.js';
import { decodeInterleaved, readDecodeInterleaved, type PcmDecodeOptions, type SampleEncoding } from '../pcm.js';
import type { ChannelLabel } from '../channels.js';
import type { AudioHeader, AudioSource, ByteSource } from '../types.js';
import { elementTrackNumber, isEssenceElement, readKlvHeader } from './klv.js';
import { findHeaderPartition, readMxf, type MxfAudioTrack, type MxfInfo } from './reader.js';

export { readMxf, isMxf, findHeaderPartition, essenceContainerName } from './reader.js';
export type { MxfInfo, MxfAudioTrack, MxfPartition, MxfIndexSegment, MxfTrackSummary, MxfAudioDescriptor } from './reader.js';
export { mcaLayout, labelForChannelSymbol, isRfc5646, SOUNDFIELD_GROUPS, type MxfMcaLabel, type McaLayout } from './mca.js';

const ADDRESS = /^(.*\.mxf)#track(\d+)$/i;

/** `FILE.mxf#track<N>` → the file and N; null for anything else. */
export function parseMxfAddress(p: string): { file: string; track: number } | null {
  const m = ADDRESS.exec(p);
  return m ? { file: m[1]!, track: Number(m[2]) } : null;
}

/** True when the head of a file is an MXF header partition (allowing a run-in). */
export function sniffMxf(head: Uint8Array): boolean {
  return findHeaderPartition(head) >= 0;
}

/** The measurable addresses of an MXF file's audio tracks: the path itself for one, `#track<N>` for several. */
export function mxfAudioAddresses(filePath: string): string[] {
  const src = openFileSource(filePath);
  try {
    const info = readMxf(src);
    if (info.audioTracks.length === 0) {
      throw new DubstageError({ code: 'not-audio', message: `${filePath}: this MXF has no audio track (tracks: ${info.tracks.filter((t) => t.package === 'file').map((t) => t.kind).join(', ') || 'none'})`, path: filePath });
    }
    return info.audioTracks.length === 1 ? [filePath] : info.audioTracks.map((t) => `${filePath}#track${t.index}`);
  } finally {
    src.close();
  }
}

/** What the track's descriptor says, in the form the readers share (labels decided by the caller). */
export function mxfTrackHeader(info: MxfInfo, track: MxfAudioTrack, address: string): AudioHeader & { encoding: SampleEncoding } {
  const d = track.descriptor;
  if (track.unsupported) {
    throw new DubstageError({ code: 'unsupported-codec', message: `${address}: audio track ${track.index}: ${track.unsupported}`, path: address });
  }
  const bytes = Math.ceil(d.quantizationBits / 8);
  const encoding = ({ 1: 'u8', 2: 's16le', 3: 's24le', 4: 's32le' } as Record<number, SampleEncoding>)[bytes]!;
  const warnings = [...info.warnings.filter((w) => !/^audio track \d+/.test(w) || w.startsWith(`audio track ${track.index}:`) || w.startsWith(`audio track ${track.index} `))];
  return {
    path: address,
    format: {
      container: 'mxf',
      sampleRate: d.sampleRate,
      bitDepth: d.quantizationBits,
      sampleFormat: 'int',
      channels: d.channels,
      channelLabels: [],
      labelSource: 'unknown',
      frames: track.frames,
      durationSeconds: track.frames / d.sampleRate,
    },
    channelMask: null,
    codec: 'pcm',
    blockAlign: d.blockAlign,
    dataOffset: track.dataOffset,
    dataBytes: track.dataBytes,
    bigEndian: false,
    chunks: [],
    bext: null,
    ixml: null,
    info: {},
    hasAxml: false,
    hasChna: false,
    hasDbmd: false,
    warnings,
    encoding,
    mxf: {
      operationalPattern: info.operationalPattern,
      wrapping: track.wrapping,
      descriptor: d.kind,
      track: track.index,
      audioTracks: info.audioTracks.length,
      mcaLabels: track.mca.filter((l) => l.kind === 'channel').map((l) => l.symbol),
      channelLabels: track.layout && track.layout.labels.length === d.channels ? track.layout.labels : null,
      soundfieldGroups: track.layout?.soundfieldGroups.map((g) => g.symbol) ?? track.mca.filter((l) => l.kind === 'soundfield-group').map((l) => l.symbol),
      language: track.layout?.language ?? null,
    },
  };
}

/**
 * Labels from the track's MCA (ST 377-4), which for an MXF come before everything else the file says.
 * Returns false when there is no MCA to apply. The user's --channels still wins (said when it differs).
 */
export function applyMcaLabels(header: AudioHeader, user?: ChannelLabel[]): boolean {
  const mca = header.mxf?.channelLabels;
  if (!mca) return false;
  if (user && user.length > 0) {
    if (user.length !== header.format.channels) return false;
    header.format.channelLabels = user;
    header.format.labelSource = 'user';
    if (user.join(' ') !== mca.join(' ')) header.warnings.push(`--channels ${user.join(',')} overrides the file's own labels (${mca.join(' ')}, from mca)`);
    return true;
  }
  header.format.channelLabels = [...mca];
  header.format.labelSource = 'mca';
  return true;
}

/** The track an address names (N from `#track<N>`, else the file's only audio track). */
export function pickTrack(info: MxfInfo, address: string, n: number | null): MxfAudioTrack {
  if (info.audioTracks.length === 0) {
    throw new DubstageError({ code: 'not-audio', message: `${address}: this MXF has no audio track`, path: address });
  }
  if (n === null) {
    if (info.audioTracks.length > 1) {
      throw new DubstageError({ code: 'usage', message: `${address}: this MXF has ${info.audioTracks.length} audio tracks; name one as ${address}#track1 ... #track${info.audioTracks.length}`, path: address });
    }
    return info.audioTracks[0]!;
  }
  const t = info.audioTracks[n - 1];
  if (!t) throw new DubstageError({ code: 'usage', message: `${address}: the file has ${info.audioTracks.length} audio track(s); #track${n} does not exist`, path: address });
  return t;
}

/** Open one audio track of an MXF held in a ByteSource; the source is closed with the track. */
export function openMxfTrack(src: ByteSource, address: string, n: number | null, pcm?: PcmDecodeOptions, info?: MxfInfo): { source: MxfTrackSource; info: MxfInfo } {
  try {
    const i = info ?? readMxf(src);
    const track = pickTrack(i, address, n);
    const header = mxfTrackHeader(i, track, address);
    return { source: new MxfTrackSource(header, src, track, pcm), info: i };
  } catch (err) {
    src.close();
    throw err;
  }
}

/** Streams one audio track of an MXF: clip-wrapped as one range, frame-wrapped element by element. */
export class MxfTrackSource implements AudioSource {
  readonly files: string[];
  private position = 0;
  private scratch = new Uint8Array(0);
  private readonly keyScratch = Buffer.alloc(32);
  private readonly direct: boolean;
  // frame-wrapped cursor: the current element's value offset, its first frame and frame count, and the next KLV
  private elemValue = 0;
  private elemFirst = 0;
  private elemFrames = 0;
  private nextKlv = 0;
  private readonly elementKey: number;

  constructor(
    readonly header: AudioHeader & { encoding: SampleEncoding },
    private readonly src: ByteSource,
    private readonly track: MxfAudioTrack,
    private readonly pcm?: PcmDecodeOptions,
  ) {
    this.files = [header.path];
    this.direct = src.plainFile === true;
    this.elementKey = track.seekPoints.length > 0 ? elementTrackNumber(readBytes(src, track.seekPoints[0]!.klvOffset, 16)) : 0;
    this.seek(0);
  }

  seek(frame: number): void {
    this.position = Math.max(0, Math.min(frame, this.header.format.frames));
    if (this.track.wrapping === 'clip' || this.track.seekPoints.length === 0) return;
    let sp = this.track.seekPoints[0]!;
    for (const p of this.track.seekPoints) if (p.framesBefore <= this.position) sp = p;
    this.elemFrames = 0;
    this.elemFirst = sp.framesBefore;
    this.nextKlv = sp.klvOffset;
    while (this.nextElement() && this.elemFirst + this.elemFrames <= this.position);
  }

  /** Move the cursor to the track's next essence element; false at the end of the file. */
  private nextElement(): boolean {
    const h = this.header;
    this.elemFirst += this.elemFrames;
    this.elemFrames = 0;
    while (this.nextKlv < this.src.size) {
      const klv = readKlvHeader(this.src, this.nextKlv, this.keyScratch);
      this.nextKlv = klv.valueOffset + klv.length;
      if (isEssenceElement(klv.key) && elementTrackNumber(klv.key) === this.elementKey) {
        if (klv.length % h.blockAlign !== 0) {
          throw new DubstageError({ code: 'bad-chunk', message: `${h.path}: sound element at byte ${klv.offset} holds ${klv.length} bytes, not a whole number of ${h.blockAlign}-byte frames`, path: h.path, byteOffset: klv.offset });
        }
        this.elemValue = klv.valueOffset;
        this.elemFrames = klv.length / h.blockAlign;
        if (this.elemFrames > 0) return true;
      }
    }
    return false;
  }

  private decode(at: number, frames: number, out: Float32Array[], outOffset: number): number {
    const h = this.header;
    let whole = this.direct ? readDecodeInterleaved(this.src, at, frames, h.format.channels, h.blockAlign, h.encoding, out, outOffset, this.pcm) : -1;
    if (whole < 0) {
      const bytes = frames * h.blockAlign;
      if (this.scratch.length < bytes) this.scratch = new Uint8Array(bytes);
      whole = Math.floor(this.src.read(this.scratch, 0, bytes, at) / h.blockAlign);
      if (whole > 0) decodeInterleaved(this.scratch, whole, h.format.channels, h.blockAlign, h.encoding, out, outOffset, this.pcm);
    }
    if (whole === 0) {
      throw new DubstageError({ code: 'truncated', message: `${h.path}: read stopped at byte ${at}, frame ${this.position} of ${h.format.frames}`, path: h.path, byteOffset: at });
    }
    return whole;
  }

  read(out: Float32Array[], maxFrames: number): number {
    const h = this.header;
    const frames = Math.min(maxFrames, h.format.frames - this.position);
    if (frames <= 0) return 0;
    if (this.track.wrapping === 'clip') {
      const got = this.decode(h.dataOffset + this.position * h.blockAlign, frames, out, 0);
      this.position += got;
      return got;
    }
    let done = 0;
    while (done < frames) {
      if (this.position >= this.elemFirst + this.elemFrames && !this.nextElement()) break;
      const inElem = this.position - this.elemFirst;
      const n = Math.min(frames - done, this.elemFrames - inElem);
      const got = this.decode(this.elemValue + inElem * h.blockAlign, n, out, done);
      done += got;
      this.position += got;
    }
    return done;
  }

  close(): void {
    this.src.close();
  }
}

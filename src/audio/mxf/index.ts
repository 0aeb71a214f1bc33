/**
 * MXF audio (SMPTE ST 377-1, ST 382): an MXF file's audio tracks as streaming sources, each addressed
 * as `FILE.mxf#track<N>` (N: the track's 1-based position among the file's audio tracks; a file with one
 * audio track is just `FILE.mxf`). Clip-wrapped essence is one contiguous range read like a WAV's data
 * chunk; frame-wrapped essence is read element by element, skipping other tracks' elements (video)
 * by their length without reading them.
 */
import { DubstageError } from '../../errors.js';
import { openFileSource, readBytes } from '../bytesource.js';
import { decodeInterleaved, pcmStage, readDecodeInterleaved, type PcmDecodeOptions, type PcmStage, type SampleEncoding } from '../pcm.js';
import type { ChannelLabel } from '../channels.js';
import type { AudioHeader, AudioSource, ByteSource } from '../types.js';
import { noBwfMetadata } from '../types.js';
import { elementTrackNumber, isEssenceElement, parseKlvHeader, readKlvHeader, type Klv } from './klv.js';
import { findHeaderPartition, readMxf, type MxfAudioTrack, type MxfInfo } from './reader.js';

export { readMxf, isMxf, findHeaderPartition, essenceContainerName, readHeaderPartition, operationalPatternOf } from './reader.js';
export type { MxfInfo, MxfAudioTrack, MxfPartition, MxfIndexSegment, MxfTrackSummary, MxfAudioDescriptor } from './reader.js';
export { mcaLayout, mcaSoundfieldGroups, labelForChannelSymbol, isRfc5646, SOUNDFIELD_GROUPS, type MxfMcaLabel, type McaLayout, type McaSoundfieldGroup } from './mca.js';

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
    ...noBwfMetadata(),
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

/** Bytes read past an element's value in the same request: the next KLV's key and BER length (at most 25). */
const TAIL = 32;

/**
 * Streams one audio track of an MXF. Clip-wrapped: one range, read like a WAV's data chunk.
 * Frame-wrapped: the elements' values are gathered into one staging area (the PCM decoder's input, see
 * pcmStage) and decoded together. Each value is read with the KLV header that follows it in the same
 * request; another track's element (video) is skipped by its length, and the next audio element,
 * whose header is expected to repeat the last one's, is read header and value in one request. So an
 * edit unit costs one read, and video is never read.
 */
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
  private stage: PcmStage | null = null;
  /** The bytes read after the last value (the next KLV's header), when `tailLength` > 0. */
  private readonly tail = Buffer.alloc(TAIL);
  private tailLength = 0;
  /** The last audio element's header (key and BER length): the next one, after a skip, is expected to repeat it. */
  private readonly expected = Buffer.alloc(32);
  private expectedLength = 0;
  private expectedValueBytes = 0;
  private readonly saved = Buffer.alloc(32);

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
    this.tailLength = 0;
    this.expectedLength = 0;
    while (this.nextElement(null, 0, 0) && this.elemFirst + this.elemFrames <= this.position);
  }

  /**
   * Move the cursor to the track's next essence element; false at the end of the file. When its whole
   * value fits in `room` bytes of `stage` from `at`, the value is read there too (returns 'staged').
   */
  private nextElement(stage: Uint8Array | null, at: number, room: number): false | 'cursor' | 'staged' {
    this.elemFirst += this.elemFrames;
    this.elemFrames = 0;
    const src = this.src;
    while (this.nextKlv < src.size) {
      let klv: Klv | null = null;
      if (this.tailLength > 0) {
        klv = parseKlvHeader(src, this.tail, this.tailLength, this.nextKlv, src.size, false);
        this.tailLength = 0;
      } else if (stage && this.expectedLength > 0 && at >= this.expectedLength && this.expectedValueBytes <= room) {
        // header and value in one request, the header landing just before `at` (those bytes kept aside)
        const h = this.expectedLength;
        const want = Math.min(h + this.expectedValueBytes + TAIL, src.size - this.nextKlv);
        this.saved.set(stage.subarray(at - h, at));
        const got = src.read(stage, at - h, want, this.nextKlv);
        const same = got >= h + this.expectedValueBytes && this.expected.compare(stage, at - h, at, 0, h) === 0;
        if (same) {
          stage.set(this.saved.subarray(0, h), at - h);
          const valueOffset = this.nextKlv + h;
          this.enter(valueOffset, this.expectedValueBytes, this.nextKlv);
          this.takeTail(stage, at + this.expectedValueBytes, got - h - this.expectedValueBytes, this.nextKlv);
          if (this.elemFrames > 0) return 'staged';
          continue;
        }
        // not the element expected: its header is in what was read
        const n = Math.min(got, 25);
        this.keyScratch.set(stage.subarray(at - h, at - h + n));
        stage.set(this.saved.subarray(0, h), at - h);
        klv = parseKlvHeader(src, this.keyScratch, n, this.nextKlv, src.size, false);
      } else {
        klv = readKlvHeader(src, this.nextKlv, this.keyScratch, src.size, false);
      }
      this.nextKlv = klv.valueOffset + klv.length;
      if (!isEssenceElement(klv.key) || elementTrackNumber(klv.key) !== this.elementKey) continue;
      const h = klv.valueOffset - klv.offset;
      this.expected.set(klv.key, 0);
      // the BER length bytes: from the source bytes the key is a view of (tail, scratch or stage)
      this.expected.set(Buffer.from(klv.key.buffer, klv.key.byteOffset + 16, h - 16), 16);
      this.expectedLength = h;
      this.expectedValueBytes = klv.length;
      this.enter(klv.valueOffset, klv.length, klv.offset);
      if (this.elemFrames === 0) continue;
      if (stage && klv.length <= room) {
        const want = Math.min(klv.length + TAIL, src.size - klv.valueOffset);
        const got = src.read(stage, at, want, klv.valueOffset);
        if (got < klv.length) this.truncated(klv.valueOffset + got);
        this.takeTail(stage, at + klv.length, got - klv.length, klv.valueOffset + klv.length);
        return 'staged';
      }
      return 'cursor';
    }
    return false;
  }

  /** Make the element with this value the current one (its length checked against the block align). */
  private enter(valueOffset: number, length: number, klvOffset: number): void {
    const h = this.header;
    if (length % h.blockAlign !== 0) {
      throw new DubstageError({ code: 'bad-chunk', message: `${h.path}: sound element at byte ${klvOffset} holds ${length} bytes, not a whole number of ${h.blockAlign}-byte frames`, path: h.path, byteOffset: klvOffset });
    }
    this.elemValue = valueOffset;
    this.elemFrames = length / h.blockAlign;
    this.nextKlv = valueOffset + length;
  }

  /** Keep the bytes read after a value: the header of the KLV at `offset`, parsed when the cursor gets there. */
  private takeTail(stage: Uint8Array, from: number, n: number, offset: number): void {
    this.tailLength = n >= 17 && offset === this.nextKlv ? Math.min(n, TAIL) : 0;
    if (this.tailLength > 0) this.tail.set(stage.subarray(from, from + this.tailLength));
  }

  private truncated(at: number): never {
    const h = this.header;
    throw new DubstageError({ code: 'truncated', message: `${h.path}: read stopped at byte ${at}, frame ${this.position} of ${h.format.frames}`, path: h.path, byteOffset: at });
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
    if (whole === 0) this.truncated(at);
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
    const ba = h.blockAlign;
    const stage = (this.stage ??= pcmStage(h.format.channels, ba, h.encoding, TAIL, this.pcm));
    const cap = stage.capacityFrames;
    let done = 0;
    let staged = 0;
    const flush = () => {
      if (staged > 0) stage.decode(staged, out, done);
      done += staged;
      staged = 0;
    };
    while (done + staged < frames) {
      const want = frames - done - staged;
      if (this.position < this.elemFirst + this.elemFrames) {
        // the rest of the current element (or as much of it as this request wants)
        const inElem = this.position - this.elemFirst;
        const n = Math.min(want, this.elemFrames - inElem, cap - staged);
        if (n === 0) {
          flush();
          continue;
        }
        const at = this.elemValue + inElem * ba;
        const got = this.src.read(stage.bytes(), staged * ba, n * ba, at);
        if (got < n * ba) this.truncated(at + got);
        staged += n;
        this.position += n;
        continue;
      }
      // a whole element that no longer fits the area: decode what is there first
      if (staged > 0 && this.expectedValueBytes > (cap - staged) * ba) flush();
      const room = Math.min(want, cap - staged) * ba;
      const r = this.nextElement(stage.bytes(), staged * ba, room);
      if (r === false) break;
      if (r === 'staged') {
        staged += this.elemFrames;
        this.position += this.elemFrames;
      }
    }
    flush();
    return done;
  }

  close(): void {
    this.src.close();
  }
}

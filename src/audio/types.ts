/**
 * What the audio readers say about a file, and the streaming source they open.
 * Implementations: riff.ts (WAV/RF64/BW64), aiff.ts (AIFF/AIFC), multimono.ts (grouped sets),
 * open.ts (the entry point that picks one).
 */
import type { ChannelLabel, LabelSource } from './channels.js';
import type { FileChecksums } from './checksum.js';

export type Container = 'wav' | 'rf64' | 'bw64' | 'w64' | 'aiff' | 'aifc' | 'flac' | 'mp3' | 'ogg' | 'mxf' | 'imf' | 'caf';
export type SampleFormat = 'int' | 'float';

export interface ChunkInfo {
  /** Four-character id as written, e.g. "fmt ", "data", "axml". */
  id: string;
  /** Byte offset of the chunk header in the file. */
  offset: number;
  /** Byte offset of the chunk body. */
  dataOffset: number;
  /** Body size in bytes (from ds64 for RF64/BW64 data). */
  size: number;
}

export interface BextInfo {
  description: string;
  originator: string;
  originatorReference: string;
  originationDate: string;
  originationTime: string;
  /** Samples since midnight (BWF TimeReference). */
  timeReferenceSamples: number;
  version: number;
  umid?: string;
  /** v2 loudness fields (null when absent or 0x7FFF). */
  loudnessValueLufs: number | null;
  loudnessRangeLu: number | null;
  maxTruePeakDbtp: number | null;
  maxMomentaryLufs: number | null;
  maxShortTermLufs: number | null;
  codingHistory: string;
}

export interface IxmlTrack {
  channelIndex: number | null;
  interleaveIndex: number | null;
  name: string;
  function: string;
}

export interface IxmlInfo {
  project?: string;
  scene?: string;
  take?: string;
  tape?: string;
  /** Timecode rate as written, e.g. "24000/1001". */
  timecodeRate?: string;
  timecodeFlag?: string;
  tracks: IxmlTrack[];
}

export interface AudioFormat {
  container: Container;
  sampleRate: number;
  bitDepth: number;
  sampleFormat: SampleFormat;
  channels: number;
  channelLabels: ChannelLabel[];
  /** Where the labels came from (said in the output). */
  labelSource: LabelSource;
  frames: number;
  durationSeconds: number;
  /** The audio chunk is shorter than its header declares (a copy cut short): what is missing. */
  truncation?: Truncation;
}

/** A data (SSND) chunk cut short: `frames` above is what is present; this is what the header promised. */
export interface Truncation {
  declaredFrames: number;
  missingFrames: number;
  missingBytes: number;
  missingSeconds: number;
}

export interface AudioHeader {
  path: string;
  format: AudioFormat;
  /** WAVE_FORMAT_EXTENSIBLE channel mask, null when the file has none. */
  channelMask: number | null;
  /** WAVE format tag (1 PCM, 3 float, 0xFFFE extensible) or AIFC compression type. */
  codec: string;
  /** Bytes per frame in the data chunk. */
  blockAlign: number;
  /** Byte offset and length of the sample data actually present in the file. */
  dataOffset: number;
  dataBytes: number;
  bigEndian: boolean;
  chunks: ChunkInfo[];
  bext: BextInfo | null;
  ixml: IxmlInfo | null;
  /** LIST/INFO entries (INAM, ICMT, ISFT, ...). */
  info: Record<string, string>;
  /** Present but parsed elsewhere (src/audio/adm). */
  hasAxml: boolean;
  hasChna: boolean;
  hasDbmd: boolean;
  warnings: string[];
  /** An MXF track's wrapping and labels (src/audio/mxf); an IMF virtual track carries its first resource's. */
  mxf?: MxfTrackFacts;
  /** An IMF audio virtual track's CPL facts (the measure contract's `imf` object). */
  imf?: { cpl: string; title: string | null; editRate: string | null; language: string | null; mcaGroup: string | null };
}

/** A header's BWF/RIFF metadata when its audio comes from elsewhere (decoded, MXF, CAF, a render): none (fresh objects). */
export function noBwfMetadata(): Pick<AudioHeader, 'bext' | 'ixml' | 'info' | 'hasAxml' | 'hasChna' | 'hasDbmd'> {
  return { bext: null, ixml: null, info: {}, hasAxml: false, hasChna: false, hasDbmd: false };
}

export interface MxfTrackFacts {
  operationalPattern: string;
  wrapping: 'clip' | 'frame';
  descriptor: 'wave' | 'aes3' | 'sound';
  /** 1-based among the file's audio tracks, and how many there are. */
  track: number;
  audioTracks: number;
  /** ST 377-4 MCA tag symbols: channels in order (chL ...), soundfield groups (sg51 ...), RFC 5646 language. */
  mcaLabels: string[];
  /** The MCA channel labels as dubstage labels, null when the track has no usable MCA. */
  channelLabels: ChannelLabel[] | null;
  soundfieldGroups: string[];
  language: string | null;
}

/**
 * A streaming PCM source: decodes straight into caller-owned planar buffers, never the whole file.
 */
export interface AudioSource {
  readonly header: AudioHeader;
  /** Member files for a multi-mono set (else just the one path). */
  readonly files: string[];
  /** Move to a frame (for --from). */
  seek(frame: number): void;
  /**
   * Decode up to `maxFrames` frames into `out` (one Float32Array per channel, each >= maxFrames long).
   * Returns the frames written; 0 at the end.
   */
  read(out: Float32Array[], maxFrames: number): number;
  /**
   * Opened with `checksums`: each file's MD5 and SHA-256, completed over the bytes the pass did not read
   * (always the whole file). Call before close.
   */
  checksums?(): FileChecksums[];
  /**
   * A plain PCM file: read up to `maxFrames` frames' bytes into `into`'s input area and have it decode
   * them (its kernel: the same floats as read()), a chunk at a time. Returns the frames decoded, or -1
   * when this source cannot (then read() as usual).
   */
  readInto?(into: PcmDecodeTarget, maxFrames: number): number;
  close(): void;
}

/** Where readInto puts a block: a kernel's PCM input area and its decoder writing to the kernel's own channels. */
export interface PcmDecodeTarget {
  /** The input area (a live view), `inputBytes` a chunk may fill, `slack` bytes past it the decoder may read. */
  input(): Uint8Array;
  readonly inputBytes: number;
  readonly slack: number;
  /** Decode `frames` frames (kernel encoding `code`) from the input area into channels 0.. at frame `at`. */
  decode(at: number, frames: number, channels: number, blockAlign: number, code: number): void;
}

/**
 * Random-access bytes: a file read with positional reads, or a stream inside a container (an AAF's
 * embedded essence). Readers parse through this so the same WAV/AIFF code reads both.
 */
export interface ByteSource {
  /** A name for messages (the file path, or "FILE.aaf#essence-3"). */
  readonly name: string;
  readonly size: number;
  /** Read up to `length` bytes at `position` into `buf` at `offset`; returns bytes read (0 at the end). */
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
  /**
   * A plain file: a block read in several requests gives the same bytes and errors as one request, so
   * readers may read it in pieces straight into a decoder. (An AAF's embedded stream names, when cut
   * short, the first sector of the request: its reader keeps block-sized requests.)
   */
  readonly plainFile?: boolean;
}

/**
 * What `dubstage inspect` reports about one file: container, chunks, format, where the channel labels
 * came from, bext/iXML/INFO, and start and duration as timecode.
 */
import type { ChannelLabel, LabelSource } from '../audio/channels.js';
import type { AudioHeader, BextInfo, ChunkInfo, IxmlInfo } from '../audio/types.js';
import type { ErrorInfo } from '../errors.js';
import { formatTimecode, parseFrameRate, type Rational } from '../session/time.js';
import type { FormatSummary } from './results.js';

export interface InspectResult {
  path: string;
  format?: FormatSummary;
  codec?: string;
  channelMask?: number | null;
  channelLabels?: ChannelLabel[];
  channelLabelSource?: LabelSource;
  chunks?: ChunkInfo[];
  bext?: BextInfo | null;
  ixml?: IxmlInfo | null;
  info?: Record<string, string>;
  timecode?: { frameRate: Rational; rateSource: string; start: string; duration: string; end: string };
  axml?: boolean;
  chna?: boolean;
  dbmd?: boolean;
  /** ADM report (native-adapters/adm) when the file carries axml/chna. */
  adm?: unknown;
  warnings: string[];
  error?: ErrorInfo;
}

export async function inspectFile(h: AudioHeader, fpsOverride?: Rational): Promise<InspectResult> {
  const f = h.format;
  let fps: Rational = { num: 24, den: 1 };
  let rateSource = 'default (24 fps)';
  if (fpsOverride) {
    fps = fpsOverride;
    rateSource = '--fps';
  } else if (h.ixml?.timecodeRate) {
    try {
      fps = parseFrameRate(h.ixml.timecodeRate);
      rateSource = 'iXML TIMECODE_RATE';
    } catch {
      h.warnings.push(`iXML TIMECODE_RATE '${h.ixml.timecodeRate}' is not a frame rate; 24 fps used`);
    }
  }
  const dropFrame = /^DF$/i.test(h.ixml?.timecodeFlag ?? '') && fps.den === 1001;
  const toFrames = (seconds: number) => Math.floor((seconds * fps.num) / fps.den + 1e-9);
  const startSeconds = h.bext && h.bext.timeReferenceSamples > 0 ? h.bext.timeReferenceSamples / f.sampleRate : 0;
  const result: InspectResult = {
    path: h.path,
    format: {
      container: f.container,
      sampleRate: f.sampleRate,
      bitDepth: f.bitDepth,
      sampleFormat: f.sampleFormat,
      channels: f.channels,
      channelLabels: f.channelLabels,
      frames: f.frames,
      durationSeconds: f.durationSeconds,
    },
    codec: h.codec,
    channelMask: h.channelMask,
    channelLabels: f.channelLabels,
    channelLabelSource: f.labelSource,
    chunks: h.chunks,
    bext: h.bext,
    ixml: h.ixml,
    info: h.info,
    timecode: {
      frameRate: fps,
      rateSource,
      start: formatTimecode(toFrames(startSeconds), fps, dropFrame),
      duration: formatTimecode(toFrames(f.durationSeconds), fps, dropFrame),
      end: formatTimecode(toFrames(startSeconds + f.durationSeconds), fps, dropFrame),
    },
    axml: h.hasAxml,
    chna: h.hasChna,
    dbmd: h.hasDbmd,
    warnings: h.warnings,
  };
  return result;
}

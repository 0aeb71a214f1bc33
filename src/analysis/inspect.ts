/**
 * What `dubstage inspect` reports about one file: container, chunks, format, where the channel labels
 * came from, bext/iXML/INFO, and start and duration as timecode.
 */
import type { ChannelLabel, LabelSource } from '../audio/channels.js';
import type { AudioHeader, BextInfo, ChunkInfo, IxmlInfo } from '../audio/types.js';
import type { ErrorInfo } from '../errors.js';
import { formatTimecode, parseFrameRate, type Rational } from '../session/time.js';
import { formatSummary, type FormatSummary } from './results.js';
import { readRegularHead } from '../audio/bytesource.js';
import path from 'node:path';
import { admBedChannelIndices, readAdm, sniffAdmXml, type AdmReport } from '../audio/adm/index.js';
import { readDolbyAtmos, sniffDamf, type DolbyAtmosReport } from '../audio/dolby-atmos/index.js';
import { readAudioHeader } from '../audio/open.js';
import { toErrorInfo } from '../errors.js';
import { inspectMxf, type MxfInspect } from '../audio/mxf/inspect.js';
import type { ImfInspect } from '../imf/inspect.js';
import { parseMxfAddress, sniffMxf } from '../audio/mxf/index.js';

/** The `"adm"` object of inspect --json (a contract: see the layouts/ADM issue). */
export interface AdmSummary {
  programmes: string[];
  beds: Array<{ layout: string; channels: number }>;
  bedChannels: number;
  objects: number;
  tracks: number;
  unusedTracks: number;
  problems: Array<{ code: string; message: string }>;
}

function splitAdm(report: AdmReport | DolbyAtmosReport): { adm: AdmSummary; detail: Record<string, unknown> } {
  const { programmes, beds, bedChannels, objects, tracks, unusedTracks, problems, ...detail } = report;
  return { adm: { programmes, beds, bedChannels, objects, tracks, unusedTracks, problems }, detail };
}

function head(filePath: string): Uint8Array {
  // a FIFO, device or socket is refused by stat, not opened (open would block)
  return readRegularHead(filePath, 64 * 1024);
}

/** Inspect an audio file (with its ADM when present), a bare ADM XML file, or a Dolby Atmos master set. */
export async function inspectAny(filePath: string, channels?: ChannelLabel[], fps?: Rational): Promise<InspectResult> {
  if (parseMxfAddress(filePath)) return inspectMxfResult(filePath, channels);
  const bytes = head(filePath);
  if (sniffAdmXml(bytes)) {
    const { adm, detail } = splitAdm(await readAdm(filePath));
    return { path: filePath, kind: 'adm-xml', adm, admDetail: detail, warnings: [] };
  }
  if (sniffDamf(bytes, path.basename(filePath)) || /\.atmos\.(audio|metadata)$/i.test(filePath)) {
    const { adm, detail } = splitAdm(await readDolbyAtmos(filePath));
    return {
      path: filePath,
      kind: 'dolby-atmos',
      adm,
      admDetail: detail,
      warnings: ['Dolby Atmos master sets are read from the published format description; not yet tested against files written by Dolby tools'],
    };
  }
  if (sniffMxf(bytes)) return inspectMxfResult(filePath, channels);
  const header = readAudioHeader(filePath, channels ? { channels } : {});
  const result = await inspectFile(header, fps);
  result.kind = 'audio';
  if (header.hasAxml) {
    try {
      const report = await readAdm(filePath, header);
      const { adm, detail } = splitAdm(report);
      result.adm = adm;
      result.admDetail = detail;
      if (!channels) labelFromAdm(result, report);
    } catch (err) {
      const e = toErrorInfo(err, filePath);
      result.adm = { programmes: [], beds: [], bedChannels: 0, objects: 0, tracks: header.format.channels, unusedTracks: 0, problems: [{ code: e.code, message: e.message }] };
    }
  }
  return result;
}

/** An MXF: its structure, and the format and labels of its (first or addressed) audio track. */
function inspectMxfResult(filePath: string, channels?: ChannelLabel[]): InspectResult {
  const mxf = inspectMxf(filePath, channels);
  const result: InspectResult = { path: filePath, kind: 'mxf', mxf, warnings: mxf.warnings };
  const t = mxf.audioTracks.find((a) => a.format) ?? null;
  if (t?.format) {
    result.format = t.format;
    result.codec = 'pcm';
    result.channelLabels = t.format.channelLabels;
    result.channelLabelSource = t.labelSource ?? undefined;
  }
  return result;
}

/**
 * Channel labels from the ADM track map (chna → audioTrackUID → channel format), as measure labels
 * them: bed tracks by their speaker, other tracks (objects, HOA) by number; HOA is said to be HOA.
 * The count-based guess is dropped once the ADM has spoken.
 */
function labelFromAdm(result: InspectResult, report: AdmReport): void {
  if (report.source !== 'bw64' || !result.channelLabels) return;
  const labels: ChannelLabel[] = result.channelLabels.map((_, i) => `Ch${i + 1}` as ChannelLabel);
  const { indices, labels: bedLabels } = admBedChannelIndices(report);
  indices.forEach((i, k) => {
    if (i < labels.length) labels[i] = bedLabels[k]!;
  });
  result.channelLabels = labels;
  result.channelLabelSource = 'adm';
  // both the count-based guess and its absence ('no channel layout known') are moot
  result.warnings = result.warnings.filter((w) => !w.startsWith('channel layout assumed') && !w.startsWith('no channel layout known'));
  for (const o of report.otherDetails) {
    const where = o.tracks.length > 0 ? `tracks ${o.tracks.join(', ')}` : `${o.channels} tracks`;
    if (o.hoa) {
      const acn = o.hoa.acn.every((a) => a !== null) ? `, ACN ${o.hoa.acn.join(' ')}` : '';
      result.warnings.push(
        `${where}: HOA order ${o.hoa.order} (${o.hoa.normalization} normalisation, ${o.hoa.ordering} channel ordering${acn}) — scene-based audio, not loudspeaker feeds; not loudness-weighted as speakers`,
      );
    } else result.warnings.push(`${where}: ${o.type} audio ('${o.name}'), not loudspeaker feeds`);
  }
}

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
  /** The ADM summary (issue contract) when the file carries axml, is bare ADM XML, or is a Dolby Atmos master. */
  adm?: AdmSummary;
  /** Everything else the ADM / DAMF reader found (beds and objects one by one, timing, unused track indices). */
  admDetail?: Record<string, unknown>;
  /** What kind of file this is when it is not audio: 'adm-xml' or 'dolby-atmos'; 'mxf' for an MXF file, 'imf' for a package. */
  kind?: 'audio' | 'adm-xml' | 'dolby-atmos' | 'mxf' | 'imf';
  /** An MXF file's structure (src/audio/mxf/inspect.ts). */
  mxf?: MxfInspect;
  /** An IMF package, CPL or ASSETMAP (src/imf/inspect.ts). */
  imf?: ImfInspect;
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
    format: formatSummary(f),
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

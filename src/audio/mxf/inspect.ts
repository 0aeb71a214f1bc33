/**
 * What `dubstage inspect` says about an MXF: operational pattern, essence containers and wrapping,
 * each audio track's descriptor and MCA labels, duration and edit rate, the timecode start, and every
 * partition and index table segment with its byte offset.
 */
import { openFileSource } from '../bytesource.js';
import type { ChannelLabel, LabelSource } from '../channels.js';
import type { AudioFormat } from '../types.js';
import { toErrorInfo } from '../../errors.js';
import { applyLabels } from '../open.js';
import { mxfTrackHeader, parseMxfAddress, readMxf, type MxfInfo, type MxfMcaLabel } from './index.js';
import { mcaSoundfieldGroups, type McaSoundfieldGroup } from './mca.js';

export interface MxfInspectTrack {
  index: number;
  trackId: number;
  trackNumber: string;
  name: string | null;
  editRate: string | null;
  wrapping: 'clip' | 'frame';
  descriptor: MxfInfo['audioTracks'][number]['descriptor'];
  /** The ST 377-4 labels as written, one per channel, group and group of groups (reports show soundfieldGroups). */
  mca: MxfMcaLabel[];
  /** One entry per MCA soundfield group: its channels (with symbols and labels) and language. */
  soundfieldGroups: McaSoundfieldGroup[];
  language: string | null;
  dataOffset: number;
  dataBytes: number;
  elements: number;
  format: Omit<AudioFormat, 'labelSource'> | null;
  labelSource: LabelSource | null;
  error: string | null;
}

export interface MxfInspect {
  operationalPattern: string;
  operationalPatternUl: string;
  essenceContainers: MxfInfo['essenceContainers'];
  editRate: string | null;
  durationEditUnits: number | null;
  durationSeconds: number | null;
  timecodeStart: string | null;
  timecode: MxfInfo['timecode'];
  tracks: MxfInfo['tracks'];
  audioTracks: MxfInspectTrack[];
  partitions: MxfInfo['partitions'];
  randomIndexPack: MxfInfo['rip'];
  indexSegments: MxfInfo['indexSegments'];
  warnings: string[];
}

export function inspectMxf(filePath: string, channels?: ChannelLabel[]): MxfInspect {
  const addr = parseMxfAddress(filePath);
  const src = openFileSource(addr ? addr.file : filePath);
  let info: MxfInfo;
  try {
    info = readMxf(src);
  } finally {
    src.close();
  }
  const rate = (r: { num: number; den: number } | null) => (r ? `${r.num}/${r.den}` : null);
  const audioTracks = info.audioTracks
    .filter((t) => !addr || t.index === addr.track)
    .map((t): MxfInspectTrack => {
      let format: MxfInspectTrack['format'] = null;
      let labelSource: LabelSource | null = null;
      let error: string | null = null;
      try {
        const h = mxfTrackHeader(info, t, filePath);
        applyLabels(h, channels);
        const { labelSource: ls, ...f } = h.format;
        format = f;
        labelSource = ls;
      } catch (err) {
        error = toErrorInfo(err, filePath).message;
      }
      return {
        index: t.index,
        trackId: t.trackId,
        trackNumber: `0x${t.trackNumber.toString(16).padStart(8, '0')}`,
        name: t.name,
        editRate: rate(t.editRate),
        wrapping: t.wrapping,
        descriptor: t.descriptor,
        mca: t.mca,
        soundfieldGroups: mcaSoundfieldGroups(t.mca),
        language: t.layout?.language ?? null,
        dataOffset: t.dataOffset,
        dataBytes: t.dataBytes,
        elements: t.elementCount,
        format,
        labelSource,
        error,
      };
    });
  const er = info.editRate;
  return {
    operationalPattern: info.operationalPattern,
    operationalPatternUl: info.operationalPatternUl,
    essenceContainers: info.essenceContainers,
    editRate: rate(er),
    durationEditUnits: info.durationEditUnits,
    durationSeconds: er && er.num > 0 && info.durationEditUnits !== null ? (info.durationEditUnits * er.den) / er.num : null,
    timecodeStart: info.timecode?.start ?? null,
    timecode: info.timecode,
    tracks: info.tracks,
    audioTracks,
    partitions: info.partitions,
    randomIndexPack: info.rip,
    indexSegments: info.indexSegments,
    warnings: info.warnings,
  };
}

/**
 * Test-only: ADM BWF masters for the renderer, shaped like Dolby Atmos ADM profile files (one custom
 * Objects pack/channel/track per object, blocks with rtime/duration) plus a common-definition bed.
 */
import { encodeChna, type ChnaRow } from '../../audio/adm/build-adm.js';
import { writeBw64 } from '../../helpers/bw64-writer.js';

export interface BlockSpec {
  rtime?: string;
  duration?: string;
  polar?: [number, number, number];
  cartesian?: [number, number, number];
  gain?: number;
  jump?: { interpolationLength?: number };
  divergence?: { value: number; azimuthRange?: number; positionRange?: number };
  channelLock?: { maxDistance?: number };
  width?: number;
}

export interface RenderAdmSpec {
  bed?: { packId: string; channelIds: string[] };
  objects?: Array<{ blocks: BlockSpec[]; start?: string; duration?: string; gainDb?: number }>;
  /** Extra XML put inside audioFormatExtended (bad-input cases). */
  extra?: string;
  /** Replace an object's pack refs with these (bad-input cases). */
  packOverride?: string;
}

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

function blockXml(id: string, b: BlockSpec): string {
  // a duration without an rtime is how EAR Production Suite writes its first blocks
  const timing = `${b.rtime !== undefined ? ` rtime="${b.rtime}"` : ''}${b.duration !== undefined ? ` duration="${b.duration}"` : ''}`;
  let body = '';
  if (b.cartesian) {
    body += `<cartesian>1</cartesian><position coordinate="X">${b.cartesian[0]}</position><position coordinate="Y">${b.cartesian[1]}</position><position coordinate="Z">${b.cartesian[2]}</position>`;
  } else if (b.polar) {
    body += `<position coordinate="azimuth">${b.polar[0]}</position><position coordinate="elevation">${b.polar[1]}</position><position coordinate="distance">${b.polar[2]}</position>`;
  }
  if (b.gain !== undefined) body += `<gain>${b.gain}</gain>`;
  if (b.width !== undefined) body += `<width>${b.width}</width>`;
  if (b.jump) body += `<jumpPosition${b.jump.interpolationLength !== undefined ? ` interpolationLength="${b.jump.interpolationLength}"` : ''}>1</jumpPosition>`;
  if (b.divergence) {
    const a = b.divergence.azimuthRange !== undefined ? ` azimuthRange="${b.divergence.azimuthRange}"` : '';
    const p = b.divergence.positionRange !== undefined ? ` positionRange="${b.divergence.positionRange}"` : '';
    body += `<objectDivergence${a}${p}>${b.divergence.value}</objectDivergence>`;
  }
  if (b.channelLock) body += `<channelLock${b.channelLock.maxDistance !== undefined ? ` maxDistance="${b.channelLock.maxDistance}"` : ''}>1</channelLock>`;
  return `<audioBlockFormat audioBlockFormatID="${id}"${timing}>${body}</audioBlockFormat>`;
}

export function buildRenderAdm(spec: RenderAdmSpec): { xml: string; chna: Uint8Array; tracks: number } {
  const rows: ChnaRow[] = [];
  const parts: string[] = [];
  const refs: string[] = [];
  let track = 0;
  if (spec.bed) {
    const uids: string[] = [];
    for (const ac of spec.bed.channelIds) {
      track++;
      const uid = `ATU_${hex(track, 8)}`;
      uids.push(uid);
      rows.push({ trackIndex: track, uid, formatRef: `AT_${ac.slice(3)}_01`, packRef: spec.bed.packId });
      parts.push(`<audioTrackUID UID="${uid}" sampleRate="48000" bitDepth="24"><audioTrackFormatIDRef>AT_${ac.slice(3)}_01</audioTrackFormatIDRef><audioPackFormatIDRef>${spec.bed.packId}</audioPackFormatIDRef></audioTrackUID>`);
    }
    refs.push('AO_1001');
    parts.push(`<audioObject audioObjectID="AO_1001" audioObjectName="Bed"><audioPackFormatIDRef>${spec.bed.packId}</audioPackFormatIDRef>${uids.map((u) => `<audioTrackUIDRef>${u}</audioTrackUIDRef>`).join('')}</audioObject>`);
  }
  (spec.objects ?? []).forEach((o, k) => {
    const n = 0x1001 + k;
    track++;
    const uid = `ATU_${hex(track, 8)}`;
    const ao = `AO_${hex(0x1002 + k, 4)}`;
    const ap = `AP_0003${hex(n, 4)}`;
    const ac = `AC_0003${hex(n, 4)}`;
    const at = `AT_0003${hex(n, 4)}_01`;
    const as = `AS_0003${hex(n, 4)}`;
    refs.push(ao);
    rows.push({ trackIndex: track, uid, formatRef: at, packRef: ap });
    const timing = `${o.start ? ` start="${o.start}"` : ''}${o.duration ? ` duration="${o.duration}"` : ''}`;
    const gain = o.gainDb !== undefined ? `<gain gainUnit="dB">${o.gainDb}</gain>` : '';
    parts.push(
      `<audioObject audioObjectID="${ao}" audioObjectName="Obj ${k + 1}"${timing}>${gain}<audioPackFormatIDRef>${spec.packOverride ?? ap}</audioPackFormatIDRef><audioTrackUIDRef>${uid}</audioTrackUIDRef></audioObject>`,
      `<audioPackFormat audioPackFormatID="${ap}" audioPackFormatName="Obj ${k + 1}" typeLabel="0003" typeDefinition="Objects"><audioChannelFormatIDRef>${ac}</audioChannelFormatIDRef></audioPackFormat>`,
      `<audioChannelFormat audioChannelFormatID="${ac}" audioChannelFormatName="Obj ${k + 1}" typeLabel="0003" typeDefinition="Objects">${o.blocks.map((b, i) => blockXml(`AB_0003${hex(n, 4)}_${hex(i + 1, 8)}`, b)).join('')}</audioChannelFormat>`,
      `<audioStreamFormat audioStreamFormatID="${as}" audioStreamFormatName="PCM_Obj" formatLabel="0001" formatDefinition="PCM"><audioChannelFormatIDRef>${ac}</audioChannelFormatIDRef><audioTrackFormatIDRef>${at}</audioTrackFormatIDRef></audioStreamFormat>`,
      `<audioTrackFormat audioTrackFormatID="${at}" audioTrackFormatName="PCM_Obj" formatLabel="0001" formatDefinition="PCM"><audioStreamFormatIDRef>${as}</audioStreamFormatIDRef></audioTrackFormat>`,
      `<audioTrackUID UID="${uid}" sampleRate="48000" bitDepth="24"><audioTrackFormatIDRef>${at}</audioTrackFormatIDRef><audioPackFormatIDRef>${ap}</audioPackFormatIDRef></audioTrackUID>`,
    );
  });
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2016" xml:lang="en"><coreMetadata><format>` +
    `<audioFormatExtended version="ITU-R_BS.2076-2">` +
    `<audioProgramme audioProgrammeID="APR_1001" audioProgrammeName="Atmos_Master"><audioContentIDRef>ACO_1001</audioContentIDRef></audioProgramme>` +
    `<audioContent audioContentID="ACO_1001" audioContentName="Content">${refs.map((r) => `<audioObjectIDRef>${r}</audioObjectIDRef>`).join('')}</audioContent>\n` +
    parts.join('\n') +
    (spec.extra ?? '') +
    `</audioFormatExtended></format></coreMetadata></ebuCoreMain>\n`;
  return { xml, chna: encodeChna(rows), tracks: track };
}

/** Write the master: planar samples for its tracks (24-bit, or 32-bit float), axml and chna after the data (as Dolby's tools do). */
export function writeRenderAdm(path: string, spec: RenderAdmSpec, samples: Float32Array[], options: { float?: boolean } = {}): void {
  const built = buildRenderAdm(spec);
  writeBw64(path, {
    form: 'RIFF',
    sampleRate: 48000,
    bitDepth: options.float ? 32 : 24,
    channelCount: built.tracks,
    samples,
    after: [
      { id: 'chna', data: built.chna },
      { id: 'axml', data: new TextEncoder().encode(built.xml) },
    ],
  });
}

/**
 * Test-only: ADM XML and chna for a bed (a common-definition pack, channels in file order) plus
 * Dolby-profile objects (one custom Objects pack, channel and track each), so counts are known by
 * construction.
 */
export interface ChnaRow {
  trackIndex: number;
  uid: string;
  formatRef: string;
  packRef: string;
}

export interface AdmSpec {
  programmeName?: string;
  /** A DirectSpeakers bed: a common pack and its AC_ channel ids in the order the tracks sit in the file. */
  bed?: { packId: string; channelIds: string[] };
  /** Objects after the bed, one track each. */
  objects?: number;
  /** An extra audioObject with an Objects pack and no audioTrackUID. */
  objectWithoutTrack?: boolean;
  /** Prepended inside the document (before ebuCoreMain) verbatim, e.g. a DOCTYPE. */
  prolog?: string;
}

export interface BuiltAdm {
  xml: string;
  chna: Uint8Array;
  rows: ChnaRow[];
  /** Tracks the ADM describes (bed channels + objects). */
  tracks: number;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export function buildAdm(spec: AdmSpec): BuiltAdm {
  const rows: ChnaRow[] = [];
  const objects: string[] = [];
  const defs: string[] = [];
  const atus: string[] = [];
  const objectRefs: string[] = [];
  let track = 0;
  let objectNo = 0x1001;

  if (spec.bed) {
    const id = `AO_${hex(objectNo++, 4)}`;
    objectRefs.push(id);
    const uids: string[] = [];
    for (const ac of spec.bed.channelIds) {
      track++;
      const uid = `ATU_${hex(track, 8)}`;
      const at = `AT_${ac.slice(3)}_01`;
      uids.push(uid);
      rows.push({ trackIndex: track, uid, formatRef: at, packRef: spec.bed.packId });
      atus.push(
        `<audioTrackUID UID="${uid}" sampleRate="48000" bitDepth="24"><audioTrackFormatIDRef>${at}</audioTrackFormatIDRef><audioPackFormatIDRef>${spec.bed.packId}</audioPackFormatIDRef></audioTrackUID>`,
      );
    }
    objects.push(
      `<audioObject audioObjectID="${id}" audioObjectName="Bed" start="00:00:00.00000" duration="00:00:01.00000">` +
        `<audioPackFormatIDRef>${spec.bed.packId}</audioPackFormatIDRef>` +
        uids.map((u) => `<audioTrackUIDRef>${u}</audioTrackUIDRef>`).join('') +
        `</audioObject>`,
    );
  }

  const objectCount = spec.objects ?? 0;
  for (let k = 0; k < objectCount + (spec.objectWithoutTrack ? 1 : 0); k++) {
    const n = 0x1001 + k;
    const id = `AO_${hex(objectNo++, 4)}`;
    const ap = `AP_0003${hex(n, 4)}`;
    const ac = `AC_0003${hex(n, 4)}`;
    const at = `AT_0003${hex(n, 4)}_01`;
    const as = `AS_0003${hex(n, 4)}`;
    objectRefs.push(id);
    defs.push(
      `<audioPackFormat audioPackFormatID="${ap}" audioPackFormatName="Obj_${k + 1}" typeLabel="0003" typeDefinition="Objects"><audioChannelFormatIDRef>${ac}</audioChannelFormatIDRef></audioPackFormat>`,
      `<audioChannelFormat audioChannelFormatID="${ac}" audioChannelFormatName="Obj_${k + 1}" typeLabel="0003" typeDefinition="Objects">` +
        `<audioBlockFormat audioBlockFormatID="AB_0003${hex(n, 4)}_00000001" rtime="00:00:00.00000" duration="00:00:01.00000"><cartesian>1</cartesian><position coordinate="X">0.5</position><position coordinate="Y">1</position><position coordinate="Z">0</position></audioBlockFormat>` +
        `</audioChannelFormat>`,
      `<audioStreamFormat audioStreamFormatID="${as}" audioStreamFormatName="PCM_Obj_${k + 1}" formatLabel="0001" formatDefinition="PCM"><audioChannelFormatIDRef>${ac}</audioChannelFormatIDRef><audioPackFormatIDRef>${ap}</audioPackFormatIDRef><audioTrackFormatIDRef>${at}</audioTrackFormatIDRef></audioStreamFormat>`,
      `<audioTrackFormat audioTrackFormatID="${at}" audioTrackFormatName="PCM_Obj_${k + 1}" formatLabel="0001" formatDefinition="PCM"><audioStreamFormatIDRef>${as}</audioStreamFormatIDRef></audioTrackFormat>`,
    );
    if (k >= objectCount) {
      objects.push(`<audioObject audioObjectID="${id}" audioObjectName="Empty object"><audioPackFormatIDRef>${ap}</audioPackFormatIDRef></audioObject>`);
      continue;
    }
    track++;
    const uid = `ATU_${hex(track, 8)}`;
    rows.push({ trackIndex: track, uid, formatRef: at, packRef: ap });
    atus.push(
      `<audioTrackUID UID="${uid}" sampleRate="48000" bitDepth="24"><audioTrackFormatIDRef>${at}</audioTrackFormatIDRef><audioPackFormatIDRef>${ap}</audioPackFormatIDRef></audioTrackUID>`,
    );
    objects.push(
      `<audioObject audioObjectID="${id}" audioObjectName="Obj_${k + 1}"><audioPackFormatIDRef>${ap}</audioPackFormatIDRef><audioTrackUIDRef>${uid}</audioTrackUIDRef></audioObject>`,
    );
  }

  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n${spec.prolog ?? ''}` +
    `<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2016" xml:lang="en">\n<coreMetadata>\n<format>\n<audioFormatExtended>\n` +
    `<audioProgramme audioProgrammeID="APR_1001" audioProgrammeName="${spec.programmeName ?? 'Atmos_Master'}" start="00:00:00.00000" end="00:00:01.00000"><audioContentIDRef>ACO_1001</audioContentIDRef></audioProgramme>\n` +
    `<audioContent audioContentID="ACO_1001" audioContentName="Content">${objectRefs.map((o) => `<audioObjectIDRef>${o}</audioObjectIDRef>`).join('')}</audioContent>\n` +
    [...objects, ...defs, ...atus].join('\n') +
    `\n</audioFormatExtended>\n</format>\n</coreMetadata>\n</ebuCoreMain>\n`;

  return { xml, chna: encodeChna(rows), rows, tracks: track };
}

export function encodeChna(rows: ChnaRow[]): Uint8Array {
  const out = Buffer.alloc(4 + rows.length * 40);
  out.writeUInt16LE(new Set(rows.map((r) => r.trackIndex).filter((t) => t > 0)).size, 0);
  out.writeUInt16LE(rows.length, 2);
  rows.forEach((r, i) => {
    const at = 4 + i * 40;
    out.writeUInt16LE(r.trackIndex, at);
    out.write(r.uid, at + 2, 12, 'latin1');
    out.write(r.formatRef, at + 14, 14, 'latin1');
    out.write(r.packRef, at + 28, 11, 'latin1');
  });
  return out;
}

/** AC_ ids of common-definition channels by our label (for bed orders in tests). */
export const AC: Record<string, string> = {
  L: 'AC_00010001', R: 'AC_00010002', C: 'AC_00010003', LFE: 'AC_00010004', Ls: 'AC_00010005', Rs: 'AC_00010006',
  Lss: 'AC_0001000a', Rss: 'AC_0001000b', Lrs: 'AC_0001001c', Rrs: 'AC_0001001d', Lts: 'AC_00010013', Rts: 'AC_00010014',
  Ltf: 'AC_00010022', Rtf: 'AC_00010023', Ltr: 'AC_0001001e', Rtr: 'AC_0001001f',
};

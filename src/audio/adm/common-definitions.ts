/**
 * ITU-R BS.2094 common definitions: the DirectSpeakers channel formats and packs (and the HOA /
 * binaural packs) that ADM files refer to by id (AP_0001xxxx, AC_0001xxxx, AT_0001xxxx_01 with
 * xxxx < 0x1000) without containing them. Ids, names, speaker labels and pack compositions are the
 * facts of BS.2094-1 / BS.2051 as listed in ebu/libadm resources/common_definitions.xml.
 */
import type { ChannelLabel } from '../channels.js';

export interface CommonChannel {
  /** AC_0001xxxx */
  id: string;
  name: string;
  /** BS.2051 speaker label, e.g. "M+030". */
  speakerLabel: string;
  /** Our label; null where the position has no ChannelLabel (bottom layer, screen, M±045, UH+180). */
  label: ChannelLabel | null;
}

export interface CommonPack {
  /** AP_yyyyxxxx */
  id: string;
  name: string;
  /** 0001 DirectSpeakers, 0004 HOA, 0005 Binaural. */
  typeLabel: string;
  /** Channel format ids in pack order (HOA packs: the lower orders included). */
  channels: string[];
}

// [id suffix, name, BS.2051 label, our label]
const CHANNEL_ROWS: Array<[string, string, string, ChannelLabel | null]> = [
  ['0001', 'FrontLeft', 'M+030', 'L'],
  ['0002', 'FrontRight', 'M-030', 'R'],
  ['0003', 'FrontCentre', 'M+000', 'C'],
  ['0004', 'LowFrequencyEffects', 'LFE', 'LFE'],
  ['0005', 'SurroundLeft', 'M+110', 'Ls'],
  ['0006', 'SurroundRight', 'M-110', 'Rs'],
  ['0007', 'FrontLeftOfCentre', 'M+022', 'Lc'],
  ['0008', 'FrontRightOfCentre', 'M-022', 'Rc'],
  ['0009', 'BackCentre', 'M+180', 'Cs'],
  ['000a', 'SideLeft', 'M+090', 'Lss'],
  ['000b', 'SideRight', 'M-090', 'Rss'],
  ['000c', 'TopCentre', 'T+000', 'Ts'],
  ['000d', 'TopFrontLeft', 'U+030', 'Ltf'],
  ['000e', 'TopFrontCentre', 'U+000', 'Ctf'],
  ['000f', 'TopFrontRight', 'U-030', 'Rtf'],
  ['0010', 'TopSurroundLeft', 'U+110', 'Ltr'],
  ['0011', 'TopBackCentre', 'U+180', 'Ctr'],
  ['0012', 'TopSurroundRight', 'U-110', 'Rtr'],
  ['0013', 'TopSideLeft', 'U+090', 'Lts'],
  ['0014', 'TopSideRight', 'U-090', 'Rts'],
  ['0015', 'BottomFrontCentre', 'B+000', null],
  ['0016', 'BottomFrontLeftMid', 'B+045', null],
  ['0017', 'BottomFrontRightMid', 'B-045', null],
  ['0018', 'FrontLeftWide', 'M+060', 'Lw'],
  ['0019', 'FrontRightWide', 'M-060', 'Rw'],
  ['001a', 'BackLeftMidDiffuse', 'M+135_Diff', 'Lrs'],
  ['001b', 'BackRightMidDiffuse', 'M-135_Diff', 'Rrs'],
  ['001c', 'BackLeftMid', 'M+135', 'Lrs'],
  ['001d', 'BackRightMid', 'M-135', 'Rrs'],
  ['001e', 'TopBackLeftMid', 'U+135', 'Ltr'],
  ['001f', 'TopBackRightMid', 'U-135', 'Rtr'],
  ['0020', 'LowFrequencyEffectsL', 'LFEL', 'LFE'],
  ['0021', 'LowFrequencyEffectsR', 'LFER', 'LFE2'],
  ['0022', 'TopFrontLeftMid', 'U+045', 'Ltf'],
  ['0023', 'TopFrontRightMid', 'U-045', 'Rtf'],
  ['0024', 'FrontLeftScreen', 'M+SC', null],
  ['0025', 'FrontRightScreen', 'M-SC', null],
  ['0026', 'FrontLeftMid', 'M+045', null],
  ['0027', 'FrontRightMid', 'M-045', null],
  ['0028', 'UpperTopBackCentre', 'UH+180', null],
];

export const COMMON_CHANNELS: ReadonlyMap<string, CommonChannel> = new Map(
  CHANNEL_ROWS.map(([x, name, speakerLabel, label]) => {
    const id = `AC_0001${x}`;
    return [id, { id, name, speakerLabel, label }];
  }),
);

const ds = (...xs: string[]): string[] => xs.map((x) => `AC_0001${x}`);

// DirectSpeakers packs (BS.2094-1); the comment is the BS.2051 system / common name.
const DS_PACKS: Array<[string, string, string[]]> = [
  ['0001', 'mono (0+1+0)', ds('0003')],
  ['0002', 'stereo (0+2+0)', ds('0001', '0002')],
  ['000a', '3.0 (0+3+0)', ds('0001', '0002', '0003')],
  ['000b', '4.0 (0+4+0)', ds('0001', '0002', '0003', '0009')],
  ['000c', '5.0 (0+5+0)', ds('0001', '0002', '0003', '0005', '0006')],
  ['0003', '5.1 (0+5+0)', ds('0001', '0002', '0003', '0004', '0005', '0006')],
  ['000d', '6.1 (0+6+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '0009')],
  ['000e', '7.1front (0+7+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '0026', '0027')],
  ['000f', '7.1back (0+7+0)', ds('0001', '0002', '0003', '0004', '000a', '000b', '001c', '001d')],
  ['0004', '5.1.2 7.1top (2+5+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '000d', '000f')],
  ['0012', '7.1side 5.1+sc (0+7+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '0024', '0025')],
  ['0013', '5.1.2 topside (2+5+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '0013', '0014')],
  ['0014', '9.1screen 5.1.2+sc (2+7+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '0013', '0014', '0024', '0025')],
  ['0016', '7.1.2 (2+7+0)', ds('0001', '0002', '0003', '0004', '000a', '000b', '001c', '001d', '0013', '0014')],
  ['0005', '5.1.4 (4+5+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '000d', '000f', '0010', '0012')],
  ['0010', '10.1 (4+5+1)', ds('0001', '0002', '0003', '0004', '0005', '0006', '000d', '000f', '0010', '0012', '0015')],
  ['0007', '10.2 (3+7+0)', ds('0003', '0001', '0002', '0022', '0023', '000a', '000b', '001c', '001d', '0028', '0020', '0021')],
  ['0015', '5.1.4+sc (4+7+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '000d', '000f', '0010', '0012', '0024', '0025')],
  ['0017', '7.1.4 (4+7+0)', ds('0001', '0002', '0003', '0004', '000a', '000b', '001c', '001d', '0022', '0023', '001e', '001f')],
  ['0008', '13.1 (4+9+0)', ds('0001', '0002', '0003', '0004', '000a', '000b', '001c', '001d', '0022', '0023', '001e', '001f', '0024', '0025')],
  [
    '0009',
    '22.2 (9+10+3)',
    ds('0018', '0019', '0003', '0020', '001c', '001d', '0001', '0002', '0009', '0021', '000a', '000b', '0022', '0023', '000e', '000c', '001e', '001f', '0013', '0014', '0011', '0015', '0016', '0017'),
  ],
  ['0011', 'Auro-3D (9+9+0)', ds('0001', '0002', '0003', '0004', '0005', '0006', '000a', '000b', '001a', '001b', '000d', '000f', '000e', '0010', '0012', '0013', '0014', '001e', '001f')],
];

function hoaChannels(prefix: string, count: number, first: number): string[] {
  return Array.from({ length: count }, (_, i) => `AC_0004${prefix}${(first + i).toString(16).padStart(2, '0')}`);
}

// HOA packs: a pack of order n includes the lower orders ((n+1)^2 channels in 3D).
const HOA_PACKS: CommonPack[] = [];
for (let order = 1; order <= 6; order++) {
  const n = (order + 1) ** 2;
  HOA_PACKS.push({ id: `AP_0004000${order}`, name: `3D_order${order}_SN3D_ACN`, typeLabel: '0004', channels: hoaChannels('00', n, 1) });
  HOA_PACKS.push({ id: `AP_0004001${order}`, name: `3D_order${order}_N3D_ACN`, typeLabel: '0004', channels: hoaChannels('01', n, 1) });
  if (order <= 3) {
    HOA_PACKS.push({ id: `AP_0004002${order}`, name: `3D_order${order}_FuMa`, typeLabel: '0004', channels: hoaChannels('02', n, 1) });
  }
}

export const COMMON_PACKS: ReadonlyMap<string, CommonPack> = new Map<string, CommonPack>([
  ...DS_PACKS.map(([x, name, channels]): [string, CommonPack] => {
    const id = `AP_0001${x}`;
    return [id, { id, name, typeLabel: '0001', channels }];
  }),
  ...HOA_PACKS.map((p): [string, CommonPack] => [p.id, p]),
  ['AP_00050001', { id: 'AP_00050001', name: 'Binaural', typeLabel: '0005', channels: ['AC_00050001', 'AC_00050002'] }],
]);

/** True for an id in the common-definition range (xxxx < 0x1000 in XX_yyyyxxxx). */
export function isCommonDefinitionId(id: string): boolean {
  const m = /^A[CPST]_[0-9a-fA-F]{4}([0-9a-fA-F]{4})/.exec(id);
  return m !== null && parseInt(m[1]!, 16) < 0x1000;
}

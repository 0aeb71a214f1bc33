/**
 * Target loudspeaker layouts (ITU-R BS.2051), named as a mixer says them ("5.1") or as BS.2051 does
 * ("0+5+0"). Positions are the nominal ones BS.2127 renders to; channel order is the usual film/TV
 * order (L R C LFE ...), which is also BS.2051's for these systems. Allocentric positions (for
 * cartesian objects) are BS.2127 section 11's allocentric loudspeaker positions.
 */
import type { ChannelLabel } from '../../audio/channels.js';
import { DubstageError } from '../../errors.js';

export type Vec3 = [number, number, number];

export interface Speaker {
  /** BS.2051 label: M+030, U-045, LFE1 ... */
  name: string;
  label: ChannelLabel;
  azimuthDeg: number;
  elevationDeg: number;
  isLfe: boolean;
  /** Allocentric position (BS.2127 11.x): X right, Y front, Z up, each in [-1, 1]. */
  allo: Vec3;
}

export interface TargetLayout {
  /** "5.1", "2.0", "7.1", "7.1.4", "7.1.2", "5.1.4" */
  id: string;
  /** BS.2051 system name: "0+5+0" ... */
  itu: string;
  speakers: Speaker[];
}

const LFE: Speaker = { name: 'LFE1', label: 'LFE', azimuthDeg: 45, elevationDeg: -30, isLfe: true, allo: [-1, 1, -1] };
const s = (name: string, label: ChannelLabel, az: number, el: number, allo: Vec3): Speaker => ({ name, label, azimuthDeg: az, elevationDeg: el, isLfe: false, allo });

const L = s('M+030', 'L', 30, 0, [-1, 1, 0]);
const R = s('M-030', 'R', -30, 0, [1, 1, 0]);
const C = s('M+000', 'C', 0, 0, [0, 1, 0]);
const LS = s('M+110', 'Ls', 110, 0, [-1, -1, 0]);
const RS = s('M-110', 'Rs', -110, 0, [1, -1, 0]);
const LSS = s('M+090', 'Lss', 90, 0, [-1, 0, 0]);
const RSS = s('M-090', 'Rss', -90, 0, [1, 0, 0]);
const LRS = s('M+135', 'Lrs', 135, 0, [-1, -1, 0]);
const RRS = s('M-135', 'Rrs', -135, 0, [1, -1, 0]);

export const TARGET_LAYOUTS: readonly TargetLayout[] = [
  { id: '2.0', itu: '0+2+0', speakers: [L, R] },
  { id: '5.1', itu: '0+5+0', speakers: [L, R, C, LFE, LS, RS] },
  { id: '7.1', itu: '0+7+0', speakers: [L, R, C, LFE, LSS, RSS, LRS, RRS] },
  {
    id: '5.1.4',
    itu: '4+5+0',
    speakers: [L, R, C, LFE, LS, RS, s('U+030', 'Ltf', 30, 30, [-1, 1, 1]), s('U-030', 'Rtf', -30, 30, [1, 1, 1]), s('U+110', 'Ltr', 110, 30, [-1, -1, 1]), s('U-110', 'Rtr', -110, 30, [1, -1, 1])],
  },
  {
    // BS.2051 has no 2+7+0 table; this is the 7.1.2 of BS.2094's pack AP_00010016 (U+090/U-090 tops),
    // as the EBU EAR Production Suite builds it (M and U±090 positions from 9+10+3).
    id: '7.1.2',
    itu: '2+7+0',
    speakers: [L, R, C, LFE, LSS, RSS, LRS, RRS, s('U+090', 'Lts', 90, 30, [-1, 0, 1]), s('U-090', 'Rts', -90, 30, [1, 0, 1])],
  },
  {
    id: '7.1.4',
    itu: '4+7+0',
    speakers: [L, R, C, LFE, LSS, RSS, LRS, RRS, s('U+045', 'Ltf', 45, 30, [-1, 1, 1]), s('U-045', 'Rtf', -45, 30, [1, 1, 1]), s('U+135', 'Ltr', 135, 30, [-1, -1, 1]), s('U-135', 'Rtr', -135, 30, [1, -1, 1])],
  },
];

/** "5.1", "0+5+0" or "5.1.4" -> the layout; a clear usage error otherwise. */
export function targetLayout(name: string): TargetLayout {
  const t = name.trim();
  const found = TARGET_LAYOUTS.find((l) => l.id === t || l.itu === t);
  if (!found) {
    throw new DubstageError({
      code: 'usage',
      message: `render layout '${name}': expected one of ${TARGET_LAYOUTS.map((l) => `${l.id} (${l.itu})`).join(', ')}`,
    });
  }
  return found;
}

/** ADM/BS.2127 polar -> cartesian: azimuth anticlockwise from the front, x to the right. */
export function cart(azimuthDeg: number, elevationDeg: number, distance: number): Vec3 {
  const az = (azimuthDeg * Math.PI) / 180;
  const el = (elevationDeg * Math.PI) / 180;
  return [-Math.sin(az) * Math.cos(el) * distance, Math.cos(az) * Math.cos(el) * distance, Math.sin(el) * distance];
}

export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: ArrayLike<number>): number => {
  let s2 = 0;
  for (let i = 0; i < a.length; i++) s2 += a[i]! * a[i]!;
  return Math.sqrt(s2);
};
export function azimuthOf(p: Vec3): number {
  return (Math.atan2(-p[0], p[1]) * 180) / Math.PI;
}
export function elevationOf(p: Vec3): number {
  return (Math.atan2(p[2], Math.hypot(p[0], p[1])) * 180) / Math.PI;
}

/** Is angle x inside [start, end] going anticlockwise-positive (BS.2127 6.x insideAngleRange)? */
export function insideAngleRange(x: number, start: number, end: number, tol = 0): boolean {
  while (end - 360 > start) end -= 360;
  while (end < start) end += 360;
  const startTol = start - tol;
  while (x - 360 >= startTol) x -= 360;
  while (x < startTol) x += 360;
  return x <= end + tol;
}

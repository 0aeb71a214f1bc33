/** Layout names used in profiles and manifests, their channel counts and SMPTE/ITU channel order. */
import type { LayoutName } from '../specs/schema.js';

export const LAYOUT_CHANNELS: Record<LayoutName, number> = {
  mono: 1,
  '2.0': 2,
  LCR: 3,
  '5.0': 5,
  '5.1': 6,
  '7.1': 8,
  '7.1.2': 10,
  '7.1.4': 12,
  '9.1.6': 16,
};

/** The default order per layout (what a file without channel labels is assumed to carry). */
export const LAYOUT_ORDER: Record<LayoutName, string[]> = {
  mono: ['M'],
  '2.0': ['L', 'R'],
  LCR: ['L', 'R', 'C'],
  '5.0': ['L', 'R', 'C', 'Ls', 'Rs'],
  '5.1': ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'],
  '7.1': ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs'],
  '7.1.2': ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'],
  '7.1.4': ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'],
  '9.1.6': ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lw', 'Rw', 'Ltf', 'Rtf', 'Lts', 'Rts', 'Ltr', 'Rtr'],
};

/** The layout a plain channel count most likely is (6 → 5.1); null for counts no layout has. */
export function layoutForCount(channels: number): LayoutName | null {
  const hit = (Object.entries(LAYOUT_CHANNELS) as Array<[LayoutName, number]>).find(([, n]) => n === channels);
  return hit ? hit[0] : null;
}

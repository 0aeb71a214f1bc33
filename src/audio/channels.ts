/**
 * Channel labels, WAVE_FORMAT_EXTENSIBLE masks, default layouts by count, and BS.1770-5 weights.
 * Labels are a contract (measure JSON, --channels): see the measuring-core issue.
 */
export const CHANNEL_LABELS = [
  'M', 'L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Cs', 'Lw', 'Rw',
  'Ltf', 'Rtf', 'Ltr', 'Rtr', 'Lts', 'Rts', 'Lc', 'Rc', 'Ts', 'Ctf', 'Ctr', 'LFE2',
] as const;

/** A known speaker label, or `ChN` (1-based) for a channel whose position nobody told us. */
export type ChannelLabel = (typeof CHANNEL_LABELS)[number] | `Ch${number}`;

const KNOWN = new Set<string>(CHANNEL_LABELS);
const LOWER: Map<string, ChannelLabel> = new Map(CHANNEL_LABELS.map((l) => [l.toLowerCase(), l]));

/** Where a file's channel labels came from; said in the output. */
export type LabelSource = 'user' | 'adm' | 'mca' | 'ixml' | 'channel-mask' | 'multi-mono-names' | 'assumed-by-count' | 'unknown';

export function isKnownLabel(s: string): s is (typeof CHANNEL_LABELS)[number] {
  return KNOWN.has(s);
}

/** Case-insensitive label lookup with the common aliases (Lsr/Rsr, Lfe, Sl/Sr...). */
export function parseChannelLabel(text: string): ChannelLabel | null {
  const t = text.trim();
  const exact = LOWER.get(t.toLowerCase());
  if (exact) return exact;
  const alias: Record<string, ChannelLabel> = {
    lsr: 'Lrs', rsr: 'Rrs', lb: 'Lrs', rb: 'Rrs', bl: 'Lrs', br: 'Rrs', sl: 'Lss', sr: 'Rss',
    lsd: 'Lss', rsd: 'Rss', ltm: 'Lts', rtm: 'Rts', s: 'Cs', mono: 'M', left: 'L', right: 'R',
    center: 'C', centre: 'C', sub: 'LFE', boom: 'LFE', lfe1: 'LFE',
  };
  const a = alias[t.toLowerCase()];
  if (a) return a;
  const m = /^ch(\d+)$/i.exec(t);
  if (m) return `Ch${Number(m[1])}` as ChannelLabel;
  return null;
}

/**
 * BS.1770-5 Annex 3 channel weight: 1.41 for ear-level channels between ±60° and ±120°
 * (Ls/Rs at ±110, Lss/Rss at ±90, wides at ±60), 0 for LFE, 1.0 for everything else
 * (rear surrounds at ±135, back centre, height layers).
 */
export function loudnessWeight(label: ChannelLabel): number {
  switch (label) {
    case 'LFE':
    case 'LFE2':
      return 0;
    case 'Ls':
    case 'Rs':
    case 'Lss':
    case 'Rss':
    case 'Lw':
    case 'Rw':
      return 1.41;
    default:
      return 1.0;
  }
}

export function isLfe(label: ChannelLabel): boolean {
  return label === 'LFE' || label === 'LFE2';
}

// dwChannelMask bits in ascending order (Microsoft KSAUDIO). Back L/R read as surrounds.
const MASK_BITS: Array<[number, ChannelLabel]> = [
  [0x1, 'L'], [0x2, 'R'], [0x4, 'C'], [0x8, 'LFE'], [0x10, 'Lrs'], [0x20, 'Rrs'], [0x40, 'Lc'],
  [0x80, 'Rc'], [0x100, 'Cs'], [0x200, 'Lss'], [0x400, 'Rss'], [0x800, 'Ts'], [0x1000, 'Ltf'],
  [0x2000, 'Ctf'], [0x4000, 'Rtf'], [0x8000, 'Ltr'], [0x10000, 'Ctr'], [0x20000, 'Rtr'],
];

export interface MaskLabels {
  labels: ChannelLabel[];
  notes: string[];
}

/**
 * Labels from a WAVE_FORMAT_EXTENSIBLE channel mask for `channelCount` channels, or null when the
 * mask is 0 (DIRECTOUT) or does not name every channel.
 * 5.1 with back (0x3F) or side (0x60F) surrounds both read as Ls/Rs. A 7.1 mask 0x63F puts BACK
 * before SIDE in bit order, but 7.1 masters use it positionally (SMPTE L R C LFE Lss Rss Lrs Rrs):
 * we label positionally and say so, never re-route by mask semantics.
 */
export function labelsFromMask(mask: number, channelCount: number): MaskLabels | null {
  if (mask === 0) return null;
  const labels: ChannelLabel[] = [];
  for (const [bit, label] of MASK_BITS) if ((mask & bit) !== 0) labels.push(label);
  if (labels.length !== channelCount) return null;
  const notes: string[] = [];
  const hasBack = (mask & 0x30) === 0x30;
  const hasSide = (mask & 0x600) === 0x600;
  if (hasBack && !hasSide) {
    replace(labels, 'Lrs', 'Ls');
    replace(labels, 'Rrs', 'Rs');
  } else if (hasSide && !hasBack) {
    replace(labels, 'Lss', 'Ls');
    replace(labels, 'Rss', 'Rs');
  } else if (hasBack && hasSide) {
    const i = labels.indexOf('Lrs');
    labels[i] = 'Lss';
    labels[i + 1] = 'Rss';
    const j = labels.indexOf('Lss', i + 2);
    labels[j] = 'Lrs';
    labels[j + 1] = 'Rrs';
    notes.push(
      `channel mask 0x${mask.toString(16)} lists back before side surrounds; read positionally as SMPTE 7.1 (ch${i + 1}/${i + 2} = Lss/Rss, ch${j + 1}/${j + 2} = Lrs/Rrs)`,
    );
  }
  return { labels, notes };
}

function replace(labels: ChannelLabel[], from: ChannelLabel, to: ChannelLabel): void {
  const i = labels.indexOf(from);
  if (i >= 0) labels[i] = to;
}

/** The common layouts by channel count (SMPTE/ITU order); null when no common layout has that count. */
export function defaultLabels(channelCount: number): ChannelLabel[] | null {
  switch (channelCount) {
    case 1:
      return ['M'];
    case 2:
      return ['L', 'R'];
    case 3:
      return ['L', 'R', 'C'];
    case 4:
      return ['L', 'R', 'Ls', 'Rs'];
    case 5:
      return ['L', 'R', 'C', 'Ls', 'Rs'];
    case 6:
      return ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    case 8:
      return ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs'];
    case 10:
      return ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];
    case 12:
      return ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'];
    default:
      return null;
  }
}

/** Names of the default layouts, for the "assumed" message. */
export function layoutNameForCount(channelCount: number): string {
  const names: Record<number, string> = {
    1: 'mono', 2: 'stereo (L R)', 3: 'LCR (L R C)', 4: 'quad (L R Ls Rs)', 5: '5.0 (L R C Ls Rs)',
    6: 'SMPTE 5.1 (L R C LFE Ls Rs)', 8: 'SMPTE 7.1 (L R C LFE Lss Rss Lrs Rrs)',
    10: '7.1.2 bed (L R C LFE Lss Rss Lrs Rrs Lts Rts)', 12: '7.1.4 (L R C LFE Lss Rss Lrs Rrs Ltf Rtf Ltr Rtr)',
  };
  return names[channelCount] ?? `${channelCount} unlabelled channels`;
}

export function genericLabels(channelCount: number): ChannelLabel[] {
  return Array.from({ length: channelCount }, (_, i) => `Ch${i + 1}` as ChannelLabel);
}

/** Parse a user's `--channels L,R,C,LFE,Ls,Rs`. Throws a message naming the bad entry. */
export function parseChannelList(text: string): ChannelLabel[] {
  return text.split(',').map((part) => {
    const label = parseChannelLabel(part);
    if (!label) {
      throw new Error(`unknown channel label '${part.trim()}' (expected one of ${CHANNEL_LABELS.join(' ')})`);
    }
    return label;
  });
}

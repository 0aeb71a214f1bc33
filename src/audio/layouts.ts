/**
 * Channel layouts and their common orders (../shared/reference/channel-layouts.md): one named
 * layout per (family, order), lookups by name, by label list and by ADM pack id, and the choice of
 * labels from the sources a file may carry, in the order ADM, iXML, channel mask, multi-mono
 * suffixes, user.
 */
import {
  defaultLabels,
  genericLabels,
  layoutNameForCount,
  parseChannelLabel,
  type ChannelLabel,
  type LabelSource,
} from './channels.js';

export type ChannelOrder = 'mono' | 'smpte' | 'film' | 'dts' | 'sdds' | 'rear-first';

export interface ChannelLayout {
  /** "5.1-film" */
  id: string;
  /** "5.1" */
  family: string;
  order: ChannelOrder;
  description: string;
  labels: readonly ChannelLabel[];
  /** The ITU-R BS.2094 common-definition pack with exactly this order, when one exists. */
  admPackId?: string;
  /** Other names accepted by layoutByName ("5.1" means 5.1-smpte; BS.2051 system names like "4+7+0"). */
  aliases: readonly string[];
}

function layout(
  id: string,
  order: ChannelOrder,
  labels: ChannelLabel[],
  description: string,
  extra: { admPackId?: string; aliases?: string[] } = {},
): ChannelLayout {
  const family = id.split('-')[0]!;
  return { id, family, order, description, labels, admPackId: extra.admPackId, aliases: extra.aliases ?? [] };
}

/**
 * SMPTE/ITU is the default order of each family (WAV deliverables, Dolby Renderer beds, BS.2051);
 * Film is Pro Tools' internal track order. Sources: channel-layouts.md sections 1-3.
 */
export const LAYOUTS: readonly ChannelLayout[] = [
  layout('mono', 'mono', ['M'], 'mono', { admPackId: 'AP_00010001', aliases: ['1.0'] }),
  layout('2.0', 'smpte', ['L', 'R'], 'stereo L R', { admPackId: 'AP_00010002', aliases: ['stereo', '2.0-smpte', '0+2+0'] }),
  layout('lcr-smpte', 'smpte', ['L', 'R', 'C'], 'LCR, SMPTE order L R C', { admPackId: 'AP_0001000a', aliases: ['lcr', '3.0', '3.0-smpte'] }),
  layout('lcr-film', 'film', ['L', 'C', 'R'], 'LCR, Film order L C R', { aliases: ['3.0-film'] }),
  layout('5.0-smpte', 'smpte', ['L', 'R', 'C', 'Ls', 'Rs'], '5.0 SMPTE/ITU L R C Ls Rs', { admPackId: 'AP_0001000c', aliases: ['5.0'] }),
  layout('5.0-film', 'film', ['L', 'C', 'R', 'Ls', 'Rs'], '5.0 Film L C R Ls Rs'),
  layout('5.1-smpte', 'smpte', ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], '5.1 SMPTE/ITU L R C LFE Ls Rs', {
    admPackId: 'AP_00010003',
    aliases: ['5.1', '5.1-itu', '0+5+0'],
  }),
  layout('5.1-film', 'film', ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'], '5.1 Film / Pro Tools L C R Ls Rs LFE', { aliases: ['5.1-pro-tools'] }),
  layout('5.1-dts', 'dts', ['L', 'R', 'Ls', 'Rs', 'C', 'LFE'], '5.1 DTS L R Ls Rs C LFE'),
  layout('7.1-smpte', 'smpte', ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs'], '7.1 SMPTE/ITU/Dolby L R C LFE Lss Rss Lrs Rrs', {
    admPackId: 'AP_0001000f',
    aliases: ['7.1', '7.1-itu', '7.1-ds', '0+7+0'],
  }),
  layout('7.1-film', 'film', ['L', 'C', 'R', 'Lss', 'Rss', 'Lrs', 'Rrs', 'LFE'], '7.1 Pro Tools L C R Lss Rss Lsr Rsr LFE', {
    aliases: ['7.1-pro-tools'],
  }),
  // Windows 0x63F read by mask semantics: back (rear) pair before side pair.
  layout('7.1-rear-first', 'rear-first', ['L', 'R', 'C', 'LFE', 'Lrs', 'Rrs', 'Lss', 'Rss'], '7.1 rear pair before side pair (mask-bit order)', {
    aliases: ['7.1-windows'],
  }),
  layout('7.1-sdds', 'sdds', ['L', 'Lc', 'C', 'Rc', 'R', 'Ls', 'Rs', 'LFE'], '7.1 SDDS L Lc C Rc R Ls Rs LFE (five screen channels)'),
  layout('5.1.2-smpte', 'smpte', ['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Ltf', 'Rtf'], '5.1.2 (BS.2051 2+5+0) L R C LFE Ls Rs Ltf Rtf', {
    admPackId: 'AP_00010004',
    aliases: ['5.1.2', '2+5+0'],
  }),
  layout('5.1.2-top-side', 'smpte', ['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Lts', 'Rts'], '5.1.2 with top-side pair L R C LFE Ls Rs Lts Rts', {
    admPackId: 'AP_00010013',
  }),
  layout('5.1.4-smpte', 'smpte', ['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'], '5.1.4 (4+5+0) L R C LFE Ls Rs Ltf Rtf Ltr Rtr', {
    admPackId: 'AP_00010005',
    aliases: ['5.1.4', '4+5+0'],
  }),
  layout('5.1.4-film', 'film', ['L', 'C', 'R', 'Ls', 'Rs', 'LFE', 'Ltf', 'Rtf', 'Ltr', 'Rtr'], '5.1.4 Film L C R Ls Rs LFE Ltf Rtf Ltr Rtr'),
  layout('7.1.2-smpte', 'smpte', ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'], '7.1.2 Atmos bed L R C LFE Lss Rss Lrs Rrs Lts Rts', {
    admPackId: 'AP_00010016',
    aliases: ['7.1.2', '7.1.2-atmos-bed', '2+7+0'],
  }),
  layout('7.1.2-film', 'film', ['L', 'C', 'R', 'Lss', 'Rss', 'Lrs', 'Rrs', 'LFE', 'Lts', 'Rts'], '7.1.2 Film L C R Lss Rss Lsr Rsr LFE Lts Rts'),
  layout(
    '7.1.4-smpte',
    'smpte',
    ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'],
    '7.1.4 (4+7+0) L R C LFE Lss Rss Lrs Rrs Ltf Rtf Ltr Rtr',
    { admPackId: 'AP_00010017', aliases: ['7.1.4', '7.1.4-itu', '4+7+0'] },
  ),
  layout(
    '7.1.4-film',
    'film',
    ['L', 'C', 'R', 'Lss', 'Rss', 'Lrs', 'Rrs', 'LFE', 'Ltf', 'Rtf', 'Ltr', 'Rtr'],
    '7.1.4 Film / Pro Tools L C R Lss Rss Lsr Rsr LFE Ltf Rtf Ltr Rtr',
    { aliases: ['7.1.4-pro-tools'] },
  ),
  // 9.1.6: the speaker set is Dolby's room list; the file order here is SMPTE-style by extension
  // (channel-layouts.md marks the file order as recalled, not verified).
  layout(
    '9.1.6-smpte',
    'smpte',
    ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lw', 'Rw', 'Ltf', 'Rtf', 'Lts', 'Rts', 'Ltr', 'Rtr'],
    '9.1.6 L R C LFE Lss Rss Lrs Rrs Lw Rw Ltf Rtf Ltm Rtm Ltr Rtr',
    { aliases: ['9.1.6'] },
  ),
];

const BY_NAME: Map<string, ChannelLayout> = new Map();
for (const l of LAYOUTS) {
  BY_NAME.set(l.id.toLowerCase(), l);
  for (const a of l.aliases) BY_NAME.set(a.toLowerCase(), l);
}

/** A layout by id or alias, case-insensitive ("5.1-film", "5.1", "7.1.2-atmos-bed"). */
export function layoutByName(name: string): ChannelLayout | null {
  return BY_NAME.get(name.trim().toLowerCase()) ?? null;
}

/** The layout whose order is exactly this label list; a lone C reads as mono (ADM mono is M+000). */
export function layoutByLabels(labels: readonly ChannelLabel[]): ChannelLayout | null {
  if (labels.length === 1 && (labels[0] === 'M' || labels[0] === 'C')) return BY_NAME.get('mono')!;
  return LAYOUTS.find((l) => sameOrder(l.labels, labels)) ?? null;
}

/** Layouts with the same speakers as `labels` in any order (same family, other orders). */
export function layoutsWithSameSpeakers(labels: readonly ChannelLabel[]): ChannelLayout[] {
  const key = [...labels].sort().join(' ');
  return LAYOUTS.filter((l) => l.labels.length === labels.length && [...l.labels].sort().join(' ') === key);
}

/** The layout whose order equals an ADM common-definition pack. */
export function layoutByAdmPack(packId: string): ChannelLayout | null {
  return LAYOUTS.find((l) => l.admPackId !== undefined && l.admPackId.toLowerCase() === packId.toLowerCase()) ?? null;
}

function sameOrder(a: readonly ChannelLabel[], b: readonly ChannelLabel[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A short name for a label list: the layout id when known, else "custom (L R ...)". */
export function describeLabels(labels: readonly ChannelLabel[]): string {
  const known = layoutByLabels(labels);
  return known ? known.id : `custom (${labels.join(' ')})`;
}

// ---------------------------------------------------------------------------------------------
// Where labels come from

export interface LabelCandidates {
  adm?: readonly ChannelLabel[] | null;
  ixml?: readonly ChannelLabel[] | null;
  channelMask?: readonly ChannelLabel[] | null;
  multiMono?: readonly ChannelLabel[] | null;
  user?: readonly ChannelLabel[] | null;
}

export interface PickedLabels {
  labels: ChannelLabel[];
  source: LabelSource;
  /** Why a higher-priority source was passed over, and what was assumed. */
  notes: string[];
}

const PRIORITY: Array<[keyof LabelCandidates, LabelSource, string]> = [
  ['adm', 'adm', 'ADM (chna/axml)'],
  ['ixml', 'ixml', 'iXML track names'],
  ['channelMask', 'channel-mask', 'WAVE_FORMAT_EXTENSIBLE channel mask'],
  ['multiMono', 'multi-mono-names', 'multi-mono file-name suffixes'],
  ['user', 'user', '--channels'],
];

/**
 * Labels for a file of `channelCount` channels from the first usable source in the order ADM,
 * iXML, channel mask, multi-mono suffixes, user (channel-layouts.md s7); a source with the wrong
 * count or a generic ChN entry is passed over with a note. With none, the common layout for the
 * count is assumed and said; failing that, Ch1..ChN.
 */
export function pickChannelLabels(channelCount: number, candidates: LabelCandidates): PickedLabels {
  const notes: string[] = [];
  for (const [key, source, what] of PRIORITY) {
    const labels = candidates[key];
    if (!labels) continue;
    if (labels.length !== channelCount) {
      notes.push(`${what} name ${labels.length} channels, the file has ${channelCount}: not used`);
      continue;
    }
    if (labels.some((l) => /^Ch\d+$/.test(l))) {
      notes.push(`${what} leave some channels unnamed: not used`);
      continue;
    }
    return { labels: [...labels], source, notes };
  }
  const assumed = defaultLabels(channelCount);
  if (assumed) {
    notes.push(`no channel labels in the file; assumed ${layoutNameForCount(channelCount)}`);
    return { labels: assumed, source: 'assumed-by-count', notes };
  }
  notes.push(`no channel labels in the file and no common layout has ${channelCount} channels`);
  return { labels: genericLabels(channelCount), source: 'unknown', notes };
}

/** iXML FUNCTION / NAME values: "L-5.1", "LFE-7.1", "LEFT", "Ls", "C". */
export function labelFromIxmlName(text: string): ChannelLabel | null {
  const t = text.trim();
  if (!t) return null;
  const base = t.replace(/[-_ ](5\.1|7\.1|6\.1|mix|generic)$/i, '');
  const whole = parseChannelLabel(base);
  if (whole && !/^Ch\d+$/.test(whole)) return whole;
  // "MIX_L", "Dialog Ls": the label after the last separator
  const last = /[ ._-]([A-Za-z]+)$/.exec(base);
  const tail = last ? parseChannelLabel(last[1]!) : null;
  return tail && !/^Ch\d+$/.test(tail) ? tail : whole;
}

/**
 * Labels from iXML tracks ordered by their interleave index; null unless every channel gets a
 * known label. iXML "x-7.1" is SDDS style (channel-layouts.md s2), so Ls/Rs keep their names.
 */
export function labelsFromIxmlTracks(
  tracks: ReadonlyArray<{ interleaveIndex: number | null; name: string; function: string }>,
  channelCount: number,
): ChannelLabel[] | null {
  if (tracks.length !== channelCount) return null;
  const out: Array<ChannelLabel | null> = new Array(channelCount).fill(null);
  tracks.forEach((t, i) => {
    const at = t.interleaveIndex !== null && t.interleaveIndex >= 1 && t.interleaveIndex <= channelCount ? t.interleaveIndex - 1 : i;
    out[at] = labelFromIxmlName(t.function) ?? labelFromIxmlName(t.name);
  });
  return out.every((l) => l !== null) ? (out as ChannelLabel[]) : null;
}

/** The channel suffix of a multi-mono member name: "Reel1_PM.L.wav", "mix_Ls.wav", "FILM-LFE.wav". */
export function labelFromFileSuffix(fileName: string): ChannelLabel | null {
  const stem = fileName.replace(/\.[^.]+$/, '');
  const m = /[._\- ]([A-Za-z]+[0-9]?)$/.exec(stem);
  if (!m) return null;
  const label = parseChannelLabel(m[1]!);
  return label && !/^Ch\d+$/.test(label) ? label : null;
}

/**
 * Multichannel audio labels (SMPTE ST 377-4): MCATagSymbol values of audio channels (ST 428-12 and the
 * ST 2067-8 dictionary), soundfield groups and groups of soundfield groups, mapped to dubstage's
 * channel labels. A symbol we do not know keeps the channel measurable, numbered and weighted 1.0.
 */
import type { ChannelLabel } from '../channels.js';

/** Audio channel tag symbols (without their "ch" prefix) → dubstage labels. */
const CHANNEL_SYMBOLS: Record<string, ChannelLabel> = {
  L: 'L', R: 'R', C: 'C', LFE: 'LFE', Ls: 'Ls', Rs: 'Rs', Lss: 'Lss', Rss: 'Rss', Lrs: 'Lrs', Rrs: 'Rrs',
  Lc: 'Lc', Rc: 'Rc', Cs: 'Cs',
  // Lt/Rt (ST 2067-8) are a matrixed stereo pair: front left and right for BS.1770
  Lt: 'L', Rt: 'R',
  // M1 (ST 2067-8 mono one); M2 is numbered below
  M1: 'M',
  // ST 428-12 / 2067-8 height and wide names where they exist
  Lw: 'Lw', Rw: 'Rw', Tsl: 'Lts', Tsr: 'Rts', Ts: 'Ts',
};

/** Soundfield group symbols (without "sg") → the name a mixer uses (ST 377-4, ST 2067-8). */
export const SOUNDFIELD_GROUPS: Record<string, string> = {
  '51': '5.1', '71': '7.1 (DS)', SDS: '7.1 (SDS)', '61': '6.1', M: 'mono', ST: 'standard stereo', DM: 'dual mono',
  DNS: 'discrete numbered sources', '30': 'LCR', '40': 'LCRS', '50': '5.0', '60': '6.0', '70': '7.0 (DS)',
  LtRt: 'Lt/Rt', '51EX': '5.1 EX', HA: 'hearing accessibility', VA: 'visually impaired narration',
};

export interface MxfMcaLabel {
  kind: 'channel' | 'soundfield-group' | 'group-of-soundfield-groups';
  /** MCATagSymbol as written: chL, sg51, ggMPg, ... */
  symbol: string;
  name: string | null;
  /** MCAChannelID (1-based channel of the track), channels only. */
  channelId: number | null;
  linkId: string | null;
  /** The soundfield group a channel belongs to (its MCALinkID). */
  soundfieldGroupLinkId: string | null;
  /** The groups of soundfield groups a soundfield group belongs to. */
  groupLinkIds: string[];
  language: string | null;
  title: string | null;
  titleVersion: string | null;
  audioContentKind: string | null;
  audioElementKind: string | null;
  dictionaryId: string | null;
}

/** A channel tag symbol as a dubstage label, or null when it names no loudspeaker we weight. */
export function labelForChannelSymbol(symbol: string): ChannelLabel | null {
  const s = symbol.startsWith('ch') ? symbol.slice(2) : symbol;
  return CHANNEL_SYMBOLS[s] ?? null;
}

export interface McaLayout {
  labels: ChannelLabel[];
  notes: string[];
  /** The soundfield group(s), their languages, and the group of groups. */
  soundfieldGroups: Array<{ symbol: string; name: string; language: string | null; channels: number[] }>;
  language: string | null;
}

/**
 * The track's channel labels from its MCA channel labels, in channel order (MCAChannelID, else the
 * order written). Null when the labels do not name each of the `channels` channels exactly once.
 */
export function mcaLayout(labels: MxfMcaLabel[], channels: number): McaLayout | null {
  const chans = labels.filter((l) => l.kind === 'channel');
  if (chans.length === 0) return null;
  const notes: string[] = [];
  const byChannel: Array<MxfMcaLabel | undefined> = new Array(channels);
  chans.forEach((l, i) => {
    const id = l.channelId ?? i + 1;
    if (id >= 1 && id <= channels && !byChannel[id - 1]) byChannel[id - 1] = l;
    else notes.push(`MCA label ${l.symbol} names channel ${id}, which the track lacks or another label took`);
  });
  if (chans.length !== channels || byChannel.some((l) => !l)) {
    notes.push(`MCA labels name ${chans.length} channels but the track has ${channels}`);
    return { labels: [], notes, soundfieldGroups: [], language: null };
  }
  const used = new Set<string>();
  const out: ChannelLabel[] = byChannel.map((l, i) => {
    let label = labelForChannelSymbol(l!.symbol);
    if (label && used.has(label)) label = null;
    if (!label) {
      label = `Ch${i + 1}` as ChannelLabel;
      notes.push(`MCA channel ${i + 1} is '${l!.symbol}'${l!.name ? ` (${l!.name})` : ''}: not a loudspeaker position dubstage weights; measured as Ch${i + 1} (weight 1.0)`);
    }
    used.add(label);
    return label;
  });
  if (byChannel.some((l) => /^ch(Lt|Rt)$/.test(l!.symbol))) notes.push('MCA Lt/Rt measured as front left and right');
  const groups = labels.filter((l) => l.kind === 'soundfield-group');
  const soundfieldGroups = groups.map((g) => {
    const s = g.symbol.startsWith('sg') ? g.symbol.slice(2) : g.symbol;
    const members = byChannel.map((l, i) => (l!.soundfieldGroupLinkId !== null && l!.soundfieldGroupLinkId === g.linkId ? i + 1 : 0)).filter((i) => i > 0);
    return { symbol: g.symbol, name: SOUNDFIELD_GROUPS[s] ?? g.name ?? g.symbol, language: g.language, channels: members };
  });
  const language = groups.find((g) => g.language)?.language ?? chans.find((c) => c.language)?.language ?? labels.find((l) => l.language)?.language ?? null;
  return { labels: out, notes, soundfieldGroups, language };
}

/**
 * One MCA soundfield group as a report shows it: the group (sg51 "5.1"), its language, and its
 * channels in track order with their tag symbols and dubstage labels; its groups of soundfield groups.
 * Channels no group claims are one more entry with a null symbol.
 */
export interface McaSoundfieldGroup {
  /** sg51, sgST, ...; null for the channels no soundfield group claims. */
  symbol: string | null;
  name: string;
  /** RFC 5646: the group's own, else the one its channels share. */
  language: string | null;
  /** 1-based channels of the track (MCAChannelID, else the order written). */
  channels: number[];
  channelSymbols: string[];
  /** dubstage's label for each (null: a symbol that names no loudspeaker dubstage weights). */
  channelLabels: Array<ChannelLabel | null>;
  groupsOfGroups: Array<{ symbol: string; name: string | null; language: string | null }>;
  title: string | null;
  audioContentKind: string | null;
  audioElementKind: string | null;
}

export function mcaSoundfieldGroups(labels: MxfMcaLabel[]): McaSoundfieldGroup[] {
  const chans = labels.filter((l) => l.kind === 'channel').map((l, i) => ({ l, channel: l.channelId ?? i + 1 })).sort((a, b) => a.channel - b.channel);
  const groups = labels.filter((l) => l.kind === 'soundfield-group');
  const gogs = labels.filter((l) => l.kind === 'group-of-soundfield-groups');
  // one group and channels that link to none: a writer that left the links out; the channels are its
  const loose = groups.length === 1 && chans.every((c) => c.l.soundfieldGroupLinkId === null);
  const claimed = new Set<number>();
  const entry = (g: MxfMcaLabel | null, members: typeof chans): McaSoundfieldGroup => {
    const s = g ? (g.symbol.startsWith('sg') ? g.symbol.slice(2) : g.symbol) : '';
    const langs = [...new Set(members.map((m) => m.l.language).filter((x): x is string => !!x))];
    return {
      symbol: g?.symbol ?? null,
      name: g ? (SOUNDFIELD_GROUPS[s] ?? g.name ?? g.symbol) : 'channels in no soundfield group',
      language: g?.language ?? (langs.length === 1 ? langs[0]! : null),
      channels: members.map((m) => m.channel),
      channelSymbols: members.map((m) => m.l.symbol),
      channelLabels: members.map((m) => labelForChannelSymbol(m.l.symbol)),
      groupsOfGroups: g ? gogs.filter((x) => x.linkId !== null && g.groupLinkIds.includes(x.linkId)).map((x) => ({ symbol: x.symbol, name: x.name, language: x.language })) : [],
      title: g?.title ?? null,
      audioContentKind: g?.audioContentKind ?? null,
      audioElementKind: g?.audioElementKind ?? null,
    };
  };
  const out = groups.map((g) => {
    const members = chans.filter((c) => (loose ? true : c.l.soundfieldGroupLinkId !== null && c.l.soundfieldGroupLinkId === g.linkId));
    for (const m of members) claimed.add(m.channel);
    return entry(g, members);
  });
  const rest = chans.filter((c) => !claimed.has(c.channel));
  if (rest.length > 0) out.push(entry(null, rest));
  return out;
}

/** RFC 5646 language tag syntax (langtag and the private-use and grandfathered forms, loosely). */
export function isRfc5646(tag: string): boolean {
  return /^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*(?:-[0-9A-WYZa-wyz](?:-[A-Za-z\d]{2,8})+)*(?:-x(?:-[A-Za-z\d]{1,8})+)?$|^x(?:-[A-Za-z\d]{1,8})+$/.test(tag);
}

/**
 * Multi-mono sets: Pro Tools bounces a 5.1 mix as TITLE.L.wav TITLE.R.wav TITLE.C.wav TITLE.Lfe.wav
 * TITLE.Ls.wav TITLE.Rs.wav. Other tools write TITLE_L.wav, "TITLE L.wav", TITLE-L.wav. Grouped by name
 * here; equal length and rate are checked when the set is opened.
 */
import path from 'node:path';
import type { ChannelLabel } from './channels.js';

/** One thing to measure: a file, or a multi-mono set (files in channel order, with their labels). */
export interface AudioInput {
  /** The first member for a set (the JSON `path`). */
  path: string;
  files?: string[];
  labels?: ChannelLabel[];
}

// Suffix token → label. Order of the map is the SMPTE order used for the grouped stream.
const SUFFIX_LABELS: Array<[RegExp, ChannelLabel]> = [
  [/^(l|left|fl)$/i, 'L'],
  [/^(r|right|fr)$/i, 'R'],
  [/^(c|center|centre|fc)$/i, 'C'],
  [/^(lfe|sub|lf)$/i, 'LFE'],
  [/^(ls|sl|lsd)$/i, 'Ls'],
  [/^(rs|sr|rsd)$/i, 'Rs'],
  [/^(lss)$/i, 'Lss'],
  [/^(rss)$/i, 'Rss'],
  [/^(lrs|lsr|bl|lb)$/i, 'Lrs'],
  [/^(rrs|rsr|br|rb)$/i, 'Rrs'],
  [/^(cs|bc)$/i, 'Cs'],
  [/^(lw)$/i, 'Lw'],
  [/^(rw)$/i, 'Rw'],
  [/^(ltf|tfl)$/i, 'Ltf'],
  [/^(rtf|tfr)$/i, 'Rtf'],
  [/^(ltr|trl)$/i, 'Ltr'],
  [/^(rtr|trr)$/i, 'Rtr'],
  [/^(lts|ltm)$/i, 'Lts'],
  [/^(rts|rtm)$/i, 'Rts'],
];

const ORDER: ChannelLabel[] = SUFFIX_LABELS.map(([, l]) => l);

/** Split "TITLE.Ls.wav" into { stem: "TITLE", label: "Ls" }, or null when the name has no channel suffix. */
export function channelSuffix(filePath: string): { stem: string; label: ChannelLabel } | null {
  const base = path.basename(filePath);
  const m = /^(.*?)[._\- ]([A-Za-z]{1,6})\.(wav|wave|bwf|aif|aiff|aifc|rf64|w64)$/i.exec(base);
  if (!m) return null;
  const token = m[2]!;
  for (const [re, label] of SUFFIX_LABELS) {
    if (re.test(token)) return { stem: path.join(path.dirname(filePath), m[1]!), label };
  }
  return null;
}

/**
 * Group paths into inputs. A set needs at least two members, one per label, all with the same stem
 * and extension; anything else stays a single file. Input order is kept (a set takes its first member's place).
 */
export function groupInputs(paths: string[], options: { group?: boolean } = {}): AudioInput[] {
  if (options.group === false) return paths.map((p) => ({ path: p }));
  const sets = new Map<string, Array<{ file: string; label: ChannelLabel }>>();
  for (const p of paths) {
    const s = channelSuffix(p);
    if (!s) continue;
    const key = `${s.stem}\u0000${path.extname(p).toLowerCase()}`;
    const list = sets.get(key) ?? [];
    list.push({ file: p, label: s.label });
    sets.set(key, list);
  }
  const grouped = new Map<string, AudioInput>();
  for (const [key, members] of sets) {
    const labels = new Set(members.map((m) => m.label));
    if (members.length < 2 || labels.size !== members.length) continue;
    members.sort((a, b) => ORDER.indexOf(a.label) - ORDER.indexOf(b.label));
    grouped.set(key, {
      path: members[0]!.file,
      files: members.map((m) => m.file),
      labels: members.map((m) => m.label),
    });
  }
  const out: AudioInput[] = [];
  const emitted = new Set<string>();
  for (const p of paths) {
    const s = channelSuffix(p);
    const key = s ? `${s.stem}\u0000${path.extname(p).toLowerCase()}` : null;
    const set = key ? grouped.get(key) : undefined;
    if (set && key) {
      if (!emitted.has(key)) {
        emitted.add(key);
        out.push(set);
      }
    } else out.push({ path: p });
  }
  return out;
}

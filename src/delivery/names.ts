/**
 * Role and layout from name tokens (file names, bext descriptions): PM / PRINTMASTER / FULLMIX,
 * DX / DIA / DIALOG, MX / MUSIC, FX / SFX / EFFECTS, ME / M&E, FOLEY, ATMOS; 20 / 2.0 / LTRT,
 * 51 / 5.1, 71 / 7.1, 712, 714. A token counts only standing alone (not inside "s02e20").
 *
 * Facilities put the deliverable's tokens at the END of the name, after the title
 * ("CATCH_ME_IF_YOU_CAN_PM_20", "THE_FX_MAN_DX_51"), so the last token decides, not the first. Tokens
 * that only qualify another (MIX, PRINT, STEM: "ME_MIX", "MX_STEM") take the role of a role token right
 * before them, and stand for a printmaster on their own (MIX, PRINT) or for nothing (STEM). ADM names
 * the file format (a BWF ADM printmaster), so it says Atmos only when no other role token is there.
 */
import type { LayoutName, Role, StemKind } from '../specs/schema.js';

export interface NameGuess {
  role?: Role;
  stem?: StemKind;
  layout?: LayoutName;
  /** The tokens that decided, as written. */
  roleToken?: string;
  layoutToken?: string;
}

// Letters and digits around a token mean it is part of a longer word.
const edge = (body: string) => new RegExp(`(?<![A-Z0-9])(${body})(?![A-Z0-9])`, 'i');

/** How strongly a token says a role: a role word, a qualifier of the one before it, or a format word. */
type Tier = 'role' | 'qualifier' | 'format';

const ROLE_TOKENS: Array<[RegExp, Role | null, StemKind | undefined, Tier]> = [
  [edge('M&E|M\\+E|MANDE|ME'), 'me', undefined, 'role'],
  [edge('PM|PRINTMASTERS?|PRINT[ _-]?MASTERS?|FULLMIX|FULL[ _-]MIX'), 'printmaster', undefined, 'role'],
  [edge('DX|DIA|DIAL|DIALOG|DIALOGUE'), 'stem', 'dialogue', 'role'],
  [edge('MX|MUSIC|MUS'), 'stem', 'music', 'role'],
  [edge('FX|SFX|EFFECTS'), 'stem', 'effects', 'role'],
  [edge('FOLEY|FOL'), 'stem', 'foley', 'role'],
  [edge('ATMOS'), 'atmos', undefined, 'role'],
  [edge('MIX|PRINT'), 'printmaster', undefined, 'qualifier'],
  [edge('STEMS?'), null, undefined, 'qualifier'],
  [edge('ADM'), 'atmos', undefined, 'format'],
];

const LAYOUT_TOKENS: Array<[RegExp, LayoutName]> = [
  [edge('7[._]?1[._]?4|714'), '7.1.4'],
  [edge('7[._]?1[._]?2|712'), '7.1.2'],
  [edge('7[._]1|71'), '7.1'],
  [edge('5[._]1|51'), '5.1'],
  [edge('2[._]0|20|LTRT|LT[_-]?RT|STEREO|ST'), '2.0'],
  [edge('MONO'), 'mono'],
];

interface Hit<T> {
  start: number;
  end: number;
  token: string;
  value: T;
}

/** Every standing-alone match of every pattern, by position (the longest at a position). */
function hits<T>(text: string, patterns: Array<[RegExp, T]>): Hit<T>[] {
  const out: Hit<T>[] = [];
  for (const [re, value] of patterns) {
    const g = new RegExp(re.source, 'gi');
    for (let m = g.exec(text); m; m = g.exec(text)) {
      out.push({ start: m.index, end: m.index + m[0].length, token: m[1]!, value });
      g.lastIndex = m.index + 1;
    }
  }
  // a match inside a longer one at the same place ("PRINT" in "PRINT_MASTER", "7_1" in "7_1_4") does not count
  const kept = out.filter((h) => !out.some((o) => o !== h && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start));
  return kept.sort((x, y) => x.start - y.start);
}

/** Only separators between two tokens: they stand side by side ("MX_STEM"). */
const adjacent = (text: string, before: Hit<unknown>, after: Hit<unknown>) => /^[\s_.-]*$/.test(text.slice(before.end, after.start));

export function guessFromText(text: string): NameGuess {
  const out: NameGuess = {};
  type Role3 = { role: Role | null; stem: StemKind | undefined; tier: Tier };
  const roles = hits<Role3>(text, ROLE_TOKENS.map(([re, role, stem, tier]) => [re, { role, stem, tier }]));
  let pick: Hit<Role3> | undefined;
  // From the end: the last role word, or a qualifier (with the role word right before it, if any).
  for (let i = roles.length - 1; i >= 0 && !pick; i--) {
    const h = roles[i]!;
    if (h.value.tier === 'role') pick = h;
    else if (h.value.tier === 'qualifier') {
      const prev = roles[i - 1];
      if (prev && prev.value.tier === 'role' && adjacent(text, prev, h)) pick = prev;
      else if (h.value.role !== null) pick = h;
    }
  }
  pick ??= roles.filter((h) => h.value.tier === 'format').pop();
  if (pick && pick.value.role) {
    out.role = pick.value.role;
    if (pick.value.stem) out.stem = pick.value.stem;
    out.roleToken = pick.token;
  }
  const layout = hits(text, LAYOUT_TOKENS).pop();
  if (layout) {
    out.layout = layout.value;
    out.layoutToken = layout.token;
  }
  return out;
}

/**
 * Role and layout from name tokens (file names, bext descriptions): PM / PRINTMASTER / MIX,
 * DX / DIA / DIALOG, MX / MUSIC, FX / SFX / EFFECTS, ME / M&E, FOLEY, ATMOS; 20 / 2.0 / LTRT,
 * 51 / 5.1, 71 / 7.1, 712, 714. A token counts only standing alone (not inside "s02e20").
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

const ROLE_TOKENS: Array<[RegExp, Role, StemKind | undefined]> = [
  [edge('M&E|M\\+E|MANDE|ME'), 'me', undefined],
  [edge('PM|PRINTMASTER|PRINT[ _-]?MASTER|MIX|FULLMIX'), 'printmaster', undefined],
  [edge('DX|DIA|DIAL|DIALOG|DIALOGUE'), 'stem', 'dialogue'],
  [edge('MX|MUSIC|MUS'), 'stem', 'music'],
  [edge('FX|SFX|EFFECTS'), 'stem', 'effects'],
  [edge('FOLEY|FOL'), 'stem', 'foley'],
  [edge('ATMOS|ADM'), 'atmos', undefined],
];

const LAYOUT_TOKENS: Array<[RegExp, LayoutName]> = [
  [edge('7[._]?1[._]?4|714'), '7.1.4'],
  [edge('7[._]?1[._]?2|712'), '7.1.2'],
  [edge('7[._]1|71'), '7.1'],
  [edge('5[._]1|51'), '5.1'],
  [edge('2[._]0|20|LTRT|LT[_-]?RT|STEREO|ST'), '2.0'],
  [edge('MONO'), 'mono'],
];

export function guessFromText(text: string): NameGuess {
  const out: NameGuess = {};
  for (const [re, role, stem] of ROLE_TOKENS) {
    const m = re.exec(text);
    if (!m) continue;
    out.role = role;
    if (stem) out.stem = stem;
    out.roleToken = m[1];
    break;
  }
  for (const [re, layout] of LAYOUT_TOKENS) {
    const m = re.exec(text);
    if (!m) continue;
    out.layout = layout;
    out.layoutToken = m[1];
    break;
  }
  return out;
}

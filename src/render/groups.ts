/**
 * Premix groups: which tracks sum into the dialogue, music, effects and foley premixes (by whole-word
 * tokens of the track names), REAPER folders (a folder is the group of the tracks inside it), and the
 * user's own `--group NAME=TRACK,TRACK`. A muted track is measured on its own but summed into no group;
 * a group sums tracks of one channel count, and names the others it leaves out.
 */
import { DubstageError } from '../errors.js';
import type { TrackRole } from '../session/model.js';
import type { PlannedTrack, RenderedGroup } from './timeline.js';

export type PremixRole = 'dialogue' | 'music' | 'effects' | 'foley';

/** Whole-word name tokens (upper case) → premix. The issue's list, plus the words spelled out. */
const ROLE_TOKENS: Record<string, PremixRole> = {
  DX: 'dialogue', DIA: 'dialogue', DIAL: 'dialogue', ADR: 'dialogue', DIALOG: 'dialogue', DIALOGUE: 'dialogue',
  MX: 'music', MUS: 'music', SCORE: 'music', MUSIC: 'music',
  FX: 'effects', SFX: 'effects', BG: 'effects', AMB: 'effects', EFFECTS: 'effects',
  FOLEY: 'foley', FOL: 'foley',
};

export const PREMIX_ROLES: readonly PremixRole[] = ['dialogue', 'music', 'effects', 'foley'];

/** A track name's words: split at spaces, dots, underscores and hyphens ("DX A", "effects.FX", "FX_ALT"). */
export function nameTokens(name: string): string[] {
  return name.split(/[\s._-]+/).filter((t) => t.length > 0).map((t) => t.toUpperCase());
}

/** The premix a track name points to (its first word that names one), else the session's own role. */
export function premixRole(name: string, sessionRole?: TrackRole): PremixRole | null {
  for (const t of nameTokens(name)) {
    const role = ROLE_TOKENS[t];
    if (role) return role;
  }
  return sessionRole && (PREMIX_ROLES as readonly string[]).includes(sessionRole) ? (sessionRole as PremixRole) : null;
}

export interface GroupPlan extends RenderedGroup {
  name: string;
  /** How the group was formed: a premix role, a REAPER folder, or --group. */
  source: 'role' | 'folder' | 'user';
}

export interface UserGroup {
  name: string;
  tracks: string[];
}

/** Parse one `--group NAME=TRACK,TRACK` (track names may hold spaces; commas separate them). */
export function parseGroupOption(text: string): UserGroup {
  const eq = text.indexOf('=');
  const name = eq > 0 ? text.slice(0, eq).trim() : '';
  const tracks = eq > 0 ? text.slice(eq + 1).split(',').map((t) => t.trim()).filter((t) => t.length > 0) : [];
  if (name === '' || tracks.length === 0) {
    throw new DubstageError({ code: 'usage', message: `--group '${text}': expected NAME=TRACK,TRACK,... (e.g. --group "DX=DX A,DX B")` });
  }
  return { name, tracks };
}

/**
 * The groups of a render. `roles` gives each listed track's premix (or null); `warnings` receives the
 * tracks a group leaves out for their channel count.
 */
export function planGroups(
  tracks: PlannedTrack[],
  roles: Map<PlannedTrack, PremixRole | null>,
  allTracks: PlannedTrack[],
  userGroups: UserGroup[],
  warnings: string[],
): GroupPlan[] {
  const raw: { name: string; source: GroupPlan['source']; members: PlannedTrack[] }[] = [];
  for (const role of PREMIX_ROLES) {
    const members = tracks.filter((t) => roles.get(t) === role);
    if (members.length > 0) raw.push({ name: role, source: 'role', members });
  }
  // REAPER folders: every track below the folder (nested folders included), and the folder's own clips
  const listed = new Set(tracks);
  for (const folder of allTracks.filter((t) => t.folder)) {
    const inside = (t: PlannedTrack): boolean => {
      for (let p = t.parentTrack; p !== null; p = allTracks[p]?.parentTrack ?? null) if (p === folder.index) return true;
      return false;
    };
    const members = allTracks.filter((t) => listed.has(t) && (t === folder || inside(t)));
    if (members.length === 0) continue;
    let name = folder.name;
    if (raw.some((g) => g.name === name)) name = `${name} (folder)`;
    raw.push({ name, source: 'folder', members });
  }
  for (const user of userGroups) {
    const members = user.tracks.map((wanted) => {
      const exact = tracks.filter((t) => t.name === wanted);
      const found = exact.length > 0 ? exact : tracks.filter((t) => t.name.toLowerCase() === wanted.toLowerCase());
      if (found.length === 0) {
        throw new DubstageError({
          code: 'usage',
          message: `--group ${user.name}: no track named '${wanted}' (tracks: ${tracks.map((t) => `'${t.name}'`).join(', ')})`,
        });
      }
      return found;
    }).flat();
    const at = raw.findIndex((g) => g.name === user.name);
    const group = { name: user.name, source: 'user' as const, members: [...new Set(members)] };
    if (at >= 0) raw[at] = group;
    else raw.push(group);
  }
  const out: GroupPlan[] = [];
  for (const g of raw) {
    const audible = g.members.filter((t) => !t.muted);
    if (audible.length === 0) continue;
    // the group's width is the most common among its tracks (the first track's on a tie)
    const counts = new Map<number, number>();
    for (const t of audible) counts.set(t.channels, (counts.get(t.channels) ?? 0) + 1);
    let channels = audible[0]!.channels;
    for (const [n, c] of counts) if (c > counts.get(channels)!) channels = n;
    const kept = audible.filter((t) => t.channels === channels);
    const left = audible.filter((t) => t.channels !== channels);
    if (left.length > 0) {
      warnings.push(
        `group '${g.name}': ${left.map((t) => `'${t.name}' (${t.channels} ch)`).join(', ')} left out of the sum: the group is ${channels}-channel`,
      );
    }
    out.push({ name: g.name, source: g.source, members: kept, channels });
  }
  return out;
}

/**
 * A delivery: the files handed over, each file or multi-mono set given a role and a layout, with
 * the reason for each choice (said in the output so a wrong guess is easy to spot and fix with a
 * manifest).
 */
import type { LayoutName, Role, StemKind } from '../specs/schema.js';

export type { LayoutName, Role, StemKind };

/** Where a role or layout came from, strongest first. */
export type AssignmentSource = 'manifest' | 'metadata' | 'name' | 'channel-count' | 'none';

export interface Deliverable {
  /** Short unique name for reports: "printmaster 5.1", "stem dialogue 5.1", "me 2.0 (2)". */
  id: string;
  role: Role | null;
  stem?: StemKind;
  layout: LayoutName | null;
  /** The file, or the members of a multi-mono set in channel order, or a Dolby Atmos master set's .atmos, .atmos.metadata and .atmos.audio. */
  files: string[];
  /** A Dolby Atmos master set (files are its three files; the audio is the third). */
  damf?: true;
  roleSource: AssignmentSource;
  layoutSource: AssignmentSource;
  /** One line per decision: "role printmaster from name token PM". */
  reasons: string[];
}

/** What an Atmos master's ADM says, for the Atmos rules. */
export interface AdmSummary {
  /** Bed layout name (e.g. "7.1.2"), null when there is no bed. */
  bedLayout: string | null;
  bedChannels: number;
  objectCount: number;
}

/**
 * Give each file or multi-mono set a role and a layout: from the manifest, else the file's metadata
 * (ADM objects → Atmos master; bext description and INFO title tokens), else name tokens, and the
 * layout last from the channel count. Every choice carries its reason.
 */
import path from 'node:path';
import type { AudioInput } from '../audio/multimono.js';
import { channelSuffix } from '../audio/multimono.js';
import type { AudioHeader } from '../audio/types.js';
import { layoutForCount } from './layouts.js';
import type { ManifestEntry } from './manifest.js';
import { guessFromText, type NameGuess } from './names.js';
import type { AdmSummary, AssignmentSource, Deliverable, LayoutName } from './types.js';

export interface Candidate {
  input: AudioInput;
  /** null when the file could not be read. */
  header: AudioHeader | null;
  adm?: AdmSummary | null;
  manifest?: ManifestEntry;
  /** A Dolby Atmos master set: its .atmos, .atmos.metadata and .atmos.audio (the input is the .atmos). */
  damfFiles?: string[];
}

export interface Assigned extends Deliverable {
  input: AudioInput;
  header: AudioHeader | null;
  adm?: AdmSummary | null;
}

/** The name a set goes by: the first member's name without its channel suffix ("REEL1_PM_51"). */
export function displayName(input: AudioInput): string {
  const first = input.files?.[0] ?? input.path;
  if (input.files && input.files.length > 1) return channelSuffix(first)?.stem ?? path.basename(first);
  return path.basename(first);
}

function baseName(input: AudioInput): string {
  return displayName(input).replace(/\.(wav|wave|bwf|rf64|w64|aif|aiff|aifc|atmos)$/i, '');
}

export function assignOne(c: Candidate): Assigned {
  const reasons: string[] = [];
  let role: Deliverable['role'] = null;
  let stem: Deliverable['stem'];
  let layout: LayoutName | null = null;
  let roleSource: AssignmentSource = 'none';
  let layoutSource: AssignmentSource = 'none';

  if (c.manifest) {
    role = c.manifest.role;
    stem = c.manifest.stem;
    roleSource = 'manifest';
    reasons.push(`role ${role}${stem ? ` ${stem}` : ''} from the manifest`);
    if (c.manifest.layout) {
      layout = c.manifest.layout;
      layoutSource = 'manifest';
      reasons.push(`layout ${layout} from the manifest`);
    }
  }

  const fromMeta = (g: NameGuess, where: string) => {
    if (role === null && g.role) {
      role = g.role;
      stem = g.stem;
      roleSource = 'metadata';
      reasons.push(`role ${role}${stem ? ` ${stem}` : ''} from ${where} token "${g.roleToken}"`);
    }
    if (layout === null && g.layout) {
      layout = g.layout;
      layoutSource = 'metadata';
      reasons.push(`layout ${layout} from ${where} token "${g.layoutToken}"`);
    }
  };

  if (c.header?.imf && role === null) {
    // an IMF audio virtual track is a printmaster by what IMF is (ST 2067-2 MainAudioSequence)
    role = 'printmaster';
    roleSource = 'metadata';
    reasons.push(`role printmaster: IMF audio virtual track${c.header.imf.mcaGroup ? ` (${c.header.imf.mcaGroup})` : ''}`);
  }
  if (c.damfFiles && role === null) {
    // an Atmos master by what the format is, objects or not (even when the set could not be read)
    role = 'atmos';
    roleSource = 'metadata';
    reasons.push(`role atmos: a Dolby Atmos master set (.atmos${c.adm ? `: ${c.adm.objectCount} object${c.adm.objectCount === 1 ? '' : 's'}${c.adm.bedLayout ? `, ${c.adm.bedLayout} bed` : ''}` : ''})`);
  }
  if (c.adm && c.adm.objectCount > 0 && role === null) {
    role = 'atmos';
    roleSource = 'metadata';
    reasons.push(`role atmos from ADM metadata (${c.adm.objectCount} object${c.adm.objectCount === 1 ? '' : 's'}${c.adm.bedLayout ? `, ${c.adm.bedLayout} bed` : ''})`);
  }
  if (role === 'atmos' && layout === null && c.adm?.bedLayout) {
    const bed = c.adm.bedLayout as LayoutName;
    layout = bed;
    layoutSource = 'metadata';
    reasons.push(`layout ${bed} from the ${c.damfFiles ? '.atmos' : 'ADM'} bed`);
  }
  const h = c.header;
  if (h?.bext?.description) fromMeta(guessFromText(h.bext.description), 'bext description');
  if (h?.info.INAM) fromMeta(guessFromText(h.info.INAM), 'INFO title');

  const name = baseName(c.input);
  const g = guessFromText(name);
  if (role === null && g.role) {
    role = g.role;
    stem = g.stem;
    roleSource = 'name';
    reasons.push(`role ${role}${stem ? ` ${stem}` : ''} from name token "${g.roleToken}"`);
  }
  if (layout === null && g.layout) {
    layout = g.layout;
    layoutSource = 'name';
    reasons.push(`layout ${layout} from name token "${g.layoutToken}"`);
  }
  if (layout === null && h && role !== 'atmos') {
    const byCount = layoutForCount(h.format.channels);
    if (byCount) {
      layout = byCount;
      layoutSource = 'channel-count';
      reasons.push(`layout ${byCount} from ${h.format.channels} channels`);
    }
  }
  if (role === null) reasons.push('no role: no manifest entry, metadata or name token says what this is');

  const files = c.damfFiles ?? (c.input.files && c.input.files.length > 0 ? c.input.files : [c.input.path]);
  const out: Assigned = { id: '', role, layout, files, roleSource, layoutSource, reasons, input: c.input, header: c.header };
  if (c.damfFiles) out.damf = true;
  if (stem) out.stem = stem;
  if (c.adm !== undefined) out.adm = c.adm;
  return out;
}

/** Assign every candidate and give each a unique id for reports ("printmaster 5.1", "me 2.0 (2)"). */
const ROLE_ORDER = ['printmaster', 'atmos', 'stem', 'me'];
const STEM_ORDER = ['dialogue', 'music', 'effects', 'foley'];
const rank = (d: Assigned) => [d.role === null ? 9 : ROLE_ORDER.indexOf(d.role), d.stem ? STEM_ORDER.indexOf(d.stem) : 0, -(d.header?.format.channels ?? 0)];

export function assignDeliverables(candidates: Candidate[]): Assigned[] {
  // Report order: printmasters (widest first), Atmos, stems D/M/E/F, M&E, then unassigned.
  const out = candidates.map(assignOne).sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return 0;
  });
  const seen = new Map<string, number>();
  for (const d of out) {
    const base = d.role === null ? `unassigned ${displayName(d.input)}` : [d.role, d.stem, d.layout].filter(Boolean).join(' ');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    d.id = n === 1 ? base : `${base} (${n})`;
  }
  return out;
}

/** The rule catalog as plain data: what `dubstage rules` prints and docs/rules.md lists. */
import type { Spec } from '../specs/schema.js';
import { optionValues } from './rule.js';
import { allRules } from './rules/index.js';
import type { Rule } from './types.js';

export interface CatalogEntry {
  id: string;
  defaultSeverity: string;
  description: string;
  /** `thresholds.<section>.<name>` a profile may set, with the default. */
  options: Array<{ key: string; default: number; unit: string; description: string }>;
  /** Analyzers the rule may read (those its needs can ask for), when it declares any. */
  analyzers: string[];
}

/**
 * The analyzers a rule's `needs` can ask for, found by asking it about each kind of deliverable under a
 * profile that turns everything on (dialogue-gated loudness, a true-peak limit).
 */
function analyzersOf(rule: Rule): string[] {
  if (!rule.needs) return [];
  const spec = { loudness: { mode: 'dialogue-gated', targetLufs: -24, toleranceLu: 2, maxTruePeakDbtp: -2 } } as unknown as Spec;
  const ids = new Set<string>();
  for (const role of ['printmaster', 'stem', 'me', 'atmos', null]) {
    for (const channels of [2, 6]) {
      const file = { id: 'probe', role, stem: null, layout: null, channels, sampleRate: 48000, durationSeconds: 60, dialogueAnchored: false };
      for (const n of rule.needs(file, optionValues(spec, rule), { spec, fps: { num: 24, den: 1 } })) ids.add(n.id);
    }
  }
  return [...ids];
}

export function ruleCatalog(): CatalogEntry[] {
  return allRules().map((r) => ({
    id: r.id,
    defaultSeverity: r.meta.defaultSeverity,
    description: r.meta.description,
    options: Object.entries(r.meta.options).flatMap(([section, opts]) =>
      Object.entries(opts).map(([name, o]) => ({ key: `thresholds.${section}.${name}`, default: o.default, unit: o.unit, description: o.description })),
    ),
    analyzers: analyzersOf(r),
  }));
}

/**
 * Each deliverable's measuring pass, planned from the rules a profile leaves on: every enabled rule's
 * `needs` for that file, the same analyzer with the same options run once, in the registry's order.
 */
import { analyzerDefinitions } from '../analyzers/index.js';
import type { AnalyzerNeed } from '../analyzers/types.js';
import { DubstageError } from '../errors.js';
import type { Rational } from '../session/time.js';
import type { Spec } from '../specs/schema.js';
import { configuredSeverity } from './engine.js';
import { optionValues } from './rule.js';
import { allRules } from './rules/index.js';
import type { PlannedFile, Rule } from './types.js';

/** JSON with sorted keys: two needs with the same options compare equal. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function analyzerPlan(file: PlannedFile, spec: Spec, fps: Rational, rules: readonly Rule[] = allRules()): AnalyzerNeed[] {
  const byId = new Map<string, { need: AnalyzerNeed; rule: string }>();
  for (const rule of rules) {
    if (!rule.needs || configuredSeverity({ spec }, rule) === 'off') continue;
    for (const need of rule.needs(file, optionValues(spec, rule), { spec, fps })) {
      const known = byId.get(need.id);
      if (!known) {
        byId.set(need.id, { need, rule: rule.id });
      } else if (canonical(known.need.options ?? {}) !== canonical(need.options ?? {})) {
        // one pass runs an analyzer once, and its result is read by id: two rules must agree on it
        throw new DubstageError({
          code: 'usage',
          message: `rules '${known.rule}' and '${rule.id}' need analyzer '${need.id}' with different options (${canonical(known.need.options ?? {})} vs ${canonical(need.options ?? {})})`,
        });
      }
    }
  }
  const order = analyzerDefinitions().map((d) => d.id);
  for (const id of byId.keys()) {
    if (!order.includes(id)) throw new DubstageError({ code: 'usage', message: `rule '${byId.get(id)!.rule}' needs analyzer '${id}', which no one registered` });
  }
  return order.filter((id) => byId.has(id)).map((id) => byId.get(id)!.need);
}

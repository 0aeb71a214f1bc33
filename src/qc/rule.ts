/**
 * Defining a rule (built-in or a plugin's) and resolving its options: each option is the profile's
 * `thresholds.<section>.<name>` when set, else the default its rule declares.
 */
import type { Spec } from '../specs/schema.js';
import type { OptionValues, QcContext, Rule, RuleFinding, RuleMeta, RuleOptions, PlannedFile, PlanContext } from './types.js';
import type { AnalyzerNeed } from '../analyzers/types.js';

export interface RuleDefinition<O extends RuleOptions> {
  id: Rule['id'];
  meta: RuleMeta<O>;
  needs?(file: PlannedFile, options: OptionValues<O>, plan: PlanContext): AnalyzerNeed[];
  check(ctx: QcContext, options: OptionValues<O>): RuleFinding[];
}

export function defineRule<O extends RuleOptions>(def: RuleDefinition<O>): Rule<O> {
  return { ...def, description: def.meta.description, defaultSeverity: def.meta.defaultSeverity };
}

/** A rule's option values under a profile. */
export function optionValues<O extends RuleOptions>(spec: Spec, rule: { meta: RuleMeta<O> }): OptionValues<O> {
  const set = (spec.thresholds ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const out: Record<string, Record<string, number>> = {};
  for (const [section, options] of Object.entries(rule.meta.options)) {
    const own = set[section] ?? {};
    const values: Record<string, number> = {};
    for (const [name, o] of Object.entries(options)) {
      const v = own[name];
      values[name] = typeof v === 'number' ? v : o.default;
    }
    out[section] = values;
  }
  return out as OptionValues<O>;
}

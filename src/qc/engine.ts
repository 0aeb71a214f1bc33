/**
 * The rule engine: run every rule the profile leaves on, give each finding its severity (the
 * profile's setting for the rule; a rule may lower it, never raise it), and decide the verdict: only
 * error findings fail a delivery.
 */
import type { Severity } from './ids.js';
import { allRules } from './rules/index.js';
import { optionValues } from './rule.js';
import type { Finding, QcContext, Rule } from './types.js';

const RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

export interface QcOutcome {
  verdict: 'pass' | 'fail';
  findings: Finding[];
  /** Rules that ran, with their configured severity (JUnit lists one case per rule per deliverable). */
  rulesRun: Array<{ id: Rule['id']; severity: Severity; description: string }>;
}

export function configuredSeverity(ctx: Pick<QcContext, 'spec'>, rule: Rule): Severity | 'off' {
  return ctx.spec.rules?.[rule.id] ?? rule.meta.defaultSeverity;
}

export function runRules(ctx: QcContext, rules: readonly Rule[] = allRules()): QcOutcome {
  const findings: Finding[] = [];
  const rulesRun: QcOutcome['rulesRun'] = [];
  for (const rule of rules) {
    const configured = configuredSeverity(ctx, rule);
    if (configured === 'off') continue;
    rulesRun.push({ id: rule.id, severity: configured, description: rule.meta.description });
    for (const f of rule.check(ctx, optionValues(ctx.spec, rule))) {
      const own = f.severity ?? configured;
      const severity = RANK[own] < RANK[configured] ? own : configured;
      findings.push({ ...f, rule: rule.id, severity });
    }
  }
  findings.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  return { verdict: findings.some((f) => f.severity === 'error') ? 'fail' : 'pass', findings, rulesRun };
}

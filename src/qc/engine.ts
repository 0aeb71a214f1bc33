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
  const merged = mergeEchoes(findings, ctx);
  merged.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  return { verdict: merged.some((f) => f.severity === 'error') ? 'fail' : 'pass', findings: merged, rulesRun };
}

/** Rules that compare files already (one finding per reference): never merged across deliverables. */
const CROSS_FILE_RULES = new Set(['stems/sum-to-printmaster', 'me/music-effects-match', 'me/dialogue-leak', 'delivery/duration-match', 'delivery/missing-deliverable']);
/** Two stretches this close are the same moment (an over is a sample; a filter's ring a few ms). */
const ECHO_TOLERANCE_SECONDS = 0.05;
/** A printmaster re-rendered to another layout carries a short fault on other channels: merged only when this short. */
const RERENDER_MAX_SECONDS = 1;

/**
 * One finding per defect: a fault in a stem is in the printmaster and the M&E made from it (a true-peak
 * over in the effects, an LFE carrying full band), and a printmaster's short fault is in its re-render to
 * another layout. The same rule on the same channel at the same time in a printmaster or M&E and other
 * deliverables is one finding, kept on the printmaster (else the M&E), naming where else it is
 * (`details.alsoIn`). Errors and warnings only; notes stay as they are.
 */
export function mergeEchoes(findings: Finding[], ctx: Pick<QcContext, 'deliverables'>): Finding[] {
  const role = (id: string | null) => ctx.deliverables.find((d) => d.id === id) ?? null;
  const mergeable = (f: Finding) =>
    (f.severity === 'error' || f.severity === 'warning') && !CROSS_FILE_RULES.has(f.rule) && f.deliverable !== null && f.channel !== null && f.startSeconds !== null;
  const rank = (f: Finding) => {
    const r = role(f.deliverable)?.role;
    return r === 'printmaster' ? 0 : r === 'me' ? 1 : 2;
  };
  const sameMoment = (a: Finding, b: Finding) =>
    a.startSeconds! <= (b.endSeconds ?? b.startSeconds!) + ECHO_TOLERANCE_SECONDS && b.startSeconds! <= (a.endSeconds ?? a.startSeconds!) + ECHO_TOLERANCE_SECONDS;
  const echoes = (home: Finding, f: Finding): boolean => {
    if (f.rule !== home.rule || f.deliverable === home.deliverable || !sameMoment(home, f)) return false;
    const h = role(home.deliverable);
    const o = role(f.deliverable);
    if (!h || !o) return false;
    if (h.layout === o.layout) return f.channel === home.channel;
    // the printmaster's re-render to another layout: the same short moment, on its own channels
    const short = (x: Finding) => (x.endSeconds ?? x.startSeconds!) - x.startSeconds! <= RERENDER_MAX_SECONDS;
    return h.role === 'printmaster' && o.role === 'printmaster' && short(home) && short(f);
  };
  const order = findings.map((f, i) => ({ f, i })).sort((a, b) => (mergeable(a.f) && mergeable(b.f) ? rank(a.f) - rank(b.f) : 0) || a.i - b.i);
  const absorbed = new Set<Finding>();
  const replaced = new Map<Finding, Finding>();
  for (const { f: home } of order) {
    if (!mergeable(home) || absorbed.has(home) || rank(home) === 2) continue;
    const others = findings.filter((f) => f !== home && mergeable(f) && !absorbed.has(f) && !replaced.has(f) && echoes(home, f));
    if (others.length === 0) continue;
    for (const o of others) absorbed.add(o);
    const severity = others.some((o) => RANK[o.severity] > RANK[home.severity]) ? others.find((o) => RANK[o.severity] > RANK[home.severity])!.severity : home.severity;
    const names = [...new Set(others.map((o) => o.deliverable!))];
    replaced.set(home, {
      ...home,
      severity,
      message: `${home.message} (also in ${names.join(', ')})`,
      details: {
        ...(home.details ?? {}),
        alsoIn: others.map((o) => ({ deliverable: o.deliverable, file: o.file, channel: o.channel, startTimecode: o.startTimecode, endTimecode: o.endTimecode, measured: o.measured, message: o.message })),
      },
    });
  }
  return findings.filter((f) => !absorbed.has(f)).map((f) => replaced.get(f) ?? f);
}

/**
 * An Atmos master judged on its re-renders (the profile's atmos.judgeOnRenders): which renders the
 * loudness rules read, and findings that say which render they are about. The renders are dubstage's
 * ITU-R BS.2127 renders (src/render/adm), not Dolby's renderer (which applies the master's trims and
 * downmix settings): every finding says so and carries the layout and method in `details.render`.
 */
import type { RenderMeasurement } from '../../../analysis/results.js';
import { findingWhole, type FindingFields } from '../../kit.js';
import type { CheckedDeliverable, QcContext, RuleFinding } from '../../types.js';

export const RENDER_NOTE = "BS.2127 render by dubstage, not Dolby's renderer";

export interface JudgedRender {
  layout: string;
  /** The render's measurement; null when there is none to judge (`problem` says why). */
  render: RenderMeasurement | null;
  problem: string | null;
}

/** The Atmos masters the profile judges on renders, each with its renders in the profile's order. */
export function judgedRenders(ctx: QcContext): Array<{ d: CheckedDeliverable; renders: JudgedRender[] }> {
  const layouts = ctx.spec.atmos?.judgeOnRenders;
  if (!layouts) return [];
  const out: Array<{ d: CheckedDeliverable; renders: JudgedRender[] }> = [];
  for (const d of ctx.deliverables) {
    // an unreadable master is an input error already; nothing to judge
    if (d.role !== 'atmos' || !d.measurement || d.measurement.error) continue;
    const renders = layouts.map((layout): JudgedRender => {
      const r = d.measurement!.renders?.find((x) => x.layout === layout) ?? null;
      if (!r) return { layout, render: null, problem: `no ${layout} re-render was made (the master has no ADM or Dolby Atmos metadata to render from)` };
      if (r.error) return { layout, render: null, problem: `the ${layout} re-render failed: ${r.error.message}` };
      if (!r.loudness) return { layout, render: null, problem: `the ${layout} re-render was not measured` };
      return { layout, render: r, problem: null };
    });
    out.push({ d, renders });
  }
  return out;
}

/** The render's layout in front of the message, and in the details. */
export function onRender(ctx: QcContext, d: CheckedDeliverable, layout: string, method: string | null, f: FindingFields): RuleFinding {
  return findingWhole(ctx, d, {
    ...f,
    message: `${layout} re-render (${RENDER_NOTE}): ${f.message}`,
    details: { ...(f.details ?? {}), render: { layout, method: method ?? RENDER_NOTE } },
  });
}

/** Findings a rule made on a render's figures, relabelled as the render's. */
export function asRenderFindings(ctx: QcContext, d: CheckedDeliverable, r: RenderMeasurement, findings: RuleFinding[]): RuleFinding[] {
  return findings.map((f) => ({
    ...f,
    message: `${r.layout} re-render (${RENDER_NOTE}): ${f.message}`,
    details: { ...(f.details ?? {}), render: { layout: r.layout, method: r.method } },
  }));
}

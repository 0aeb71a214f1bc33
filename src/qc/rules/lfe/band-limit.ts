/**
 * lfe/band-limit: the LFE carries no energy above the cutoff (Amazon: low-pass 120 Hz 24 dB/oct [V2];
 * qc-tools.md §1.4: flag more than -30 dB above 120 Hz relative to in-band [P]). Reads the
 * `lfe-band` analyzer's result.
 */
import { analyzerResult, fileForChannel, findingAt, findingWhole } from '../../kit.js';
import type { LfeChannelResult } from '../../../analyzers/lfe-band.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the lfe-band analyzer's result this rule reads. */
export interface LfeBandInput {
  channels: Array<Pick<LfeChannelResult, 'channel' | 'label' | 'cutoffs'>>;
}

export const rule = defineRule({
  id: 'lfe/band-limit',
  meta: {
    description: 'LFE energy above the cutoff (120 Hz) under the limit relative to in-band',
    defaultSeverity: 'error',
    options: {
      lfe: {
        cutoffHz: { default: 120, unit: 'Hz', description: "the LFE low-pass cutoff the delivery spec asks for" },
        maxAboveCutoffDb: { default: -30, unit: 'dB', description: 'LFE energy above the cutoff relative to its total' },
      },
    },
  },
  needs: (_f, o) => [{ id: 'lfe-band', options: { cutoffsHz: [o.lfe.cutoffHz], limitDb: o.lfe.maxAboveCutoffDb } }],
  check(ctx, o) {
    const t = o.lfe;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<LfeBandInput>(d, 'lfe-band');
      for (const ch of r?.channels ?? []) {
        const c = ch.cutoffs.find((x) => x.cutoffHz === t.cutoffHz) ?? ch.cutoffs[0];
        if (!c || c.aboveBandDb === null || c.aboveBandDb <= t.maxAboveCutoffDb) continue;
        const f = {
          channel: ch.label,
          file: fileForChannel(d, ch.channel),
          message: `${ch.label} carries energy above ${c.cutoffHz} Hz: ${c.aboveBandDb.toFixed(1)} dB relative to its total`,
          measured: Math.round(c.aboveBandDb * 10) / 10,
          limit: t.maxAboveCutoffDb,
        };
        const runs = c.overLimitRuns.filter((g) => g.maxAboveBandDb > t.maxAboveCutoffDb);
        if (runs.length === 0) out.push(findingWhole(ctx, d, f));
        else for (const g of runs) out.push(findingAt(ctx, d, g.startSeconds, g.endSeconds, { ...f, measured: Math.round(g.maxAboveBandDb * 10) / 10 }));
      }
    }
    return out;
  },
});

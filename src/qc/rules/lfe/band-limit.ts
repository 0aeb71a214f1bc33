/**
 * lfe/band-limit: the LFE carries no energy above the cutoff (Amazon: low-pass 120 Hz 24 dB/oct [V2];
 * qc-tools.md §1.4: flag more than -30 dB above 120 Hz relative to in-band [P]). Reads the
 * `lfe-band` analyzer's result.
 */
import { analyzerResult, findingAt, findingWhole, thresholds } from '../../kit.js';
import type { Rule, RuleFinding } from '../../types.js';

/** The part of the lfe-band analyzer's result this rule reads. */
export interface LfeBandInput {
  cutoffHz: number;
  channels: Array<{
    label: string;
    channel: number;
    /** Energy above the cutoff relative to in-band energy, dB; null for a silent LFE. */
    aboveCutoffDb: number | null;
    regions?: Array<{ startSeconds: number; endSeconds: number; aboveCutoffDb: number }>;
  }>;
}

export const rule: Rule = {
  id: 'lfe/band-limit',
  description: 'LFE energy above the cutoff (120 Hz) under the limit relative to in-band',
  defaultSeverity: 'error',
  check(ctx) {
    const t = thresholds(ctx, 'lfe');
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<LfeBandInput>(d, 'lfe-band');
      for (const ch of r?.channels ?? []) {
        if (ch.aboveCutoffDb === null || ch.aboveCutoffDb <= t.maxAboveCutoffDb) continue;
        const f = {
          channel: ch.label,
          file: d.files.length > 1 ? d.files[ch.channel] : undefined,
          message: `${ch.label} carries energy above ${r!.cutoffHz} Hz: ${ch.aboveCutoffDb.toFixed(1)} dB relative to in-band`,
          measured: Math.round(ch.aboveCutoffDb * 10) / 10,
          limit: t.maxAboveCutoffDb,
        };
        const regions = (ch.regions ?? []).filter((g) => g.aboveCutoffDb > t.maxAboveCutoffDb);
        if (regions.length === 0) out.push(findingWhole(ctx, d, f));
        else for (const g of regions) out.push(findingAt(ctx, d, g.startSeconds, g.endSeconds, f));
      }
    }
    return out;
  },
};

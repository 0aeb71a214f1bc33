/**
 * lfe/band-limit: the LFE carries no energy above the cutoff (Amazon: low-pass 120 Hz 24 dB/oct [V2];
 * qc-tools.md §1.4: flag more than -30 dB above 120 Hz relative to in-band [P]). Reads the
 * `lfe-band` analyzer's result.
 */
import { analyzerResult, fileForChannel, findingAt, findingWhole, thresholds, timecodeAt } from '../../kit.js';
import type { LfeChannelResult } from '../../../analyzers/lfe-band.js';
import type { Rule, RuleFinding } from '../../types.js';

/** The part of the lfe-band analyzer's result this rule reads. */
export interface LfeBandInput {
  channels: Array<Pick<LfeChannelResult, 'channel' | 'label' | 'cutoffs'>>;
}

export const rule: Rule = {
  id: 'lfe/band-limit',
  description: 'LFE energy above the cutoff (120 Hz) under the limit relative to in-band',
  defaultSeverity: 'error',
  check(ctx) {
    const t = thresholds(ctx, 'lfe');
    const limit = t.maxAboveCutoffDb;
    const out: RuleFinding[] = [];
    const fmt = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(1)} dB`;
    const round = (v: number) => Math.round(v * 10) / 10;
    for (const d of ctx.deliverables) {
      const r = analyzerResult<LfeBandInput>(d, 'lfe-band');
      for (const ch of r?.channels ?? []) {
        const c = ch.cutoffs.find((x) => x.cutoffHz === t.cutoffHz) ?? ch.cutoffs[0];
        if (!c || c.aboveBandDb === null) continue;
        // What was measured (lfe-band.ts): energy an octave over the cutoff against the octave below it.
        const fc = c.cutoffHz;
        const against = `above ${c.aboveFromHz ?? 2 * fc} Hz relative to the ${c.bandFromHz ?? fc / 2}-${fc} Hz octave`;
        const file = fileForChannel(d, ch.channel);
        const runs = c.overLimitRuns.filter((g) => g.maxAboveBandDb > limit);
        const judged = c.judgedSeconds ?? 0;
        const over = c.overLimitSeconds ?? 0;
        // An LFE that is not band-limited at all is one defect: one finding for the file when it reads
        // over the limit as a whole and over most of its judged time (or has no stretch to name).
        if (c.aboveBandDb > limit && (runs.length === 0 || (judged > 0 && over >= judged / 2))) {
          const worst = c.worstWindow;
          const detail = [
            judged > 0 ? `over the limit for ${over.toFixed(0)} of ${judged.toFixed(0)} s` : null,
            worst ? `worst second ${fmt(worst.aboveBandDb)} at ${timecodeAt(ctx, d, worst.startSeconds)}` : null,
          ].filter(Boolean);
          out.push(
            findingWhole(ctx, d, {
              channel: ch.label,
              file,
              message: `${ch.label} is not low-passed at ${fc} Hz: energy ${against} is ${fmt(c.aboveBandDb)} over the file${detail.length ? ` (${detail.join('; ')})` : ''}`,
              measured: round(c.aboveBandDb),
              limit,
            }),
          );
          continue;
        }
        // Otherwise each stretch over the limit, with its own figure.
        for (const g of runs) {
          const figure = g.aboveBandDb ?? g.maxAboveBandDb;
          out.push(
            findingAt(ctx, d, g.startSeconds, g.endSeconds, {
              channel: ch.label,
              file,
              message: `${ch.label} carries content a ${fc} Hz low-pass would remove: energy ${against} is ${fmt(figure)} over this stretch (worst second ${fmt(g.maxAboveBandDb)})`,
              measured: round(figure),
              limit,
            }),
          );
        }
      }
    }
    return out;
  },
};

/**
 * lfe/band-limit: the LFE is low-passed at the cutoff (Amazon: 120 Hz 24 dB/oct [V2]). Measured as what
 * such a low-pass would not leave: the energy an octave over the cutoff against the octave below it
 * (12, 24 and 48 dB/oct low-passes read about -10, -26 and -52 dB; an unfiltered LFE above 0), flagged
 * above -6 dB (our proposal [P]). Reads the `lfe-band` analyzer's result.
 */
import { analyzerResult, fileForChannel, findingAt, findingWhole, timecodeAt } from '../../kit.js';
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
    description: 'LFE energy an octave over the cutoff (240 Hz up) against the octave below it (60-120 Hz): what a low-pass at the cutoff would not leave',
    defaultSeverity: 'error',
    options: {
      lfe: {
        cutoffHz: { default: 120, unit: 'Hz', description: 'the LFE low-pass cutoff the delivery spec asks for' },
        maxAboveCutoffDb: { default: -6, unit: 'dB', description: 'energy an octave over the cutoff relative to the octave below it' },
      },
    },
  },
  needs: (_f, o) => [{ id: 'lfe-band', options: { cutoffsHz: [o.lfe.cutoffHz], limitDb: o.lfe.maxAboveCutoffDb } }],
  check(ctx, o) {
    const t = o.lfe;
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
});

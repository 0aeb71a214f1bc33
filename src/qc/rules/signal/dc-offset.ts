/** signal/dc-offset: the mean sample value of each channel under the profile's limit (dBFS). */
import { analyzerResult, fileForChannel, findingWhole, thresholds } from '../../kit.js';
import type { DcOffsetResult } from '../../../analyzers/dc-offset.js';
import type { Rule, RuleFinding } from '../../types.js';

/** The part of the dc-offset analyzer's result this rule reads. */
export type DcOffsetInput = Pick<DcOffsetResult, 'channels'>;

export const rule: Rule = {
  id: 'signal/dc-offset',
  description: 'DC offset of every channel under the limit',
  defaultSeverity: 'warning',
  check(ctx) {
    const t = thresholds(ctx, 'dcOffset');
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<DcOffsetInput>(d, 'dc-offset');
      for (const ch of r?.channels ?? []) {
        if (ch.meanDbfs === null || ch.meanDbfs <= t.maxDbfs) continue;
        out.push(
          findingWhole(ctx, d, {
            channel: ch.label,
            file: fileForChannel(d, ch.channel),
            message: `DC offset ${ch.meanDbfs.toFixed(1)} dBFS on ${ch.label}`,
            measured: Math.round(ch.meanDbfs * 10) / 10,
            limit: t.maxDbfs,
          }),
        );
      }
    }
    return out;
  },
};

/** signal/dc-offset: the mean sample value of each channel under the profile's limit (dBFS). */
import { analyzerResult, fileForChannel, findingWhole } from '../../kit.js';
import type { DcOffsetResult } from '../../../analyzers/dc-offset.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the dc-offset analyzer's result this rule reads. */
export type DcOffsetInput = Pick<DcOffsetResult, 'channels'>;

export const rule = defineRule({
  id: 'signal/dc-offset',
  meta: {
    description: 'DC offset of every channel under the limit',
    defaultSeverity: 'warning',
    options: {
      dcOffset: {
        maxDbfs: { default: -40, unit: 'dBFS', description: "a channel's long-term mean (DC offset)" },
      },
    },
  },
  needs: () => [{ id: 'dc-offset' }],
  check(ctx, o) {
    const t = o.dcOffset;
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
});

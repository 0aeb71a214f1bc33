/**
 * signal/silence: dropouts (digital-zero runs inside otherwise active programme) are errors; a channel
 * silent for the whole file (a dialogue stem's LFE) is info, not a dropout. Reads the `silence`
 * analyzer's result.
 */
import { analyzerResult, fileForChannel, findingAt, findingWhole } from '../../kit.js';
import type { SilenceResult } from '../../../analyzers/silence.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the silence analyzer's result this rule reads. */
export type SilenceInput = Pick<SilenceResult, 'channels' | 'dropouts'>;

export const rule = defineRule({
  id: 'signal/silence',
  meta: {
    description: 'No dropouts (digital-zero runs inside active programme); whole-file silent channels reported as info',
    defaultSeverity: 'error',
    options: {
      silence: {
        dropoutMinMs: { default: 10, unit: 'ms', description: 'shortest run of digital zero inside programme reported as a dropout' },
      },
    },
  },
  needs: () => [{ id: 'silence' }],
  check(ctx, o) {
    const t = o.silence;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<SilenceInput>(d, 'silence');
      if (!r) continue;
      // One info per file: which channels never carry signal (a dialogue stem's LFE, a music stem's C).
      const silent = r.channels.filter((ch) => ch.silentThroughout);
      if (silent.length > 0) {
        const labels = silent.map((ch) => ch.label).join(', ');
        const zero = silent.every((ch) => ch.digitalZeroThroughout);
        out.push(
          findingWhole(ctx, d, {
            severity: 'info',
            channel: labels,
            file: silent.length === 1 ? fileForChannel(d, silent[0]!.channel) : undefined,
            message: `${labels} ${silent.length === 1 ? 'is' : 'are'} ${zero ? 'digital zero' : 'silent'} for the whole file`,
          }),
        );
      }
      for (const drop of r.dropouts) {
        const ms = (drop.endSeconds - drop.startSeconds) * 1000;
        if (ms < t.dropoutMinMs) continue;
        out.push(
          findingAt(ctx, d, drop.startSeconds, drop.endSeconds, {
            channel: drop.label,
            file: fileForChannel(d, drop.channel),
            message: `dropout: ${ms.toFixed(1)} ms of digital zero on ${drop.label} inside programme`,
            measured: Math.round(ms * 10) / 10,
            limit: t.dropoutMinMs,
          }),
        );
      }
    }
    return out;
  },
});

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
    description: 'No dropouts (digital-zero runs of up to 0.5 s inside active programme, one finding per event); longer gaps between events and whole-file silent channels are not errors',
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
      // One finding per event: the channels whose zero runs overlap in time dropped out together.
      const drops = r.dropouts
        .filter((x) => (x.endSeconds - x.startSeconds) * 1000 >= t.dropoutMinMs)
        .sort((x, y) => x.startSeconds - y.startSeconds || x.channel - y.channel);
      const events: Array<{ startSeconds: number; endSeconds: number; members: typeof drops }> = [];
      for (const drop of drops) {
        const last = events[events.length - 1];
        if (last && drop.startSeconds < last.endSeconds) {
          last.members.push(drop);
          last.endSeconds = Math.max(last.endSeconds, drop.endSeconds);
        } else {
          events.push({ startSeconds: drop.startSeconds, endSeconds: drop.endSeconds, members: [drop] });
        }
      }
      for (const e of events) {
        const ms = (e.endSeconds - e.startSeconds) * 1000;
        const channels = [...new Set(e.members.map((m) => m.label))];
        const labels = channels.join(', ');
        const files = new Set(e.members.map((m) => fileForChannel(d, m.channel)));
        out.push(
          findingAt(ctx, d, e.startSeconds, e.endSeconds, {
            channel: labels,
            file: files.size === 1 ? [...files][0] : undefined,
            message:
              channels.length === 1
                ? `dropout: ${ms.toFixed(1)} ms of digital zero on ${labels} inside programme`
                : `dropout: ${ms.toFixed(1)} ms of digital zero on ${labels} together inside programme`,
            measured: Math.round(ms * 10) / 10,
            limit: t.dropoutMinMs,
          }),
        );
      }
    }
    return out;
  },
});

/**
 * signal/non-finite: NaN or ±Infinity samples in a float file. No meter can weigh them (the host reads
 * them as 0 so the other figures stay finite), and a player or encoder downstream may turn them into a
 * full-scale burst or silence: a delivery error, one finding per file from the first to the last.
 */
import { findingAt } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'signal/non-finite',
  meta: {
    description: 'No NaN or Infinity samples in a float file (read as 0 by the meters, undefined downstream)',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = d.measurement?.nonFinite;
      if (!r) continue;
      const last = r.runs[r.runs.length - 1] ?? { endSeconds: r.firstSeconds };
      out.push(
        findingAt(ctx, d, r.firstSeconds, last.endSeconds, {
          channel: r.channels.join(', '),
          message: `${r.samples} NaN/Infinity sample${r.samples === 1 ? '' : 's'} on ${r.channels.join(', ')} in ${r.runs.length} stretch${r.runs.length === 1 ? '' : 'es'} (read as 0 by the meters)`,
          measured: r.samples,
          limit: 0,
        }),
      );
    }
    return out;
  },
});

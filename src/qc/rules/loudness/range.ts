/** loudness/range: printmaster loudness range (EBU Tech 3342) inside the profile's limits. */
import { findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'loudness/range',
  meta: {
    description: 'Printmaster loudness range (LRA) inside the profile limits',
    defaultSeverity: 'warning',
    options: {},
  },
  check(ctx) {
    const limits = ctx.spec.loudness?.loudnessRangeLu;
    if (!limits) return [];
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role !== 'printmaster') continue;
      const lra = d.measurement?.loudness?.loudnessRangeLu;
      if (lra === null || lra === undefined) continue;
      const low = limits.min !== undefined && lra < limits.min;
      const high = limits.max !== undefined && lra > limits.max;
      if (!low && !high) continue;
      out.push(
        findingWhole(ctx, d, {
          message: `loudness range ${lra.toFixed(1)} LU is ${low ? `below the ${limits.min}` : `above the ${limits.max}`} LU limit`,
          measured: Math.round(lra * 10) / 10,
          limit: `${limits.min ?? ''}..${limits.max ?? ''}`,
        }),
      );
    }
    return out;
  },
});

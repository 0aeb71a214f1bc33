/** format/sample-rate: every file at a sample rate the profile allows (48 kHz for Netflix). */
import { findingWhole } from '../../kit.js';

import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'format/sample-rate',
  meta: {
    description: 'Every file at a sample rate the profile allows',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const allowed = ctx.spec.format?.sampleRateHz;
    if (!allowed) return [];
    return ctx.deliverables.flatMap((d) => {
      const rate = d.measurement?.format?.sampleRate;
      if (rate === undefined || allowed.includes(rate)) return [];
      return [
        findingWhole(ctx, d, {
          message: `sample rate ${rate} Hz; the spec allows ${allowed.join(' or ')} Hz`,
          measured: rate,
          limit: allowed.join(','),
        }),
      ];
    });
  },
});

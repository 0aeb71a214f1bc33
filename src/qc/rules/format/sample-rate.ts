/** format/sample-rate: every file at a sample rate the profile allows (48 kHz for Netflix). */
import { findingWhole } from '../../kit.js';
import type { Rule } from '../../types.js';

export const rule: Rule = {
  id: 'format/sample-rate',
  description: 'Every file at a sample rate the profile allows',
  defaultSeverity: 'error',
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
};

/** imf/clip-wrapped: IMF audio track files are clip-wrapped (ST 2067-2:2016 5.3.3; IMFTool rejects frame wrapping). */
import { findingWhole } from '../../kit.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'imf/clip-wrapped',
  meta: {
    description: 'IMF audio track files are clip-wrapped',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    return ctx.deliverables.flatMap((d) => {
      const x = d.measurement?.mxf;
      if (!d.measurement?.imf || !x || x.wrapping === 'clip') return [];
      return [findingWhole(ctx, d, { message: `audio essence is ${x.wrapping}-wrapped; IMF audio track files are clip-wrapped`, measured: x.wrapping, limit: 'clip' })];
    });
  },
});

/** format/bit-depth: every file at a bit depth the profile allows (24-bit PCM for Netflix). */
import { findingWhole } from '../../kit.js';

import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'format/bit-depth',
  meta: {
    description: 'Every file at a bit depth the profile allows',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const allowed = ctx.spec.format?.bitDepth;
    if (!allowed) return [];
    return ctx.deliverables.flatMap((d) => {
      const f = d.measurement?.format;
      if (!f || allowed.includes(f.bitDepth)) return [];
      return [
        findingWhole(ctx, d, {
          message: `${f.bitDepth}-bit ${f.sampleFormat === 'float' ? 'float' : 'PCM'}; the spec allows ${allowed.join(' or ')}-bit`,
          measured: f.bitDepth,
          limit: allowed.join(','),
        }),
      ];
    });
  },
});

/** format/bit-depth: every file at a bit depth the profile allows (24-bit PCM for Netflix). */
import { findingWhole } from '../../kit.js';
import type { Rule } from '../../types.js';

export const rule: Rule = {
  id: 'format/bit-depth',
  description: 'Every file at a bit depth the profile allows',
  defaultSeverity: 'error',
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
};

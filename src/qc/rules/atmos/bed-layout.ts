/** atmos/bed-layout: the Atmos master's bed is a layout the profile allows (Netflix: LCR to 7.1.2). */
import { findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'atmos/bed-layout',
  meta: {
    description: "The Atmos master's bed layout allowed by the profile",
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const beds = ctx.spec.atmos?.beds;
    if (!beds) return [];
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role !== 'atmos') continue;
      if (!d.adm) {
        out.push(findingWhole(ctx, d, { severity: 'warning', message: 'Atmos master without readable ADM metadata: bed and objects not checked' }));
        continue;
      }
      const bed = d.adm.bedLayout;
      if (bed !== null && (beds as string[]).includes(bed)) continue;
      out.push(
        findingWhole(ctx, d, {
          message: bed === null ? `no bed; the spec expects one of ${beds.join(', ')}` : `bed ${bed} (${d.adm.bedChannels} channels); the spec allows ${beds.join(', ')}`,
          measured: bed,
          limit: beds.join(','),
        }),
      );
    }
    return out;
  },
});

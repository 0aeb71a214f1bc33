/** atmos/object-count: the Atmos master's object count inside the profile's limits (Dolby: 118). */
import { findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'atmos/object-count',
  meta: {
    description: "The Atmos master's object count inside the profile limits",
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const a = ctx.spec.atmos;
    if (!a || (a.maxObjects === undefined && a.minObjects === undefined)) return [];
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role !== 'atmos' || !d.adm) continue;
      const n = d.adm.objectCount;
      if (a.maxObjects !== undefined && n > a.maxObjects) {
        out.push(findingWhole(ctx, d, { message: `${n} objects; the spec allows at most ${a.maxObjects}`, measured: n, limit: a.maxObjects }));
      } else if (a.minObjects !== undefined && n < a.minObjects) {
        out.push(findingWhole(ctx, d, { message: `${n} objects; the spec requires at least ${a.minObjects}`, measured: n, limit: a.minObjects }));
      }
    }
    return out;
  },
});

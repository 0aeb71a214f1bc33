/**
 * format/layout: each deliverable's layout is one the profile allows, and its channel count is the
 * layout's. An Atmos master is judged by atmos/bed-layout instead.
 */
import { LAYOUT_CHANNELS } from '../../../delivery/layouts.js';
import { findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'format/layout',
  meta: {
    description: "Each deliverable's channel layout allowed by the profile and matching its channel count",
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const allowed = ctx.spec.format?.layouts;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role === 'atmos') continue;
      const channels = d.measurement?.format?.channels;
      if (channels === undefined) continue;
      if (d.layout === null) {
        out.push(findingWhole(ctx, d, { message: `${channels} channels is no known layout`, measured: channels, limit: allowed?.join(',') ?? null }));
        continue;
      }
      if (LAYOUT_CHANNELS[d.layout] !== channels) {
        out.push(
          findingWhole(ctx, d, {
            message: `named as ${d.layout} but has ${channels} channels (${d.layout} has ${LAYOUT_CHANNELS[d.layout]})`,
            measured: channels,
            limit: LAYOUT_CHANNELS[d.layout],
          }),
        );
      } else if (allowed && !allowed.includes(d.layout)) {
        out.push(findingWhole(ctx, d, { message: `layout ${d.layout}; the spec allows ${allowed.join(', ')}`, measured: d.layout, limit: allowed.join(',') }));
      }
    }
    return out;
  },
});

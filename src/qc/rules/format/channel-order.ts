/**
 * format/channel-order: the channel labels a file declares (channel mask, iXML, ADM, multi-mono names)
 * in the order the profile requires. A file that declares nothing is assumed to be in the default
 * order; that is said (info). On printmasters the content is checked too (src/analyzers/channel-order):
 * a centre with less speech than another channel, or content that fits another known order, is a
 * likely mis-order (warning, with the measured band energies); an LFE carrying full band is left to
 * lfe/band-limit. Nothing is re-routed.
 */
import type { ChannelOrderResult } from '../../../analyzers/channel-order.js';
import { analyzerResult, findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';
import { CHANNEL_ORDER_SAMPLE_FROM_SECONDS } from '../../needs.js';

export const rule = defineRule({
  id: 'format/channel-order',
  meta: {
    description: 'Declared channel order matches the order the profile requires for the layout',
    defaultSeverity: 'error',
    options: {},
  },
  // channel identity by content on surround printmasters, where every channel carries programme (a stem's
  // empty centre would only mislead it; a 2.0 has no centre or LFE to place); long programme is sampled
  needs: (file) =>
    file.role === 'printmaster' && file.channels > 2
      ? [{ id: 'channel-order', options: { everyNthBlock: file.durationSeconds >= CHANNEL_ORDER_SAMPLE_FROM_SECONDS ? 4 : 1 } }]
      : [],
  check(ctx) {
    const orders = ctx.spec.format?.channelOrder;
    if (!orders) return [];
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role === 'atmos' || d.layout === null) continue;
      const want = orders[d.layout];
      const f = d.measurement?.format;
      if (!want || !f || f.channels !== want.length) continue;
      const source = d.measurement?.channelLabelSource;
      const have = f.channelLabels.map(String);
      const content = analyzerResult<ChannelOrderResult>(d, 'channel-order');
      for (const c of content?.findings ?? []) {
        if (c.code === 'lfe-broadband') continue;
        out.push(
          findingWhole(ctx, d, {
            severity: 'warning',
            message: `likely channel mis-order: ${c.message}`,
            measured: Object.entries(c.evidence).map(([k, v]) => `${k} ${v}`).join(', '),
            limit: want.join(' '),
          }),
        );
      }
      if (source === 'assumed-by-count' || source === 'unknown' || have.every((l) => /^Ch\d+$/.test(l))) {
        out.push(
          findingWhole(ctx, d, {
            severity: 'info',
            message: `channel order not declared in the file; assumed ${want.join(' ')}`,
            limit: want.join(' '),
          }),
        );
        continue;
      }
      if (have.join(' ') !== want.join(' ')) {
        out.push(
          findingWhole(ctx, d, {
            message: `channel order ${have.join(' ')} (from ${source ?? 'the file'}); the spec requires ${want.join(' ')}`,
            measured: have.join(' '),
            limit: want.join(' '),
          }),
        );
      }
    }
    return out;
  },
});

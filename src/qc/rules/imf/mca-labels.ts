/**
 * imf/mca-labels: every IMF audio track file labelled per ST 377-4 as ST 2067-2:2016 5.3.6 asks: one
 * audio channel label per channel, a soundfield group, and an RFC 5646 spoken language.
 */
import { isRfc5646 } from '../../../audio/mxf/mca.js';
import { findingWhole } from '../../kit.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'imf/mca-labels',
  meta: {
    description: 'IMF audio track files carry ST 377-4 MCA labels: one channel label per channel, a soundfield group, an RFC 5646 language',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    return ctx.deliverables.flatMap((d) => {
      const m = d.measurement;
      const x = m?.mxf;
      // IMF virtual tracks only: a plain MXF delivery (AS-11, WBD) is judged by its own profile
      if (!m?.imf || !x || !m.format) return [];
      const problems: string[] = [];
      if (x.mcaLabels.length === 0) problems.push('no MCA audio channel labels');
      else if (x.mcaLabels.length !== m.format.channels || !x.channelLabels) problems.push(`${x.mcaLabels.length} MCA channel labels (${x.mcaLabels.join(' ')}) for ${m.format.channels} channels`);
      if (x.soundfieldGroups.length === 0) problems.push('no MCA soundfield group');
      if (!x.language) problems.push('no RFC 5646 spoken language');
      else if (!isRfc5646(x.language)) problems.push(`spoken language '${x.language}' is not an RFC 5646 tag`);
      if (problems.length === 0) return [];
      return [findingWhole(ctx, d, { message: `MCA labels: ${problems.join('; ')}`, measured: x.mcaLabels.join(' ') || null, limit: `${m.format.channels} channel labels, a soundfield group, a language` })];
    });
  },
});

/**
 * me/music-effects-match: the music and effects in the M&E null against the music and effects stems
 * (Netflix M&E guidelines: "Do not modify Music levels at all" [V]). Same method as the stems null test.
 */
import { findingWhole, thresholds } from '../../kit.js';
import type { Rule, RuleFinding } from '../../types.js';
import { nullFindings } from '../stems/sum-to-printmaster.js';

export const rule: Rule = {
  id: 'me/music-effects-match',
  description: 'The M&E nulls against the music and effects stems summed',
  defaultSeverity: 'error',
  check(ctx) {
    const t = thresholds(ctx, 'me');
    const sustainMs = thresholds(ctx, 'stems').sustainMs;
    const out: RuleFinding[] = [];
    for (const c of ctx.cross.me) {
      const me = ctx.deliverables.find((d) => d.id === c.me);
      if (!me) continue;
      if (!c.result) {
        out.push(findingWhole(ctx, me, { severity: 'warning', message: `M&E null test could not run: ${c.error ?? 'unknown reason'}` }));
        continue;
      }
      out.push(...nullFindings(ctx, me, `music + effects stems (${c.stems.join(' + ')})`, c.result, { residualRmsMaxDbfs: t.residualRmsMaxDbfs, sustainMs }));
    }
    return out;
  },
};

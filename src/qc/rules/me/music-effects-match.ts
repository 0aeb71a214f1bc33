/**
 * me/music-effects-match: the music and effects in the M&E null against the music and effects stems
 * (Netflix M&E guidelines: "Do not modify Music levels at all" [V]), and against the foley stem too when
 * the delivery has one (a fully filled M&E carries the foley). Same method as the stems null test.
 */
import { findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { nullFindings } from '../stems/sum-to-printmaster.js';
import { defineRule } from '../../rule.js';
import { peakOvers, twoPopNeed } from '../../needs.js';

export const rule = defineRule({
  id: 'me/music-effects-match',
  meta: {
    description: 'The M&E nulls against the music and effects stems summed (and the foley stem, when delivered)',
    defaultSeverity: 'error',
    options: {
      me: {
        residualRmsMaxDbfs: { default: -60, unit: 'dBFS', description: 'residual RMS (music + effects minus M&E) above which a stretch is a mismatch' },
      },
      stems: {
        sustainMs: { default: 100, unit: 'ms', description: 'how long the residual must stay above the limit to count' },
      },
    },
  },
  // on the M&E: its 2-pop (the null runs from FFOA) and its sample peak (the limiter ceiling)
  needs: (file, _o, { spec, fps }) => (file.role === 'me' ? [...peakOvers(spec), twoPopNeed(fps)] : []),
  check(ctx, o) {
    const t = o.me;
    const sustainMs = o.stems.sustainMs;
    const out: RuleFinding[] = [];
    for (const c of ctx.cross.me) {
      const me = ctx.deliverables.find((d) => d.id === c.me);
      if (!me) continue;
      if (!c.result) {
        out.push(findingWhole(ctx, me, { severity: 'warning', message: `M&E null test could not run: ${c.error ?? 'unknown reason'}` }));
        continue;
      }
      const what = `music + effects${c.foley ? ' + foley' : ''} stems (${c.stems.join(' + ')})`;
      out.push(...nullFindings(ctx, me, what, c.result, { residualRmsMaxDbfs: t.residualRmsMaxDbfs, sustainMs }));
    }
    return out;
  },
});

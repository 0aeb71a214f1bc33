/**
 * me/dialogue-leak: speech in the M&E (Netflix "Extraneous Content Dialogue": original-language
 * dialogue left in the M&E [V]). Reads the `speech` analyzer's result on each M&E; walla and efforts
 * are legitimate M&E content, so the finding points at the speech for a listen.
 */
import { analyzerResult, findingAt, findingWhole } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the speech analyzer's summary this rule reads (regions when the pipeline adds them). */
export interface SpeechInput {
  speechPercent: number;
  speechSeconds: number;
  regions?: Array<{ startSeconds: number; endSeconds: number }>;
}

export const rule = defineRule({
  id: 'me/dialogue-leak',
  meta: {
    description: 'No speech (dialogue leak) in the M&E',
    defaultSeverity: 'error',
    options: {
      me: {
        speechPercentMax: { default: 1, unit: '%', description: 'share of the M&E the speech detector may call speech' },
      },
    },
  },
  needs: (file) => (file.role === 'me' ? [{ id: 'speech' }] : []),
  check(ctx, o) {
    const t = o.me;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role !== 'me') continue;
      const s = analyzerResult<SpeechInput>(d, 'speech');
      if (!s || s.speechPercent <= t.speechPercentMax) continue;
      const f = {
        message: `speech in the M&E: ${s.speechSeconds.toFixed(1)} s (${s.speechPercent.toFixed(1)} % of the programme)`,
        measured: Math.round(s.speechPercent * 10) / 10,
        limit: t.speechPercentMax,
      };
      if (s.regions && s.regions.length > 0) {
        for (const r of s.regions) out.push(findingAt(ctx, d, r.startSeconds, r.endSeconds, { ...f, message: `speech in the M&E (${s.speechPercent.toFixed(1)} % of the programme)` }));
      } else {
        out.push(findingWhole(ctx, d, f));
      }
    }
    return out;
  },
});

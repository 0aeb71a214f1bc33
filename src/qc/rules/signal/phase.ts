/**
 * signal/phase: sustained negative correlation between a channel pair (L/R, Ls/Rs, ...) is a phase or
 * polarity problem (qc-tools.md §1.3, threshold -0.3 [P]); large loss when folding L/R to mono is
 * reported with it. Reads the `phase` analyzer's result.
 */
import { analyzerResult, findingAt, findingWhole } from '../../kit.js';
import type { PairPhase } from '../../../analyzers/phase.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the phase analyzer's result this rule reads. */
export type PhaseInput = { pairs: Array<Pick<PairPhase, 'pair' | 'labels' | 'identical' | 'negativeRuns' | 'monoFoldLossDb'>> };

export const rule = defineRule({
  id: 'signal/phase',
  meta: {
    description: 'No sustained negative correlation between channel pairs (phase / polarity)',
    defaultSeverity: 'warning',
    options: {
      phase: {
        minCorrelation: { default: -0.3, unit: '', description: 'correlation of a channel pair below which a stretch is out of phase' },
      },
    },
  },
  needs: (_f, o) => [{ id: 'phase', options: { negativeLimit: o.phase.minCorrelation } }],
  check(ctx, o) {
    const t = o.phase;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<PhaseInput>(d, 'phase');
      for (const pair of r?.pairs ?? []) {
        const name = pair.labels.join('/');
        if (pair.identical) {
          out.push(findingWhole(ctx, d, { severity: 'info', channel: name, message: `${name} are identical (mono carried on a pair)` }));
        }
        for (const run of pair.negativeRuns) {
          if (run.minCorrelation >= t.minCorrelation) continue;
          out.push(
            findingAt(ctx, d, run.startSeconds, run.endSeconds, {
              channel: name,
              message: `${name} correlation down to ${run.minCorrelation.toFixed(2)}${
                pair.monoFoldLossDb !== null && pair.monoFoldLossDb > 0 ? `; mono fold-down loses ${pair.monoFoldLossDb.toFixed(1)} dB over the file` : ''
              }`,
              measured: Math.round(run.minCorrelation * 100) / 100,
              limit: t.minCorrelation,
            }),
          );
        }
      }
    }
    return out;
  },
});

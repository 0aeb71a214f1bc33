/**
 * signal/phase: sustained negative correlation between a channel pair (L/R, Ls/Rs, ...) is a phase or
 * polarity problem (qc-tools.md §1.3, threshold -0.3 [P]); large loss when folding L/R to mono is
 * reported with it. Reads the `phase` analyzer's result.
 */
import { analyzerResult, findingAt, thresholds } from '../../kit.js';
import type { Rule, RuleFinding } from '../../types.js';

/** The part of the phase analyzer's result this rule reads. */
export interface PhaseInput {
  pairs: Array<{
    a: string;
    b: string;
    correlation: number | null;
    /** Stretches where the windowed correlation stayed below the analyzer's threshold. */
    regions: Array<{ startSeconds: number; endSeconds: number; correlation: number }>;
    monoFoldLossDb?: number | null;
  }>;
}

export const rule: Rule = {
  id: 'signal/phase',
  description: 'No sustained negative correlation between channel pairs (phase / polarity)',
  defaultSeverity: 'warning',
  check(ctx) {
    const t = thresholds(ctx, 'phase');
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<PhaseInput>(d, 'phase');
      for (const pair of r?.pairs ?? []) {
        for (const reg of pair.regions) {
          if (reg.correlation >= t.minCorrelation) continue;
          out.push(
            findingAt(ctx, d, reg.startSeconds, reg.endSeconds, {
              channel: `${pair.a}/${pair.b}`,
              message: `${pair.a}/${pair.b} correlation ${reg.correlation.toFixed(2)}${
                pair.monoFoldLossDb ? `, mono fold-down loses ${pair.monoFoldLossDb.toFixed(1)} dB` : ''
              }`,
              measured: Math.round(reg.correlation * 100) / 100,
              limit: t.minCorrelation,
            }),
          );
        }
      }
    }
    return out;
  },
};

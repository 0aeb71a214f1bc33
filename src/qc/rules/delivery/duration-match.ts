/**
 * delivery/duration-match: every file in the delivery has the same length, sample-exact unless the
 * profile allows a tolerance in frames. The reference is the longest printmaster (else the longest file).
 */
import { findingWhole, readable } from '../../kit.js';
import { rateToNumber } from '../../../session/time.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'delivery/duration-match',
  meta: {
    description: 'Durations equal across the delivery (sample-exact unless the profile allows frames)',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const files = readable(ctx);
    if (files.length < 2) return [];
    const pms = files.filter((d) => d.role === 'printmaster');
    const pool = pms.length > 0 ? pms : files;
    const ref = pool.reduce((a, b) => (b.measurement!.format!.durationSeconds > a.measurement!.format!.durationSeconds ? b : a));
    const refSeconds = ref.measurement!.format!.durationSeconds;
    const tolFrames = ctx.spec.deliverables?.durationToleranceFrames ?? 0;
    const tolSeconds = tolFrames / rateToNumber(ctx.fps);
    const out: RuleFinding[] = [];
    for (const d of files) {
      if (d === ref) continue;
      const f = d.measurement!.format!;
      const refFrames = Math.round(refSeconds * f.sampleRate);
      const diffSamples = f.frames - refFrames;
      const diffSeconds = f.durationSeconds - refSeconds;
      if (diffSamples === 0 || Math.abs(diffSeconds) <= tolSeconds + 1e-9) continue;
      const frames = diffSeconds * rateToNumber(ctx.fps);
      out.push(
        findingWhole(ctx, d, {
          message: `${Math.abs(diffSamples)} samples (${Math.abs(frames).toFixed(2)} frames) ${diffSamples > 0 ? 'longer' : 'shorter'} than ${ref.id}`,
          measured: diffSamples,
          limit: tolFrames === 0 ? 0 : `±${tolFrames} frames`,
        }),
      );
    }
    return out;
  },
});

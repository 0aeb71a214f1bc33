/**
 * delivery/duration-match: every file in the delivery has the same length, sample-exact unless the
 * profile allows a tolerance in frames. The reference is the longest printmaster (else the longest file).
 * A file cut short is judged by the length its header declares: the missing tail is format/truncated's
 * finding, not a second one here.
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
    const declared = (d: (typeof files)[number]): { frames: number; seconds: number } => {
      const f = d.measurement!.format!;
      const frames = f.truncation?.declaredFrames ?? f.frames;
      return { frames, seconds: frames / f.sampleRate };
    };
    const ref = pool.reduce((a, b) => (declared(b).seconds > declared(a).seconds ? b : a));
    const refSeconds = declared(ref).seconds;
    const tolFrames = ctx.spec.deliverables?.durationToleranceFrames ?? 0;
    const tolSeconds = tolFrames / rateToNumber(ctx.fps);
    const out: RuleFinding[] = [];
    for (const d of files) {
      if (d === ref) continue;
      const f = d.measurement!.format!;
      const own = declared(d);
      const refFrames = Math.round(refSeconds * f.sampleRate);
      const diffSamples = own.frames - refFrames;
      const diffSeconds = own.seconds - refSeconds;
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

/**
 * delivery/start-timecode: every file starts at the same timecode (BWF TimeReference, sample-exact),
 * and at the profile's start timecode when it sets one (WBD: 01:00:00:00).
 */
import { findingWhole, readable, timecodeAt } from '../../kit.js';
import { timecodeToSeconds } from '../../../session/time.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'delivery/start-timecode',
  meta: {
    description: 'Start timecode equal across the delivery (and as the profile requires)',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const files = readable(ctx);
    const out: RuleFinding[] = [];
    const required = ctx.spec.deliverables?.startTimecode;
    const requiredSeconds = required ? timecodeToSeconds(required, ctx.fps, ctx.dropFrame) : null;
    const startOf = (d: (typeof files)[number]) =>
      d.timeReferenceSamples === null ? null : d.timeReferenceSamples / d.measurement!.format!.sampleRate;
    const withStart = files.filter((d) => startOf(d) !== null);
    const pm = withStart.find((d) => d.role === 'printmaster') ?? withStart[0];
    for (const d of files) {
      const start = startOf(d);
      const tc = timecodeAt(ctx, d, 0);
      if (start === null) {
        if (required) out.push(findingWhole(ctx, d, { message: `no start timecode (bext TimeReference); the spec requires ${required}`, limit: required }));
        continue;
      }
      if (requiredSeconds !== null && Math.abs(start - requiredSeconds) > 0.5 / d.measurement!.format!.sampleRate) {
        out.push(findingWhole(ctx, d, { message: `starts at ${tc}; the spec requires ${required}`, measured: tc, limit: required! }));
        continue;
      }
      if (pm && d !== pm) {
        const pmStart = startOf(pm)!;
        const diffSamples = Math.round((start - pmStart) * d.measurement!.format!.sampleRate);
        if (diffSamples !== 0) {
          out.push(
            findingWhole(ctx, d, {
              message: `starts at ${tc}, ${Math.abs(diffSamples)} samples ${diffSamples > 0 ? 'after' : 'before'} ${pm.id} (${timecodeAt(ctx, pm, 0)})`,
              measured: tc,
              limit: timecodeAt(ctx, pm, 0),
            }),
          );
        }
      }
    }
    return out;
  },
});

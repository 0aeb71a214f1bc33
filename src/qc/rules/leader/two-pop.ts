/**
 * leader/two-pop: a 2-pop (one frame of 1 kHz two seconds before first frame of action) present when
 * the profile requires it, absent when it forbids it (Netflix: leader and 2-pops are Extraneous
 * Content, a Blocker), and in sync across the files that have one. Reads the `two-pop` analyzer.
 */
import { analyzerResult, findingAt, findingWhole } from '../../kit.js';
import type { CheckedDeliverable, RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';
import { twoPopNeed } from '../../needs.js';

/** The part of the two-pop analyzer's result this rule reads. */
export interface TwoPopInput {
  present: boolean;
  startSeconds: number | null;
  durationSeconds: number | null;
  /** (pop start - (FFOA - 2 s)) in picture frames, when the FFOA is known. */
  offsetFromExpectedFrames: number | null;
  inSync: boolean | null;
}

/** Timeline seconds of a pop: its place in the file plus the file's start (TimeReference). */
function timelineSeconds(d: CheckedDeliverable, seconds: number): number {
  const rate = d.measurement?.format?.sampleRate;
  return (d.timeReferenceSamples !== null && rate ? d.timeReferenceSamples / rate : 0) + seconds;
}

export const rule = defineRule({
  id: 'leader/two-pop',
  meta: {
    description: '2-pop present, absent or in sync across files as the profile requires',
    defaultSeverity: 'error',
    options: {
      twoPop: {
        syncToleranceMs: { default: 1, unit: 'ms', description: 'how far apart the 2-pops of two files may sit' },
      },
    },
  },
  needs: (_f, _o, { fps }) => [twoPopNeed(fps)],
  check(ctx, o) {
    const policy = ctx.spec.leader?.twoPop ?? 'allowed';
    const t = o.twoPop;
    const out: RuleFinding[] = [];
    const withPop: Array<{ d: CheckedDeliverable; pop: { startSeconds: number; endSeconds: number } }> = [];
    for (const d of ctx.deliverables) {
      if (d.role === 'atmos') continue;
      const r = analyzerResult<TwoPopInput>(d, 'two-pop');
      if (!r) continue;
      const pop =
        r.present && r.startSeconds !== null ? { startSeconds: r.startSeconds, endSeconds: r.startSeconds + (r.durationSeconds ?? 0) } : null;
      if (pop) withPop.push({ d, pop });
      if (pop && r.inSync === false && r.offsetFromExpectedFrames !== null) {
        out.push(
          findingAt(ctx, d, pop.startSeconds, pop.endSeconds, {
            message: `2-pop ${Math.abs(r.offsetFromExpectedFrames).toFixed(2)} frames ${r.offsetFromExpectedFrames > 0 ? 'late' : 'early'} against first frame of action - 2 s`,
            measured: Math.round(r.offsetFromExpectedFrames * 100) / 100,
            limit: 0,
          }),
        );
      }
      if (policy === 'required' && !pop) {
        out.push(findingWhole(ctx, d, { message: 'no 2-pop found; the spec requires one', limit: 'required' }));
      }
      if (policy === 'forbidden' && pop) {
        out.push(findingAt(ctx, d, pop.startSeconds, pop.endSeconds, { message: '2-pop in the file; the spec forbids leader and sync pops', limit: 'forbidden' }));
      }
    }
    if (withPop.length < 2) return out;
    const ref = withPop.find((p) => p.d.role === 'printmaster') ?? withPop[0]!;
    const refAt = timelineSeconds(ref.d, ref.pop.startSeconds);
    const frameSeconds = ctx.fps.den / ctx.fps.num;
    for (const p of withPop) {
      if (p === ref) continue;
      const diffMs = (timelineSeconds(p.d, p.pop.startSeconds) - refAt) * 1000;
      if (Math.abs(diffMs) <= t.syncToleranceMs) continue;
      out.push(
        findingAt(ctx, p.d, p.pop.startSeconds, p.pop.endSeconds, {
          message: `2-pop ${Math.abs(diffMs).toFixed(1)} ms (${(Math.abs(diffMs) / 1000 / frameSeconds).toFixed(2)} frames) ${
            diffMs > 0 ? 'later' : 'earlier'
          } than in ${ref.d.id}: out of sync`,
          measured: Math.round(diffMs * 10) / 10,
          limit: t.syncToleranceMs,
        }),
      );
    }
    return out;
  },
});

/**
 * signal/clipping: Netflix's automated clipping inspector criteria (qc-tools.md §1.5, [V]) on every
 * file: (1) a run of identical consecutive samples at or above -0.45 dBFS, (2) 10 or more clipped
 * segments at the asset's greatest level, (3) more than 0.01 % of samples at full scale. Reads the
 * `clipping` analyzer's result from the measuring pass.
 */
import { fileForChannel, findingAt, findingWhole, analyzerResult} from '../../kit.js';
import type { ClippingResult } from '../../../analyzers/clipping.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the clipping analyzer's result this rule reads. */
export type ClippingInput = Pick<ClippingResult, 'runs'> & { netflix: Pick<ClippingResult['netflix'], 'segmentsAtAssetPeak' | 'fullScalePercent'> };

/** Runs closer than this are reported as one finding (a clipped passage, not 400 findings). */
const MERGE_SECONDS = 0.5;

export const rule = defineRule({
  id: 'signal/clipping',
  meta: {
    description: "Clipping by Netflix's inspector criteria (identical runs at -0.45 dBFS, clipped segments, full-scale share)",
    defaultSeverity: 'error',
    options: {
      clipping: {
        ceilingDbfs: { default: -0.45, unit: 'dBFS', description: "level a run of identical samples must reach (Netflix's inspector)" },
        maxRuns: { default: 10, unit: 'runs', description: "clipped segments at the file's peak level" },
        maxFullScalePercent: { default: 0.01, unit: '%', description: 'share of samples at full scale' },
      },
    },
  },
  needs: (_f, o) => [{ id: 'clipping', options: { thresholdDbfs: o.clipping.ceilingDbfs } }],
  check(ctx, o) {
    const t = o.clipping;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const r = analyzerResult<ClippingInput>(d, 'clipping');
      if (!r) continue;
      const runs = r.runs.filter((run) => run.levelDbfs >= t.ceilingDbfs - 1e-9);
      // One finding per channel per clipped passage.
      const byChannel = new Map<number, typeof runs>();
      for (const run of runs) byChannel.set(run.channel, [...(byChannel.get(run.channel) ?? []), run]);
      for (const [channel, list] of byChannel) {
        let start = list[0]!;
        let end = list[0]!;
        let count = 0;
        const flush = () => {
          out.push(
            findingAt(ctx, d, start.startSeconds, end.endSeconds, {
              channel: start.label,
              file: fileForChannel(d, channel),
              message: `${count} run${count > 1 ? 's' : ''} of identical samples at ${start.levelDbfs.toFixed(2)} dBFS (clipping) on ${start.label}`,
              measured: Math.round(start.levelDbfs * 100) / 100,
              limit: t.ceilingDbfs,
            }),
          );
        };
        for (const run of list) {
          if (count > 0 && run.startSeconds - end.endSeconds > MERGE_SECONDS) {
            flush();
            start = run;
            count = 0;
          }
          end = run;
          count++;
        }
        flush();
      }
      if (r.netflix.segmentsAtAssetPeak >= t.maxRuns && runs.length === 0) {
        out.push(findingWhole(ctx, d, { message: `${r.netflix.segmentsAtAssetPeak} clipped segments at the file's peak level`, measured: r.netflix.segmentsAtAssetPeak, limit: t.maxRuns }));
      }
      if (r.netflix.fullScalePercent > t.maxFullScalePercent) {
        out.push(
          findingWhole(ctx, d, {
            message: `${r.netflix.fullScalePercent.toFixed(3)} % of samples at full scale`,
            measured: r.netflix.fullScalePercent,
            limit: t.maxFullScalePercent,
          }),
        );
      }
    }
    return out;
  },
});

/**
 * loudness/true-peak: every file's true peak, per channel, against the profile's maximum. Netflix flags
 * above -1 dBTP (truePeakFlagDbtp) while the spec asks for -2: between the two is a warning. An Atmos
 * master's own true peak (its bed channels) is FYI only (Netflix Atmos QC); its re-renders named by the
 * profile (atmos.judgeOnRenders: BS.2127 renders by dubstage) are judged like printmasters.
 */
import { analyzerResult, fileForChannel, findingAt, findingWhole, type FindingFields } from '../../kit.js';
import type { PeakOversResult } from '../../../analyzers/peak-overs.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';
import { peakOvers } from '../../needs.js';
import { judgedRenders, onRender } from './renders.js';

export const rule = defineRule({
  id: 'loudness/true-peak',
  meta: {
    description: "True peak of every channel of every file at or below the profile maximum; an Atmos master's BS.2127 re-renders too where the profile says (atmos.judgeOnRenders)",
    defaultSeverity: 'error',
    options: {},
  },
  // where the samples themselves reach the limit, to point at a place
  needs: (_f, _o, { spec }) => peakOvers(spec),
  check(ctx) {
    const max = ctx.spec.loudness?.maxTruePeakDbtp;
    if (max === undefined) return [];
    const flag = ctx.spec.loudness?.truePeakFlagDbtp;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const channels = d.measurement?.channels ?? [];
      // Where the samples themselves reach the limit (the `peak-overs` analyzer), to point at a place.
      const overs = analyzerResult<PeakOversResult>(d, 'peak-overs')?.runs ?? [];
      channels.forEach((ch, i) => {
        const tp = ch.truePeakDbtp;
        if (tp === null || tp <= max + 1e-9) return;
        const overFlag = flag === undefined || tp > flag + 1e-9;
        const severity = d.role === 'atmos' ? 'info' : overFlag ? undefined : 'warning';
        const mine = overs.filter((o) => o.channel === i);
        const f: FindingFields = {
          severity,
          channel: ch.label,
          file: fileForChannel(d, i),
          message: `true peak ${tp.toFixed(1)} dBTP on ${ch.label} is over the ${max} dBTP maximum${
            flag !== undefined && !overFlag ? ` (under the ${flag} dBTP QC flag)` : ''
          }${mine.length > 0 ? `; samples over it in ${mine.length} place${mine.length > 1 ? 's' : ''}, first here` : ''}${d.role === 'atmos' ? ' (Atmos master: FYI)' : ''}`,
          measured: Math.round(tp * 10) / 10,
          limit: max,
        };
        out.push(mine.length > 0 ? findingAt(ctx, d, mine[0]!.startSeconds, mine[0]!.endSeconds, f) : findingWhole(ctx, d, f));
      });
    }
    // an Atmos master's re-renders the profile names (atmos.judgeOnRenders) are judged as printmasters are
    for (const { d, renders } of judgedRenders(ctx)) {
      for (const j of renders) {
        if (!j.render) {
          out.push(onRender(ctx, d, j.layout, null, { message: `true peak not judged: ${j.problem}` }));
          continue;
        }
        const tp = j.render.loudness!.truePeakDbtp;
        if (tp === null || tp <= max + 1e-9) continue;
        const overFlag = flag === undefined || tp > flag + 1e-9;
        out.push(
          onRender(ctx, d, j.layout, j.render.method, {
            severity: overFlag ? undefined : 'warning',
            message: `true peak ${tp.toFixed(1)} dBTP is over the ${max} dBTP maximum${flag !== undefined && !overFlag ? ` (under the ${flag} dBTP QC flag)` : ''}`,
            measured: Math.round(tp * 10) / 10,
            limit: max,
          }),
        );
      }
    }
    return out;
  },
});

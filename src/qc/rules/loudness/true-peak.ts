/**
 * loudness/true-peak: every file's true peak, per channel, against the profile's maximum. Netflix flags
 * above -1 dBTP (truePeakFlagDbtp) while the spec asks for -2: between the two is a warning. An Atmos
 * master's true peak is FYI only (Netflix Atmos QC).
 */
import { fileForChannel, findingWhole } from '../../kit.js';
import type { Rule, RuleFinding } from '../../types.js';

export const rule: Rule = {
  id: 'loudness/true-peak',
  description: 'True peak of every channel of every file at or below the profile maximum',
  defaultSeverity: 'error',
  check(ctx) {
    const max = ctx.spec.loudness?.maxTruePeakDbtp;
    if (max === undefined) return [];
    const flag = ctx.spec.loudness?.truePeakFlagDbtp;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      const channels = d.measurement?.channels ?? [];
      channels.forEach((ch, i) => {
        const tp = ch.truePeakDbtp;
        if (tp === null || tp <= max + 1e-9) return;
        const overFlag = flag === undefined || tp > flag + 1e-9;
        const severity = d.role === 'atmos' ? 'info' : overFlag ? undefined : 'warning';
        out.push(
          findingWhole(ctx, d, {
            severity,
            channel: ch.label,
            file: fileForChannel(d, i),
            message: `true peak ${tp.toFixed(1)} dBTP on ${ch.label} is over the ${max} dBTP maximum${
              flag !== undefined && !overFlag ? ` (under the ${flag} dBTP QC flag)` : ''
            }${d.role === 'atmos' ? ' (Atmos master: FYI)' : ''}`,
            measured: Math.round(tp * 10) / 10,
            limit: max,
          }),
        );
      });
    }
    return out;
  },
};

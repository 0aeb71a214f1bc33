/**
 * stems/sum-to-printmaster: the stems of a layout, summed at unity, null against the printmaster
 * (Netflix BWAV ADM guide [V]; method and starting thresholds qc-tools.md §1.1 [P]). The engine aligns
 * by cross-correlation; an offset is reported, as is a stem that nulls better inverted or re-gained.
 * Residual only where the printmaster is near its ceiling is the printmaster's limiter, tolerated.
 */
import { findingAt, findingWhole } from '../../kit.js';
import type { CheckedDeliverable, QcContext, RuleFinding, StemsNullResult } from '../../types.js';
import { defineRule } from '../../rule.js';
import { peakOvers, twoPopNeed } from '../../needs.js';

export function nullFindings(
  ctx: QcContext,
  ref: CheckedDeliverable,
  what: string,
  result: StemsNullResult,
  t: { residualRmsMaxDbfs: number; sustainMs: number; nullDepthMinDb?: number },
): RuleFinding[] {
  const out: RuleFinding[] = [];
  const rate = ref.measurement?.format?.sampleRate ?? 48000;
  const frameSeconds = ctx.fps.den / ctx.fps.num;
  const late = (samples: number) => `${Math.abs(samples)} samples (${Math.abs(samples / rate / frameSeconds).toFixed(2)} frames) ${samples > 0 ? 'late' : 'early'}`;
  if (result.partOffsets && result.partOffsets.length > 0) {
    for (const p of result.partOffsets) {
      out.push(findingWhole(ctx, ref, { message: `${p.stem} is ${late(p.offsetSamples)} against ${ref.id}`, measured: p.offsetSamples, limit: 0 }));
    }
  } else if (result.offsetSamples !== 0) {
    const frames = result.offsetSamples / rate / frameSeconds;
    out.push(
      findingWhole(ctx, ref, {
        message: `${what} ${Math.abs(result.offsetSamples)} samples (${Math.abs(frames).toFixed(2)} frames) ${
          result.offsetSamples > 0 ? 'late' : 'early'
        } against ${ref.id}`,
        measured: result.offsetSamples,
        limit: 0,
      }),
    );
  }
  for (const issue of result.stemIssues) {
    out.push(
      findingWhole(ctx, ref, {
        message:
          issue.kind === 'polarity'
            ? `${issue.stem} is polarity-inverted against ${ref.id}`
            : `${issue.stem} is ${issue.gainDb !== null ? `${issue.gainDb > 0 ? '+' : ''}${issue.gainDb.toFixed(1)} dB` : 'at a different gain'} against ${ref.id}`,
        measured: issue.gainDb,
        limit: 0,
      }),
    );
  }
  for (const ch of result.channels) {
    for (const reg of ch.regions) {
      if (reg.limiterLike) continue;
      if ((reg.endSeconds - reg.startSeconds) * 1000 < t.sustainMs) continue;
      if (reg.residualRmsDbfs <= t.residualRmsMaxDbfs) continue;
      out.push(
        findingAt(ctx, ref, reg.startSeconds, reg.endSeconds, {
          channel: ch.label,
          message: `${what} do not null against ${ref.id} on ${ch.label}: residual ${reg.residualRmsDbfs.toFixed(1)} dBFS RMS`,
          measured: Math.round(reg.residualRmsDbfs * 10) / 10,
          limit: t.residualRmsMaxDbfs,
        }),
      );
    }
    if (t.nullDepthMinDb !== undefined && ch.nullDepthDb !== null && ch.nullDepthDb < t.nullDepthMinDb) {
      out.push(
        findingWhole(ctx, ref, {
          severity: 'warning',
          channel: ch.label,
          message: `null depth ${ch.nullDepthDb.toFixed(1)} dB on ${ch.label} (residual peak ${ch.residualPeakDbfs?.toFixed(1) ?? '-inf'} dBFS)`,
          measured: Math.round(ch.nullDepthDb * 10) / 10,
          limit: t.nullDepthMinDb,
        }),
      );
    }
  }
  return out;
}

export const rule = defineRule({
  id: 'stems/sum-to-printmaster',
  meta: {
    description: 'The stems summed at unity null against the printmaster of their layout',
    defaultSeverity: 'error',
    options: {
      stems: {
        residualRmsMaxDbfs: { default: -60, unit: 'dBFS', description: 'residual RMS (stems sum minus printmaster) above which a stretch is a mismatch' },
        sustainMs: { default: 100, unit: 'ms', description: 'how long the residual must stay above the limit to count' },
        nullDepthMinDb: { default: 40, unit: 'dB', description: 'least null depth (printmaster RMS minus residual RMS) per channel' },
        limiterMarginDb: { default: 1, unit: 'dB', description: 'residual within this of the printmaster ceiling is read as the printmaster limiter, not a mismatch' },
      },
    },
  },
  // on the printmaster: its 2-pop (the null runs from FFOA) and its sample peak (the limiter ceiling)
  needs: (file, _o, { spec, fps }) => (file.role === 'printmaster' ? [...peakOvers(spec), twoPopNeed(fps)] : []),
  check(ctx, o) {
    const t = o.stems;
    const out: RuleFinding[] = [];
    for (const c of ctx.cross.stems) {
      const pm = ctx.deliverables.find((d) => d.id === c.printmaster);
      if (!pm) continue;
      if (!c.result) {
        out.push(findingWhole(ctx, pm, { severity: 'warning', message: `stems null test could not run: ${c.error ?? 'unknown reason'}` }));
        continue;
      }
      out.push(...nullFindings(ctx, pm, `stems (${c.stems.join(' + ')})`, c.result, t));
    }
    return out;
  },
});

/**
 * stems/sum-to-printmaster: the stems of a layout, summed at unity, null against the printmaster
 * (Netflix BWAV ADM guide [V]; method and starting thresholds qc-tools.md §1.1 [P]). The engine aligns
 * by cross-correlation; an offset is reported, as is a stem that nulls better inverted or re-gained.
 * Residual only where the printmaster is near its ceiling is the printmaster's limiter, tolerated.
 */
import { findingAt, findingWhole, mergeStretches, stretchDetail } from '../../kit.js';
import type { CheckedDeliverable, QcContext, RuleFinding, StemsNullResult } from '../../types.js';
import { defineRule } from '../../rule.js';
import { peakOvers, twoPopNeed } from '../../needs.js';

/** Residual pieces closer than this are one event (a line of dialogue, a missing effect with its tail). */
export const NULL_MERGE_GAP_SECONDS = 1;

/**
 * A null test's findings, one per defect: a part late or early, a stem at the wrong gain or polarity (each
 * stem its own defect), and the residual that remains as one finding per event (its pieces on every
 * channel merged, the detail in `details.regions`). Residual a stem issue explains is that issue's detail,
 * not more findings; shallow null depth is one warning, and only when nothing else is wrong.
 */
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
  const labels = result.channels.map((c) => c.label);
  // the residual pieces a rule judges: above the limit, sustained, not the limiter, not the probe (a leak)
  const pieces = result.channels.flatMap((ch) =>
    ch.regions
      .filter((reg) => !reg.limiterLike && reg.probeGainDb === undefined)
      .filter((reg) => (reg.endSeconds - reg.startSeconds) * 1000 >= t.sustainMs && reg.residualRmsDbfs > t.residualRmsMaxDbfs)
      .map((reg) => ({ ...reg, channel: ch.label })),
  );
  const events = mergeStretches(pieces, NULL_MERGE_GAP_SECONDS, labels);
  const residualDetail = events.map((e) =>
    stretchDetail(ctx, ref, e, { residualRmsMaxDbfs: Math.round(Math.max(...e.members.map((m) => m.residualRmsDbfs)) * 10) / 10 }),
  );
  const issues: RuleFinding[] = [];
  if (result.partOffsets && result.partOffsets.length > 0) {
    for (const p of result.partOffsets) {
      issues.push(findingWhole(ctx, ref, { message: `${p.stem} is ${late(p.offsetSamples)} against ${ref.id}`, measured: p.offsetSamples, limit: 0 }));
    }
  } else if (result.offsetSamples !== 0) {
    const frames = result.offsetSamples / rate / frameSeconds;
    issues.push(
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
    issues.push(
      findingWhole(ctx, ref, {
        message:
          issue.kind === 'missing'
            ? `${issue.stem} is not in ${ref.id}: its least-squares gain there is ${issue.gainDb !== null ? `${(-issue.gainDb).toFixed(1)} dB` : '0'}`
            : issue.kind === 'polarity'
            ? `${issue.stem} is polarity-inverted against ${ref.id}`
            : `${issue.stem} is ${issue.gainDb !== null ? `${issue.gainDb > 0 ? '+' : ''}${issue.gainDb.toFixed(1)} dB` : 'at a different gain'} against ${ref.id}`,
        measured: issue.gainDb,
        limit: 0,
      }),
    );
  }
  if (issues.length > 0) {
    // an offset or a gain leaves residual wherever that stem plays: the residual is the issue's evidence
    if (residualDetail.length > 0) for (const f of issues) f.details = { residual: residualDetail };
    return issues;
  }
  for (const e of events) {
    const worst = Math.max(...e.members.map((m) => m.residualRmsDbfs));
    const pieceText = e.pieces > 1 ? ` (${e.pieces} pieces)` : '';
    out.push(
      findingAt(ctx, ref, e.startSeconds, e.endSeconds, {
        channel: e.channels.join(', '),
        message: `${what} do not null against ${ref.id} on ${e.channels.join(', ')}: residual up to ${worst.toFixed(1)} dBFS RMS${pieceText}`,
        measured: Math.round(worst * 10) / 10,
        limit: t.residualRmsMaxDbfs,
        details: {
          regions: e.members.map((m) => ({ channel: m.channel, startSeconds: m.startSeconds, endSeconds: m.endSeconds, residualRmsDbfs: Math.round(m.residualRmsDbfs * 10) / 10 })),
          // the whole-file null depth of these channels: shallow because of this residual, not a second finding
          nullDepthDb: Object.fromEntries(
            result.channels.filter((ch) => e.channels.includes(ch.label)).map((ch) => [ch.label, ch.nullDepthDb === null ? null : Math.round(ch.nullDepthDb * 10) / 10]),
          ),
        },
      }),
    );
  }
  if (out.length === 0 && t.nullDepthMinDb !== undefined) {
    const shallow = result.channels.filter((ch) => ch.nullDepthDb !== null && ch.nullDepthDb < t.nullDepthMinDb!);
    if (shallow.length > 0) {
      const worst = shallow.reduce((a, b) => (b.nullDepthDb! < a.nullDepthDb! ? b : a));
      out.push(
        findingWhole(ctx, ref, {
          severity: 'warning',
          channel: shallow.map((ch) => ch.label).join(', '),
          message: `null depth ${shallow.map((ch) => `${ch.nullDepthDb!.toFixed(1)} dB on ${ch.label}`).join(', ')} (residual peak ${worst.residualPeakDbfs?.toFixed(1) ?? '-inf'} dBFS on ${worst.label})`,
          measured: Math.round(worst.nullDepthDb! * 10) / 10,
          limit: t.nullDepthMinDb,
          details: { channels: shallow.map((ch) => ({ channel: ch.label, nullDepthDb: Math.round(ch.nullDepthDb! * 10) / 10, residualPeakDbfs: ch.residualPeakDbfs })) },
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

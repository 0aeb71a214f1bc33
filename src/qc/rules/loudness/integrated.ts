/**
 * loudness/integrated: the printmasters' integrated loudness against the profile's target, in the
 * profile's mode. Netflix's QC procedure (platforms.md): judge dialogue-gated first; if that fails,
 * judge full-programme loudness against the fallback target; flag only when both fail, and as an
 * error only outside the wider QC window. Passing on the fallback only is a warning that states both figures. The M&E and stems are not loudness-judged.
 * An Atmos master is judged the same way on each re-render the profile names (atmos.judgeOnRenders;
 * dialogue-gated with speech detected on the render), never on its bed alone.
 */
import { findingWhole } from '../../kit.js';
import type { DialogueLoudness } from '../../../analysis/results.js';
import { asRenderFindings, judgedRenders, onRender } from './renders.js';
import type { CheckedDeliverable, QcContext, RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

interface Judged {
  lufs: number;
  target: number;
  tol: number;
  qcTol: number | undefined;
  what: string;
}

function within(j: Judged, tol: number): boolean {
  return Math.abs(j.lufs - j.target) <= tol + 1e-9;
}

function describe(j: Judged): string {
  const delta = j.lufs - j.target;
  return `${j.what} ${j.lufs.toFixed(1)} LUFS is ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} LU from the ${j.target} LUFS target (±${j.tol} LU)`;
}

/** The figures judged: a printmaster's loudness, or an Atmos master's re-render's. */
type Judgeable = { integratedLufs: number | null; dialogue?: DialogueLoudness };

function judge(ctx: QcContext, d: CheckedDeliverable, loud: Judgeable | undefined): RuleFinding[] {
  const spec = ctx.spec.loudness!;
  if (!loud) return [];
  const out: RuleFinding[] = [];
  const programme = loud.integratedLufs;
  const fb = spec.fallback;
  let primary: Judged | null = null;
  let fallback: Judged | null = null;

  if (spec.mode === 'dialogue-gated') {
    const dlg = loud.dialogue;
    if (dlg && dlg.gatedLufs !== null && !dlg.fallbackUsed) {
      primary = { lufs: dlg.gatedLufs, target: spec.targetLufs, tol: spec.toleranceLu, qcTol: spec.qcToleranceLu, what: 'dialogue-gated loudness' };
    } else {
      out.push(
        findingWhole(ctx, d, {
          severity: 'info',
          message: dlg
            ? `dialogue-gated loudness not usable (${dlg.speechPercent.toFixed(1)} % speech); judged full-programme loudness instead`
            : 'dialogue-gated loudness was not measured; judged full-programme loudness instead',
          measured: dlg?.speechPercent ?? null,
        }),
      );
    }
    if (programme !== null && fb) {
      fallback = { lufs: programme, target: fb.targetLufs, tol: fb.toleranceLu, qcTol: fb.qcToleranceLu, what: 'programme loudness' };
    } else if (programme !== null && !primary) {
      fallback = { lufs: programme, target: spec.targetLufs, tol: spec.toleranceLu, qcTol: spec.qcToleranceLu, what: 'programme loudness' };
    }
  } else if (programme !== null) {
    primary = { lufs: programme, target: spec.targetLufs, tol: spec.toleranceLu, qcTol: spec.qcToleranceLu, what: 'programme loudness' };
  }

  const tried = [primary, fallback].filter((j): j is Judged => j !== null);
  if (tried.length === 0) {
    out.push(findingWhole(ctx, d, { severity: 'warning', message: 'no integrated loudness (silent or too short to gate)' }));
    return out;
  }
  const passing = tried.find((j) => within(j, j.tol));
  if (passing) {
    if (passing !== tried[0]) {
      // out of the mix spec on the primary figure: a mixer delivering to it must see both figures
      out.push(
        findingWhole(ctx, d, {
          severity: 'warning',
          message: `${describe(tried[0]!)}; passes on the fallback: ${describe(passing)}`,
          measured: round1(passing.lufs),
          limit: passing.target,
        }),
      );
    }
    return out;
  }
  // Outside the spec tolerance on every path: inside the QC window is a warning, outside an error.
  const inQcWindow = tried.some((j) => j.qcTol !== undefined && within(j, j.qcTol));
  const worst = tried[0]!;
  const also = tried.length > 1 ? `; ${describe(tried[1]!)}` : '';
  out.push(
    findingWhole(ctx, d, {
      severity: inQcWindow ? 'warning' : undefined,
      message: `${describe(worst)}${also}${inQcWindow ? ' (inside the QC flag window)' : ''}`,
      measured: round1(worst.lufs),
      limit: `${worst.target} ±${worst.tol}`,
    }),
  );
  return out;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

export const rule = defineRule({
  id: 'loudness/integrated',
  meta: {
    description: "Printmaster integrated loudness (dialogue-gated or full programme, per the profile) within the target's tolerance; an Atmos master's on its BS.2127 re-renders where the profile says (atmos.judgeOnRenders)",
    defaultSeverity: 'error',
    options: {},
  },
  // the speech detector on printmasters judged dialogue-gated, unless the dialogue stem gates them
  needs: (file, _o, { spec }) => (spec.loudness?.mode === 'dialogue-gated' && file.role === 'printmaster' && !file.dialogueAnchored ? [{ id: 'speech' }] : []),
  check(ctx) {
    if (!ctx.spec.loudness) return [];
    const out = ctx.deliverables.filter((d) => d.role === 'printmaster' && d.measurement).flatMap((d) => judge(ctx, d, d.measurement?.loudness));
    // an Atmos master's whole programme, on the re-renders the profile names (atmos.judgeOnRenders)
    for (const { d, renders } of judgedRenders(ctx)) {
      for (const j of renders) {
        if (!j.render) out.push(onRender(ctx, d, j.layout, null, { message: `loudness not judged: ${j.problem}` }));
        else out.push(...asRenderFindings(ctx, d, j.render, judge(ctx, d, j.render.loudness!)));
      }
    }
    return out;
  },
});

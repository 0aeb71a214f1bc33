/**
 * What `fix` would do to a measured delivery: the layout families (the 5.1 printmaster and everything
 * that sums to it — its stems and the 5.1 M&E — share one gain; the 2.0 printmaster and the 2.0 M&E
 * another), the figure each family is judged by and the gain that brings it to target, and whether that
 * gain fits under the spec's true-peak maximum on every file. Pure: values in, values out.
 */
import type { LoudnessSummary } from '../analysis/results.js';
import type { CheckedDeliverable } from '../qc/types.js';
import type { Spec } from '../specs/schema.js';

export type JudgedBy = 'dialogue-gated' | 'programme';

export interface JudgedFigure {
  judgedBy: JudgedBy;
  lufs: number;
  targetLufs: number;
}

/**
 * The figure loudness/integrated judges on a printmaster and its target: dialogue-gated loudness when
 * the profile asks for it and the gate is usable, else programme loudness against the fallback's target
 * (the rule's order); `targetLufs` (--target) replaces the target. Null when there is nothing to judge.
 */
export function judgedFigure(spec: Spec, loudness: LoudnessSummary | undefined, targetLufs?: number): JudgedFigure | null {
  if (!loudness) return null;
  const l = spec.loudness;
  const programme = (target: number | undefined): JudgedFigure | null =>
    loudness.integratedLufs === null || target === undefined ? null : { judgedBy: 'programme', lufs: loudness.integratedLufs, targetLufs: targetLufs ?? target };
  if (!l) return programme(targetLufs);
  if (l.mode === 'dialogue-gated') {
    const d = loudness.dialogue;
    if (d && d.gatedLufs !== null && !d.fallbackUsed) return { judgedBy: 'dialogue-gated', lufs: d.gatedLufs, targetLufs: targetLufs ?? l.targetLufs };
    return programme(l.fallback?.targetLufs ?? l.targetLufs);
  }
  return programme(l.targetLufs);
}

export interface FamilyPlan {
  /** The layout the family shares ("5.1", "2.0"); an Atmos master's bed layout, or "atmos". */
  layout: string;
  members: CheckedDeliverable[];
  /** The printmaster whose figure sets the gain (null: none in the family). */
  printmaster: CheckedDeliverable | null;
  judged: JudgedFigure | null;
  /** dB, to 0.01; null when the family is left alone (Atmos) or has nothing to judge. */
  gainDb: number | null;
  /** Left alone: not corrected and not written. */
  leftAlone: boolean;
  note: string | null;
}

export interface PlanProblem {
  code: 'ambiguous-family' | 'nothing-to-judge';
  message: string;
  file: string | null;
}

/** Gains are applied to the hundredth of a dB: a figure a mixer can type and check. */
export function roundGain(db: number): number {
  const r = Math.round(db * 100) / 100;
  return Object.is(r, -0) ? 0 : r;
}

export function planFamilies(spec: Spec, deliverables: CheckedDeliverable[], targetLufs?: number): { families: FamilyPlan[]; problems: PlanProblem[] } {
  const families: FamilyPlan[] = [];
  const problems: PlanProblem[] = [];
  const byLayout = new Map<string, CheckedDeliverable[]>();
  for (const d of deliverables) {
    if (d.role === 'atmos') {
      families.push({
        layout: d.layout ?? 'atmos',
        members: [d],
        printmaster: null,
        judged: null,
        gainDb: null,
        leftAlone: true,
        note: `${d.id}: an Atmos master is left alone (not corrected, not written to the output): its loudness depends on the renderer, out of scope for a gain here`,
      });
      continue;
    }
    if (d.layout === null) {
      families.push({
        layout: 'unknown',
        members: [d],
        printmaster: null,
        judged: null,
        gainDb: null,
        leftAlone: true,
        note: `${d.id}: no layout known, so no family to take a gain from: left alone (not written); name it in a --manifest`,
      });
      continue;
    }
    const list = byLayout.get(d.layout) ?? [];
    list.push(d);
    byLayout.set(d.layout, list);
  }
  for (const [layout, members] of byLayout) {
    const pms = members.filter((d) => d.role === 'printmaster');
    if (pms.length > 1) {
      problems.push({
        code: 'ambiguous-family',
        message: `${pms.length} ${layout} printmasters (${pms.map((p) => p.id).join(', ')}): fix corrects one delivery (one reel) at a time, where one printmaster sets its family's gain; run it per reel`,
        file: pms[1]!.files[0] ?? null,
      });
      continue;
    }
    const pm = pms[0] ?? null;
    const judged = pm ? judgedFigure(spec, pm.measurement?.loudness, targetLufs) : null;
    const unassigned = members.filter((d) => d.role === null).map((d) => d.id);
    const notes: string[] = [];
    if (unassigned.length > 0) notes.push(`${unassigned.join(', ')}: no role known; takes the ${layout} family's gain by its layout`);
    if (!pm) notes.push(`no ${layout} printmaster: nothing to judge, written unchanged (0 dB)`);
    else if (!judged) notes.push(`${pm.id}: no integrated loudness to judge (silent, or the spec sets no target: give --target)`);
    families.push({
      layout,
      members,
      printmaster: pm,
      judged,
      gainDb: judged ? roundGain(judged.targetLufs - judged.lufs) : pm ? null : 0,
      leftAlone: false,
      note: notes.length > 0 ? notes.join('; ') : null,
    });
  }
  // a printmaster with nothing to judge (silent, or no target) would make its family's gain a guess
  for (const f of families) {
    if (!f.leftAlone && f.printmaster && !f.judged) problems.push({ code: 'nothing-to-judge', message: f.note!, file: f.printmaster.files[0] ?? null });
  }
  if (problems.length === 0 && !families.some((f) => f.judged)) {
    problems.push({ code: 'nothing-to-judge', message: 'no printmaster in the delivery: nothing sets a gain (name the printmaster in a --manifest)', file: null });
  }
  return { families, problems };
}

/** Where a gain runs out of room: the file, member and channel with the least headroom under the limit. */
export interface HeadroomShortfall {
  family: FamilyPlan;
  deliverable: CheckedDeliverable;
  /** The member file (a multi-mono set's channel file, else the file). */
  file: string;
  /** The channel within that file. */
  channelInFile: number;
  label: string;
  truePeakDbtp: number;
  limitDbtp: number;
  /** The headroom under the limit after the gain: negative, the shortfall. */
  headroomDb: number;
  /** 'true-peak' against the spec's maximum; 'clipping' against full scale when the spec sets none. */
  kind: 'true-peak' | 'clipping';
}

/**
 * The worst file of any family whose gain would take its true peak above the spec's maximum (or its
 * samples past full scale when the spec sets no maximum); null when every gain fits.
 */
export function headroomShortfall(spec: Spec, families: FamilyPlan[]): HeadroomShortfall | null {
  const max = spec.loudness?.maxTruePeakDbtp;
  let worst: HeadroomShortfall | null = null;
  for (const f of families) {
    if (f.gainDb === null || f.leftAlone) continue;
    for (const d of f.members) {
      const channels = d.measurement?.channels ?? [];
      channels.forEach((ch, i) => {
        const peak = max !== undefined ? ch.truePeakDbtp : ch.samplePeakDbfs;
        if (peak === null) return;
        const limit = max ?? 0;
        const headroomDb = limit - (peak + f.gainDb!);
        if (headroomDb >= -1e-9 || (worst && headroomDb >= worst.headroomDb)) return;
        const multi = d.files.length > 1;
        worst = {
          family: f,
          deliverable: d,
          file: multi ? d.files[i]! : d.files[0]!,
          channelInFile: multi ? 0 : i,
          label: ch.label,
          truePeakDbtp: peak,
          limitDbtp: limit,
          headroomDb,
          kind: max !== undefined ? 'true-peak' : 'clipping',
        };
      });
    }
  }
  return worst;
}

/**
 * The evidence of a QC run, per rule: whether it passed, how many findings of each severity, and the key
 * figures it judged even when it passed (the null depth of each stem test, the dialogue level, the true
 * peak), so a passing report shows why it passed. `qc --json` carries it as `summary`; the HTML report
 * may show it. Plain data from a QcRun: nothing here measures or judges again.
 */
import path from 'node:path';
import type { QcRun } from './pipeline.js';
import type { CheckedDeliverable, CrossFileResults, Severity, StemsNullResult } from './types.js';

/** One figure behind a rule's verdict. */
export interface Evidence {
  /** The deliverable it is about (null: the delivery as a whole). */
  deliverable: string | null;
  /** What the figure is, as the report says it: "dialogue-gated", "null depth (worst channel)". */
  label: string;
  value: number | string | boolean | null;
  /** "LUFS", "dBTP", "dB", "s", "Hz", ... ("" for words). */
  unit: string;
}

export interface RuleSummary {
  rule: string;
  /** The severity the profile gives the rule. */
  severity: Severity;
  /** fail: an error finding; warn: warnings only; pass: nothing above info. */
  status: 'pass' | 'warn' | 'fail';
  findings: { error: number; warning: number; info: number };
  evidence: Evidence[];
}

const round = (v: number | null | undefined, digits = 1): number | null => (v === null || v === undefined ? null : Math.round(v * 10 ** digits) / 10 ** digits);

function readable(run: QcRun): CheckedDeliverable[] {
  return run.deliverables.filter((d) => d.measurement && !d.measurement.error && d.measurement.format);
}

/** A null test's figures: the shallowest channel's null depth, and each part's gain when off unity. */
function nullEvidence(ref: string, stems: string[], result: StemsNullResult | null, error: string | undefined): Evidence[] {
  if (!result) return [{ deliverable: ref, label: `null test against ${stems.join(' + ')}`, value: `did not run: ${error ?? 'unknown reason'}`, unit: '' }];
  const depths = result.channels.filter((c) => c.nullDepthDb !== null);
  const out: Evidence[] = [];
  if (depths.length > 0) {
    const worst = depths.reduce((a, b) => (b.nullDepthDb! < a.nullDepthDb! ? b : a));
    out.push({ deliverable: ref, label: `null depth against ${stems.join(' + ')} (shallowest channel, ${worst.label})`, value: round(worst.nullDepthDb), unit: 'dB' });
  } else {
    // every sample equal: no residual to measure a depth from
    out.push({ deliverable: ref, label: `null depth against ${stems.join(' + ')}`, value: 'exact (no residual)', unit: '' });
  }
  for (const c of result.channels) {
    const exact = c.nullDepthDb === null && c.residualRmsDbfs === null;
    out.push({ deliverable: ref, label: `null depth on ${c.label}`, value: exact ? 'exact' : round(c.nullDepthDb), unit: exact ? '' : 'dB' });
  }
  for (const i of result.stemIssues) out.push({ deliverable: ref, label: `${i.stem} ${i.kind}`, value: round(i.gainDb), unit: 'dB' });
  if (result.probe) out.push({ deliverable: ref, label: `${result.probe.name} found in the residual for`, value: round(result.probe.matchedSeconds, 2), unit: 's' });
  return out;
}

type EvidenceOf = (run: QcRun, cross: CrossFileResults) => Evidence[];

/** The key figures of the built-in rules; a rule not listed (a plugin's) shows its findings only. */
const EVIDENCE: Record<string, EvidenceOf> = {
  'loudness/integrated': (run) =>
    readable(run)
      .filter((d) => d.role === 'printmaster')
      .flatMap((d) => {
        const l = d.measurement!.loudness;
        const dl = l?.dialogue;
        const out: Evidence[] = [{ deliverable: d.id, label: 'programme loudness', value: round(l?.integratedLufs), unit: 'LUFS' }];
        if (dl) out.push({ deliverable: d.id, label: `dialogue-gated (${dl.method}, ${round(dl.speechPercent)} % speech)`, value: round(dl.gatedLufs), unit: 'LUFS' });
        return out;
      }),
  'loudness/true-peak': (run) => readable(run).map((d) => ({ deliverable: d.id, label: 'true peak', value: round(d.measurement!.loudness?.truePeakDbtp), unit: 'dBTP' })),
  'loudness/range': (run) =>
    readable(run)
      .filter((d) => d.role === 'printmaster')
      .map((d) => ({ deliverable: d.id, label: 'loudness range', value: round(d.measurement!.loudness?.loudnessRangeLu), unit: 'LU' })),
  'loudness/short-term-max': (run) =>
    readable(run)
      .filter((d) => d.role === 'printmaster')
      .map((d) => ({ deliverable: d.id, label: 'short-term maximum', value: round(d.measurement!.loudness?.shortTermMaxLufs), unit: 'LUFS' })),
  'format/sample-rate': (run) => readable(run).map((d) => ({ deliverable: d.id, label: 'sample rate', value: d.measurement!.format!.sampleRate, unit: 'Hz' })),
  'format/bit-depth': (run) => readable(run).map((d) => ({ deliverable: d.id, label: 'bit depth', value: d.measurement!.format!.bitDepth, unit: 'bit' })),
  'format/layout': (run) => readable(run).map((d) => ({ deliverable: d.id, label: 'channels', value: d.measurement!.format!.channelLabels.join(' '), unit: '' })),
  'format/truncated': (run) =>
    readable(run).map((d) => {
      const t = d.measurement!.format!.truncation;
      return { deliverable: d.id, label: t ? `${path.basename(d.files[0] ?? '')}: missing` : 'audio present (of what the header declares)', value: t ? round(t.missingSeconds, 3) : 'all', unit: t ? 's' : '' };
    }),
  'delivery/duration-match': (run) => readable(run).map((d) => ({ deliverable: d.id, label: 'duration', value: round(d.measurement!.format!.durationSeconds, 3), unit: 's' })),
  'stems/sum-to-printmaster': (_run, cross) => cross.stems.flatMap((c) => nullEvidence(c.printmaster, c.stems, c.result, c.error)),
  'me/music-effects-match': (_run, cross) => cross.me.flatMap((c) => nullEvidence(c.me, c.stems, c.result, c.error)),
  'me/dialogue-leak': (run, cross) =>
    readable(run)
      .filter((d) => d.role === 'me')
      .flatMap((d) => {
        const out: Evidence[] = [];
        const speech = d.measurement!.analyzers?.speech as { speechPercent?: number } | undefined;
        if (speech?.speechPercent !== undefined) out.push({ deliverable: d.id, label: 'speech detected', value: round(speech.speechPercent), unit: '%' });
        const probe = cross.me.find((c) => c.me === d.id)?.result?.probe;
        out.push({
          deliverable: d.id,
          label: probe ? `dialogue stem (${probe.name}) in the residual` : 'dialogue stem in the residual',
          value: probe ? (probe.matchedSeconds > 0 ? `${round(probe.matchedSeconds, 2)} s at ${round(probe.gainDb)} dB` : 'none') : 'not needed (the M&E nulls) or no dialogue stem',
          unit: '',
        });
        return out;
      }),
  'leader/two-pop': (run) =>
    readable(run).flatMap((d) => {
      const p = d.measurement!.analyzers?.['two-pop'] as { present?: boolean; ffoaSeconds?: number | null } | undefined;
      return p ? [{ deliverable: d.id, label: '2-pop', value: p.present ? `present, FFOA ${round(p.ffoaSeconds ?? null, 3)} s` : 'none', unit: '' }] : [];
    }),
};

/** Per rule that ran: its status, findings counted by severity, and the figures it judged. */
export function qcSummary(run: QcRun): RuleSummary[] {
  const cross = run.cross ?? { stems: [], me: [] };
  return run.outcome.rulesRun.map((r) => {
    const mine = run.outcome.findings.filter((f) => f.rule === r.id);
    const count = (s: Severity) => mine.filter((f) => f.severity === s).length;
    const findings = { error: count('error'), warning: count('warning'), info: count('info') };
    return {
      rule: r.id,
      severity: r.severity,
      status: findings.error > 0 ? 'fail' : findings.warning > 0 ? 'warn' : 'pass',
      findings,
      evidence: EVIDENCE[r.id]?.(run, cross) ?? [],
    };
  });
}

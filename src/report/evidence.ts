/**
 * The evidence of a QC run for the reports a client receives (HTML, JUnit): for every rule that ran and
 * every deliverable, whether the rule applied, passed or failed, and its key figure even when it passed
 * (the null depth of each stem, the dialogue level, the true peak). Computed from the QcRun alone:
 * findings decide pass and fail; the measurements give the figure; the deliverable's role, layout and
 * measurements say whether the rule applies at all (a stems null test on a printmaster with no stems of
 * its layout is not a pass, it is not run).
 */
import path from 'node:path';
import type { QcRun } from '../qc/pipeline.js';
import type { CheckedDeliverable, Finding, StemsNullResult } from '../qc/types.js';
import { secondsToTimecode } from '../session/time.js';

export type EvidenceStatus = 'pass' | 'fail' | 'warning' | 'not-applicable' | 'not-checked';

export interface RuleEvidence {
  rule: string;
  /** Deliverable id; null for a delivery-wide rule (a missing deliverable). */
  deliverable: string | null;
  status: EvidenceStatus;
  /** The key figure ("true peak -2.3 dBTP on R (max -2)"), null when there is none to show. */
  figure: string | null;
  /** Why a rule did not apply or was not checked. */
  reason?: string;
  findings: Finding[];
}

/** Rules about the delivery as a whole, reported once and not per deliverable. */
export const DELIVERY_WIDE_RULES = new Set(['delivery/missing-deliverable']);

const f1 = (v: number) => v.toFixed(1);

function analyzer<T>(d: CheckedDeliverable, id: string): T | undefined {
  return d.measurement?.analyzers?.[id] as T | undefined;
}

/** Why `rule` does not apply to `d` (null: it applies). Built-in rules only; a plugin's rule always applies. */
function notApplicable(run: QcRun, rule: string, d: CheckedDeliverable): string | null {
  const spec = run.spec;
  const loud = spec.loudness;
  const f = d.measurement?.format;
  switch (rule) {
    case 'loudness/integrated':
      if (d.role !== 'printmaster') return 'loudness is judged on printmasters';
      return loud ? null : 'the spec sets no loudness target';
    case 'loudness/range':
      if (d.role !== 'printmaster') return 'loudness range is judged on printmasters';
      return loud?.loudnessRangeLu ? null : 'the spec sets no loudness-range limits';
    case 'loudness/short-term-max':
      if (d.role !== 'printmaster') return 'short-term loudness is judged on printmasters';
      return loud?.maxShortTermLufs !== undefined || loud?.maxMomentaryLufs !== undefined ? null : 'the spec sets no short-term or momentary maximum';
    case 'loudness/true-peak':
      return loud?.maxTruePeakDbtp !== undefined ? null : 'the spec sets no true-peak maximum';
    case 'stems/sum-to-printmaster':
      if (d.role !== 'printmaster') return 'the stems null against printmasters';
      return crossStems(run, d) ? null : `no ${d.layout ?? ''} stems in the delivery to null against it`.replace('  ', ' ');
    case 'me/music-effects-match':
      if (d.role !== 'me') return 'applies to the M&E';
      return crossMe(run, d) ? null : `no ${d.layout ?? ''} music and effects stems in the delivery to null against it`.replace('  ', ' ');
    case 'me/dialogue-leak':
      if (d.role !== 'me') return 'applies to the M&E';
      return analyzer(d, 'speech') ? null : 'the speech detector did not run on it';
    case 'lfe/band-limit': {
      const r = analyzer<{ channels?: unknown[] }>(d, 'lfe-band');
      return r && (r.channels?.length ?? 0) > 0 ? null : 'no LFE channel';
    }
    case 'signal/phase': {
      const r = analyzer<{ pairs?: unknown[] }>(d, 'phase');
      return r && (r.pairs?.length ?? 0) > 0 ? null : 'no channel pair to compare';
    }
    case 'signal/clipping':
    case 'signal/dc-offset':
    case 'signal/silence':
      return analyzer(d, rule.slice('signal/'.length)) ? null : 'not measured on this file';
    case 'leader/two-pop':
      if (d.role === 'atmos') return 'an Atmos master has no leader';
      return analyzer(d, 'two-pop') ? null : 'not measured on this file';
    case 'format/sample-rate':
      return spec.format?.sampleRateHz ? null : 'the spec sets no sample rate';
    case 'format/bit-depth':
      return spec.format?.bitDepth ? null : 'the spec sets no bit depth';
    case 'format/layout':
      return d.role === 'atmos' ? 'an Atmos master is judged by atmos/bed-layout' : null;
    case 'format/channel-order': {
      if (d.role === 'atmos') return 'an Atmos master is labelled by its ADM';
      const want = d.layout ? spec.format?.channelOrder?.[d.layout] : undefined;
      if (!want) return `the spec sets no channel order for ${d.layout ?? 'an unknown layout'}`;
      return f && f.channels !== want.length ? `${f.channels} channels, not the ${want.length} of ${d.layout}` : null;
    }
    case 'atmos/bed-layout':
      if (d.role !== 'atmos') return 'applies to Atmos masters';
      return spec.atmos?.beds ? null : 'the spec sets no bed layouts';
    case 'atmos/object-count':
      if (d.role !== 'atmos') return 'applies to Atmos masters';
      return spec.atmos?.maxObjects !== undefined || spec.atmos?.minObjects !== undefined ? null : 'the spec sets no object limits';
    case 'delivery/duration-match':
      return run.deliverables.filter((x) => x.measurement?.format).length >= 2 ? null : 'only one file to compare';
    default:
      return null;
  }
}

/** The stems null test of this printmaster (QcRun.cross), if one ran. */
function crossStems(run: QcRun, d: CheckedDeliverable) {
  return run.cross?.stems.find((c) => c.printmaster === d.id);
}

/** The M&E null test of this M&E, if one ran. */
function crossMe(run: QcRun, d: CheckedDeliverable) {
  return run.cross?.me.find((c) => c.me === d.id);
}

/** "null depth L 92.1, R exact, LFE silent dB; residual at most -98.2 dBFS RMS": a null test's evidence. */
function nullFigure(r: StemsNullResult | null | undefined, error?: string): string | null {
  if (!r) return error ? `not run: ${error}` : null;
  // depth null: the residual is digital zero (an exact null), or both sides are (a silent channel)
  const depth = (c: StemsNullResult['channels'][number]) =>
    c.nullDepthDb !== null ? `${f1(c.nullDepthDb)} dB` : c.residualRmsDbfs === null && c.residualPeakDbfs === null ? 'exact' : 'silent';
  const rms = r.channels.map((c) => c.residualRmsDbfs).filter((v): v is number => v !== null);
  const parts = [
    r.channels.every((c) => depth(c) === 'exact')
      ? 'exact null (residual digital zero on every channel)'
      : `null depth ${r.channels.map((c) => `${c.label} ${depth(c)}`).join(', ')}`,
  ];
  if (rms.length > 0) parts.push(`residual at most ${f1(Math.max(...rms))} dBFS RMS`);
  if (r.offsetSamples !== 0) parts.push(`offset ${r.offsetSamples} samples`);
  return parts.join('; ');
}

/** The key figure of `rule` on `d`, from its measurements (null when there is nothing to show). */
function keyFigure(run: QcRun, rule: string, d: CheckedDeliverable): string | null {
  const m = d.measurement;
  const l = m?.loudness;
  const f = m?.format;
  const loud = run.spec.loudness;
  switch (rule) {
    case 'loudness/integrated': {
      if (!l) return null;
      const parts: string[] = [];
      const dlg = l.dialogue;
      if (dlg && dlg.gatedLufs !== null) parts.push(`dialogue-gated ${f1(dlg.gatedLufs)} LUFS (${dlg.method === 'stem' ? 'dialogue stem' : 'speech detector'}, ${f1(dlg.speechPercent)} % speech)`);
      if (l.integratedLufs !== null) parts.push(`programme ${f1(l.integratedLufs)} LUFS`);
      if (loud) parts.push(`target ${loud.targetLufs} ±${loud.toleranceLu} (${loud.mode})`);
      return parts.join('; ') || null;
    }
    case 'loudness/true-peak': {
      const chans = m?.channels ?? [];
      let worst: { label: string; tp: number } | null = null;
      for (const c of chans) if (c.truePeakDbtp !== null && (!worst || c.truePeakDbtp > worst.tp)) worst = { label: c.label, tp: c.truePeakDbtp };
      if (!worst) return l?.truePeakDbtp === null ? 'true peak -inf (digital silence)' : null;
      return `true peak ${f1(worst.tp)} dBTP on ${worst.label}${loud?.maxTruePeakDbtp !== undefined ? ` (max ${loud.maxTruePeakDbtp})` : ''}`;
    }
    case 'loudness/range':
      return l?.loudnessRangeLu !== null && l?.loudnessRangeLu !== undefined
        ? `LRA ${f1(l.loudnessRangeLu)} LU (limits ${loud?.loudnessRangeLu?.min ?? '–'}..${loud?.loudnessRangeLu?.max ?? '–'})`
        : 'LRA not measurable (too little gated programme)';
    case 'loudness/short-term-max': {
      const parts: string[] = [];
      if (l?.shortTermMaxLufs !== null && l?.shortTermMaxLufs !== undefined) parts.push(`max short-term ${f1(l.shortTermMaxLufs)} LUFS${loud?.maxShortTermLufs !== undefined ? ` (limit ${loud.maxShortTermLufs})` : ''}`);
      if (l?.momentaryMaxLufs !== null && l?.momentaryMaxLufs !== undefined) parts.push(`max momentary ${f1(l.momentaryMaxLufs)} LUFS${loud?.maxMomentaryLufs !== undefined ? ` (limit ${loud.maxMomentaryLufs})` : ''}`);
      return parts.join('; ') || null;
    }
    case 'stems/sum-to-printmaster': {
      const c = crossStems(run, d);
      return c ? `${c.stems.join(' + ')}: ${nullFigure(c.result, c.error)}` : null;
    }
    case 'me/music-effects-match': {
      const c = crossMe(run, d);
      return c ? `${c.stems.join(' + ')}: ${nullFigure(c.result, c.error)}` : null;
    }
    case 'me/dialogue-leak': {
      const s = analyzer<{ speechPercent?: number; speechSeconds?: number }>(d, 'speech');
      return typeof s?.speechPercent === 'number' ? `speech ${f1(s.speechPercent)} % (${f1(s.speechSeconds ?? 0)} s)` : null;
    }
    case 'lfe/band-limit': {
      const r = analyzer<{ channels?: Array<{ label?: string; cutoffs?: Array<{ cutoffHz?: number; aboveBandDb?: number | null }> }> }>(d, 'lfe-band');
      const parts = (r?.channels ?? []).flatMap((ch) =>
        (ch.cutoffs ?? []).slice(0, 1).map((c) => `${ch.label ?? 'LFE'} above ${c.cutoffHz} Hz: ${typeof c.aboveBandDb === 'number' ? `${f1(c.aboveBandDb)} dB` : 'silent'}`),
      );
      return parts.join('; ') || null;
    }
    case 'signal/clipping': {
      const r = analyzer<{ runs?: unknown[]; netflix?: { fullScalePercent?: number } }>(d, 'clipping');
      if (!r) return null;
      const pct = r.netflix?.fullScalePercent;
      return `${r.runs?.length ?? 0} clipped run${r.runs?.length === 1 ? '' : 's'}${typeof pct === 'number' ? `; ${pct.toFixed(3)} % of samples at full scale` : ''}`;
    }
    case 'signal/dc-offset': {
      const r = analyzer<{ channels?: Array<{ label?: string; meanDbfs?: number | null }> }>(d, 'dc-offset');
      let worst: { label: string; db: number } | null = null;
      for (const c of r?.channels ?? []) if (typeof c.meanDbfs === 'number' && (!worst || c.meanDbfs > worst.db)) worst = { label: c.label ?? '?', db: c.meanDbfs };
      return worst ? `largest DC ${f1(worst.db)} dBFS on ${worst.label}` : r ? 'no DC (every channel mean is zero)' : null;
    }
    case 'signal/phase': {
      const r = analyzer<{ pairs?: Array<{ labels?: string[]; minCorrelation?: number | null; negativeRuns?: Array<{ minCorrelation: number }> }> }>(d, 'phase');
      const parts = (r?.pairs ?? []).map((p) => {
        const runs = p.negativeRuns ?? [];
        const low = runs.length > 0 ? Math.min(...runs.map((x) => x.minCorrelation)) : typeof p.minCorrelation === 'number' ? p.minCorrelation : null;
        return `${(p.labels ?? []).join('/')} ${low === null ? 'no negative stretch' : `down to ${low.toFixed(2)}`}`;
      });
      return parts.join('; ') || null;
    }
    case 'signal/silence': {
      const r = analyzer<{ dropouts?: unknown[]; channels?: Array<{ label?: string; silentThroughout?: boolean }> }>(d, 'silence');
      if (!r) return null;
      const silent = (r.channels ?? []).filter((c) => c.silentThroughout).map((c) => c.label);
      const n = r.dropouts?.length ?? 0;
      return `${n} dropout${n === 1 ? '' : 's'}${silent.length > 0 ? `; silent throughout: ${silent.join(', ')}` : ''}`;
    }
    case 'leader/two-pop': {
      const r = analyzer<{ present?: boolean; startSeconds?: number | null; offsetFromExpectedFrames?: number | null }>(d, 'two-pop');
      if (!r) return null;
      if (!r.present || typeof r.startSeconds !== 'number') return `no 2-pop (spec: ${run.spec.leader?.twoPop ?? 'allowed'})`;
      const start = (d.timeReferenceSamples ?? 0) / (f?.sampleRate ?? 48000) + r.startSeconds;
      return `2-pop at ${secondsToTimecode(start, run.fps, run.dropFrame)}${typeof r.offsetFromExpectedFrames === 'number' ? `, ${r.offsetFromExpectedFrames.toFixed(2)} frames from FFOA - 2 s` : ''}`;
    }
    case 'format/sample-rate':
      return f ? `${f.sampleRate} Hz` : null;
    case 'format/bit-depth':
      return f ? `${f.bitDepth}-bit ${f.sampleFormat === 'float' ? 'float' : 'PCM'}` : null;
    case 'format/layout':
      return f ? `${d.layout ?? 'no known layout'}, ${f.channels} channels` : null;
    case 'format/channel-order':
      return f ? `${f.channelLabels.join(' ')} (from ${m?.channelLabelSource ?? 'the file'})` : null;
    case 'atmos/bed-layout':
      return d.adm ? `bed ${d.adm.bedLayout ?? 'none'} (${d.adm.bedChannels} channels)` : null;
    case 'atmos/object-count':
      return d.adm ? `${d.adm.objectCount} objects` : null;
    case 'delivery/duration-match':
      return f ? `${f.frames} samples (${f.durationSeconds.toFixed(3)} s)` : null;
    case 'delivery/start-timecode':
      return f ? (d.timeReferenceSamples === null ? 'no start timecode' : `starts at ${secondsToTimecode(d.timeReferenceSamples / f.sampleRate, run.fps, run.dropFrame)}`) : null;
    default:
      return null;
  }
}

function statusOf(findings: Finding[]): 'pass' | 'fail' | 'warning' {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return 'pass';
}

/** The deliverable's read error, when its file could not be read (matched by path). */
export function readError(run: QcRun, d: CheckedDeliverable): string | null {
  if (d.measurement?.error) return d.measurement.error.message;
  const e = run.inputErrors.find((x) => x.path !== undefined && d.files.some((p) => path.resolve(p) === path.resolve(x.path!)));
  if (e) return e.message;
  return d.measurement === null ? 'the file could not be read' : null;
}

/** Every rule that ran, for every deliverable (and the delivery-wide rules once), with status and figure. */
export function ruleEvidence(run: QcRun): RuleEvidence[] {
  const out: RuleEvidence[] = [];
  for (const d of run.deliverables) {
    const unreadable = readError(run, d);
    for (const rule of run.outcome.rulesRun) {
      if (DELIVERY_WIDE_RULES.has(rule.id)) continue;
      const findings = run.outcome.findings.filter((f) => f.rule === rule.id && f.deliverable === d.id);
      if (findings.length === 0 && unreadable) {
        out.push({ rule: rule.id, deliverable: d.id, status: 'not-checked', figure: null, reason: `not checked: the file could not be read (${unreadable})`, findings });
        continue;
      }
      const na = findings.length === 0 ? notApplicable(run, rule.id, d) : null;
      if (na) {
        out.push({ rule: rule.id, deliverable: d.id, status: 'not-applicable', figure: null, reason: na, findings });
        continue;
      }
      out.push({ rule: rule.id, deliverable: d.id, status: statusOf(findings), figure: keyFigure(run, rule.id, d), findings });
    }
  }
  for (const rule of run.outcome.rulesRun) {
    const findings = run.outcome.findings.filter((f) => f.rule === rule.id && f.deliverable === null);
    if (!DELIVERY_WIDE_RULES.has(rule.id) && findings.length === 0) continue;
    out.push({ rule: rule.id, deliverable: null, status: statusOf(findings), figure: rule.id === 'delivery/missing-deliverable' ? `${run.deliverables.length} deliverables found` : null, findings });
  }
  return out;
}

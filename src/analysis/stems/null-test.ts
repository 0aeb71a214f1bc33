/**
 * nullTest: does a set of parts sum to the reference? Composes the steps (see ./index.ts): alignment,
 * the reference's ceiling, the lockstep pass into the residual meter and classifier, then the result.
 */
import { DubstageError } from '../../errors.js';
import type { ChannelLabel } from '../../audio/channels.js';
import { openAudio } from '../../audio/open.js';
import type { AudioSource } from '../../audio/types.js';
import { alignParts } from './align.js';
import { referenceCeiling } from './classify.js';
import { gains } from './gains.js';
import { dbAmp, dbPower } from './levels.js';
import { readLockstep, type LeastSquaresSums, type LockstepRead } from './lockstep.js';
import { ResidualMeter } from './residual.js';
import { NULL_DEPTH_WARN_DB, residualSettings, type ResidualSettings } from './thresholds.js';
import type { ChannelNull, NamedSource, NullTestOptions, NullTestResult, PartAlignment, ProbeResult } from './types.js';

/** Every part must share the reference's channel count and rate (a clear error if not); differing labels are a warning. */
function checkLayouts(reference: NamedSource, parts: NamedSource[]): string[] {
  const ref = reference.source;
  const fmt = ref.header.format;
  const channels = fmt.channels;
  const rate = fmt.sampleRate;
  for (const p of parts) {
    const f = p.source.header.format;
    if (f.channels !== channels) {
      throw new DubstageError({ code: 'mismatch', path: p.source.header.path, message: `${p.source.header.path}: ${p.name} has ${f.channels} channels but ${reference.name} (${ref.header.path}) has ${channels}; a null test needs the same layout` });
    }
    if (f.sampleRate !== rate) {
      throw new DubstageError({ code: 'mismatch', path: p.source.header.path, message: `${p.source.header.path}: ${p.name} is ${f.sampleRate} Hz but ${reference.name} (${ref.header.path}) is ${rate} Hz` });
    }
  }
  const warnings: string[] = [];
  for (const p of parts) {
    const labels = p.source.header.format.channelLabels;
    if (labels.join(' ') !== fmt.channelLabels.join(' ')) {
      warnings.push(`${p.name} (${p.source.header.path}) is labelled ${labels.join(' ')} but ${reference.name} is ${fmt.channelLabels.join(' ')}: channels are compared by position`);
    }
  }
  return warnings;
}

/**
 * Null `parts` against `reference`. Every source must share the reference's channel count and rate.
 * Reads each file a few times for alignment (short excerpts), then once in lockstep.
 */
export function nullTest(reference: NamedSource, parts: NamedSource[], options: NullTestOptions = {}): NullTestResult {
  const ref = reference.source;
  const fmt = ref.header.format;
  const warnings = checkLayouts(reference, parts);
  const fps = options.fps ?? 24;
  const blockFrames = options.blockFrames ?? 8192;
  const settings = residualSettings(options);
  const scratch = Array.from({ length: fmt.channels }, () => new Float32Array(blockFrames));
  // 1. Alignment, and the ceiling the limiter works to.
  const alignments = alignParts(ref, parts, options, fps, scratch);
  const ceiling = referenceCeiling(ref, options, scratch);
  // 2. The lockstep pass from `fromSeconds`, each part shifted by its offset.
  const fromFrame = Math.max(0, Math.min(fmt.frames, Math.round((options.fromSeconds ?? 0) * fmt.sampleRate)));
  const fromSeconds = fromFrame / fmt.sampleRate;
  const meter = new ResidualMeter(fmt.channels, fmt.channelLabels, fmt.sampleRate, fromSeconds, settings, ceiling);
  const read: LockstepRead = { reference: ref, parts: parts.map((p) => p.source), offsets: alignments.map((a) => a.offsetFrames), fromFrame, blockFrames };
  // The probe is aligned as the parts are (a leaked stem was printed with them): their shared offset, else 0.
  const offsets = new Set(alignments.map((a) => a.offsetFrames).filter((o): o is number => o !== null));
  const probeOffset = offsets.size === 1 ? [...offsets][0]! : 0;
  if (options.probe) {
    checkLayouts(reference, [options.probe]).forEach((w) => warnings.push(w));
    read.probe = { source: options.probe.source, offset: probeOffset };
  }
  const sums = readLockstep(read, meter, options, scratch);
  meter.finish();
  // 3. Results.
  const result = nullTestResult({ reference, parts, alignments, fps, fromSeconds, settings, ceiling, meter, sums, warnings });
  if (options.probe) result.probe = probeResult(options.probe, probeOffset, meter, fmt.sampleRate);
  return result;
}

/** The probe over the pass: seconds of residual it explains (all channels), and its gain there. */
function probeResult(probe: NamedSource, offsetFrames: number, meter: ResidualMeter, rate: number): ProbeResult {
  const { probeWindows, probeEP, probePP } = meter.classifier;
  let windows = 0;
  let ep = 0;
  let pp = 0;
  for (let c = 0; c < probeWindows.length; c++) {
    windows += probeWindows[c]!;
    ep += probeEP[c]!;
    pp += probePP[c]!;
  }
  const gain = pp > 0 && windows > 0 ? -ep / pp : null;
  return {
    name: probe.name,
    path: probe.source.header.path,
    offsetFrames,
    matchedSeconds: (windows * meter.windowFrames) / rate,
    gain,
    gainDb: gain !== null && gain !== 0 ? 20 * Math.log10(Math.abs(gain)) : null,
  };
}

interface Measured {
  reference: NamedSource;
  parts: NamedSource[];
  alignments: PartAlignment[];
  fps: number;
  fromSeconds: number;
  settings: ResidualSettings;
  ceiling: number;
  meter: ResidualMeter;
  sums: LeastSquaresSums;
  warnings: string[];
}

function nullTestResult(m: Measured): NullTestResult {
  const ref = m.reference.source;
  const fmt = ref.header.format;
  const names = m.parts.map((p) => p.name);
  const { allGram, allCross } = combineSums(m.sums, names.length);
  const channels = channelNulls(fmt.channelLabels, m.meter, m.sums, names, fmt.sampleRate);
  const { residualLimitDbfs, sustainSeconds, ceilingMarginDb, limiterHoldSeconds, windowSeconds } = m.settings;
  const depths = channels.map((c) => c.nullDepthDb).filter((d): d is number => d !== null);
  const classifier = m.meter.classifier;
  return {
    reference: { name: m.reference.name, path: ref.header.path, frames: fmt.frames },
    sampleRate: fmt.sampleRate,
    fps: m.fps,
    channelLabels: fmt.channelLabels.slice(),
    framesCompared: m.meter.framesCompared,
    fromSeconds: m.fromSeconds,
    thresholds: { residualLimitDbfs, sustainSeconds, ceilingMarginDb, limiterHoldSeconds, nullDepthWarnDb: NULL_DEPTH_WARN_DB, windowSeconds },
    referenceCeilingDbfs: dbAmp(m.ceiling),
    parts: m.alignments,
    partGains: gains(names, allGram, allCross),
    channels,
    runs: classifier.runs,
    eventsTruncated: classifier.truncated,
    nulls: classifier.sustainedRuns.every((n) => n === 0),
    worstNullDepthDb: depths.length > 0 ? Math.min(...depths) : null,
    series: m.meter.series,
    warnings: m.warnings,
  };
}

/** Fill each channel's Gram matrix below the diagonal (in place), and sum the channels' terms (one gain per part). */
function combineSums(sums: LeastSquaresSums, K: number): { allGram: Float64Array; allCross: Float64Array } {
  const allGram = new Float64Array(K * K);
  const allCross = new Float64Array(K);
  sums.gram.forEach((g, c) => {
    for (let k = 0; k < K; k++) for (let l = 0; l < k; l++) g[k * K + l] = g[l * K + k]!;
    for (let k = 0; k < K * K; k++) allGram[k]! += g[k]!;
    for (let k = 0; k < K; k++) allCross[k]! += sums.cross[c]![k]!;
  });
  return { allGram, allCross };
}

/** Each channel's levels, null depth, residual classification and part gains. */
function channelNulls(labels: ChannelLabel[], meter: ResidualMeter, sums: LeastSquaresSums, names: string[], rate: number): ChannelNull[] {
  const total = Math.max(1, meter.framesCompared);
  const { limiterE, limiterWindows, contentWindows, sustainedRuns } = meter.classifier;
  return labels.map((label, c) => {
    const refRms = dbPower(meter.refE[c]! / total);
    const resRms = dbPower(meter.resE[c]! / total);
    const outside = dbPower((meter.resE[c]! - limiterE[c]!) / total);
    return {
      channel: c,
      label,
      referencePeakDbfs: dbAmp(meter.refPeak[c]!),
      referenceRmsDbfs: refRms,
      residualPeakDbfs: dbAmp(meter.resPeak[c]!),
      residualRmsDbfs: resRms,
      nullDepthDb: refRms !== null && resRms !== null ? refRms - resRms : null,
      residualRmsOutsideLimiterDbfs: outside,
      nullDepthOutsideLimiterDb: refRms !== null && outside !== null ? refRms - outside : null,
      limiterSeconds: (limiterWindows[c]! * meter.windowFrames) / rate,
      contentDifferenceSeconds: (contentWindows[c]! * meter.windowFrames) / rate,
      sustainedContentRuns: sustainedRuns[c]!,
      parts: gains(names, sums.gram[c]!, sums.cross[c]!),
    };
  });
}

/** Stems (DX, MX, FX, ...) against the printmaster they should sum to. */
export function checkStemsSum(printmaster: AudioSource, stems: NamedSource[], options: NullTestOptions = {}): NullTestResult {
  return nullTest({ name: 'printmaster', source: printmaster }, stems, options);
}

/** The M&E against the music and effects stems: its music and effects should null against them. */
export function checkMeAgainstStems(me: AudioSource, music: AudioSource, effects: AudioSource, options: NullTestOptions = {}): NullTestResult {
  return nullTest({ name: 'M&E', source: me }, [{ name: 'music', source: music }, { name: 'effects', source: effects }], options);
}

/** Open the files (with the audio layer's openAudio), run the null test, and close them. */
export async function nullTestFiles(reference: { name: string; path: string }, parts: Array<{ name: string; path: string }>, options: NullTestOptions = {}): Promise<NullTestResult> {
  const opened: AudioSource[] = [];
  try {
    const ref = await openAudio(reference.path);
    opened.push(ref);
    const named: NamedSource[] = [];
    for (const p of parts) {
      const source = await openAudio(p.path);
      opened.push(source);
      named.push({ name: p.name, source });
    }
    return nullTest({ name: reference.name, source: ref }, named, options);
  } finally {
    for (const s of opened) s.close();
  }
}

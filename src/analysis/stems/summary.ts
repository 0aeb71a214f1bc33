/** The summary: a null test boiled down to what the QC rules judge (offset, residual regions, stems called out). */
import type { NullTestResult } from './types.js';

/** Our choice [P]: a part whose least-squares gain is further than this from unity is called out. */
export const STEM_GAIN_TOLERANCE_DB = 0.5;
/** Our choice [P]: a part whose least-squares gain in the reference is under this (-20 dB) is not in it. */
export const STEM_MISSING_GAIN = 0.1;

/** The compact shape the QC rules read (src/qc/types.ts StemsNullResult), built from a full result. */
export interface NullSummary {
  /** The offset of the parts against the reference: the one they share, else the largest (see `parts`). */
  offsetSamples: number;
  channels: Array<{
    label: string;
    residualPeakDbfs: number | null;
    residualRmsDbfs: number | null;
    nullDepthDb: number | null;
    regions: Array<{ startSeconds: number; endSeconds: number; residualRmsDbfs: number; limiterLike: boolean; probeGainDb?: number | null }>;
  }>;
  stemIssues: Array<{ stem: string; kind: 'polarity' | 'gain' | 'missing'; gainDb: number | null }>;
  /** With a probe: what it explained (regions with `probeGainDb` are its runs). */
  probe?: { name: string; matchedSeconds: number; gainDb: number | null };
}

export function summarizeNullTest(result: NullTestResult, gainToleranceDb = STEM_GAIN_TOLERANCE_DB): NullSummary {
  let offsetSamples = 0;
  for (const p of result.parts) {
    if (p.offsetFrames !== null && Math.abs(p.offsetFrames) > Math.abs(offsetSamples)) offsetSamples = p.offsetFrames;
  }
  const stemIssues: NullSummary['stemIssues'] = [];
  for (const g of result.partGains) {
    if (g.gain === null) continue;
    if (Math.abs(g.gain) < STEM_MISSING_GAIN) stemIssues.push({ stem: g.name, kind: 'missing', gainDb: g.stemExcessDb });
    else if (g.polarityInverted) stemIssues.push({ stem: g.name, kind: 'polarity', gainDb: g.stemExcessDb });
    else if (g.stemExcessDb !== null && Math.abs(g.stemExcessDb) > gainToleranceDb) stemIssues.push({ stem: g.name, kind: 'gain', gainDb: g.stemExcessDb });
  }
  const summary: NullSummary = {
    offsetSamples,
    channels: result.channels.map((ch) => ({
      label: ch.label,
      residualPeakDbfs: ch.residualPeakDbfs,
      residualRmsDbfs: ch.residualRmsDbfs,
      nullDepthDb: ch.nullDepthDb,
      regions: result.runs
        .filter((r) => r.channel === ch.channel)
        .map((r) => {
          const region: NullSummary['channels'][number]['regions'][number] = {
            startSeconds: r.startSeconds,
            endSeconds: r.endSeconds,
            residualRmsDbfs: r.maxResidualRmsDbfs,
            limiterLike: r.kind === 'limiter',
          };
          if (r.kind === 'probe') region.probeGainDb = r.probeGain ? 20 * Math.log10(Math.abs(r.probeGain)) : null;
          return region;
        }),
    })),
    stemIssues,
  };
  if (result.probe) summary.probe = { name: result.probe.name, matchedSeconds: result.probe.matchedSeconds, gainDb: result.probe.gainDb };
  return summary;
}

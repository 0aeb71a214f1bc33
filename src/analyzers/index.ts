/**
 * The analyzer registry: id → definition (a factory from plain-data options, and how results merge
 * across time segments when they can). Built-in analyzers register here; a user's plugin registers the
 * same way (src/qc/plugins.ts), so the host and the QC pipeline build every pass from ids alone — in
 * this thread or in a worker, which sees the same registry once it has loaded the same plugins.
 */
import { DubstageError } from '../errors.js';
import { ChannelOrderAnalyzer, type ChannelOrderOptions } from './channel-order.js';
import { ClippingAnalyzer, type ClippingOptions } from './clipping.js';
import { DcOffsetAnalyzer, type DcOffsetResult } from './dc-offset.js';
import { LfeBandAnalyzer, type LfeBandOptions } from './lfe-band.js';
import { LoudnessAnalyzer, LoudnessSegmentAnalyzer, mergeLoudness, type LoudnessOptions, type LoudnessPartial } from './loudness.js';
import { PeakOversAnalyzer } from './peak-overs.js';
import { PhaseAnalyzer, type PhaseOptions } from './phase.js';
import { SilenceAnalyzer, type SilenceOptions } from './silence.js';
import { SpeechAnalyzer, type SpeechOptions } from './speech.js';
import { TwoPopAnalyzer, type TwoPopOptions } from './two-pop.js';
import type { Analyzer, AnalyzerDefinition, AnalyzerNeed, StreamInfo } from './types.js';

export type { Analyzer, AnalyzerDefinition, AnalyzerNeed, SegmentMerge, StreamInfo } from './types.js';

const registry = new Map<string, AnalyzerDefinition>();

/** Register an analyzer. The same definition twice is a no-op; another one under a taken id is refused. */
export function registerAnalyzer(def: AnalyzerDefinition): void {
  if (typeof def?.id !== 'string' || !/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)?$/.test(def.id) || typeof def.create !== 'function') {
    throw new DubstageError({ code: 'usage', message: `an analyzer needs an id (lower-case letters, digits, dashes) and a create(options, stream) function; got ${JSON.stringify(def?.id)}` });
  }
  const known = registry.get(def.id);
  if (known === def) return;
  if (known) throw new DubstageError({ code: 'usage', message: `analyzer '${def.id}' is already registered` });
  registry.set(def.id, def);
}

export function analyzerDefinition(id: string): AnalyzerDefinition | undefined {
  return registry.get(id);
}

export function analyzerDefinitions(): AnalyzerDefinition[] {
  return [...registry.values()];
}

/** A fresh analyzer for one stream from a need (id and options). */
export function createAnalyzer(need: AnalyzerNeed, stream: StreamInfo): Analyzer<unknown> {
  const def = registry.get(need.id);
  if (!def) throw new DubstageError({ code: 'usage', message: `no analyzer '${need.id}' is registered (built-in: ${BUILT_IN.map((d) => d.id).join(', ')})` });
  const analyzer = def.create(need.options ?? {}, stream);
  if (analyzer.id !== need.id) throw new DubstageError({ code: 'usage', message: `analyzer '${need.id}' made an analyzer with id '${analyzer.id}'` });
  return analyzer;
}

/** Whether every need's analyzer can be split across time segments (the host may then use workers). */
export function allMergeable(needs: readonly AnalyzerNeed[]): boolean {
  return needs.every((n) => registry.get(n.id)?.segments !== undefined);
}

/** The host's own meter. Its segment form keeps sub-block energies that concatenate across segments. */
const loudness: AnalyzerDefinition<LoudnessOptions, unknown, LoudnessPartial> = {
  id: 'loudness',
  description: 'BS.1770-5 loudness: integrated, momentary and short-term maxima, LRA, true and sample peak',
  create: (o) => new LoudnessAnalyzer(o),
  segments: {
    // the 38 Hz high-pass decays by e^-240 in one second: the state is the single-pass state to double precision
    prerollSeconds: 1,
    createSegment: (o) => new LoudnessSegmentAnalyzer(o),
    warmUp: (a, block) => (a as LoudnessSegmentAnalyzer).warmUp(block),
    partial: (a, last) => (a as LoudnessSegmentAnalyzer).partial(last),
    merge: (parts, stream, o) => mergeLoudness(parts, stream, o as LoudnessOptions),
  },
};

const dcOffset: AnalyzerDefinition<Record<string, never>, DcOffsetResult, DcOffsetResult> = {
  id: 'dc-offset',
  description: "each channel's long-term mean (DC offset), linear and dBFS",
  create: () => new DcOffsetAnalyzer(),
  segments: {
    prerollSeconds: 0,
    partial: (a) => (a as DcOffsetAnalyzer).finish(),
    // sums and frame counts add (the sum's last bits may differ from one pass's: float addition order)
    merge: (parts, stream) => DcOffsetAnalyzer.merge(parts, stream),
  },
};

const BUILT_IN: AnalyzerDefinition[] = [
  loudness,
  {
    id: 'peak-overs',
    description: 'stretches where the sample peak reaches a limit (where a true-peak excess sits), and the file sample peak',
    create: (o: { limitDbfs: number; maxRuns?: number }) => new PeakOversAnalyzer(o.limitDbfs, o.maxRuns),
  },
  {
    id: 'clipping',
    description: "runs of identical samples near full scale (Netflix's clipping inspector criteria)",
    create: (o: ClippingOptions) => new ClippingAnalyzer(o),
  },
  {
    id: 'silence',
    description: 'digital silence: whole channels, leading/trailing and dropouts inside programme',
    create: (o: SilenceOptions) => new SilenceAnalyzer(o),
  },
  dcOffset,
  {
    id: 'phase',
    description: 'correlation of channel pairs (L/R, Ls/Rs): out-of-phase stretches',
    create: (o: PhaseOptions) => new PhaseAnalyzer(o),
  },
  {
    id: 'lfe-band',
    description: 'LFE energy above the low-pass cutoff relative to its total, over time',
    create: (o: LfeBandOptions) => new LfeBandAnalyzer(o),
  },
  {
    id: 'two-pop',
    description: '2-pop (one frame of 1 kHz tone two seconds before first frame of action) and FFOA',
    create: (o: TwoPopOptions) => new TwoPopAnalyzer(o),
  },
  {
    id: 'channel-order',
    description: 'channel identity by content (speech in the centre, LFE band, known orders): likely mis-orders',
    create: (o: ChannelOrderOptions) => new ChannelOrderAnalyzer(o),
  },
  {
    id: 'speech',
    description: 'speech activity (Silero VAD, an open detector; not Dolby Dialogue Intelligence)',
    create: (o: SpeechOptions) => new SpeechAnalyzer(o),
  },
];

for (const def of BUILT_IN) registerAnalyzer(def);

/** Register the `analyzers` a plugin module exports (an array of definitions); returns their ids. */
export function registerModuleAnalyzers(mod: { analyzers?: unknown }, from: string): string[] {
  if (mod.analyzers === undefined) return [];
  if (!Array.isArray(mod.analyzers)) throw new DubstageError({ code: 'usage', message: "a plugin's `analyzers` export must be an array of analyzer definitions", path: from });
  for (const def of mod.analyzers as AnalyzerDefinition[]) registerAnalyzer(def);
  return (mod.analyzers as AnalyzerDefinition[]).map((d) => d.id);
}

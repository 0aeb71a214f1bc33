// Hand-made measurements for rule tests: the values a measuring pass would return, known by construction.
import type { FileMeasurement, LoudnessSummary } from '../../src/analysis/results.js';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { CheckedDeliverable, QcContext } from '../../src/qc/types.js';
import { loadSpec } from '../../src/specs/loader.js';
import type { Spec } from '../../src/specs/schema.js';
import type { LayoutName, Role, StemKind } from '../../src/delivery/types.js';
import { rational } from '../../src/session/time.js';

const ORDER: Record<string, ChannelLabel[]> = {
  '2.0': ['L', 'R'],
  '5.1': ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'],
};

export interface Make {
  role: Role;
  stem?: StemKind;
  layout: LayoutName;
  seconds?: number;
  sampleRate?: number;
  bitDepth?: number;
  loudness?: Partial<LoudnessSummary>;
  truePeakDbtp?: number;
  analyzers?: Record<string, unknown>;
  timeReferenceSamples?: number | null;
  labels?: ChannelLabel[];
}

export function deliverable(m: Make): CheckedDeliverable {
  const sampleRate = m.sampleRate ?? 48000;
  const seconds = m.seconds ?? 10;
  const labels = m.labels ?? ORDER[m.layout] ?? [];
  const id = [m.role, m.stem, m.layout].filter(Boolean).join(' ');
  const measurement: FileMeasurement = {
    path: `/delivery/${id.replace(/ /g, '_')}.wav`,
    format: {
      container: 'wav',
      sampleRate,
      bitDepth: m.bitDepth ?? 24,
      sampleFormat: 'int',
      channels: labels.length,
      channelLabels: labels,
      frames: Math.round(seconds * sampleRate),
      durationSeconds: Math.round(seconds * sampleRate) / sampleRate,
    },
    channelLabelSource: 'channel-mask',
    loudness: {
      integratedLufs: -24,
      momentaryMaxLufs: -14,
      shortTermMaxLufs: -18,
      loudnessRangeLu: 8,
      truePeakDbtp: m.truePeakDbtp ?? -3,
      samplePeakDbfs: -3.2,
      plrLu: 21,
      ...m.loudness,
    },
    channels: labels.map((label) => ({ label, truePeakDbtp: m.truePeakDbtp ?? -3, samplePeakDbfs: -3.2, rmsDbfs: -30 })),
    analyzers: m.analyzers ?? {},
    warnings: [],
  };
  return {
    id,
    role: m.role,
    stem: m.stem,
    layout: m.layout,
    files: [measurement.path],
    roleSource: 'manifest',
    layoutSource: 'manifest',
    reasons: [],
    measurement,
    timeReferenceSamples: m.timeReferenceSamples === undefined ? 3600 * sampleRate : m.timeReferenceSamples,
  };
}

/** A complete Netflix near-field set, all in spec: dialogue-gated -27, programme -24, TP -3. */
export function netflixSet(over: Partial<Record<string, Partial<Make>>> = {}): CheckedDeliverable[] {
  const dlg = { gatedLufs: -27, speechPercent: 40, method: 'detector' as const, fallbackUsed: false, loudnessRangeLu: 6, ldrLu: 3 };
  const base: Record<string, Make> = {
    pm51: { role: 'printmaster', layout: '5.1', loudness: { integratedLufs: -24, dialogue: dlg } },
    pm20: { role: 'printmaster', layout: '2.0', loudness: { integratedLufs: -24, dialogue: dlg } },
    dx: { role: 'stem', stem: 'dialogue', layout: '5.1' },
    mx: { role: 'stem', stem: 'music', layout: '5.1' },
    fx: { role: 'stem', stem: 'effects', layout: '5.1' },
    me: { role: 'me', layout: '5.1' },
  };
  return Object.entries(base).map(([k, m]) => deliverable({ ...m, ...over[k] } as Make));
}

export function context(deliverables: CheckedDeliverable[], spec: Spec | string = 'netflix'): QcContext {
  return {
    spec: typeof spec === 'string' ? loadSpec(spec).spec : spec,
    deliverables,
    fps: rational(24),
    dropFrame: false,
    cross: { stems: [], me: [] },
  };
}

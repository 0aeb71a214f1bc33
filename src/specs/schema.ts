/**
 * The spec profile schema. A profile sets the loudness mode and limits, format, required
 * deliverables, leader and Atmos rules, thresholds for the signal rules, and which rules run at which
 * severity. Every number in a built-in profile has an `evidence` entry naming its source and the
 * evidence tag from ../shared/reference/platforms.md (V, V2, R; P for our own proposed defaults).
 */
import { z } from 'zod';
import { isKnownRuleId, isPluginThresholdSection } from './rule-ids.js';

export const LAYOUTS = ['mono', '2.0', 'LCR', '5.0', '5.1', '7.1', '7.1.2', '7.1.4', '9.1.6'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

export const ROLES = ['printmaster', 'stem', 'me', 'atmos'] as const;
export type Role = (typeof ROLES)[number];
export const STEMS = ['dialogue', 'music', 'effects', 'foley'] as const;
export type StemKind = (typeof STEMS)[number];

const finite = z.number().finite();
const layout = z.enum(LAYOUTS);
const severityOrOff = z.enum(['error', 'warning', 'info', 'off']);

const range = z.strictObject({ min: finite.optional(), max: finite.optional() });

const loudness = z.strictObject({
  /** Which loudness the integrated rule judges: Netflix's dialogue-gated, or the whole programme. */
  mode: z.enum(['programme', 'dialogue-gated']),
  targetLufs: finite,
  toleranceLu: finite.nonnegative(),
  /** Netflix QC: a programme passing this wider window is not flagged (warning instead of error). */
  qcToleranceLu: finite.nonnegative().optional(),
  /** Second chance when the primary mode fails (Netflix: full programme at -24). */
  fallback: z
    .strictObject({
      mode: z.literal('programme'),
      targetLufs: finite,
      toleranceLu: finite.nonnegative(),
      qcToleranceLu: finite.nonnegative().optional(),
    })
    .optional(),
  maxTruePeakDbtp: finite.optional(),
  /** True peak above this is an error; between maxTruePeakDbtp and this, a warning (Netflix flags > -1). */
  truePeakFlagDbtp: finite.optional(),
  loudnessRangeLu: range.optional(),
  maxShortTermLufs: finite.optional(),
  maxMomentaryLufs: finite.optional(),
});

const format = z.strictObject({
  sampleRateHz: z.array(z.number().int().positive()).min(1).optional(),
  bitDepth: z.array(z.number().int().positive()).min(1).optional(),
  layouts: z.array(layout).min(1).optional(),
  /** Required channel order per layout, as channel labels. */
  channelOrder: z.partialRecord(layout, z.array(z.string()).min(1)).optional(),
});

const deliverableSpec = z.strictObject({
  role: z.enum(ROLES),
  stem: z.enum(STEMS).optional(),
  layout: layout.optional(),
});

const deliverables = z.strictObject({
  required: z.array(deliverableSpec).default([]),
  /** Frames of allowed difference in duration across the delivery (0 = sample-exact). */
  durationToleranceFrames: finite.nonnegative().optional(),
  /** Required start timecode of every file (bext TimeReference), e.g. "01:00:00:00". */
  startTimecode: z.string().regex(/^\d{2}:\d{2}:\d{2}[:;]\d{2}$/).optional(),
});

const leader = z.strictObject({
  twoPop: z.enum(['required', 'forbidden', 'allowed']),
});

/** Layouts an ADM / Dolby Atmos master can be re-rendered to (src/render/adm/layouts.ts; a test keeps them equal). */
export const RENDER_LAYOUTS = ['2.0', '5.1', '7.1', '5.1.4', '7.1.2', '7.1.4'] as const;

const atmos = z.strictObject({
  /**
   * Judge the master's loudness and true peak on these re-renders (ITU-R BS.2127, rendered by dubstage,
   * not Dolby's renderer): the loudness rules apply the profile's targets to each, as for a printmaster.
   */
  judgeOnRenders: z.array(z.enum(RENDER_LAYOUTS)).min(1).optional(),
  beds: z.array(layout).min(1).optional(),
  minObjects: z.number().int().nonnegative().optional(),
  maxObjects: z.number().int().nonnegative().optional(),
});

const builtInThresholds = {
  stems: z
    .strictObject({
      residualRmsMaxDbfs: finite.optional(),
      sustainMs: finite.positive().optional(),
      nullDepthMinDb: finite.optional(),
      limiterMarginDb: finite.nonnegative().optional(),
    })
    .optional(),
  me: z
    .strictObject({
      residualRmsMaxDbfs: finite.optional(),
      speechPercentMax: finite.nonnegative().optional(),
    })
    .optional(),
  lfe: z.strictObject({ cutoffHz: finite.positive().optional(), maxAboveCutoffDb: finite.optional() }).optional(),
  phase: z.strictObject({ minCorrelation: finite.min(-1).max(1).optional() }).optional(),
  clipping: z
    .strictObject({
      ceilingDbfs: finite.optional(),
      maxRuns: z.number().int().nonnegative().optional(),
      maxFullScalePercent: finite.nonnegative().optional(),
    })
    .optional(),
  silence: z.strictObject({ dropoutMinMs: finite.positive().optional() }).optional(),
  dcOffset: z.strictObject({ maxDbfs: finite.optional() }).optional(),
  twoPop: z.strictObject({ syncToleranceMs: finite.nonnegative().optional() }).optional(),
};

/** Built-in sections are checked key by key; a plugin rule's own section is a map of numbers. */
const thresholds = z
  .object(builtInThresholds)
  .catchall(z.record(z.string(), finite))
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (!(key in builtInThresholds) && !isPluginThresholdSection(key)) ctx.addIssue({ code: 'custom', message: `Unrecognized key: "${key}"` });
    }
  });

const source = z.strictObject({
  title: z.string().min(1),
  url: z.string().optional(),
  version: z.string().optional(),
});

const evidence = z.strictObject({
  /** platforms.md tags: V verified primary, V2 verified secondary, R recalled/unverified, P our proposal. */
  status: z.enum(['V', 'V2', 'R', 'P']),
  source: z.string().min(1),
  note: z.string().optional(),
});

export const specSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  sources: z.record(z.string(), source).default({}),
  /** Key path (e.g. "loudness.targetLufs") → where the number comes from. */
  evidence: z.record(z.string(), evidence).default({}),
  loudness: loudness.optional(),
  format: format.optional(),
  deliverables: deliverables.optional(),
  leader: leader.optional(),
  atmos: atmos.optional(),
  thresholds: thresholds.optional(),
  /** Rule id → severity; ids are the built-in contract (rule-ids.ts) or a registered plugin rule's. */
  rules: z
    .record(z.string(), severityOrOff)
    .superRefine((value, ctx) => {
      for (const key of Object.keys(value)) if (!isKnownRuleId(key)) ctx.addIssue({ code: 'custom', message: `Unrecognized key: "${key}"` });
    })
    .optional(),
});

export type Spec = z.infer<typeof specSchema>;
export type DeliverableRequirement = z.infer<typeof deliverableSpec>;
export type Thresholds = z.infer<typeof thresholds>;

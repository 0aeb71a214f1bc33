/**
 * The rule registry: the built-in catalog in report order, then the rules a plugin registers. A rule
 * registered here may be named in a profile's `rules:` (and its options under `thresholds:`).
 */
import { registerRuleContract } from '../../specs/rule-ids.js';
import { DubstageError } from '../../errors.js';
import { defineRule } from '../rule.js';
import type { Rule } from '../types.js';
import { rule as atmosBedLayout } from './atmos/bed-layout.js';
import { rule as atmosObjectCount } from './atmos/object-count.js';
import { rule as durationMatch } from './delivery/duration-match.js';
import { rule as missingDeliverable } from './delivery/missing-deliverable.js';
import { rule as startTimecode } from './delivery/start-timecode.js';
import { rule as bitDepth } from './format/bit-depth.js';
import { rule as channelOrder } from './format/channel-order.js';
import { rule as layout } from './format/layout.js';
import { rule as sampleRate } from './format/sample-rate.js';
import { rule as truncated } from './format/truncated.js';
import { rule as twoPop } from './leader/two-pop.js';
import { rule as imfMcaLabels } from './imf/mca-labels.js';
import { rule as imfClipWrapped } from './imf/clip-wrapped.js';
import { rule as imfLanguageVersions } from './imf/language-versions.js';
import { rule as lfeBandLimit } from './lfe/band-limit.js';
import { rule as integrated } from './loudness/integrated.js';
import { rule as range } from './loudness/range.js';
import { rule as shortTermMax } from './loudness/short-term-max.js';
import { rule as truePeak } from './loudness/true-peak.js';
import { rule as dialogueLeak } from './me/dialogue-leak.js';
import { rule as musicEffectsMatch } from './me/music-effects-match.js';
import { rule as clipping } from './signal/clipping.js';
import { rule as dcOffset } from './signal/dc-offset.js';
import { rule as nonFinite } from './signal/non-finite.js';
import { rule as phase } from './signal/phase.js';
import { rule as silence } from './signal/silence.js';
import { rule as stemsSum } from './stems/sum-to-printmaster.js';

export const RULES: readonly Rule[] = [
  integrated, truePeak, range, shortTermMax,
  sampleRate, bitDepth, layout, channelOrder, truncated,
  missingDeliverable, durationMatch, startTimecode,
  stemsSum, musicEffectsMatch, dialogueLeak,
  lfeBandLimit, phase, clipping, silence, dcOffset, nonFinite,
  twoPop, atmosBedLayout, atmosObjectCount,
  imfMcaLabels, imfClipWrapped, imfLanguageVersions,
];

const plugins: Rule[] = [];

/** Add a rule (a plugin's). Its id must be new and look like the built-ins' (`group/name`). */
export function registerRule(rule: Rule): void {
  if (typeof rule?.id !== 'string' || !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(rule.id) || typeof rule.check !== 'function' || !rule.meta) {
    throw new DubstageError({ code: 'usage', message: `a rule needs an id like 'group/name', a meta block and a check(ctx, options) function; got ${JSON.stringify(rule?.id)}` });
  }
  if (plugins.some((r) => r.id === rule.id && r.check === rule.check)) return;
  if (allRules().some((r) => r.id === rule.id)) throw new DubstageError({ code: 'usage', message: `rule '${rule.id}' is already registered` });
  // a plugin may give only meta: the catalog's description and defaultSeverity mirror it
  plugins.push(defineRule({ ...rule, meta: { ...rule.meta, options: rule.meta.options ?? {} } }));
  registerRuleContract(rule.id, Object.keys(rule.meta.options ?? {}));
}

/** Every rule: the built-ins in report order, then plugins' in the order they were registered. */
export function allRules(): readonly Rule[] {
  return [...RULES, ...plugins];
}

/** The rule catalog, in report order. */
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
import { rule as twoPop } from './leader/two-pop.js';
import { rule as lfeBandLimit } from './lfe/band-limit.js';
import { rule as integrated } from './loudness/integrated.js';
import { rule as range } from './loudness/range.js';
import { rule as shortTermMax } from './loudness/short-term-max.js';
import { rule as truePeak } from './loudness/true-peak.js';
import { rule as dialogueLeak } from './me/dialogue-leak.js';
import { rule as musicEffectsMatch } from './me/music-effects-match.js';
import { rule as clipping } from './signal/clipping.js';
import { rule as dcOffset } from './signal/dc-offset.js';
import { rule as phase } from './signal/phase.js';
import { rule as silence } from './signal/silence.js';
import { rule as stemsSum } from './stems/sum-to-printmaster.js';

export const RULES: readonly Rule[] = [
  integrated, truePeak, range, shortTermMax,
  sampleRate, bitDepth, layout, channelOrder,
  missingDeliverable, durationMatch, startTimecode,
  stemsSum, musicEffectsMatch, dialogueLeak,
  lfeBandLimit, phase, clipping, silence, dcOffset,
  twoPop, atmosBedLayout, atmosObjectCount,
];

/**
 * QC rule ids: a contract (profiles, reports and users' pipelines name them). A new rule gets a new
 * id; an id never changes meaning.
 */
export const RULE_IDS = [
  'loudness/integrated',
  'loudness/true-peak',
  'loudness/range',
  'loudness/short-term-max',
  'format/sample-rate',
  'format/bit-depth',
  'format/layout',
  'format/channel-order',
  'delivery/missing-deliverable',
  'delivery/duration-match',
  'delivery/start-timecode',
  'stems/sum-to-printmaster',
  'me/music-effects-match',
  'me/dialogue-leak',
  'lfe/band-limit',
  'signal/phase',
  'signal/clipping',
  'signal/silence',
  'signal/dc-offset',
  'leader/two-pop',
  'atmos/bed-layout',
  'atmos/object-count',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export type Severity = 'error' | 'warning' | 'info';

export function isRuleId(s: string): s is RuleId {
  return (RULE_IDS as readonly string[]).includes(s);
}

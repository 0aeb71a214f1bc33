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
  'format/truncated',
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
  'signal/non-finite',
  'leader/two-pop',
  'atmos/bed-layout',
  'atmos/object-count',
  'imf/mca-labels',
  'imf/clip-wrapped',
  'imf/language-versions',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export type Severity = 'error' | 'warning' | 'info';

export function isRuleId(s: string): s is RuleId {
  return (RULE_IDS as readonly string[]).includes(s);
}

/**
 * Rules and threshold sections beyond the built-ins (a plugin's, registered through the QC rule
 * registry): a profile may name them. Kept here, below src/qc, so the schema can check a profile's keys.
 */
const extraRuleIds = new Set<string>();
const extraThresholdSections = new Set<string>();

export function registerRuleContract(id: string, thresholdSections: readonly string[] = []): void {
  extraRuleIds.add(id);
  for (const s of thresholdSections) extraThresholdSections.add(s);
}

/** A rule id a profile may name: a built-in or a registered plugin rule. */
export function isKnownRuleId(id: string): boolean {
  return isRuleId(id) || extraRuleIds.has(id);
}

/** A `thresholds` section that belongs to a registered plugin rule (the built-in ones are in the schema). */
export function isPluginThresholdSection(section: string): boolean {
  return extraThresholdSections.has(section);
}

// The rule ids are a contract the spec schema checks profiles against: they live in src/specs.
export { RULE_IDS, isRuleId, type RuleId, type Severity } from '../specs/rule-ids.js';

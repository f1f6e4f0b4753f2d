export type * from './types.js';
export { builtinRulesDir, loadRuleFile, RuleError, type LoadOutcome, type Rule } from './load.js';
export { emptySelection, isDeprecated, ruleOs, selectRules, SEVERITIES, techniques, type RuleSelection, type SelectionResult } from './select.js';

export type * from './types.js';
export { loadRuleFile, RuleError, type LoadOutcome, type Rule } from './load.js';
export { builtinRulesDir, packageRoot } from './builtin.js';
export { emptySelection, ruleOs, selectRules, type RuleSelection, type SelectionResult } from './select.js';
export { isSeverity, SEVERITIES } from './severity.js';

export type * from './types.js';
export { findRuleFiles, loadRuleFile, RuleError, type LoadOutcome, type Rule } from './load.js';
export { builtinRulesDir, packageRoot } from './builtin.js';
export { isSeverity, SEVERITIES } from './severity.js';

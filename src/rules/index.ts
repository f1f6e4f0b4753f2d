export type * from './types.js';
export { builtinRulesDir, loadRuleFile, RuleError, type LoadOutcome, type Rule } from './load.js';

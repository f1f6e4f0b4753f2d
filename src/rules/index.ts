export type * from './types.js';
export { builtinRulesDir, findRuleFiles, loadRuleFile, RuleError, type LoadOutcome, type Rule } from './load.js';

export type * from './types.js';
export { loadRuleFile, RuleError, ruleFileStem, type LoadOutcome, type Rule } from './load.js';
export { isSigmaPath, type SigmaInfo, type SigmaTranslation, type TranslationCache } from './sigma/index.js';
export { builtinRulesDir, packageRoot } from './builtin.js';
export { emptySelection, ruleOs, selectRules, type RuleSelection, type SelectionResult } from './select.js';
export { isSeverity, SEVERITIES } from './severity.js';
export { ECS_FIELDS } from './ecs.js';
export { formatKey, ruleFixtures, sameKey, type FixtureKey, type FixtureSpec } from './fixtures.js';
export { formatFinding, lintRuleFiles, type Finding, type FindingKind } from './lint.js';

export type * from './types.js';
export { builtinRulesDir, loadRuleFile, RuleError, type LoadOutcome, type Rule } from './load.js';
export { ECS_FIELDS } from './ecs.js';
export { formatKey, ruleFixtures, sameKey, type FixtureKey, type FixtureSpec } from './fixtures.js';
export { formatFinding, lintRuleFiles, type Finding, type FindingKind } from './lint.js';

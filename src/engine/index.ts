export type * from './types.js';
export type { EventView, FieldValue } from '../eql/index.js';
export { scan, type ScanOptions, type ScanQuery, type ScanResult } from './scan.js';
export { createRunner, stepMask, type QueryResult, type QueryRunner } from './runner.js';
export { compareEvents, type TimelineEvent } from './timeline.js';
export { explain, type EventRef, type ExplainOptions, type Explanation, type SequenceStop, type StepReport } from './explain.js';
export { FieldPresence, type AbsentField } from './fields.js';
export { testRule, type RuleTestOptions, type RuleTestResult } from './rule-test.js';

export type * from './types.js';
export type { EventView, FieldValue } from '../eql/index.js';
export { OTHER } from './tally.js';
export { scan, type ScanOptions, type ScanQuery, type ScanResult } from './scan.js';
export { createRunner, stepMask, type QueryResult, type QueryRunner } from './runner.js';
export { compareEvents, type TimelineEvent } from './timeline.js';

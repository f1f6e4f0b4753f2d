export type * from './types.js';
export type { EventView, FieldValue } from '../eql/index.js';
export { scan, type ScanOptions, type ScanQuery, type ScanResult } from './scan.js';
export { createRunner, stepHit, type Hit, type QueryResult, type QueryRunner } from './runner.js';
export { keyTuples } from './sequence.js';
export { compareEvents, type TimelineEvent } from './timeline.js';
export { DEFAULT_ORDER_BUDGET } from './order.js';
export { compileOptionsOf, defaultThreads, type PortableCompile, type PortableFieldType } from './pool.js';

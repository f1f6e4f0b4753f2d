export { alertProcess } from './alert.js';
export { noProcessTree, ProcessTrees } from './build.js';
export { DEFAULT_MAX_PROCESSES, readProcesses, type TreeReadOptions } from './read.js';
export type { EventTally, ProcessInfo, ProcessRef, ProcessTree } from './types.js';

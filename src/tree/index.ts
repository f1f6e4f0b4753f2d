export { alertProcess } from './alert.js';
export { label, MAX_CHILDREN, noProcessTree, ProcessTrees } from './build.js';
export { DEFAULT_MAX_PROCESSES, readProcesses, type ProcessData, type TreeReadOptions } from './read.js';
export { LISTED_PER_KIND } from './tally.js';
export { EVENT_KINDS, type EventKind, type EventSample, type EventTally, type ProcessInfo, type ProcessRef, type ProcessTree } from './types.js';

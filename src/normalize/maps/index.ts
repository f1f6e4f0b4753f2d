export { SECURITY } from './security.js';
export { SHAPES } from './shapes.js';
export { SYSMON } from './sysmon.js';
export type { ChannelMap, EventMap, FieldRules, ShapeMap, Source } from './types.js';
export { WINDOWS_COMMON, WINDOWS_DEFAULTS } from './windows.js';

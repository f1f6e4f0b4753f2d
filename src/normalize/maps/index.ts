export { POWERSHELL_OPERATIONAL, WINDOWS_POWERSHELL } from './powershell.js';
export { SECURITY } from './security.js';
export { SHAPES } from './shapes.js';
export { SYSMON } from './sysmon.js';
export { SYSTEM } from './system.js';
export type { ChannelMap, EventMap, FieldRules, HeaderName, ShapeMap, Source } from './types.js';
export { WINDOWS_COMMON, WINDOWS_DEFAULTS } from './windows.js';

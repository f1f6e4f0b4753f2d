export { documentView, getField } from './document.js';
export { formatTimestamp, parseTimestamp } from './timestamp.js';

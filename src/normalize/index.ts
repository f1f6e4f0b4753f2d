export { documentView, getField } from './document.js';
export { formatTimestamp, parseDate, parseTimestamp } from './timestamp.js';
export { dateFormatParser } from './date-format.js';

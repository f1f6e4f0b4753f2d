export { DocumentView, getField } from './document.js';
export { ecsDocument, Normalizer, type Normalized } from './normalizer.js';
export { detectShape, MAPPED_KEYS, mayBeMapped, type ShapeName } from './shape.js';
export { formatTimestamp, parseDate, parseTimestamp, type EpochUnit, type ParsedDate } from './timestamp.js';
export { splitCommandLine } from './transforms.js';
export { dateFormatParser } from './date-format.js';

export { isSigmaPath, KEYWORD_FIELD, LEVELS, loadSigmaText, type SigmaInfo, type SigmaOptions, type SigmaOutcome, type SigmaRule } from './load.js';
export { SigmaFileError } from './errors.js';
export { mapField } from './fields.js';
export { sourceFilter } from './logsources.js';
export { translateRegex } from './regex.js';

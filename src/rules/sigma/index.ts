export { isSigmaPath, KEYWORD_FIELD, LEVELS, loadSigmaText, translationKey, type SigmaInfo, type SigmaOptions, type SigmaOutcome, type SigmaRule, type SigmaTranslation, type TranslationCache } from './load.js';
export { SigmaFileError } from './errors.js';
export { mapField } from './fields.js';
export { sourceFilter } from './logsources.js';
export { translateRegex } from './regex.js';

export type * from './ast.js';
export type { EventView, FieldValue } from './event.js';
export { caretExcerpt, EqlSyntaxError, lineColumn, LIMITS } from './errors.js';
export { parseQuery, parseExpression } from './parser.js';
export { compileQuery, foldExpression, type CompiledQuery, type CompiledStep, type CompileOptions, type Predicate } from './compile.js';
export { FUNCTIONS } from './functions.js';
export { compileWildcard } from './wildcard.js';
export { elements } from './values.js';

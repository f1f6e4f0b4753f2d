import type { FieldValue } from './event.js';

/** A date and the span its text stands for (1000 ms for `...T20:47:33Z`, 1 ms for epoch millis). */
export interface DateValue {
  ms: number;
  unit: number;
}

export type DateParser = (v: FieldValue) => DateValue | null;

/**
 * What an Elasticsearch mapping says about a field. A field with no type is read as its
 * JSON value (strings as keywords, numbers as numbers).
 */
export type FieldType =
  /** Compared with constants as instants; a join key on it joins on epoch milliseconds. */
  | { type: 'date'; parse: DateParser }
  /** Ordered by semantic-version precedence; invalid versions sort after valid ones. */
  | { type: 'version' }
  /** Compared as addresses (`::ffff:1.2.3.4` is `1.2.3.4`); ordered by address. */
  | { type: 'ip' }
  /** Exact strings; `nullValue` stands for an explicit JSON null (the mapping's `null_value`). */
  | { type: 'keyword'; nullValue?: string }
  /** Analysed text: usable only through a keyword sub-field, as Elasticsearch's EQL verifier requires. */
  | { type: 'text'; keyword: boolean }
  /** `float` when the mapping type is floating-point, so `/` does not truncate. */
  | { type: 'number'; float: boolean }
  | { type: 'boolean' };

export type FieldTypes = ReadonlyMap<string, FieldType>;

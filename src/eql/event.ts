/** A JSON value as the engine sees it. */
export type FieldValue = null | string | number | boolean | FieldValue[] | { [key: string]: FieldValue };

/**
 * The only thing the EQL engine knows about an event.
 * `get` returns `undefined` when the field is absent, `null` when it is present and null,
 * and arrays whole (multi-valued fields). A flat dotted key (`"process.name"`) and a nested
 * path (`{"process":{"name":..}}`) must read the same.
 */
export interface EventView {
  get(path: string): FieldValue | undefined;
  /**
   * Every path `get` finds a value at, when the view holds them listed (a flattened
   * document), else null: asking which of many fields an event has can then go by its paths.
   */
  listed?(): ReadonlyMap<string, FieldValue> | null;
}

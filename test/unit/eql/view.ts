import { compileQuery, type EventView, type FieldValue } from '../../../src/eql/index.js';

/** A minimal EventView over a nested object (flat dotted key first), as the engine's contract says. */
export function view(doc: Record<string, FieldValue>): EventView {
  return {
    get(path) {
      if (Object.hasOwn(doc, path)) return doc[path];
      let cur: FieldValue | undefined = doc;
      for (const part of path.split('.')) {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
        cur = (cur as Record<string, FieldValue>)[part];
      }
      return cur;
    },
  };
}

/** Does `any where <condition>` match `doc`? */
export const matches = (condition: string, doc: Record<string, FieldValue>): boolean =>
  compileQuery(`any where ${condition}`).steps[0]!.matches(view(doc));

/** `s` as an EQL string literal. */
export const eqlString = (s: string): string =>
  `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)}"`;

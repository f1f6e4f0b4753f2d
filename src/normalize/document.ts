import type { EventView, FieldValue } from '../eql/index.js';

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * For a path of k segments, every dotted join of segments i..j, so a lookup can try
 * `{"process.name": ..}` and `{"process": {"name": ..}}` (and mixes) without allocating.
 */
const joinsCache = new Map<string, string[][]>();

function joinsOf(path: string): string[][] {
  let joins = joinsCache.get(path);
  if (!joins) {
    const parts = path.split('.');
    joins = parts.map((_, i) => parts.map((__, j) => (j < i ? '' : parts.slice(i, j + 1).join('.'))));
    if (joinsCache.size > 10_000) joinsCache.clear();
    joinsCache.set(path, joins);
  }
  return joins;
}

function lookup(node: unknown, joins: string[][], i: number): FieldValue | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    // An array of objects on the way: the field is multi-valued, one value per element.
    const out: FieldValue[] = [];
    for (const el of node) {
      const v = lookup(el, joins, i);
      if (v !== undefined) out.push(v);
    }
    return out.length ? out.flat() : undefined;
  }
  const row = joins[i]!;
  const last = row.length - 1;
  // Every split of the remaining path counts (`{"a.b": 1, "a": {"b": 2}}` holds both 1 and
  // 2, as Elasticsearch indexes both); the common case finds one and allocates nothing.
  let found: FieldValue | undefined;
  let more: FieldValue[] | undefined;
  for (let j = last; j >= i; j--) {
    const key = row[j]!;
    if (!hasOwn(node, key)) continue;
    const v = (node as Record<string, unknown>)[key];
    const r = j === last ? (v as FieldValue) : lookup(v, joins, j + 1);
    if (r === undefined) continue;
    if (found === undefined) found = r;
    else (more ??= []).push(r);
  }
  return more ? [found!, ...more].flat() : found;
}

/**
 * Reads a field of a parsed JSON document: nested objects, dotted keys and arrays alike.
 * When several spellings hold it (a flat dotted key and a nested object), the values of all
 * of them come back as one multi-valued field, longest dotted key first.
 */
export function getField(doc: unknown, path: string): FieldValue | undefined {
  return lookup(doc, joinsOf(path), 0);
}

/** An EventView over a parsed JSON document (the bypass mode: no field mapping). */
export function documentView(doc: object): EventView {
  return { get: (path) => getField(doc, path) };
}

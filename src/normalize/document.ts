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
  // Hot (every field read): i and j stay below the path's part count, the length of joins and of each row.
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
    else if (more === undefined) more = [found, r];
    else more.push(r);
  }
  return more ? more.flat() : found;
}

/**
 * Reads a field of a parsed JSON document: nested objects, dotted keys and arrays alike.
 * When several spellings hold it (a flat dotted key and a nested object), the values of all
 * of them come back as one multi-valued field, longest dotted key first.
 */
export function getField(doc: unknown, path: string): FieldValue | undefined {
  return lookup(doc, joinsOf(path), 0);
}

/** Reads of one event after which its document is flattened, unless told otherwise (see DocumentView). */
const FLATTEN_AFTER = 48;
const ABSENT = Symbol('absent');
/** Deeper documents are not flattened (an attacker's 5,000 levels would overflow the stack). */
const MAX_FLAT_DEPTH = 32;

/**
 * An EventView over a parsed JSON document (the bypass mode: no field mapping) that
 * remembers what it read: a few rules read a handful of fields per event, each cached on its
 * first read; a large rule set (Elastic's reads over a hundred fields of each event) gets
 * the document flattened once into a map of every dotted path, so that each read is one
 * lookup instead of trying every split of the path. `flattenAfter` 0 flattens on the first
 * read: for a caller that knows its rules read many fields (on Elastic's rules/, 5–10% faster).
 */
export class DocumentView implements EventView {
  /** Reads so far, made on the first read that is not served flat. */
  private cache: Map<string, FieldValue | typeof ABSENT> | null = null;
  /** Every path of the document, once built; null when it cannot stand for getField. */
  private flat: Map<string, FieldValue> | null | undefined;
  private reads = 0;

  constructor(readonly doc: object, private readonly flattenAfter = FLATTEN_AFTER) {}

  get(path: string): FieldValue | undefined {
    const flat = this.flat;
    if (flat) return flat.get(path);
    if (flat === undefined && this.reads++ >= this.flattenAfter && (this.flat = flatten(this.doc))) return this.flat.get(path);
    const cache = (this.cache ??= new Map());
    let v = cache.get(path);
    if (v === undefined) {
      const got = getField(this.doc, path);
      cache.set(path, (v = got === undefined ? ABSENT : got));
    }
    return v === ABSENT ? undefined : v;
  }

  listed(): ReadonlyMap<string, FieldValue> | null {
    return this.flat ?? null;
  }
}

/** A known key of a known path: its dotted path, made once, and the keys known below it. */
interface PathNode { path: string; below: Map<string, PathNode> }
/**
 * The paths documents have had, so flattening a document of a familiar shape makes no new
 * path strings (each new string costs a concatenation and hashing it as a map key). Bounded,
 * since keys come from the logs: past the bound, or for long paths, paths are made per use.
 */
const knownPaths = new Map<string, PathNode>();
let knownCount = 0;
const KNOWN_MAX = 10_000;
const KNOWN_PATH_CHARS = 128;

/**
 * Every path of a document to its value, intermediate objects included, or null when a
 * path could be spelled two ways (`{"a.b": 1, "a": {"b": 2}}`) or objects nest deeper than
 * any ECS path: those documents keep getField's per-read search. Otherwise each path has
 * one chain of keys, whose value getField finds too.
 */
function flatten(doc: object): Map<string, FieldValue> | null {
  const out = new Map<string, FieldValue>();
  return walk(doc as Record<string, unknown>, null, knownPaths, 0, out) ? out : null;
}

/** Puts every path below `node` into `into`; false when one is spelled twice or nesting is too deep. */
function walk(node: Record<string, unknown>, prefix: string | null, known: Map<string, PathNode> | undefined, depth: number, into: Map<string, FieldValue>): boolean {
  if (depth > MAX_FLAT_DEPTH) return false;
  // A path is its keys joined by dots, the top level's keys standing alone (an empty key is a
  // key). for-in sees own keys only here: JSON.parse makes plain objects, and nothing adds
  // enumerable properties to Object.prototype.
  for (const key in node) {
    let at = known?.get(key);
    if (at === undefined && known !== undefined && knownCount < KNOWN_MAX) {
      const path = prefix === null ? key : `${prefix}.${key}`;
      if (path.length <= KNOWN_PATH_CHARS) {
        known.set(key, (at = { path, below: new Map() }));
        knownCount++;
      }
    }
    const path = at ? at.path : prefix === null ? key : `${prefix}.${key}`;
    if (into.has(path)) return false;
    const v = node[key];
    into.set(path, v as FieldValue);
    if (typeof v !== 'object' || v === null) continue;
    const below = at?.below;
    if (!(Array.isArray(v) ? gather(v, path, below, depth + 1, into) : walk(v as Record<string, unknown>, path, below, depth + 1, into))) return false;
  }
  return true;
}

/**
 * The paths below the objects of an array, read as getField reads them: a path's values
 * from each element that has it, in order, one level flattened (a field under an array of
 * objects is multi-valued).
 */
function gather(list: unknown[], prefix: string, known: Map<string, PathNode> | undefined, depth: number, into: Map<string, FieldValue>): boolean {
  if (depth > MAX_FLAT_DEPTH) return false;
  let values: Map<string, FieldValue[]> | null = null;
  for (const el of list) {
    if (typeof el !== 'object' || el === null) continue;
    const one = new Map<string, FieldValue>();
    if (!(Array.isArray(el) ? gather(el, prefix, known, depth + 1, one) : walk(el as Record<string, unknown>, prefix, known, depth + 1, one))) return false;
    for (const [p, x] of one) {
      const seen = (values ??= new Map()).get(p);
      if (seen) seen.push(x);
      else values.set(p, [x]);
    }
  }
  if (values) {
    for (const [p, xs] of values) {
      if (into.has(p)) return false;
      into.set(p, xs.flat());
    }
  }
  return true;
}

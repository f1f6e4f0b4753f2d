import { asText, NestedBinXml, type EvtxValue } from './values.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: Obj, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Sets a key as an own property whatever its name: `__proto__` from a log stays data. */
function put(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** A value as it goes into the document: arrays copied (text may be pushed onto them later). */
function json(v: EvtxValue): unknown {
  if (Array.isArray(v)) return v.slice();
  return v instanceof NestedBinXml ? null : v;
}

/**
 * Builds one record's document from its XML events the way evtx_dump's JSON output does
 * (omerbenamram/evtx `JsonOutput`, without `--separate-json-attributes`):
 * - an element without attributes is `"Name": value`, null when empty;
 * - one with attributes is `{"#attributes": {...}, "#text": value}`; attributes whose value
 *   is null are left out, and when none is left the element is null or its value;
 * - `<Data Name="X">v</Data>` is `"X": v`; a `<Data>` without a name adds its value to
 *   `"Data": {"#text": ...}` (an array from the second on);
 * - a repeated element moves the value before it to `Name_1`, `Name_2`, … (the last one
 *   keeps `Name`);
 * - text after text is appended.
 * Where evtx_dump gives up on a record (a value after a number or boolean in one element),
 * this appends the text instead.
 */
export class DocumentBuilder {
  readonly root: Obj = {};
  private readonly stack: string[] = [];

  /** Where current() found the current element: its holder and key (fields, not a new object per call). */
  private holder: Obj | null = null;
  private key = '';
  /**
   * `holders[i]` is the object holding the key `stack[i]`, known for i < `known`: a lookup
   * starts from the deepest one known instead of the root. An element's holder is its
   * parent's value, which keeps its identity while the element is open (only current()
   * replaces a value by an object, and it records the new one).
   */
  private readonly holders: Obj[] = [];
  private known = 0;

  /**
   * Finds the current element, creating the path to it (evtx_dump's get_or_create_current_path):
   * a missing key becomes `{}`, a null on the way becomes `{key: {}}`, another value `{key: value}`.
   * Sets `holder`/`key` (holder null at the root).
   */
  private current(): void {
    const stack = this.stack;
    if (stack.length === 0) {
      this.holder = null;
      return;
    }
    // Hot (each element): holders[j] is known for j < known (see holders), and i < stack.length.
    let i = this.known > 0 ? Math.min(this.known, stack.length) - 1 : 0;
    let holder: Obj | null = i > 0 ? this.holders[i - 1]! : null;
    let key = i > 0 ? stack[i - 1]! : '';
    let v: unknown = i > 0 ? this.holders[i]! : this.root;
    for (; i < stack.length; i++) {
      const k = stack[i]!;
      if (!(isObject(v) && hasOwn(v, k))) {
        if (isObject(v)) {
          put(v, k, {});
        } else {
          const o: Obj = {};
          put(o, k, v === null ? {} : v);
          if (holder) put(holder, key, o);
          v = o;
        }
      }
      holder = v as Obj;
      this.holders[i] = holder;
      key = k;
      v = holder[k];
    }
    this.known = stack.length;
    this.holder = holder;
    this.key = key;
  }

  open(name: string, attrs: [string, EvtxValue][]): void {
    if (name === 'Data') {
      let named: [string, EvtxValue] | undefined;
      for (const a of attrs) if (a[0] === 'Name') { named = a; break; }
      if (named) this.insertPlain(asText(named[1]));
      else this.stack.push('Data');
      return;
    }
    if (attrs.length === 0) this.insertPlain(name);
    else this.insertWithAttributes(name, attrs);
  }

  close(): void {
    this.stack.pop();
    if (this.known > this.stack.length) this.known = this.stack.length;
  }

  text(value: EvtxValue): void {
    this.current();
    const { holder, key } = this;
    if (!holder) return;
    const cur = holder[key];
    if (cur === null || cur === undefined) put(holder, key, json(value));
    else if (isObject(cur)) {
      const t = cur['#text'];
      if (t === null || t === undefined) put(cur, '#text', json(value));
      else if (typeof t === 'string') {
        delete cur['#text'];
        cur['#text'] = [t, json(value)];
      } else if (Array.isArray(t)) t.push(json(value));
      else cur['#text'] = asText(t as EvtxValue) + asText(value);
    } else if (typeof cur === 'string') put(holder, key, cur + asText(value));
    else if (Array.isArray(cur)) cur.push(json(value));
    else put(holder, key, asText(cur as EvtxValue) + asText(value));
  }

  /**
   * The object that is to hold the element named `name` about to be opened: the current
   * element's value made an object as evtx_dump's get_current_parent makes it (null becomes
   * `{}`, another value `{name: value}`), without first creating the new element's own `{}`.
   */
  private parentFor(name: string): Obj {
    this.current();
    let p: unknown;
    if (this.holder === null) p = this.root;
    else {
      p = this.holder[this.key];
      if (!isObject(p)) {
        const o: Obj = {};
        if (p !== null && p !== undefined) put(o, name, p);
        put(this.holder, this.key, o);
        p = o;
      }
    }
    const depth = this.stack.length;
    this.holders[depth] = p as Obj;
    this.stack.push(name);
    this.known = depth + 1;
    return p as Obj;
  }

  private insertPlain(name: string): void {
    const parent = this.parentFor(name);
    const old = hasOwn(parent, name) ? parent[name] : undefined;
    put(parent, name, null);
    if (old === undefined || old === null || (isObject(old) && isEmpty(old))) return;
    put(parent, freeSlot(parent, name), old);
  }

  private insertWithAttributes(name: string, attrs: [string, EvtxValue][]): void {
    let attributes: Obj | null = null;
    for (const [k, v] of attrs) {
      const j = json(v);
      if (j === null) continue;
      attributes ??= {};
      put(attributes, k, j);
    }
    const parent = this.parentFor(name);
    if (attributes === null) {
      put(parent, name, null);
      return;
    }
    const old = hasOwn(parent, name) ? parent[name] : undefined;
    if (isObject(old) && !isEmpty(old)) put(parent, freeSlot(parent, name), old);
    put(parent, name, { '#attributes': attributes });
  }
}

function isEmpty(o: Obj): boolean {
  for (const k in o) if (hasOwn(o, k)) return false;
  return true;
}

function freeSlot(o: Obj, name: string): string {
  let n = 1;
  while (hasOwn(o, `${name}_${n}`)) n++;
  return `${name}_${n}`;
}

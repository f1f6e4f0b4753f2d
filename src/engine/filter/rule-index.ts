import { comparesAsText, type CompiledQuery, type EventView, type Expr, type FieldValue, type Predicate } from '../../eql/index.js';
import type { LineTags } from '../../input/index.js';
import { satisfied, type StepClauses } from './prefilter.js';

interface IndexedStep {
  query: number;
  bit: number;
  condition: Predicate;
  /** Literal clauses the raw line must satisfy; empty when nothing is known. */
  clauses: readonly Int32Array[];
  /** The event this step was last evaluated for: a step filed under several keys runs once. */
  visited: number;
}

/**
 * How a key reads a field: its whole value (an index key, keyOf), the first or the last
 * three characters of its text, case-folded (affixOf), any three consecutive characters of
 * its case-folded text (gramsOf), or whether it has a value at all.
 */
type KeyKind = 'value' | 'prefix' | 'suffix' | 'gram' | 'present';

/** One way an event can satisfy a condition: `field`, read as `kind`, is one of `values` (none for `present`). */
interface Key { field: string; kind: KeyKind; values: string[] }

/** The steps filed under one field read one way, by the key each is filed under. */
interface Probe { field: string; kind: Exclude<KeyKind, 'present'>; steps: Map<ProbeKey, IndexedStep[]> }

/** A key as probes look it up: its text, or for a slice of ASCII characters a number (probeKey). */
type ProbeKey = string | number;

/** Steps of one category: those filed under keys, and the rest. */
interface Bucket {
  /** The event this bucket was last visited for (a category may be named twice). */
  visited: number;
  always: IndexedStep[];
  /** kind and field → its probe. */
  probes: Map<string, Probe>;
  /** field → steps that require the field to have a value. */
  byPresence: Map<string, IndexedStep[]>;
}

/** Fields with few distinct values: before any event is counted, their keys are guessed to hold often (guessedShare). */
const COARSE = new Set(['event.category', 'host.os.type', 'host.os.family', 'host.os.platform', 'host.os.name', 'event.type', 'event.action', 'event.outcome',
  'event.kind', 'event.module', 'event.dataset', 'event.provider', 'data_stream.dataset', 'network.direction', 'network.transport', 'network.protocol']);

/**
 * The index key of a value as a step is filed under it: case-folded text, a number's
 * canonical text case-folded too (`:` matches `1e400`, read as Infinity, against
 * `"INFINITY"`, and `1e21` against `"1E+21"`). A numeric literal is filed under both its text
 * and its number's (an event's `"4624"` equals `"4624"`, its `4624` equals `"4624.0"`).
 */
function keyOf(v: string | number): string {
  return (typeof v === 'number' ? String(v) : v).toLowerCase();
}
function literalKeys(v: string): string[] {
  const n = comparesAsText(v) ? null : Number(v);
  return n === null || Number.isNaN(n) ? [keyOf(v)] : [...new Set([keyOf(v), keyOf(n)])];
}

const isBooleanWord = (v: string) => /^(true|false)$/i.test(v);
const field = (e: Expr) => (e.type === 'Field' && !e.optional ? e.path : null);

/** What a condition needs of an event: a key, all of some needs, or one of them. */
type Need = Key | { op: 'and' | 'or'; parts: Need[] };

/**
 * What `e` needs of an event to be true, or null when nothing is known. Values come from
 * `==`, `in` and `:`/`like` without wildcards over string literals; presence from any other
 * comparison, `in` or match on a field (over a missing field those are null, hence false:
 * compile.ts), and from `field != null`. Typed fields (date, ip, keyword with a
 * null_value...) compare otherwise: never.
 */
function needOf(e: Expr, typed: ReadonlySet<string>): Need | null {
  switch (e.type) {
    case 'Logical': {
      const parts = [needOf(e.left, typed), needOf(e.right, typed)];
      if (e.op === 'or') return parts.every((p) => p !== null) ? { op: 'or', parts: parts as Need[] } : null;
      const known = parts.filter((p): p is Need => p !== null);
      return known.length === 0 ? null : known.length === 1 && known[0] !== undefined ? known[0] : { op: 'and', parts: known };
    }
    case 'Compare': {
      const left = field(e.left);
      const [f, other] = left !== null ? [left, e.right] : [field(e.right), e.left];
      // An optional side makes `==` a presence test of that side (`?a == b` holds when both are absent).
      if (f === null || typed.has(f) || (other.type !== 'Literal' && field(other) === null)) return null;
      const lit = other.type === 'Literal' ? other.value : undefined;
      if (e.op === '!=') return lit === null ? present(f) : null;
      if (lit === null) return null;
      if (e.op === '==' && typeof lit === 'string' && !isBooleanWord(lit)) return { field: f, kind: 'value', values: literalKeys(lit) };
      return present(f);
    }
    case 'In': {
      const f = field(e.operand);
      if (f === null || e.negated || typed.has(f)) return null;
      const values = e.list.map((x) => (x.type === 'Literal' && typeof x.value === 'string' && !isBooleanWord(x.value) ? x.value : null));
      return values.every((v): v is string => v !== null) ? { field: f, kind: 'value', values: [...new Set(values.flatMap((v) => literalKeys(v)))] } : present(f);
    }
    case 'Match': {
      const f = field(e.operand);
      if (f === null || typed.has(f)) return null;
      if (e.kind === 'regex' || e.patterns.some((p) => typeof p.value !== 'string' || isBooleanWord(p.value))) return present(f);
      const parts = e.patterns.map((p) => patternNeed(f, p.value as string, e.caseInsensitive));
      return parts.length === 1 && parts[0] !== undefined ? parts[0] : { op: 'or', parts };
    }
    default:
      return null;
  }
}

const present = (f: string): Key => ({ field: f, kind: 'present', values: [] });

/** Characters an affix key holds: the first or last three of a value's text. */
const AFFIX = 3;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * What a wildcard pattern (`*` any run, `?` one character) needs of a field: its value, when
 * the pattern has no wildcard; else all of: the first (or last) three characters of its
 * literal start (or end), when they are ASCII, and each three consecutive characters of a
 * literal run between wildcards (gramKeys); else only a value. Filed under the cheapest.
 */
function patternNeed(f: string, pattern: string, caseInsensitive: boolean): Need {
  if (!/[*?]/.test(pattern)) return { field: f, kind: 'value', values: literalKeys(pattern) };
  const parts: Key[] = [];
  const head = pattern.slice(0, pattern.search(/[*?]/));
  if (head.length >= AFFIX && ASCII.test(head.slice(0, AFFIX))) parts.push({ field: f, kind: 'prefix', values: [head.slice(0, AFFIX).toLowerCase()] });
  const tail = pattern.slice(Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?')) + 1);
  if (tail.length >= AFFIX && ASCII.test(tail.slice(-AFFIX))) parts.push({ field: f, kind: 'suffix', values: [tail.slice(-AFFIX).toLowerCase()] });
  for (const g of gramKeys(pattern, caseInsensitive)) parts.push({ field: f, kind: 'gram', values: [g] });
  return parts.length === 0 ? present(f) : parts.length === 1 && parts[0] !== undefined ? parts[0] : { op: 'and', parts };
}

/**
 * The three-character keys a text matching `pattern` holds in its case-folded text (gramsOf).
 * A case-insensitive pattern is matched folded whole (wildcard.ts: the pattern's and the
 * value's toLowerCase), so each run of its folded text between `*` and `?` is in the folded
 * value, and so is each of the run's three-character slices (UTF-16 units, as both are
 * sliced). A case-sensitive pattern's run is in the value as written; of it only slices of
 * ASCII characters are kept, folded: ASCII folds one to one and alone, and whatever the
 * characters around fold to, the run stays in the folded value, folded.
 */
function gramKeys(pattern: string, caseInsensitive: boolean): string[] {
  const keys = new Set<string>();
  for (const run of (caseInsensitive ? pattern.toLowerCase() : pattern).split(/[*?]/)) {
    for (let i = 0; i + AFFIX <= run.length; i++) {
      const g = run.slice(i, i + AFFIX);
      if (caseInsensitive) keys.add(g);
      else if (ASCII.test(g)) keys.add(g.toLowerCase());
    }
  }
  return [...keys];
}

/**
 * Texts longer than this are not sliced into keys: a probe over one visits every step filed
 * under its field's keys instead (as many as a probe of all of them would), so an event's
 * probe costs at most this many lookups per value however long the value.
 */
const GRAM_TEXT = 4096;

/**
 * Calls `fn` with the probe key of each three-character slice of `s` case-folded (toLowerCase
 * of the whole): a slice of ASCII characters as the number probeKey gives it, without
 * building its text; any other as its text.
 */
function gramsOf(s: string, fn: (key: ProbeKey) => void): void {
  const folded = s.toLowerCase();
  for (let i = 0; i + AFFIX <= folded.length; i++) {
    const a = folded.charCodeAt(i);
    const b = folded.charCodeAt(i + 1);
    const c = folded.charCodeAt(i + 2);
    fn((a | b | c) < 0x80 ? (a << 14) | (b << 7) | c : folded.slice(i, i + AFFIX));
  }
}

/** How a probe looks a key of this kind up: a slice of three ASCII characters as a number, seven bits each; anything else as itself. */
function probeKey(kind: KeyKind, key: string): ProbeKey {
  if (kind !== 'gram' || key.length !== AFFIX) return key;
  const a = key.charCodeAt(0);
  const b = key.charCodeAt(1);
  const c = key.charCodeAt(2);
  return (a | b | c) < 0x80 ? (a << 14) | (b << 7) | c : key;
}

/**
 * The affix key of a text: its first (or last) three characters, case-folded as the wildcard
 * matcher folds (toLowerCase of the whole text). ASCII characters fold one to one and
 * alone, so three ASCII characters fold without the rest; others (the Kelvin sign folds to
 * `k`) fold with it. A case-sensitive pattern's text starts with its own ASCII characters,
 * so the same key serves it.
 */
function affixOf(kind: 'prefix' | 'suffix', s: string): string {
  const part = kind === 'prefix' ? s.slice(0, AFFIX) : s.slice(-AFFIX);
  if (ASCII.test(part)) return part.toLowerCase();
  const folded = s.toLowerCase();
  return kind === 'prefix' ? folded.slice(0, AFFIX) : folded.slice(-AFFIX);
}

/** The share of events that hold a key. */
type Share = (key: Key, value: string) => number;

/**
 * The keys to file a step under, one of which holds whenever its condition does (the
 * cheapest part of an `and`, every part of an `or`), and the share of events they admit.
 */
function choose(need: Need, share: Share): { keys: Key[]; cost: number } {
  const keys: Key[] = [];
  return { keys, cost: gather(need, share, keys) };
}

/** Adds choose's keys for `need` to `out` and returns their cost (SigmaHQ's trees are wide: no array per node but the parts of an `and`). */
function gather(need: Need, share: Share, out: Key[]): number {
  if (!('op' in need)) {
    out.push(need);
    if (need.kind === 'present') return share(need, '');
    let cost = 0;
    for (const v of need.values) cost += share(need, v);
    return cost;
  }
  if (need.op === 'or') {
    let cost = 0;
    for (const p of need.parts) cost += gather(p, share, out);
    return cost;
  }
  // The cheapest part, the first of equals.
  let best: Key[] = [];
  let bestCost = Infinity;
  for (const p of need.parts) {
    const keys: Key[] = [];
    const cost = gather(p, share, keys);
    if (cost < bestCost) {
      best = keys;
      bestCost = cost;
    }
  }
  for (const k of best) out.push(k);
  return bestCost;
}

/**
 * Shares guessed before any event is seen: a host's OS or an event's category or type splits
 * events a few ways, most other fields' values are rare, and a field that is present at all
 * is somewhere between.
 */
const guessedShare: Share = (key) => {
  const coarse = COARSE.has(key.field);
  return key.kind === 'present' ? (coarse ? 1 : 0.3) : key.kind === 'value' ? (coarse ? 0.3 : 0.02) : key.kind === 'gram' ? 0.1 : 0.05;
};

/** How often each key some step could be filed under held, over the events counted. */
class KeyCounts {
  events = 0;
  /** field → how many events had it, and per kind how often each key a need names occurred. */
  private readonly fields = new Map<string, { present: number; kinds: Map<Probe['kind'], Map<ProbeKey, number>> }>();

  constructor(needs: Iterable<Need>) {
    const add = (n: Need): void => {
      if ('op' in n) return n.parts.forEach(add);
      let f = this.fields.get(n.field);
      if (!f) this.fields.set(n.field, (f = { present: 0, kinds: new Map() }));
      if (n.kind === 'present') return;
      let counts = f.kinds.get(n.kind);
      if (!counts) f.kinds.set(n.kind, (counts = new Map()));
      for (const v of n.values) counts.set(probeKey(n.kind, v), 0);
    };
    for (const n of needs) add(n);
  }

  count(view: EventView): void {
    this.events++;
    for (const [field, f] of this.fields) {
      const v = view.get(field);
      if (v === null || v === undefined) continue;
      f.present++;
      for (const [kind, counts] of f.kinds) {
        // A text too long to slice counts for no key: counts only guide the filing.
        eachKey(kind, v, (k) => {
          const n = counts.get(k);
          if (n !== undefined) counts.set(k, n + 1);
        }, () => {});
      }
    }
  }

  /** Observed shares, a little above zero for keys not seen (they may come later). */
  share: Share = (key, value) => {
    const f = this.fields.get(key.field);
    const seen = f === undefined ? 0 : key.kind === 'present' ? f.present : (f.kinds.get(key.kind)?.get(probeKey(key.kind, value)) ?? 0);
    return (seen + 0.5) / (this.events + 1);
  };
}

/**
 * Which steps of which queries an event satisfies, evaluating only the steps that can:
 * the event's categories are read once and pick the steps of those categories (plus `any`);
 * a step whose condition requires a field to equal one of some values (`==`, `in`, `:`
 * without wildcards, through `and` and `or`) is evaluated only when the event has one of
 * them (compared case-folded, so `==` is covered too), one that requires a field to exist
 * only when it does; and when the line's literals are known, steps whose literals are
 * absent are skipped. Same answer as testing every step (runner.ts `stepMask`): the
 * property tests compare them.
 */
export class RuleIndex {
  /** category field → category → steps. */
  private readonly byCategory = new Map<string, Map<string, Bucket>>();
  private readonly anyCategory = emptyBucket();
  private readonly stamp: Uint32Array;
  private serial = 0;
  private event = 0;
  /** Masks of the event being indexed, by query, and the queries touched. */
  private readonly scratch: Int32Array;
  private touched: number[] = [];

  /** Every step, its bucket and what it needs, to file again once keys were counted. */
  private readonly steps: { bucket: Bucket; step: IndexedStep; need: Need | null }[] = [];
  /** Counting keys over the first events; null once the steps were filed by the counts. */
  private counts: KeyCounts | null;

  /**
   * Steps are filed first by guessed shares, then, after `sampleEvents` events, again by the
   * shares of the keys among those events.
   */
  constructor(
    queries: CompiledQuery[],
    clauses: StepClauses | null,
    literalCount: number,
    private readonly sampleEvents = 1000,
  ) {
    queries.forEach((q, qi) => {
      const typed = new Set(q.typedFields);
      const steps = q.until ? [...q.steps, q.until] : q.steps;
      steps.forEach((step, si) => {
        const entry: IndexedStep = { query: qi, bit: 1 << si, condition: step.condition, clauses: clauses?.[qi]?.[si] ?? [], visited: 0 };
        let bucket = this.anyCategory;
        if (step.category !== null) {
          let byName = this.byCategory.get(q.categoryField);
          if (!byName) this.byCategory.set(q.categoryField, (byName = new Map()));
          bucket = byName.get(step.category) ?? emptyBucket();
          byName.set(step.category, bucket);
        }
        this.steps.push({ bucket, step: entry, need: needOf(step.ast.filter.condition, typed) });
      });
    });
    this.fileAll(guessedShare);
    const needs = this.steps.flatMap((s) => (s.need ? [s.need] : []));
    this.counts = needs.length ? new KeyCounts(needs) : null;
    this.stamp = new Uint32Array(literalCount);
    this.scratch = new Int32Array(queries.length);
  }

  private fileAll(share: Share): void {
    for (const { bucket } of this.steps) Object.assign(bucket, emptyBucket());
    for (const { bucket, step, need } of this.steps) file(bucket, step, need && choose(need, share).keys);
  }

  /**
   * The steps the event satisfies, as pairs `[query, mask, query, mask, ...]` in query order
   * (mask bit i: step i, bit steps.length: until), or null when it satisfies none.
   */
  masks(view: EventView, tags: LineTags | undefined): number[] | null {
    let serial = 0;
    if (tags !== undefined) {
      serial = ++this.serial;
      for (const id of tags) this.stamp[id] = serial;
    }
    const event = ++this.event;
    if (this.counts) {
      this.counts.count(view);
      if (this.counts.events === this.sampleEvents) {
        this.fileAll(this.counts.share);
        this.counts = null;
      }
    }
    this.visitBucket(this.anyCategory, view, serial, event);
    for (const [field, byName] of this.byCategory) this.visitCategories(byName, view.get(field), view, serial, event);
    if (!this.touched.length) return null;
    const pairs: number[] = [];
    for (const q of this.touched.sort((a, b) => a - b)) {
      pairs.push(q, this.scratch[q]!); // scratch has a cell per query
      this.scratch[q] = 0;
    }
    this.touched = [];
    return pairs;
  }

  /** Visits the bucket of each category the (possibly multi-valued) category field names, once each. */
  private visitCategories(byName: Map<string, Bucket>, v: FieldValue | undefined, view: EventView, serial: number, event: number): void {
    if (typeof v === 'string') {
      const bucket = byName.get(v);
      if (bucket && bucket.visited !== event) {
        bucket.visited = event;
        this.visitBucket(bucket, view, serial, event);
      }
    } else if (Array.isArray(v)) {
      for (const x of v) this.visitCategories(byName, x, view, serial, event);
    }
  }

  private visitBucket(bucket: Bucket, view: EventView, serial: number, event: number): void {
    this.visit(bucket.always, view, serial, event);
    for (const probe of bucket.probes.values()) {
      const v = view.get(probe.field);
      if (v === null || v === undefined) continue;
      eachKey(probe.kind, v, (key) => {
        const steps = probe.steps.get(key);
        if (steps) this.visit(steps, view, serial, event);
      }, () => {
        for (const steps of probe.steps.values()) this.visit(steps, view, serial, event);
      });
    }
    for (const [field, steps] of bucket.byPresence) {
      const v = view.get(field);
      if (v !== null && v !== undefined) this.visit(steps, view, serial, event);
    }
  }

  private visit(steps: IndexedStep[], view: EventView, serial: number, event: number): void {
    for (const s of steps) {
      if (s.visited === event) continue;
      s.visited = event;
      if (serial && s.clauses.length && !satisfied(s.clauses, this.stamp, serial)) continue;
      if (!s.condition(view)) continue;
      if (this.scratch[s.query] === 0) this.touched.push(s.query);
      this.scratch[s.query]! |= s.bit; // hot: scratch has a cell per query
    }
  }
}

function emptyBucket(): Bucket {
  return { visited: 0, always: [], probes: new Map(), byPresence: new Map() };
}

/** Files a step under each of its keys (any one of which must hold), or with the steps always evaluated. */
function file(bucket: Bucket, step: IndexedStep, keys: Key[] | null): void {
  if (keys === null) return void bucket.always.push(step);
  const add = <K>(map: Map<K, IndexedStep[]>, k: K) => {
    const list = map.get(k);
    if (!list) map.set(k, [step]);
    else if (!list.includes(step)) list.push(step);
  };
  for (const { field, kind, values } of keys) {
    if (kind === 'present') {
      add(bucket.byPresence, field);
      continue;
    }
    const id = `${kind}\u0000${field}`;
    let probe = bucket.probes.get(id);
    if (!probe) bucket.probes.set(id, (probe = { field, kind, steps: new Map() }));
    for (const v of values) add(probe.steps, probeKey(kind, v));
  }
}

/**
 * Calls `fn` with each key a (possibly multi-valued) field gives when read as `kind`, the
 * same key perhaps more than once: for values its strings and numbers, for affixes and
 * slices the text of each string, number or boolean (a wildcard matches a number's or a
 * boolean's text). A text too long to slice (GRAM_TEXT) calls `all` instead: every key may hold.
 */
function eachKey(kind: Probe['kind'], v: FieldValue, fn: (key: ProbeKey) => void, all: () => void): void {
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null) eachKey(kind, x, fn, all);
  } else if (kind === 'value') {
    if (typeof v === 'string' || typeof v === 'number') fn(keyOf(v));
  } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    const s = String(v);
    if (kind !== 'gram') fn(affixOf(kind, s));
    else if (s.length <= GRAM_TEXT) gramsOf(s, fn);
    else all();
  }
}

import { elements, type CompiledQuery, type FieldValue } from '../../eql/index.js';
import { formatTimestamp } from '../../normalize/index.js';
import { MissingEvents, type Candidate } from './missing.js';
import { MAX_STAGES, NearMissTracker } from './near-misses.js';
import type { Hit, QueryResult, QueryRunner } from './runner.js';
import { compareEvents, type TimelineEvent } from '../order/timeline.js';
import { ResultOut } from './results.js';

interface Stage {
  /** Index of the step, and its bit in the event's match mask. */
  index: number;
  bit: number;
}

interface Partial {
  /** Never empty: a partial sequence starts with its first step's event (so `events[0]!` and the last one hold). */
  events: TimelineEvent[];
  keys: FieldValue[];
}

/**
 * A join key with open partial sequences: its slot per stage, how many slots are filled, and
 * its place in the list of open keys, oldest first (unlinked in O(1) when it closes).
 */
interface OpenKey {
  key: string;
  slots: (Partial | undefined)[];
  filled: number;
  older: OpenKey | null;
  newer: OpenKey | null;
}

/** Told why a sequence did not advance (explain); the normal scan passes none. */
export interface SequenceTrace {
  /** An event matched stage `stage` but no partial sequence of its key waited at the stage before. */
  unmatched(ev: TimelineEvent, stage: number): void;
  /** An event matched stage `stage` too long after the partial sequence's first event. */
  expired(ev: TimelineEvent, stage: number, first: TimelineEvent): void;
  /** An `until` event ended open partial sequences of its key (their last events). */
  ended(ev: TimelineEvent, open: TimelineEvent[]): void;
}

/** How often (in pushed events) partial sequences past maxspan are swept out. */
const SWEEP_EVERY = 4096;

/** Join keys with open partial sequences kept per query by default (`--max-pending`). */
export const DEFAULT_MAX_PENDING = 100_000;

/**
 * Elasticsearch sequence semantics over events pushed in timeline order. Per join key there is
 * at most one partial sequence waiting at each stage: an event matching stage 0 starts a new one
 * (replacing an older one still at stage 0), an event matching stage N advances the partial
 * waiting at stage N-1, `maxspan` bounds first-to-last, `until` drops the key's partials.
 * Missing events (`![...]`) are left out of this matching and checked on each completed
 * candidate (see missing.ts). At most `maxPending` join keys hold partial sequences: past it
 * the key that opened first is dropped (and counted), so a rule without maxspan over a huge
 * input stays in bounded memory and says what it gave up. A key whose partial sequences all
 * completed, expired or ended holds none and frees its place at once: only open keys count.
 * The open keys are kept in a list by age as well as in the map, so dropping the oldest is
 * O(1) (a Map's first key is not: V8 walks over the holes its deletions left at the front).
 */
export class SequenceRunner implements QueryRunner {
  private readonly stages: Stage[] = [];
  private readonly state = new Map<string, OpenKey>();
  /** The open keys by age: `oldest` is dropped first. */
  private oldest: OpenKey | null = null;
  private newest: OpenKey | null = null;
  private readonly out: ResultOut;
  /**
   * With trailing missing events: results resolved but not yet emitted, by the event that
   * completed each (ties in the order they resolved); emitted once no candidate still
   * pending completed before them.
   */
  private resolved: (QueryResult & { done: TimelineEvent })[] = [];
  private readonly untilBit: number;
  private readonly missing: MissingEvents | null = null;
  /** The missing steps. */
  private readonly missingSteps: { bit: number; index: number }[] = [];
  /** Candidates waiting for their trailing missing slots' window to pass. */
  private pending: (Candidate & { keys: FieldValue[] })[] = [];
  private pushed = 0;
  private droppedKeys = 0;
  /** Watches for keys that matched every step but out of order or past maxspan (the scan's, not explain's). */
  readonly nearMisses: NearMissTracker | null = null;

  /** `emit` gets each result when it is final, in completion order (see QueryRunner). */
  constructor(private readonly query: CompiledQuery, private readonly trace?: SequenceTrace, private readonly maxPending = DEFAULT_MAX_PENDING, emit?: (r: QueryResult) => void, watchNearMisses = false) {
    this.out = new ResultOut(emit);
    query.steps.forEach((step, i) => {
      if (step.missing) this.missingSteps.push({ bit: 1 << i, index: i });
      else for (let r = 0; r < step.runs; r++) this.stages.push({ index: i, bit: 1 << i });
    });
    // A single positive step completes on every match: nothing to miss.
    if (watchNearMisses && this.stages.length > 1 && this.stages.length <= MAX_STAGES) this.nearMisses = new NearMissTracker(this.stages.map((s) => s.index), query.maxspan);
    if (this.missingSteps.length) this.missing = new MissingEvents(MissingEvents.slotsOf(query), query.maxspan);
    this.untilBit = 1 << query.steps.length;
  }

  /** Results come as their last event is pushed, unless trailing missing events hold them back. */
  get streams(): boolean {
    return !this.missing?.hasTrailing;
  }

  push(ev: TimelineEvent, hit: Hit): void {
    const { maxspan } = this.query;
    const mask = hit.mask;
    if (this.pending.length) this.flush(ev.ts);
    if (maxspan !== null && ++this.pushed % SWEEP_EVERY === 0) this.sweep(ev.ts - maxspan);
    if (this.missing) {
      for (const { bit, index } of this.missingSteps) {
        if (!(mask & bit)) continue;
        for (const keys of hit.tuples[index] ?? []) this.missing.record(ev, bit, keyOf(keys));
      }
    }
    const last = this.stages.length - 1;
    // Last stage first, so one event never fills two consecutive stages of the same sequence.
    for (let s = last; s >= 0; s--) {
      const stage = this.stages[s];
      if (!stage || !(mask & stage.bit)) continue;
      for (const keys of hit.tuples[stage.index] ?? []) {
        const key = keyOf(keys);
        this.advance(s, ev, keys, key);
        this.nearMisses?.see(s, ev, key, keys);
      }
    }
    // `until` ends the key's open partial sequences, but one this very event completed stands
    // (Elasticsearch's sequenceWithOptionalFieldsAndUntil_1/_2).
    if (mask & this.untilBit) {
      for (const keys of hit.tuples[this.query.steps.length] ?? []) {
        const key = keyOf(keys);
        const open = this.state.get(key);
        if (this.trace) this.trace.ended(ev, (open?.slots ?? []).flatMap((p) => (p ? [p.events[p.events.length - 1]!] : [])));
        if (open) this.close(open);
        this.nearMisses?.ended(key);
      }
    }
  }

  private advance(s: number, ev: TimelineEvent, keys: FieldValue[], key: string): void {
    let open = this.state.get(key);
    if (s === 0) {
      // A single positive query (the rest missing events): each match is a candidate.
      if (this.stages.length === 1) return this.complete([ev], keys, key);
      if (!open) {
        if (this.state.size >= this.maxPending) this.dropOldest();
        open = this.open(key);
      }
      this.fill(open, 0, { events: [ev], keys });
      return;
    }
    const prev = open?.slots[s - 1];
    if (!open || !prev) return this.trace?.unmatched(ev, s);
    const { maxspan } = this.query;
    if (maxspan !== null && ev.ts - prev.events[0]!.ts > maxspan) {
      this.empty(open, s - 1);
      return this.trace?.expired(ev, s, prev.events[0]!);
    }
    const events = [...prev.events, ev];
    // Moved on before the slot it left is emptied, so the key stays open (and keeps its age).
    if (s < this.stages.length - 1) this.fill(open, s, { events, keys });
    this.empty(open, s - 1);
    if (s === this.stages.length - 1) this.complete(events, keys, key);
  }

  /** A new open key, the newest. */
  private open(key: string): OpenKey {
    const open: OpenKey = { key, slots: new Array(this.stages.length), filled: 0, older: this.newest, newer: null };
    if (this.newest) this.newest.newer = open;
    else this.oldest = open;
    this.newest = open;
    this.state.set(key, open);
    return open;
  }

  /** Forgets a key and its partial sequences. */
  private close(open: OpenKey): void {
    if (open.older) open.older.newer = open.newer;
    else this.oldest = open.newer;
    if (open.newer) open.newer.older = open.older;
    else this.newest = open.older;
    open.older = open.newer = null;
    this.state.delete(open.key);
  }

  private fill(open: OpenKey, slot: number, p: Partial): void {
    if (!open.slots[slot]) open.filled++;
    open.slots[slot] = p;
  }

  /** Empties a slot; a key left with none is closed. */
  private empty(open: OpenKey, slot: number): void {
    if (!open.slots[slot]) return;
    open.slots[slot] = undefined;
    if (--open.filled === 0) this.close(open);
  }

  private complete(positives: TimelineEvent[], instants: FieldValue[], key: string): void {
    this.nearMisses?.completed(key);
    // Date keys join on epoch millis and show as ISO-8601, as Elasticsearch returns sequence keys.
    const last = this.stages.at(-1);
    const dateKeys = (last && this.query.steps[last.index]?.dateKeys) ?? [];
    const keys = instants.map((k, i) => (dateKeys[i] && typeof k === 'number' ? formatTimestamp(k) : k));
    if (!this.missing) {
      this.out.put({ events: positives, joinKeys: keys });
      return;
    }
    const { maxspan } = this.query;
    const candidate = { positives, key, keys, deadline: maxspan === null ? Infinity : positives[0]!.ts + maxspan };
    if (this.missing.hasTrailing) this.pending.push(candidate);
    else this.resolve(candidate);
  }

  private resolve(c: Candidate & { keys: FieldValue[] }): void {
    const events = this.missing!.resolve(c);
    if (!events) return;
    if (!this.missing!.hasTrailing) return this.out.put({ events, joinKeys: c.keys });
    // Deferred candidates resolve late: kept in the order in which they completed.
    // A candidate holds one event per positive step, at least one.
    const r = { events, joinKeys: c.keys, done: c.positives[c.positives.length - 1]! };
    let lo = 0;
    let hi = this.resolved.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const at = this.resolved[mid];
      if (at && compareEvents(at.done, r.done) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.resolved.splice(lo, 0, r);
  }

  /** Resolves the candidates whose trailing window closed before `now`, and emits what no pending one precedes. */
  private flush(now: number): void {
    const ready = this.pending.filter((c) => c.deadline < now);
    if (ready.length === 0) return;
    this.pending = this.pending.filter((c) => c.deadline >= now);
    for (const c of ready) this.resolve(c);
    // Pending candidates are in completion order: the first completed before any other.
    const first = this.pending[0]?.positives.at(-1);
    const n = first ? this.resolved.findIndex((r) => compareEvents(r.done, first) > 0) : -1;
    for (const { events, joinKeys } of this.resolved.splice(0, n === -1 ? this.resolved.length : n)) this.out.put({ events, joinKeys });
  }

  finish(): QueryResult[] {
    this.flush(Infinity);
    this.state.clear();
    this.oldest = this.newest = null;
    return this.out.take();
  }

  /** Drops the partial sequences of the key that opened first. */
  private dropOldest(): void {
    if (!this.oldest) return;
    this.close(this.oldest);
    this.droppedKeys++;
  }

  /** Join keys whose partial sequences were dropped to stay within maxPending. */
  dropped(): number {
    return this.droppedKeys;
  }

  /** Drops partial sequences that started before `oldest`: they can never complete. */
  private sweep(oldest: number): void {
    this.missing?.prune(oldest);
    for (let open = this.oldest; open; ) {
      const newer = open.newer;
      for (let i = 0; i < open.slots.length; i++) {
        const p = open.slots[i];
        if (p && p.events[0]!.ts < oldest) this.empty(open, i);
      }
      open = newer;
    }
  }
}

/**
 * The key tuples an event joins under. A multi-valued key joins under each of its distinct
 * non-null values (several multi-valued keys: every combination). A missing or null key
 * leaves the event out of the sequence, unless the key is an optional field (`?x`), which
 * joins under null.
 */
export function keyTuples(values: FieldValue[], optional: boolean[]): FieldValue[][] {
  if (values.every((v) => typeof v !== 'object')) return [values];
  let tuples: FieldValue[][] = [[]];
  for (const [i, value] of values.entries()) {
    const options = keyValues(value, optional[i] === true);
    if (options.length === 0) return [];
    tuples = tuples.flatMap((t) => options.map((o) => [...t, o]));
  }
  return tuples;
}

/** The distinct scalar values a key joins under; objects never join (Elasticsearch cannot key on them). */
function keyValues(v: FieldValue, optional: boolean): FieldValue[] {
  const out: FieldValue[] = [];
  const seen = new Set<string>();
  for (const x of elements(v)) {
    if (typeof x === 'object') continue;
    const k = JSON.stringify(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out.length === 0 && optional ? [null] : out;
}

/** Join keys as a map key; values keep their JSON type (1 and "1" differ). */
export function keyOf(keys: FieldValue[]): string {
  return keys.length === 0 ? '' : JSON.stringify(keys);
}

/** Join key values as text, as a user names them (`--key`, fixtures): strings as they are, others as JSON. */
export function keyText(keys: FieldValue[]): string[] {
  return keys.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

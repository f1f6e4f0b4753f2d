import type { CompiledQuery, CompiledStep, FieldValue } from '../eql/index.js';
import type { QueryResult, QueryRunner } from './runner.js';
import type { TimelineEvent } from './timeline.js';

interface Stage {
  step: CompiledStep;
  /** Bit of the step in the event's match mask. */
  bit: number;
}

interface Partial {
  events: TimelineEvent[];
  keys: FieldValue[];
}

/** How often (in pushed events) partial sequences past maxspan are swept out. */
const SWEEP_EVERY = 4096;

/**
 * Elasticsearch sequence semantics over events pushed in timeline order. Per join key there is
 * at most one partial sequence waiting at each stage: an event matching stage 0 starts a new one
 * (replacing an older one still at stage 0), an event matching stage N advances the partial
 * waiting at stage N-1, `maxspan` bounds first-to-last, `until` drops the key's partials.
 */
export class SequenceRunner implements QueryRunner {
  private readonly stages: Stage[] = [];
  private readonly state = new Map<string, (Partial | undefined)[]>();
  private readonly results: QueryResult[] = [];
  private readonly untilBit: number;
  private pushed = 0;

  constructor(private readonly query: CompiledQuery) {
    query.steps.forEach((step, i) => {
      for (let r = 0; r < step.runs; r++) this.stages.push({ step, bit: 1 << i });
    });
    this.untilBit = 1 << query.steps.length;
  }

  push(ev: TimelineEvent, mask: number): void {
    const { maxspan, until } = this.query;
    if (maxspan !== null && ++this.pushed % SWEEP_EVERY === 0) this.sweep(ev.ts - maxspan);
    const last = this.stages.length - 1;
    // Last stage first, so one event never fills two consecutive stages of the same sequence.
    for (let s = last; s >= 0; s--) {
      const stage = this.stages[s]!;
      if (!(mask & stage.bit)) continue;
      for (const keys of keyTuples(stage.step.keys(ev.view), stage.step.optionalKeys)) this.advance(s, ev, keys);
    }
    // `until` ends the key's open partial sequences, but one this very event completed stands
    // (Elasticsearch's sequenceWithOptionalFieldsAndUntil_1/_2).
    if (until && mask & this.untilBit) {
      for (const keys of keyTuples(until.keys(ev.view), until.optionalKeys)) this.state.delete(keyOf(keys));
    }
  }

  private advance(s: number, ev: TimelineEvent, keys: FieldValue[]): void {
    const key = keyOf(keys);
    let slots = this.state.get(key);
    if (s === 0) {
      if (!slots) this.state.set(key, (slots = new Array(this.stages.length)));
      slots[0] = { events: [ev], keys };
      return;
    }
    const prev = slots?.[s - 1];
    if (!prev) return;
    slots![s - 1] = undefined;
    const { maxspan } = this.query;
    if (maxspan !== null && ev.ts - prev.events[0]!.ts > maxspan) return;
    const next = { events: [...prev.events, ev], keys };
    if (s === this.stages.length - 1) this.results.push({ events: next.events, joinKeys: keys });
    else slots![s] = next;
  }

  finish(): QueryResult[] {
    this.state.clear();
    return this.results;
  }

  /** Drops partial sequences that started before `oldest`: they can never complete. */
  private sweep(oldest: number): void {
    for (const [key, slots] of this.state) {
      let alive = false;
      for (let i = 0; i < slots.length; i++) {
        const p = slots[i];
        if (p && p.events[0]!.ts < oldest) slots[i] = undefined;
        else if (p) alive = true;
      }
      if (!alive) this.state.delete(key);
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
  if (values.every((v) => v !== null && !Array.isArray(v))) return [values];
  let tuples: FieldValue[][] = [[]];
  for (let i = 0; i < values.length; i++) {
    const options = keyValues(values[i]!, optional[i] === true);
    if (options.length === 0) return [];
    tuples = tuples.flatMap((t) => options.map((o) => [...t, o]));
  }
  return tuples;
}

function keyValues(v: FieldValue, optional: boolean): FieldValue[] {
  const out: FieldValue[] = [];
  if (Array.isArray(v)) {
    const seen = new Set<string>();
    for (const x of v) {
      const k = JSON.stringify(x);
      if (x !== null && !seen.has(k)) {
        seen.add(k);
        out.push(x);
      }
    }
  } else if (v !== null) {
    out.push(v);
  }
  return out.length === 0 && optional ? [null] : out;
}

/** Join keys as a map key; values keep their JSON type (1 and "1" differ). */
export function keyOf(keys: FieldValue[]): string {
  return keys.length === 0 ? '' : JSON.stringify(keys);
}

import type { CompiledQuery, EventView, FieldValue } from '../eql/index.js';
import { SampleRunner } from './sample.js';
import { keyTuples, SequenceRunner } from './sequence.js';
import type { TimelineEvent } from './timeline.js';

/** One result: a completed sequence, or one event for an event query. */
export interface QueryResult {
  events: TimelineEvent[];
  joinKeys: FieldValue[];
}

/**
 * What one event means to one query: bit i of `mask` when it satisfies step i (bit
 * steps.length for `until`), and for each such step the join-key tuples it joins under
 * (scalars only, see keyTuples), computed once when the event is read so that nothing
 * downstream needs the document.
 */
export interface Hit {
  mask: number;
  tuples: (FieldValue[][] | undefined)[];
}

/** Consumes events in timeline order with what they mean to the query; returns results at the end. */
export interface QueryRunner {
  push(ev: TimelineEvent, hit: Hit): void;
  finish(): QueryResult[];
  /** Join keys whose partial sequences were dropped at the pending bound (sequences only). */
  dropped(): number;
}

/** The event's Hit for a query, or null when it satisfies no step (nor `until`). */
export function stepHit(query: CompiledQuery, view: EventView): Hit | null {
  let mask = 0;
  const steps = query.steps;
  for (let i = 0; i < steps.length; i++) if (steps[i]?.matches(view)) mask |= 1 << i;
  if (query.until?.matches(view)) mask |= 1 << steps.length;
  return mask === 0 ? null : hitOf(query, view, mask);
}

/** The Hit of an event whose step mask for the query is known (not 0). */
export function hitOf(query: CompiledQuery, view: EventView, mask: number): Hit {
  const steps = query.steps;
  const tuples: (FieldValue[][] | undefined)[] = [];
  if (query.type !== 'event') {
    for (let i = 0; i <= steps.length; i++) {
      const step = i === steps.length ? query.until : steps[i];
      if (step && mask & (1 << i)) tuples[i] = keyTuples(step.keys(view), step.optionalKeys);
    }
  }
  return { mask, tuples };
}

class EventRunner implements QueryRunner {
  private readonly results: QueryResult[] = [];
  dropped(): number {
    return 0;
  }
  push(ev: TimelineEvent, hit: Hit): void {
    if (hit.mask & 1) this.results.push({ events: [ev], joinKeys: [] });
  }
  finish(): QueryResult[] {
    return this.results;
  }
}

/** Applies `| head N` and `| tail N` in order. */
function applyPipes(query: CompiledQuery, results: QueryResult[]): QueryResult[] {
  let out = results;
  for (const p of query.pipes) out = p.kind === 'head' ? out.slice(0, p.count) : out.slice(Math.max(0, out.length - p.count));
  return out;
}

export function createRunner(query: CompiledQuery, opts: { maxSamplesPerKey?: number; maxPending?: number } = {}): QueryRunner {
  let inner: QueryRunner;
  if (query.type === 'event') inner = new EventRunner();
  else if (query.type === 'sequence') inner = new SequenceRunner(query, undefined, opts.maxPending);
  else inner = new SampleRunner(query, opts.maxSamplesPerKey ?? 1);
  return { push: (ev, hit) => inner.push(ev, hit), finish: () => applyPipes(query, inner.finish()), dropped: () => inner.dropped() };
}

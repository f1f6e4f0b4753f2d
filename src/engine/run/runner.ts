import type { CompiledQuery, EventView, FieldValue } from '../../eql/index.js';
import { SampleRunner } from './sample.js';
import type { NearMissTracker } from './near-misses.js';
import { ResultOut } from './results.js';
import { keyTuples, SequenceRunner } from './sequence.js';
import type { TimelineEvent } from '../order/timeline.js';

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

/**
 * Consumes events in timeline order with what they mean to the query. Results go to the
 * runner's `emit` as they are final (createRunner), in the order `finish` would have listed
 * them; without `emit`, `finish` returns them.
 */
export interface QueryRunner {
  push(ev: TimelineEvent, hit: Hit): void;
  /** Ends the input: the results still held are emitted (or, without `emit`, all are returned). */
  finish(): QueryResult[];
  /** Join keys whose partial sequences were dropped at the pending bound (sequences only). */
  dropped(): number;
  /**
   * True when every result is emitted while the event that completes it (its last) is pushed:
   * results then come in timeline order of their last event, none after a later push.
   */
  readonly streams?: boolean;
  /** Sequences with `nearMisses` asked of createRunner: the tracker, read after `finish`. */
  readonly nearMisses?: NearMissTracker | null;
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
  readonly streams = true;
  constructor(private readonly out: (r: QueryResult) => void) {}
  dropped(): number {
    return 0;
  }
  push(ev: TimelineEvent, hit: Hit): void {
    if (hit.mask & 1) this.out({ events: [ev], joinKeys: [] });
  }
  finish(): QueryResult[] {
    return [];
  }
}

/** One pipe as a stage results flow through: `end` passes on what it held. */
interface Stage {
  put(r: QueryResult): void;
  end(): void;
}

/** `| head N` and `| tail N` in order, as stages: head passes the first N on, tail holds the last N until the end. */
function pipeline(query: CompiledQuery, last: Stage): Stage {
  let next = last;
  for (const p of [...query.pipes].reverse()) {
    const to = next;
    if (p.kind === 'head') {
      let n = 0;
      next = { put: (r) => { if (n < p.count) { n++; to.put(r); } }, end: () => to.end() };
    } else {
      let held: QueryResult[] = [];
      let start = 0;
      next = {
        put: (r) => {
          held.push(r);
          if (held.length - start > p.count) start++;
          // Compacted now and then, so holding the last N costs O(1) a result.
          if (start > 1024 && start * 2 > held.length) {
            held = held.slice(start);
            start = 0;
          }
        },
        end: () => {
          for (const r of held.slice(start)) to.put(r);
          held = [];
          to.end();
        },
      };
    }
  }
  return next;
}

/**
 * The runner of a query. With `emit`, each result goes there as soon as it is final (after
 * the pipes), and `finish` returns nothing; without, `finish` returns them all.
 */
export function createRunner(query: CompiledQuery, opts: { maxSamplesPerKey?: number; maxPending?: number; emit?: (r: QueryResult) => void; nearMisses?: boolean } = {}): QueryRunner {
  const out = new ResultOut(opts.emit);
  const stages = pipeline(query, { put: (r) => out.put(r), end: () => {} });
  const put = (r: QueryResult) => stages.put(r);
  let inner: QueryRunner;
  if (query.type === 'event') inner = new EventRunner(put);
  else if (query.type === 'sequence') inner = new SequenceRunner(query, undefined, opts.maxPending, put, opts.nearMisses);
  else inner = new SampleRunner(query, opts.maxSamplesPerKey ?? 1, put);
  const streams = inner.streams === true && query.pipes.every((p) => p.kind === 'head');
  return {
    streams,
    push: (ev, hit) => inner.push(ev, hit),
    finish: () => {
      inner.finish();
      stages.end();
      return out.take();
    },
    dropped: () => inner.dropped(),
    nearMisses: inner.nearMisses ?? null,
  };
}

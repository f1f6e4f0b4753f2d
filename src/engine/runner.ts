import type { CompiledQuery, EventView, FieldValue } from '../eql/index.js';
import { SampleRunner } from './sample.js';
import { SequenceRunner } from './sequence.js';
import type { TimelineEvent } from './timeline.js';

/** One result: a completed sequence, or one event for an event query. */
export interface QueryResult {
  events: TimelineEvent[];
  joinKeys: FieldValue[];
}

/** Consumes events in timeline order with their step mask; returns results at the end. */
export interface QueryRunner {
  push(ev: TimelineEvent, mask: number): void;
  finish(): QueryResult[];
}

/** Bit i set when the event satisfies step i; bit steps.length for `until`. */
export function stepMask(query: CompiledQuery, view: EventView): number {
  let mask = 0;
  const steps = query.steps;
  for (let i = 0; i < steps.length; i++) if (steps[i]?.matches(view)) mask |= 1 << i;
  if (query.until?.matches(view)) mask |= 1 << steps.length;
  return mask;
}

class EventRunner implements QueryRunner {
  private readonly results: QueryResult[] = [];
  push(ev: TimelineEvent, mask: number): void {
    if (mask & 1) this.results.push({ events: [ev], joinKeys: [] });
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

export function createRunner(query: CompiledQuery, opts: { maxSamplesPerKey?: number } = {}): QueryRunner {
  let inner: QueryRunner;
  if (query.type === 'event') inner = new EventRunner();
  else if (query.type === 'sequence') inner = new SequenceRunner(query);
  else inner = new SampleRunner(query, opts.maxSamplesPerKey ?? 1);
  return { push: (ev, mask) => inner.push(ev, mask), finish: () => applyPipes(query, inner.finish()) };
}

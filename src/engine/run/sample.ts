import type { CompiledQuery, FieldValue } from '../../eql/index.js';
import { ResultOut } from './results.js';
import type { Hit, QueryResult, QueryRunner } from './runner.js';
import { comparePosition, compareValues, type TimelineEvent } from '../order/timeline.js';

interface Group {
  keys: FieldValue[];
  /** Per step, the events that match it under this key, in input order. */
  candidates: TimelineEvent[][];
}

/**
 * Elasticsearch `sample by` semantics: events are grouped by join key, with no ordering or
 * time window between the steps; a key yields a sample when every step has an event, using
 * distinct events, up to `maxPerKey` samples (combinations in input order). Samples come out
 * in ascending key order, null first.
 */
export class SampleRunner implements QueryRunner {
  private readonly groups = new Map<string, Group>();
  /** Enough candidates per step to build maxPerKey samples of distinct events. */
  private readonly cap: number;

  private readonly out: ResultOut;

  /** Samples are final at the end only: `emit` gets them from `finish`, in key order. */
  constructor(private readonly query: CompiledQuery, private readonly maxPerKey: number, emit?: (r: QueryResult) => void) {
    this.cap = maxPerKey + query.steps.length;
    this.out = new ResultOut(emit);
  }

  push(ev: TimelineEvent, hit: Hit): void {
    const steps = this.query.steps;
    steps.forEach((_step, i) => {
      if (!(hit.mask & (1 << i))) return;
      for (const keys of hit.tuples[i] ?? []) {
        const id = JSON.stringify(keys);
        let group = this.groups.get(id);
        if (!group) this.groups.set(id, (group = { keys, candidates: steps.map(() => []) }));
        const list = group.candidates[i];
        if (list && list.length < this.cap) list.push(ev);
      }
    });
  }

  /** Samples drop nothing (their groups, one per join key, are not bounded). */
  dropped(): number {
    return 0;
  }

  finish(): QueryResult[] {
    const groups = [...this.groups.values()].sort((a, b) => compareKeys(a.keys, b.keys));
    this.groups.clear();
    for (const g of groups) {
      const lists = g.candidates.map((c) => [...c].sort(comparePosition));
      for (const events of combinations(lists, this.maxPerKey)) this.out.put({ events, joinKeys: g.keys });
    }
    return this.out.take();
  }
}


/** Up to `limit` picks of one event per list, first list varying slowest, no event twice. */
function combinations(lists: TimelineEvent[][], limit: number): TimelineEvent[][] {
  const out: TimelineEvent[][] = [];
  const pick: TimelineEvent[] = [];
  const walk = (i: number): void => {
    if (out.length >= limit) return;
    if (i === lists.length) {
      out.push([...pick]);
      return;
    }
    for (const ev of lists[i] ?? []) {
      if (pick.includes(ev)) continue;
      pick.push(ev);
      walk(i + 1);
      pick.pop();
      if (out.length >= limit) return;
    }
  };
  walk(0);
  return out;
}

/** Ascending by each key in turn (timeline.ts compareValues). */
function compareKeys(a: FieldValue[], b: FieldValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

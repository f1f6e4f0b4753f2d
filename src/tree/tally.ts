import { EVENT_KINDS, type EventKind, type EventSample, type EventTally } from './types.js';

/** Events listed per kind under a process; the rest are counted. */
export const LISTED_PER_KIND = 3;

/** A sample with what orders it: time, then the order it was read in. */
export interface TimedSample {
  ms: number;
  seq: number;
  sample: EventSample;
}

function before(a: TimedSample, b: TimedSample): boolean {
  // Events without a time sort after those with one.
  const am = Number.isNaN(a.ms) ? Infinity : a.ms;
  const bm = Number.isNaN(b.ms) ? Infinity : b.ms;
  return am < bm || (am === bm && a.seq < b.seq);
}

/** One process's events: a count per kind and the earliest LISTED_PER_KIND of each (bounded whatever the count). */
export class EventTallies {
  private readonly kinds = new Map<EventKind, { count: number; first: TimedSample[] }>();

  add(kind: EventKind, s: TimedSample): void {
    let t = this.kinds.get(kind);
    if (!t) this.kinds.set(kind, (t = { count: 0, first: [] }));
    t.count++;
    const at = t.first.findIndex((x) => before(s, x));
    if (at === -1) {
      if (t.first.length < LISTED_PER_KIND) t.first.push(s);
      return;
    }
    t.first.splice(at, 0, s);
    if (t.first.length > LISTED_PER_KIND) t.first.pop();
  }

  result(): Record<EventKind, EventTally> {
    const out = {} as Record<EventKind, EventTally>;
    for (const k of EVENT_KINDS) {
      const t = this.kinds.get(k);
      out[k] = { count: t?.count ?? 0, first: t?.first.map((x) => x.sample) ?? [] };
    }
    return out;
  }
}

/**
 * Counts per key with a cap on distinct keys: keys come from the data (host names,
 * categories), and a hostile input must not grow memory without bound. Past the cap,
 * new keys count under OTHER.
 */
const OTHER = '(other)';

export class Tally {
  readonly counts = new Map<string, number>();
  constructor(private readonly maxKeys = 1000) {}

  add(key: string, n = 1): void {
    const had = this.counts.get(key);
    if (had !== undefined) this.counts.set(key, had + n);
    else if (this.counts.size < this.maxKeys) this.counts.set(key, n);
    else this.counts.set(OTHER, (this.counts.get(OTHER) ?? 0) + n);
  }

  /** Largest first, ties by key. */
  sorted(): { key: string; count: number }[] {
    return [...this.counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** The kind of a bad-line reason, without its details: "invalid JSON: Unexpected token…" → "invalid JSON". */
export function reasonKind(reason: string): string {
  const cut = reason.search(/[:(]/);
  return (cut < 0 ? reason : reason.slice(0, cut)).trim();
}

/**
 * What a unit of work read, reported in batches: plain data (Maps clone across threads,
 * and keys such as `__proto__` stay inert in them).
 */
export interface EventTally {
  events: number;
  /** Events of hosts --host left out. */
  hostFiltered: number;
  /** Newest event time (epoch ms) not after CollectSettings.futureAfter, -Infinity before the first. */
  newest: number;
  /** Events dated after futureAfter, and the latest of their times (-Infinity when none). */
  future: number;
  furthest: number;
  hosts: Map<string, number>;
  categories: Map<string, number>;
  /** Windows event-log events without a category, per "channel event-id" (what no map covers). */
  unmapped: Map<string, number>;
}

export function emptyTally(): EventTally {
  return { events: 0, hostFiltered: 0, newest: -Infinity, future: 0, furthest: -Infinity, hosts: new Map(), categories: new Map(), unmapped: new Map() };
}

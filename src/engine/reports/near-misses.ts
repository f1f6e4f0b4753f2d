import type { InputSource } from '../../input/index.js';
import { formatTimestamp } from '../../normalize/index.js';
import { compareEvents, type TimelinePlace } from '../order/timeline.js';
import { NEAR_MAXSPAN, type NearMiss } from '../run/near-misses.js';
import type { QueryRunner } from '../run/runner.js';
import { keyText } from '../run/sequence.js';
import type { NearMisses } from '../types.js';

/** Near misses listed in the summary (all are counted). */
const LISTED = 20;

/**
 * The near misses of every sequence query, counted, and the first LISTED of them by the time
 * of their earliest event, then query order, then key: the same whatever the thread count, since
 * the runners see one timeline. Null when no query watched for them.
 */
export function nearMissReport(runners: QueryRunner[], queries: { name: string; compiled: { maxspan: number | null } }[], sources: InputSource[], lineOf: (e: TimelinePlace) => number): NearMisses | null {
  const all: { q: number; miss: NearMiss; first: TimelinePlace; key: string }[] = [];
  const counts = { 'out-of-order': 0, 'outside-maxspan': 0 };
  let watched = false;
  runners.forEach((r, q) => {
    if (!r.nearMisses) return;
    watched = true;
    const { nearMisses, uncounted } = r.nearMisses.finish();
    for (const miss of nearMisses) {
      counts[miss.kind]++;
      const first = miss.events.reduce((a, b) => (compareEvents(a, b) <= 0 ? a : b));
      all.push({ q, miss, first, key: JSON.stringify(keyText(miss.keys)) });
    }
    counts['out-of-order'] += uncounted['out-of-order'];
    counts['outside-maxspan'] += uncounted['outside-maxspan'];
  });
  if (!watched) return null;
  all.sort((a, b) => compareEvents(a.first, b.first) || a.q - b.q || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    outOfOrder: counts['out-of-order'],
    outsideMaxspan: counts['outside-maxspan'],
    margin: NEAR_MAXSPAN,
    listed: all.slice(0, LISTED).map(({ q, miss }) => {
      const query = queries[q];
      const maxspan = query?.compiled.maxspan;
      return {
        rule: query?.name ?? '', key: keyText(miss.keys), kind: miss.kind,
        ...(miss.spanMs === undefined || maxspan == null ? {} : { spanMs: miss.spanMs, maxspanMs: maxspan }),
        events: miss.events.map((e) => ({ file: sources[e.fileIndex]?.path ?? '', line: lineOf(e), timestamp: formatTimestamp(e.ts) })),
      };
    }),
  };
}

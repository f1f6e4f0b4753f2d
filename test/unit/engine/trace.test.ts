import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunner, type Hit, type TimelineEvent } from '../../../src/engine/index.js';
import { SequenceRunner } from '../../../src/engine/run/sequence.js';

// `sequence by k with maxspan=10ms [s == 1] [s == 2] until [s == 9]`, built by hand as in
// runners.test.ts: the runner sees steps only through their flags and the Hits it is pushed.
type Query = Parameters<typeof createRunner>[0];
const NO_AST = { filter: { category: null, condition: { type: 'Literal' as const, value: true, start: 0, end: 0 }, start: 0, end: 0 }, by: [], runs: 1, missing: false, start: 0, end: 0 };
const STEP = { matches: () => true, condition: () => true, category: null, keys: () => [], optionalKeys: [false], dateKeys: [false], runs: 1, missing: false, ast: NO_AST };
const QUERY: Query = {
  source: '', ast: { type: 'event', filter: NO_AST.filter, pipes: [], start: 0, end: 0 }, type: 'sequence',
  steps: [STEP, STEP], until: STEP, maxspan: 10, pipes: [], fields: [], categoryField: 'event.category', typedFields: [],
};

/** An event of key k that satisfies step `s` (1, 2, or 9 for until). */
function ev(line: number, ts: number, k: string, s: 1 | 2 | 9): { event: TimelineEvent; hit: Hit | null } {
  const index = s === 9 ? 2 : s - 1;
  const tuples: Hit['tuples'] = [];
  tuples[index] = [[k]];
  return { event: { ts, tiebreak: undefined, fileIndex: 0, part: 0, line, raw: '{}' }, hit: { mask: 1 << index, tuples } };
}

/** Runs the query with a trace over the events; returns what the trace heard and the results. */
function traced(events: { event: TimelineEvent; hit: Hit | null }[]) {
  const q = QUERY;
  const heard: string[] = [];
  const runner = new SequenceRunner(q, {
    unmatched: (e, stage) => heard.push(`unmatched ${e.line} stage ${stage}`),
    expired: (e, stage, first) => heard.push(`expired ${e.line} stage ${stage} first ${first.line}`),
    ended: (e, open) => heard.push(`ended ${e.line} open ${open.map((o) => o.line).join(',')}`),
  });
  const plain = createRunner(q);
  for (const { event, hit } of events) {
    if (!hit) continue;
    runner.push(event, hit);
    plain.push(event, hit);
  }
  const results = runner.finish().map((r) => r.events.map((e) => e.line));
  // The trace only listens: the plain runner gives the same results.
  assert.deepEqual(plain.finish().map((r) => r.events.map((e) => e.line)), results);
  return { heard, results };
}

test('sequence trace: order, maxspan and until are reported where the sequence stops', () => {
  const { heard, results } = traced([
    ev(1, 0, 'a', 2), // step 2 before any step 1: order
    ev(2, 1, 'a', 1),
    ev(3, 20, 'a', 2), // 19ms after line 2: past maxspan
    ev(4, 30, 'a', 1),
    ev(5, 31, 'a', 9), // until ends the partial of line 4
    ev(6, 32, 'a', 2),
    ev(7, 40, 'b', 1),
    ev(8, 41, 'b', 2), // completes
  ]);
  assert.deepEqual(heard, ['unmatched 1 stage 1', 'expired 3 stage 1 first 2', 'ended 5 open 4', 'unmatched 6 stage 1']);
  assert.deepEqual(results, [[7, 8]]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery, type FieldValue } from '../../../src/eql/index.js';
import { createRunner, stepMask, type TimelineEvent } from '../../../src/engine/index.js';
import { SequenceRunner } from '../../../src/engine/sequence.js';

function ev(line: number, ts: number, doc: Record<string, FieldValue>): TimelineEvent {
  return { ts, tiebreak: undefined, fileIndex: 0, line, view: { get: (p) => doc[p] }, source: doc };
}

const QUERY = 'sequence by k with maxspan=10ms [any where s == 1] [any where s == 2] until [any where s == 9]';

/** Runs the query with a trace over the events; returns what the trace heard and the results. */
function traced(events: TimelineEvent[]) {
  const q = compileQuery(QUERY);
  const heard: string[] = [];
  const runner = new SequenceRunner(q, {
    unmatched: (e, stage) => heard.push(`unmatched ${e.line} stage ${stage}`),
    expired: (e, stage, first) => heard.push(`expired ${e.line} stage ${stage} first ${first.line}`),
    ended: (e, open) => heard.push(`ended ${e.line} open ${open.map((o) => o.line).join(',')}`),
  });
  for (const e of events) runner.push(e, stepMask(q, e.view));
  const results = runner.finish().map((r) => r.events.map((e) => e.line));
  // The trace only listens: the plain runner gives the same results.
  const plain = createRunner(q);
  for (const e of events) plain.push(e, stepMask(q, e.view));
  assert.deepEqual(plain.finish().map((r) => r.events.map((e) => e.line)), results);
  return { heard, results };
}

test('sequence trace: order, maxspan and until are reported where the sequence stops', () => {
  const { heard, results } = traced([
    ev(1, 0, { k: 'a', s: 2 }), // step 2 before any step 1: order
    ev(2, 1, { k: 'a', s: 1 }),
    ev(3, 20, { k: 'a', s: 2 }), // 19ms after line 2: past maxspan
    ev(4, 30, { k: 'a', s: 1 }),
    ev(5, 31, { k: 'a', s: 9 }), // until ends the partial of line 4
    ev(6, 32, { k: 'a', s: 2 }),
    ev(7, 40, { k: 'b', s: 1 }),
    ev(8, 41, { k: 'b', s: 2 }), // completes
  ]);
  assert.deepEqual(heard, ['unmatched 1 stage 1', 'expired 3 stage 1 first 2', 'ended 5 open 4', 'unmatched 6 stage 1']);
  assert.deepEqual(results, [[7, 8]]);
});

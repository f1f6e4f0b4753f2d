import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createRunner, stepHit, type QueryRunner, type TimelineEvent } from '../../src/engine/index.js';
import { compileQuery } from '../../src/eql/index.js';

/**
 * Watching for near misses never changes a result: over random events of a few keys and
 * steps, a sequence runner that watches gives the results of one that does not, in the same
 * order; and a key it calls a near miss never made a result.
 */
const QUERIES = [
  'sequence by k [any where s == 1] [any where s == 2]',
  'sequence by k with maxspan=10ms [any where s == 1] [any where s == 2] [any where s == 3]',
  'sequence by k with maxspan=20ms [any where s == 1] [any where s == 2] until [any where s == 9]',
  'sequence by k [any where s == 1] [any where s == 2] until [any where s == 9]',
  'sequence by k [any where s == 1] with runs=2 [any where s == 2]',
  'sequence by k with maxspan=10ms [any where s == 1] ![any where s == 3] [any where s == 2]',
].map((q) => compileQuery(q));

const event = fc.record({ dt: fc.integer({ min: 0, max: 8 }), k: fc.constantFrom('a', 'b'), s: fc.constantFrom(1, 2, 3, 9) });

function runAll(runner: QueryRunner, q: (typeof QUERIES)[number], docs: { dt: number; k: string; s: number }[]) {
  let ts = 0;
  const out: string[] = [];
  docs.forEach((d, line) => {
    ts += d.dt;
    const ev: TimelineEvent = { ts, tiebreak: undefined, fileIndex: 0, part: 0, line: line + 1, raw: '' };
    const hit = stepHit(q, { get: (p) => (d as Record<string, string | number>)[p] });
    if (hit) runner.push(ev, hit);
  });
  for (const r of runner.finish()) out.push(JSON.stringify([r.joinKeys, r.events.map((e) => (e.missing ? 0 : e.line))]));
  return out;
}

test('near misses: watching changes no result, and no key with a result is a near miss', () => {
  fc.assert(fc.property(fc.nat({ max: QUERIES.length - 1 }), fc.array(event, { maxLength: 30 }), (qi, docs) => {
    const q = QUERIES[qi]!;
    const watching = createRunner(q, { nearMisses: true });
    const results = runAll(watching, q, docs);
    assert.deepEqual(results, runAll(createRunner(q), q, docs));
    const alerted = new Set(results.map((r) => JSON.stringify((JSON.parse(r) as unknown[])[0])));
    for (const m of watching.nearMisses!.finish().nearMisses) assert.ok(!alerted.has(JSON.stringify(m.keys)), `${m.kind} ${JSON.stringify(m.keys)} made a result`);
  }), { numRuns: 500, seed: 26 });
});

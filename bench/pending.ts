import { createRunner } from '../src/engine/index.js';
import { compileQuery } from '../src/eql/index.js';

/**
 * `node dist/bench/pending.js [KEYS] [MAX_PENDING]`: the sequence matcher alone, fed KEYS
 * distinct join keys that each open a partial sequence and never complete (a flood of
 * certutil starts), so past MAX_PENDING every new key drops the oldest. Prints wall
 * milliseconds. Before O(1) eviction (issue 22): 2,000,000 keys at 100,000 took 118 s here.
 */
const keys = Number(process.argv[2] ?? 2_000_000);
const maxPending = Number(process.argv[3] ?? 100_000);
const q = compileQuery('sequence by process.entity_id [process where true] [network where true]');
const runner = createRunner(q, { maxPending });
const started = performance.now();
for (let i = 0; i < keys; i++) {
  runner.push({ ts: i, tiebreak: undefined, fileIndex: 0, part: 0, line: i + 1, raw: '' }, { mask: 1, tuples: [[[`entity-${i}`]]] });
}
runner.finish();
console.log(JSON.stringify({ keys, maxPending, dropped: runner.dropped(), ms: Math.round(performance.now() - started) }));

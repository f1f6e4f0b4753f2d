import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { CandidateOrder } from '../../../src/engine/order/order.js';
import { compareEvents } from '../../../src/engine/order/timeline.js';
import type { Candidate } from '../../../src/engine/collect/collect.js';

const candidate = fc.record({
  ts: fc.integer({ min: 0, max: 50 }),
  tiebreak: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b')),
  fileIndex: fc.integer({ min: 0, max: 3 }),
  part: fc.integer({ min: 0, max: 2 }),
  line: fc.integer({ min: 1, max: 1_000_000 }),
  raw: fc.string({ maxLength: 40 }),
}).map(({ ts, tiebreak, fileIndex, part, line, raw }): Candidate => ({
  event: { ts: ts + 0.25, tiebreak, fileIndex, part, line, raw: JSON.stringify({ raw }) },
  hits: [[fileIndex, { mask: 1 + (line % 3), tuples: [[[raw, line]], undefined, [[null]]] }]],
}));

const identity = (c: Candidate) => JSON.stringify([c.event.ts, c.event.tiebreak ?? null, c.event.fileIndex, c.event.part, c.event.line, c.event.raw, c.hits]);

test('candidates come out in timeline order, the same in memory and spilled to any number of runs', async () => {
  // A temp folder of this test's own: other runs may be spilling into the system one.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-order-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  let spilledSomething = false;
  await fc.assert(fc.asyncProperty(fc.array(candidate, { maxLength: 200 }), fc.integer({ min: 1, max: 5000 }), async (list, budget) => {
    const memory = new CandidateOrder();
    const spilled = new CandidateOrder(budget);
    for (const c of list) {
      memory.add(c);
      spilled.add(c);
    }
    const a: string[] = [];
    let previous: Candidate | undefined;
    for await (const c of memory.ordered()) {
      if (previous) assert.ok(compareEvents(previous.event, c.event) <= 0, 'timeline order');
      previous = c;
      a.push(identity(c));
    }
    const b: string[] = [];
    for await (const c of spilled.ordered()) b.push(identity(c));
    spilledSomething ||= spilled.spills > 0;
    memory.dispose();
    spilled.dispose();
    assert.deepEqual(b, a);
    assert.equal(a.length, list.length);
  }), { numRuns: 60, seed: 12 });
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  assert.ok(spilledSomething, 'some runs spilled');
  assert.deepEqual(fs.readdirSync(tmp), [], 'temporary runs are removed');
  fs.rmdirSync(tmp);
});

test('orders of workers write runs into the main order\'s folder; adopted, they merge to the same timeline, and the folder goes with the main order', async () => {
  await fc.assert(fc.asyncProperty(fc.array(candidate, { maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 200, maxLength: 200 }), fc.integer({ min: 1, max: 5000 }), async (list, worker, budget) => {
    const memory = new CandidateOrder();
    const main = new CandidateOrder(budget);
    const dir = main.runFolder();
    const workers = [0, 1, 2].map((w) => new CandidateOrder(budget, { dir, prefix: `w${w}-` }));
    list.forEach((c, i) => {
      memory.add(c);
      workers[worker[i]!]!.add(c);
    });
    for (const w of workers) main.adopt(w.takeRuns());
    const want: string[] = [];
    for await (const c of memory.ordered()) want.push(identity(c));
    const got: string[] = [];
    for await (const c of main.ordered()) got.push(identity(c));
    main.dispose();
    assert.deepEqual(got, want);
    assert.equal(fs.existsSync(dir), false, 'the runs folder is removed');
  }), { numRuns: 40, seed: 7 });
});

test('more runs than are merged at once are merged in rounds, to the same timeline', async () => {
  // Budget 1: every candidate is a run of its own, 300 runs against 64 merged at once.
  const list = fc.sample(candidate, { numRuns: 300, seed: 3 });
  const memory = new CandidateOrder();
  const spilled = new CandidateOrder(1);
  for (const c of list) {
    memory.add(c);
    spilled.add(c);
  }
  assert.equal(spilled.spills, 300);
  const want: string[] = [];
  for await (const c of memory.ordered()) want.push(identity(c));
  const got: string[] = [];
  for await (const c of spilled.ordered()) got.push(identity(c));
  assert.ok(spilled.spills <= 64, `merged in rounds down to ${spilled.spills} runs`);
  spilled.dispose();
  assert.deepEqual(got, want);
});

import { parentPort, threadId, workerData } from 'node:worker_threads';
import { collectUnit, type WorkUnit } from '../collect/collect.js';
import { CandidateOrder } from '../order/order.js';
import { compileAll, type WorkerInit, type WorkerMessage } from './pool.js';
import type { EventTally } from '../reports/tally.js';

/**
 * A worker of the pool (pool.ts): compiles the queries once, then runs the per-line stage
 * for each unit it is sent, ordering its candidates into runs in the main thread's folder
 * (handed over at each unit's end: order.ts) and sending counts back in batches.
 */
const init = workerData as WorkerInit;
const queries = compileAll(init);
if (parentPort === null) throw new Error('worker.ts runs only as a worker thread of pool.ts');
const port = parentPort;
const order = new CandidateOrder(init.runs.budget, { dir: init.runs.dir, prefix: `w${threadId}-` });
const BATCH = 256;
const TALLY_BATCHES = 32;

port.on('message', ({ id, unit }: { id: number; unit: WorkUnit }) => {
  let candidates = 0;
  let tallies: EventTally[] = [];
  let unparsed = 0;
  let bytes = 0;
  const send = (m: WorkerMessage) => port.postMessage(m);
  const flush = () => {
    if (candidates) send({ kind: 'candidates', n: candidates });
    for (const tally of tallies) send({ kind: 'events', tally });
    if (unparsed) send({ kind: 'unparsed', n: unparsed });
    if (bytes) send({ kind: 'bytes', n: bytes });
    candidates = 0;
    tallies = [];
    unparsed = 0;
    bytes = 0;
  };
  collectUnit(unit, queries, init.settings, {
    candidate: (c) => {
      order.add(c);
      if (++candidates >= BATCH) flush();
    },
    problem: (problem) => send({ kind: 'problem', unit: id, problem }),
    // Counts go back every few batches too, so a large file with few candidates holds no
    // growing list and the progress line keeps moving.
    events: (t) => {
      tallies.push(t);
      if (tallies.length >= TALLY_BATCHES) flush();
    },
    unparsed: (n) => { unparsed += n; },
    bytes: (n) => { bytes += n; },
    fields: (report) => send({ kind: 'fields', report }),
  }).then(
    (result) => {
      flush();
      send({ kind: 'runs', files: order.takeRuns() });
      send({ kind: 'done', unit: id, result });
    },
    (err: Error) => send({ kind: 'failed', unit: id, message: err.stack ?? String(err) }),
  );
});

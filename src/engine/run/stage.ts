import { TextReader } from '../../input/index.js';
import type { CandidateOrder } from '../order/order.js';
import { DEFAULT_ORDER_BUDGET } from '../order/order.js';
import type { SummaryBuilder } from '../reports/summary-builder.js';
import type { ScanOptions } from '../scan.js';
import type { Alert, InputProblem, NearMisses } from '../types.js';
import { ResultQueues } from './alerts.js';
import { toAlert, type EvidenceSource } from './evidence.js';
import { createRunner, type QueryResult, type QueryRunner } from './runner.js';
import { DEFAULT_MAX_PENDING } from './sequence.js';
import type { Collected } from '../collect/stage.js';
import { nearMissReport } from '../reports/near-misses.js';

/**
 * The run stage: each query's runner over the ordered candidates inside the window, results
 * written in output order (by completion across queries) to `deliver`. Returns the alerts
 * per query, a warning per query whose partial sequences --max-pending dropped, and the
 * sequences that matched every step but out of order or just outside maxspan.
 */
export async function runQueries(opts: ScanOptions, order: CandidateOrder, collected: Collected, inside: (ts: number) => boolean, summary: SummaryBuilder, deliver: (a: Alert) => void | Promise<void>): Promise<{ counts: number[]; warnings: string[]; nearMisses: NearMisses | null }> {
  const reader = new TextReader();
  const queues = new ResultQueues(opts.queries.length, opts.maxMemory ?? DEFAULT_ORDER_BUDGET, () => order.runFolder());
  try {
    const evidence: EvidenceSource = {
      sources: opts.sources,
      lineOf: collected.lineOf,
      reader,
      // Evidence that no longer reads as it was scanned is a file error: the alert stands, its text does not.
      changed: (file, line) => summary.count(changedProblem(file, line), true),
    };
    const counts = opts.queries.map(() => 0);
    const write = async ([qi, r]: [number, QueryResult]) => {
      const q = opts.queries[qi];
      // Queues are numbered by the queries they were made for: an alert is never dropped quietly.
      if (q === undefined) throw new Error(`a result of query ${qi}, of ${opts.queries.length}`);
      counts[qi] = (counts[qi] ?? 0) + 1;
      summary.summary.alerts++;
      const pending = deliver(toAlert(r, q, evidence));
      if (pending) await pending;
    };
    const runners: QueryRunner[] = opts.queries.map((q, qi) => createRunner(q.compiled, {
      ...(opts.maxSamplesPerKey ? { maxSamplesPerKey: opts.maxSamplesPerKey } : {}),
      ...(opts.maxPending ? { maxPending: opts.maxPending } : {}),
      emit: (r) => queues.add(qi, r),
      // Explain takes rules, not ad-hoc queries: only rules are watched for near misses.
      nearMisses: q.rule !== undefined,
    }));
    // When every runner emits a result as its last event is pushed, what they emitted for
    // this event is final: written now, query by query. Otherwise (samples, `tail`, trailing
    // missing events) results wait in the queues until the end.
    const streaming = runners.every((r) => r.streams);
    for await (const c of order.ordered()) {
      if (!inside(c.event.ts)) continue;
      for (const [q, hit] of c.hits) runners[q]?.push(c.event, hit);
      if (streaming && queues.waiting && !queues.spilled) for (const item of queues.takeHeld()) await write(item);
    }
    for (const r of runners) r.finish();
    for await (const item of queues.merge()) await write(item);
    const warnings: string[] = [];
    runners.forEach((r, qi) => {
      const dropped = r.dropped();
      // Only keys with open partial sequences count (sequence.ts): each drop lost a sequence in progress.
      if (dropped) warnings.push(`${opts.queries[qi]?.name}: dropped the partial sequences of ${dropped} join keys, oldest first, to keep at most ${opts.maxPending ?? DEFAULT_MAX_PENDING} keys with open partial sequences (--max-pending); a sequence one of them would have completed is not reported`);
    });
    return { counts, warnings, nearMisses: nearMissReport(runners, opts.queries, opts.sources, collected.lineOf) };
  } finally {
    reader.close();
    queues.dispose();
  }
}

function changedProblem(file: string, line: number): InputProblem {
  return { kind: 'file', file, line, reason: 'changed after it was scanned (this line no longer holds the text that matched): its evidence is not reported' };
}

import fs from 'node:fs';
import path from 'node:path';
import { decodeEvent, encodeEvent, readLines, writeLines, type EncodedEvent } from '../order/order.js';
import type { QueryResult } from './runner.js';
import { compareEvents, type TimelineEvent } from '../order/timeline.js';

/** Heap bytes of a held result, roughly: its objects, the kept texts and the string keys. */
function sizeOf(r: QueryResult): number {
  let n = 64 + 16 * r.joinKeys.length;
  for (const k of r.joinKeys) if (typeof k === 'string') n += 2 * k.length;
  for (const e of r.events) n += 160 + 2 * e.raw.length + (typeof e.tiebreak === 'string' ? 2 * e.tiebreak.length : 0);
  return n;
}

/** The event whose place orders a result among the other queries' (ResultQueues.merge). */
// A result holds the events that completed its query: never none.
const lastOf = (r: QueryResult): TimelineEvent => r.events[r.events.length - 1]!;

/** One query's results: those held in memory (and their rough bytes), and its spill file once it has one. */
interface Queue {
  held: QueryResult[];
  bytes: number;
  file: string | null;
  fd: number | null;
}

/**
 * Each query's results in its runner's order until they can be written. They are held in
 * memory up to a share of the budget; past it they are appended, compactly (an event read
 * from a plain file is its place and span, not its text), to a file in the candidate order's
 * folder (`folder`: order.ts runFolder, removed with it, on exit and on Ctrl-C too). So
 * alerts that cannot be written yet (another query's earlier ones may still come) take
 * bounded memory however many there are.
 */
export class ResultQueues {
  private readonly queues: Queue[];
  private readonly share: number;
  private heldCount = 0;

  constructor(queries: number, budget: number, private readonly folder: () => string) {
    this.queues = Array.from({ length: queries }, () => ({ held: [], bytes: 0, file: null, fd: null }));
    this.share = Math.max(4096, Math.floor(budget / Math.max(1, queries)));
  }

  add(q: number, r: QueryResult): void {
    const queue = this.queues[q];
    if (queue === undefined) throw new RangeError(`no query ${q}`);
    queue.held.push(r);
    this.heldCount++;
    queue.bytes += sizeOf(r);
    if (queue.bytes > this.share) this.spill(q, queue);
  }

  /** Results held in memory: what `takeHeld` would give. */
  get waiting(): number {
    return this.heldCount;
  }

  /** Has any query's results gone to a file? Then only `merge` gives them in order. */
  get spilled(): boolean {
    return this.queues.some((queue) => queue.file !== null);
  }

  /**
   * Every result held, query by query, each query's in its order. Right when they all
   * completed on the same event and nothing was spilled: ties go to the earlier query.
   */
  *takeHeld(): Generator<[number, QueryResult]> {
    for (const [q, queue] of this.queues.entries()) {
      const list = queue.held;
      if (list.length === 0) continue;
      queue.held = [];
      queue.bytes = 0;
      this.heldCount -= list.length;
      for (const r of list) yield [q, r];
    }
  }

  /**
   * Every result, spilled and held, interleaved by the event that completed each (the
   * earlier query first on a tie), each query's kept in its own order: the order
   * Elasticsearch returns sequences in.
   */
  async *merge(): AsyncGenerator<[number, QueryResult]> {
    const live: { q: number; stream: AsyncGenerator<QueryResult>; head: QueryResult }[] = [];
    for (const [q, queue] of this.queues.entries()) {
      const stream = this.stream(queue);
      const first = await stream.next();
      if (!first.done) live.push({ q, stream, head: first.value });
    }
    for (;;) {
      let best: (typeof live)[number] | undefined;
      for (const l of live) if (best === undefined || compareEvents(lastOf(l.head), lastOf(best.head)) < 0) best = l;
      if (best === undefined) return;
      yield [best.q, best.head];
      const next = await best.stream.next();
      if (next.done) live.splice(live.indexOf(best), 1);
      else best.head = next.value;
    }
  }

  /** Closes the spill files (the folder's owner removes them). */
  dispose(): void {
    for (const queue of this.queues) close(queue);
  }

  private async *stream(queue: Queue): AsyncGenerator<QueryResult> {
    close(queue);
    const file = queue.file;
    if (file) {
      for await (const line of readLines(file)) yield decode(line);
      fs.rmSync(file, { force: true });
    }
    const list = queue.held;
    queue.held = [];
    this.heldCount -= list.length;
    yield* list;
  }

  private spill(q: number, queue: Queue): void {
    let fd = queue.fd;
    if (fd === null) {
      const file = path.join(this.folder(), `alerts-${q}.ndjson`);
      queue.file = file;
      queue.fd = fd = fs.openSync(file, 'w', 0o600);
    }
    const list = queue.held;
    writeLines(fd, list.map(encode));
    this.heldCount -= list.length;
    queue.held = [];
    queue.bytes = 0;
  }
}

function close(queue: Queue): void {
  if (queue.fd !== null) fs.closeSync(queue.fd);
  queue.fd = null;
}

/** One spilled result: its join keys (scalars) and its events, as run lines hold events. */
function encode(r: QueryResult): string {
  return JSON.stringify([r.joinKeys, r.events.map(encodeEvent)]);
}

function decode(line: string): QueryResult {
  const [joinKeys, events] = JSON.parse(line) as [QueryResult['joinKeys'], EncodedEvent[]];
  return { joinKeys, events: events.map(decodeEvent) };
}

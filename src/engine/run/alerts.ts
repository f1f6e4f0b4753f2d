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
const lastOf = (r: QueryResult): TimelineEvent => r.events[r.events.length - 1]!;

/**
 * Each query's results in its runner's order until they can be written. They are held in
 * memory up to a share of the budget; past it they are appended, compactly (an event read
 * from a plain file is its place and span, not its text), to a file in the candidate order's
 * folder (`folder`: order.ts runFolder, removed with it, on exit and on Ctrl-C too). So
 * alerts that cannot be written yet (another query's earlier ones may still come) take
 * bounded memory however many there are.
 */
export class ResultQueues {
  private readonly held: QueryResult[][];
  private readonly bytes: number[];
  private readonly files: (string | null)[];
  private readonly fds: (number | null)[];
  private readonly share: number;
  private heldCount = 0;

  constructor(queries: number, budget: number, private readonly folder: () => string) {
    this.held = Array.from({ length: queries }, () => []);
    this.bytes = new Array<number>(queries).fill(0);
    this.files = new Array<string | null>(queries).fill(null);
    this.fds = new Array<number | null>(queries).fill(null);
    this.share = Math.max(4096, Math.floor(budget / Math.max(1, queries)));
  }

  add(q: number, r: QueryResult): void {
    this.held[q]!.push(r);
    this.heldCount++;
    this.bytes[q]! += sizeOf(r);
    if (this.bytes[q]! > this.share) this.spill(q);
  }

  /** Results held in memory: what `takeHeld` would give. */
  get waiting(): number {
    return this.heldCount;
  }

  /** Has any query's results gone to a file? Then only `merge` gives them in order. */
  get spilled(): boolean {
    return this.files.some((f) => f !== null);
  }

  /**
   * Every result held, query by query, each query's in its order. Right when they all
   * completed on the same event and nothing was spilled: ties go to the earlier query.
   */
  *takeHeld(): Generator<[number, QueryResult]> {
    for (let q = 0; q < this.held.length; q++) {
      const list = this.held[q]!;
      if (list.length === 0) continue;
      this.held[q] = [];
      this.bytes[q] = 0;
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
    const streams = this.held.map((_, q) => this.stream(q));
    const heads: (QueryResult | null)[] = [];
    for (const s of streams) heads.push((await s.next()).value ?? null);
    const live = heads.map((_, q) => q).filter((q) => heads[q] !== null);
    while (live.length) {
      let best = 0;
      for (let i = 1; i < live.length; i++) if (compareEvents(lastOf(heads[live[i]!]!), lastOf(heads[live[best]!]!)) < 0) best = i;
      const q = live[best]!;
      yield [q, heads[q]!];
      heads[q] = (await streams[q]!.next()).value ?? null;
      if (heads[q] === null) live.splice(best, 1);
    }
  }

  /** Closes the spill files (the folder's owner removes them). */
  dispose(): void {
    for (let q = 0; q < this.fds.length; q++) this.close(q);
  }

  private async *stream(q: number): AsyncGenerator<QueryResult> {
    this.close(q);
    const file = this.files[q];
    if (file) {
      for await (const line of readLines(file)) yield decode(line);
      fs.rmSync(file, { force: true });
    }
    const list = this.held[q]!;
    this.held[q] = [];
    this.heldCount -= list.length;
    yield* list;
  }

  private spill(q: number): void {
    if (this.fds[q] === null) {
      const file = path.join(this.folder(), `alerts-${q}.ndjson`);
      this.files[q] = file;
      this.fds[q] = fs.openSync(file, 'w', 0o600);
    }
    const list = this.held[q]!;
    writeLines(this.fds[q]!, list.map(encode));
    this.heldCount -= list.length;
    this.held[q] = [];
    this.bytes[q] = 0;
  }

  private close(q: number): void {
    const fd = this.fds[q];
    if (fd !== null && fd !== undefined) fs.closeSync(fd);
    this.fds[q] = null;
  }
}

/** One spilled result: its join keys (scalars) and its events, as run lines hold events. */
function encode(r: QueryResult): string {
  return JSON.stringify([r.joinKeys, r.events.map(encodeEvent)]);
}

function decode(line: string): QueryResult {
  const [joinKeys, events] = JSON.parse(line) as [QueryResult['joinKeys'], EncodedEvent[]];
  return { joinKeys, events: events.map(decodeEvent) };
}

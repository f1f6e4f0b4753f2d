import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { ByteSpan } from '../../input/index.js';
import type { Candidate } from '../collect/collect.js';
import { whenInterrupted } from '../interrupt.js';
import { compareEvents, type TimelineEvent, type TimelinePlace } from './timeline.js';

/** Default memory for candidates waiting to be ordered, before they spill to temporary files. */
export const DEFAULT_ORDER_BUDGET = 8 * 1024 * 1024;

const byTime = (a: Candidate, b: Candidate) => compareEvents(a.event, b.event);

/**
 * A candidate as the order holds it until it is written or yielded: where it goes on the
 * timeline, and its run line (encode). Two objects instead of the candidate's many (event,
 * hits, tuples), so a full batch costs the garbage collector far less to keep.
 */
interface Held extends TimelinePlace {
  text: string;
}

function hold(c: Candidate): Held {
  const e = c.event;
  return { ts: e.ts, tiebreak: e.tiebreak, fileIndex: e.fileIndex, part: e.part, line: e.line, text: encode(c) };
}

/** Heap bytes of a held candidate: its text (two bytes a character at worst), its tiebreaker's, and the object. */
function sizeOf(h: Held): number {
  return 96 + 2 * h.text.length + (typeof h.tiebreak === 'string' ? 2 * h.tiebreak.length : 0);
}

/** Where a worker's order writes its runs: the folder of the order that will merge them. */
export interface SharedRuns {
  dir: string;
  /** Starts the run files' names, unique per writer. */
  prefix: string;
}

/**
 * Puts candidates on one timeline in bounded memory. Candidates collect in memory up to a
 * budget; past it the batch is sorted and written to a temporary file (a run), and at the
 * end the runs are merged. Input that is already sorted (the usual export) sorts in linear
 * time. The temporary folder is removed by `dispose`, and on exit (Ctrl-C included).
 *
 * With a thread pool each worker orders its own candidates into runs in the folder of the
 * main thread's order (`runFolder`, `takeRuns`), which merges them (`adopt`): candidates
 * never cross threads.
 */
export class CandidateOrder {
  private batch: Held[] = [];
  private batchBytes = 0;
  private runs: string[] = [];
  private dir: string | null = null;
  private written = 0;
  private readonly cleanup = () => this.dispose();
  private release: (() => void) | null = null;

  constructor(private readonly budgetBytes = DEFAULT_ORDER_BUDGET, private readonly shared?: SharedRuns) {}

  /** Runs on disk waiting to be merged: written when the budget was reached, or adopted. */
  get spills(): number {
    return this.runs.length;
  }

  add(c: Candidate): void {
    const h = hold(c);
    this.batch.push(h);
    this.batchBytes += sizeOf(h);
    if (this.batchBytes > this.budgetBytes) this.spill();
  }

  /** The folder runs are written to, made now if need be: workers write theirs there. */
  runFolder(): string {
    if (this.shared) return this.shared.dir;
    if (!this.dir) {
      // Removed on exit and on Ctrl-C or a kill (which end the process without 'exit').
      process.on('exit', this.cleanup);
      this.release = whenInterrupted(this.cleanup);
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-order-'));
    }
    return this.dir;
  }

  /** Writes what is in memory as a run and hands over every run written: another order merges them. */
  takeRuns(): string[] {
    if (this.batch.length) this.spill();
    const runs = this.runs;
    this.runs = [];
    return runs;
  }

  /** Runs another order wrote (takeRuns), to merge with this order's own. */
  adopt(runs: string[]): void {
    this.runs.push(...runs);
  }

  /** Every candidate added, in timeline order. */
  async *ordered(): AsyncGenerator<Candidate> {
    if (this.runs.length === 0) {
      const batch = this.batch.sort(compareEvents);
      this.batch = [];
      for (const h of batch) yield decode(h.text);
      return;
    }
    if (this.batch.length) this.spill();
    while (this.runs.length > FAN_IN) await this.mergeRound();
    yield* merge(this.runs.map(readRun));
  }

  dispose(): void {
    process.off('exit', this.cleanup);
    this.release?.();
    this.release = null;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private spill(): void {
    writeRun(this.nextRun(), this.batch.sort(compareEvents).map((h) => h.text));
    this.batch = [];
    this.batchBytes = 0;
  }

  private nextRun(): string {
    const file = path.join(this.runFolder(), `${this.shared?.prefix ?? ''}run-${this.written++}.ndjson`);
    this.runs.push(file);
    return file;
  }

  /** Merges the runs FAN_IN at a time into fewer, longer runs (neighbours together, so ties keep their order). */
  private async mergeRound(): Promise<void> {
    const groups: string[][] = [];
    for (let i = 0; i < this.runs.length; i += FAN_IN) groups.push(this.runs.slice(i, i + FAN_IN));
    this.runs = [];
    for (const group of groups) {
      if (group.length === 1 && group[0] !== undefined) {
        this.runs.push(group[0]);
        continue;
      }
      const merged: string[] = [];
      const file = this.nextRun();
      const fd = fs.openSync(file, 'w', 0o600);
      try {
        for await (const c of merge(group.map(readRun))) {
          merged.push(encode(c));
          if (merged.length >= MERGE_WRITE) writeLines(fd, merged.splice(0));
        }
        writeLines(fd, merged);
      } finally {
        fs.closeSync(fd);
      }
      for (const f of group) fs.rmSync(f, { force: true });
    }
  }
}

/**
 * Runs merged at once. Each open run holds a read buffer and its decoded text (~200 KB), so
 * an input whose candidates fill thousands of runs (8M events kept with their text) is merged
 * in rounds of this many: one more pass over the data, in bounded memory.
 */
const FAN_IN = 64;
/** Candidates written at a time while merging a round. */
const MERGE_WRITE = 4096;

function writeRun(file: string, lines: string[]): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    writeLines(fd, lines);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes lines (each ended by a newline) to an open file, a megabyte or so at a time. */
export function writeLines(fd: number, lines: string[]): void {
  let chunk = '';
  for (const line of lines) {
    chunk += line + '\n';
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  if (chunk) fs.writeSync(fd, chunk);
}

/**
 * An event as a run line holds it: every field is a scalar or an array of them, so JSON is
 * safe and exact. `flags` (left out when 0): 1 a missing event, 2 a line that was not valid UTF-8.
 */
export type EncodedEvent = [ts: number, tiebreak: TimelineEvent['tiebreak'] | null, fileIndex: number, part: number, line: number, raw: string, at: ByteSpan | null, flags?: number];

export function encodeEvent(e: TimelineEvent): EncodedEvent {
  const out: EncodedEvent = [e.ts, e.tiebreak ?? null, e.fileIndex, e.part, e.line, e.raw, e.at ?? null];
  const flags = (e.missing ? 1 : 0) | (e.invalidUtf8 ? 2 : 0);
  if (flags) out.push(flags);
  return out;
}

export function decodeEvent([ts, tiebreak, fileIndex, part, line, raw, at, flags = 0]: EncodedEvent): TimelineEvent {
  const event: TimelineEvent = { ts, tiebreak, fileIndex, part, line, raw };
  if (at) event.at = at;
  if (flags & 1) event.missing = true;
  if (flags & 2) event.invalidUtf8 = true;
  return event;
}

/** One line of a run file. */
function encode(c: Candidate): string {
  const fields: unknown[] = encodeEvent(c.event);
  fields.push(c.hits.map(([q, h]) => [q, h.mask, h.tuples]));
  return JSON.stringify(fields);
}

function decode(line: string): Candidate {
  const fields = JSON.parse(line) as unknown[];
  const hits = fields.pop() as [number, number, Candidate['hits'][number][1]['tuples']][];
  return { event: decodeEvent(fields as EncodedEvent), hits: hits.map(([q, mask, tuples]) => [q, { mask, tuples }]) };
}

/** Bytes per read of a run: every run is read at once while merging, so this is paid once per run. */
const RUN_READ = 1 << 16;

/** The lines of a file written by writeLines, read a buffer at a time. */
export async function* readLines(file: string): AsyncGenerator<string> {
  yield* readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: RUN_READ }), crlfDelay: Infinity });
}

async function* readRun(file: string): AsyncGenerator<Candidate> {
  for await (const line of readLines(file)) yield decode(line);
}

/** k-way merge of ordered streams; ties keep the earlier stream first. */
async function* merge(streams: AsyncGenerator<Candidate>[]): AsyncGenerator<Candidate> {
  const heads = await Promise.all(streams.map(async (stream) => ({ stream, head: (await stream.next()).value ?? null })));
  for (;;) {
    let best: (typeof heads)[number] | null = null;
    let first: Candidate | null = null;
    for (const h of heads) {
      if (h.head && (first === null || byTime(h.head, first) < 0)) {
        best = h;
        first = h.head;
      }
    }
    if (best === null || first === null) return;
    yield first;
    best.head = (await best.stream.next()).value ?? null;
  }
}

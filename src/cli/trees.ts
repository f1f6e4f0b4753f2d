import { StringDecoder } from 'node:string_decoder';
import type { Alert } from '../engine/index.js';
import type { InputSource } from '../input/index.js';
import { Normalizer } from '../normalize/index.js';
import { stringify, type ReportedAlert, type Spool } from '../output/index.js';
import { alertProcess, noProcessTree, ProcessTrees, readProcesses, type ProcessInfo, type ProcessRef, type TreeReadOptions } from '../tree/index.js';

/** A held alert's line: the alert, and the key of the process it is about, if any. */
interface Held {
  alert: Alert;
  process?: string;
}

/** What building the trees took, for --verbose. */
export interface TreePassReport {
  documents: number;
  processes: number;
  dropped: number;
  ms: number;
}

/**
 * Alerts wait in a spool (a temporary file: bounded memory) while the scan runs, each with
 * the process it is about; the run's distinct processes are the trees asked for. `release`
 * reads the inputs once more for them and hands every alert on, in order, with its tree.
 */
export class TreeStage {
  /** The distinct processes of the alerts held, by key, with what the first alert's event said of each. */
  private readonly wanted = new Map<string, { ref: ProcessRef; seen: ProcessInfo }>();
  private readonly normalizer: Normalizer;

  constructor(private readonly spool: Spool, private readonly opts: TreeReadOptions) {
    this.normalizer = new Normalizer(opts.normalize);
  }

  hold(alert: Alert): void {
    const found = alertProcess(alert, this.normalizer, this.opts.timestampField);
    let process: string | undefined;
    if (found) {
      const { ref } = found;
      // Entity ids name one process; a pid names one per start, found by the alert's time.
      process = ref.entityId ? `e:${ref.entityId}` : `p:${ref.host}\0${ref.pid}\0${ref.at}`;
      if (!this.wanted.has(process)) this.wanted.set(process, found);
    }
    const held: Held = { alert, ...(process ? { process } : {}) };
    this.spool.write(stringify(held) + '\n');
  }

  async release(sources: InputSource[], write: (alert: ReportedAlert) => Promise<void> | void): Promise<TreePassReport> {
    const started = performance.now();
    const wanted = [...this.wanted.values()].map((w) => w.ref);
    const data = wanted.length ? await readProcesses(sources, wanted, this.opts) : undefined;
    const trees = data && new ProcessTrees(data, wanted);
    const ms = performance.now() - started;
    try {
      for await (const line of lines(this.spool.read())) {
        const { alert, process } = JSON.parse(line) as Held;
        const p = process === undefined ? undefined : this.wanted.get(process);
        const pending = write({ ...alert, processTree: trees && p ? trees.of(p.ref, p.seen) : noProcessTree() });
        if (pending) await pending;
      }
    } finally {
      this.spool.dispose();
    }
    return { documents: data?.documents ?? 0, processes: data?.index.starts.length ?? 0, dropped: data?.index.dropped ?? 0, ms };
  }
}

/** The lines of spooled text (chunks split anywhere, UTF-8 split mid-character included). */
async function* lines(chunks: AsyncIterable<string | Buffer>): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const cut = text.lastIndexOf('\n');
    rest = text.slice(cut + 1);
    if (cut >= 0) yield* text.slice(0, cut).split('\n').filter((p) => p !== '');
  }
  rest += decoder.end();
  if (rest) yield rest;
}

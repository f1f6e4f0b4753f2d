import { normalizeInputs, type InputProblem } from '../engine/index.js';
import type { InputSource } from '../input/index.js';
import { formatTimestamp } from '../normalize/index.js';
import { eventOf, isProcessStart, parentRefOf, processRefOf, timeOf } from './fields.js';
import { nodeId, pidKey, ProcessIndex } from './process-index.js';
import { EventTallies, type TimedSample } from './tally.js';
import type { EventKind, ProcessRef } from './types.js';

/**
 * Process starts one pass indexes by default. Each keeps its ids, time, names, user and a
 * command line clipped to 1,000 characters: about 1.5 KB with a 300-character command line
 * (measured: 100,000 starts, 148 MiB of heap; test/e2e/process-tree-memory.test.ts).
 */
export const DEFAULT_MAX_PROCESSES = 100_000;

export interface TreeReadOptions {
  maxLineBytes: number;
  normalize: boolean;
  timestampField: string;
  categoryField: string;
  /** Process starts indexed at most, and pid-only events held at most: the pass's memory bound. */
  maxProcesses: number;
  /** Input problems; the scan reported them already, so a second pass passes none. */
  onProblem?: (p: InputProblem) => void;
}

/** What one pass over the inputs gathered for the trees of `wanted`. */
export interface ProcessData {
  index: ProcessIndex;
  /** Events of the wanted processes, by node id. */
  events: Map<string, EventTallies>;
  /** Events of wanted pids (no entity id) left out past the bound. */
  droppedEvents: number;
  /** Events read (for the caller's measurements). */
  documents: number;
}

/**
 * One pass over the inputs through the scan's own reading and normalisation (so .evtx, zip,
 * gzip and JSON arrays read alike, with the alerts' file:line): indexes every process start
 * and tallies the events of the wanted processes only. Events naming a process by pid alone
 * are held (compactly, at most `maxProcesses`) until the pass's end, when the pid's start
 * that owns them is known.
 */
export async function readProcesses(sources: InputSource[], wanted: ProcessRef[], opts: TreeReadOptions): Promise<ProcessData> {
  const index = new ProcessIndex(opts.maxProcesses);
  const events = new Map<string, EventTallies>();
  const entities = new Set(wanted.flatMap((r) => (r.entityId ? [r.entityId] : [])));
  const pids = new Set(wanted.flatMap((r) => (!r.entityId && r.pid !== undefined ? [pidKey(r.host, r.pid)] : [])));
  const held: { ref: ProcessRef; kind: EventKind; sample: TimedSample }[] = [];
  let droppedEvents = 0;
  let seq = 0;
  const tally = (id: string, kind: EventKind, sample: TimedSample) => {
    let t = events.get(id);
    if (!t) events.set(id, (t = new EventTallies()));
    t.add(kind, sample);
  };
  const result = await normalizeInputs(sources, { maxLineBytes: opts.maxLineBytes, normalize: opts.normalize }, (doc, where) => {
    const ref = processRefOf(doc, opts.timestampField);
    if (!ref) return;
    if (isProcessStart(doc, opts.categoryField)) return void index.add(ref, parentRefOf(doc), doc, where);
    const wantedEntity = ref.entityId !== undefined && entities.has(ref.entityId);
    const wantedPid = !ref.entityId && ref.pid !== undefined && pids.has(pidKey(ref.host, ref.pid));
    if (!wantedEntity && !wantedPid) return;
    const event = eventOf(doc, opts.categoryField);
    if (!event) return;
    const ms = timeOf(doc, opts.timestampField);
    const sample: TimedSample = { ms, seq: seq++, sample: { timestamp: Number.isNaN(ms) ? '' : formatTimestamp(ms), ...where, target: event.target } };
    if (wantedEntity) tally(nodeId(ref), event.kind, sample);
    else if (held.length < opts.maxProcesses) held.push({ ref, kind: event.kind, sample });
    else droppedEvents++;
  }, opts.onProblem ?? (() => {}));
  for (const h of held) tally(nodeId(h.ref, index.find(h.ref)), h.kind, h.sample);
  return { index, events, droppedEvents, documents: result.documents };
}

import path from 'node:path';
import { createExplainer, nodeText, type CompiledQuery, type CompiledStep, type CompileOptions, type ConditionFailure, type EventView } from '../../eql/index.js';
import type { InputSource } from '../../input/index.js';
import { formatTimestamp } from '../../normalize/index.js';
import type { Hit } from '../run/runner.js';
import { scan } from '../scan.js';
import { keyText, keyTuples, SequenceRunner } from '../run/sequence.js';
import { compareEvents, type TimelineEvent } from '../order/timeline.js';
import type { Alert, ScanSummary } from '../types.js';

/** An event by its provenance. */
export interface EventRef {
  file: string;
  line: number;
  timestamp: string;
}

export interface StepReport {
  /** 1-based step number; the `until` clause has kind 'until'. */
  index: number;
  kind: 'step' | 'missing' | 'until';
  /** The step's filter as written. */
  text: string;
  /** Events (of the key) that satisfy the step. */
  matches: EventRef[];
  /** Events (of the key) of the step's category that fail it, with the first failed condition. */
  nearMisses: (EventRef & { failure: ConditionFailure })[];
  /** Events of the key in other categories (not listed). */
  otherCategory: number;
}

/** Why a sequence of the key did not go on. */
export type SequenceStop =
  | { kind: 'order'; step: number; previous: number; event: EventRef; earlier: EventRef | null }
  | { kind: 'maxspan'; step: number; event: EventRef; first: EventRef; maxspanMs: number }
  | { kind: 'until'; event: EventRef; open: EventRef[] };

export interface Explanation {
  steps: StepReport[];
  stops: SequenceStop[];
  /** Alerts the query raised for the key (or holding the event). */
  alerts: Alert[];
  /** Events examined (of the key, or the one event asked for); 0 means none was found. */
  examined: number;
  summary: ScanSummary;
}

export interface ExplainOptions {
  sources: InputSource[];
  query: CompiledQuery;
  name: string;
  compile: CompileOptions;
  /** Join key values (as text) for a sequence or sample... */
  key?: string[];
  /** ...or one event, by file (as given) and line. */
  event?: { file: string; line: number };
  maxLineBytes: number;
  timestampField: string;
  tiebreakerField?: string;
}

/** At most this many events of one key are examined. */
const MAX_KEY_EVENTS = 100_000;

/**
 * Reads the sources once and explains the query for one join key (or one event): per step,
 * the events that satisfy it and the near misses with the first condition each failed; for
 * sequences, the events that came in the wrong order, past maxspan, or after an `until`.
 */
export async function explain(opts: ExplainOptions): Promise<Explanation> {
  const { query } = opts;
  const explainer = createExplainer(query.source, opts.compile);
  const steps: { step: CompiledStep; kind: StepReport['kind'] }[] = [
    ...query.steps.map((step) => ({ step, kind: step.missing ? 'missing' as const : 'step' as const })),
    ...(query.until ? [{ step: query.until, kind: 'until' as const }] : []),
  ];
  const wanted = opts.key ? JSON.stringify(opts.key) : null;
  const target = opts.event ? { file: path.resolve(opts.event.file), line: opts.event.line } : null;
  const tuplesOf = (s: CompiledStep, view: EventView) => keyTuples(s.keys(view), s.optionalKeys);
  const examined: { ev: TimelineEvent; failures: (ConditionFailure | null | undefined)[]; hit: Hit }[] = [];
  const fileOf = (ev: TimelineEvent): string => {
    const source = opts.sources[ev.fileIndex];
    if (source === undefined) throw new RangeError(`no input file ${ev.fileIndex}`);
    return source.path;
  };
  const inspect = (ev: TimelineEvent, view: EventView) => {
    if (examined.length >= MAX_KEY_EVENTS) return;
    if (target && !(ev.line === target.line && path.resolve(fileOf(ev)) === target.file)) return;
    // undefined: the event does not carry the key of this step.
    let failures: (ConditionFailure | null | undefined)[];
    const hit: Hit = { mask: 0, tuples: [] };
    try {
      failures = steps.map(({ step }, i) => {
        const tuples = tuplesOf(step, view);
        if (!target && !tuples.some((t) => JSON.stringify(keyText(t)) === wanted)) return undefined;
        const failure = explainer(step.ast.filter, view);
        if (failure === null) {
          hit.mask |= 1 << i;
          hit.tuples[i] = tuples;
        }
        return failure;
      });
    } catch (err) {
      // A value nested deeper than the call stack: the scan reports that line; skip it here.
      if (err instanceof RangeError) return;
      throw err;
    }
    if (failures.some((f) => f !== undefined)) examined.push({ ev, failures, hit });
  };
  const { alerts, summary } = await scan({
    sources: opts.sources, queries: [{ compiled: query, name: opts.name }],
    maxLineBytes: opts.maxLineBytes, timestampField: opts.timestampField,
    ...(opts.tiebreakerField === undefined ? {} : { tiebreakerField: opts.tiebreakerField }),
    inspect,
  });
  examined.sort((a, b) => compareEvents(a.ev, b.ev));
  const ref = (ev: TimelineEvent): EventRef => ({ file: fileOf(ev), line: ev.line, timestamp: formatTimestamp(ev.ts) });

  const reports: StepReport[] = steps.map(({ step, kind }, i) => {
    const r: StepReport = { index: kind === 'until' ? 0 : i + 1, kind, text: nodeText(query.source, step.ast.filter), matches: [], nearMisses: [], otherCategory: 0 };
    for (const { ev, failures } of examined) {
      const f = failures[i];
      if (f === undefined) continue;
      if (f === null) r.matches.push(ref(ev));
      else if (f.kind === 'category') r.otherCategory++;
      else r.nearMisses.push({ ...ref(ev), failure: f });
    }
    return r;
  });

  const stops: SequenceStop[] = [];
  if (query.type === 'sequence' && wanted) {
    // The sequence matcher, replayed over the key's events, says where it stopped.
    const stageSteps = query.steps.flatMap((s, i) => (s.missing ? [] : new Array<number>(s.runs).fill(i + 1)));
    // The runner numbers the positive stages, 0 first (stageSteps has one entry each) and
    // reports `unmatched` past the first stage only, `expired` only when there is a maxspan.
    const runner = new SequenceRunner(query, {
      unmatched: (ev, stage) => {
        const before = stageSteps[stage - 1]!;
        const earlier = examined.find((x) => x.failures[before - 1] === null && compareEvents(x.ev, ev) > 0);
        stops.push({ kind: 'order', step: stageSteps[stage]!, previous: before, event: ref(ev), earlier: earlier ? ref(earlier.ev) : null });
      },
      expired: (ev, stage, first) => stops.push({ kind: 'maxspan', step: stageSteps[stage]!, event: ref(ev), first: ref(first), maxspanMs: query.maxspan! }),
      ended: (ev, open) => { if (open.length) stops.push({ kind: 'until', event: ref(ev), open: open.map(ref) }); },
    });
    for (const { ev, hit } of examined) if (hit.mask) runner.push(ev, hit);
    runner.finish();
  }
  const keyed = wanted ? alerts.filter((a) => JSON.stringify(keyText(a.joinKeys)) === wanted)
    : alerts.filter((a) => a.events.some((e) => target && e.line === target.line && path.resolve(e.file) === target.file));
  return { steps: reports, stops, alerts: keyed, examined: examined.length, summary };
}

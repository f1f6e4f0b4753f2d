import type { CompiledQuery } from '../../eql/index.js';
import type { LineFilter, LineTags } from '../../input/index.js';
import { MAPPED_KEYS } from '../../normalize/index.js';
import { Automaton } from './automaton.js';
import { queryRequirements } from './literals.js';

/** UTF-8 of the two non-ASCII characters whose lower case is ASCII (İ → i̇, K → k), and NUL. */
const UNSAFE_BYTES = [[0xc4, 0xb0], [0xe2, 0x84, 0xaa], [0x00]];

/** Steps' requirements as literal ids: query → step (until last) → clauses → ids. */
export type StepClauses = Int32Array[][][];

export interface Prefilter {
  /** The literals searched for, by id. */
  literals: string[];
  clauses: StepClauses;
  /** Queries with a step that requires no literal: every line is parsed while they run. */
  unfiltered: number[];
  /**
   * A line filter for the input layer, or null when no step has a literal. It skips lines
   * only when asked to (`skip`) and no query is `unfiltered`; otherwise it tags lines with
   * the literals found, for the rule index.
   */
  filter: LineFilter | null;
}

/** Derives the literals of every step and builds the line filter that searches them. */
export function buildPrefilter(queries: CompiledQuery[], opts: { timestampField: string; timeless?: boolean; skip?: boolean }): Prefilter {
  const ids = new Map<string, number>();
  const idOf = (lit: string) => {
    let id = ids.get(lit);
    if (id === undefined) ids.set(lit, (id = ids.size));
    return id;
  };
  const clauses: StepClauses = queries.map((q) => queryRequirements(q, opts.timestampField).map((req) => req.map((c) => Int32Array.from(c, idOf))));
  const unfiltered = clauses.flatMap((steps, qi) => (steps.some((s) => s.length === 0) ? [qi] : []));
  const literals = [...ids.keys()];
  // A line without the timestamp's key would be a bad line: parse it, so it is reported.
  const timestampKey = opts.timeless ? null : JSON.stringify(opts.timestampField.slice(opts.timestampField.lastIndexOf('.') + 1));
  const filter = literals.length ? new RawLineFilter(literals, clauses, opts.skip === true && unfiltered.length === 0, timestampKey) : null;
  return { literals, clauses, unfiltered, filter };
}

/** Does some step have every clause satisfied by the literals stamped `serial`? */
function anyStepEnabled(clauses: StepClauses, stamp: Uint32Array, serial: number): boolean {
  for (const steps of clauses) for (const step of steps) if (satisfied(step, stamp, serial)) return true;
  return false;
}

export function satisfied(step: readonly Int32Array[], stamp: Uint32Array, serial: number): boolean {
  for (const clause of step) {
    let hit = false;
    for (let i = 0; i < clause.length && !hit; i++) hit = stamp[clause[i]!] === serial; // hot: i < clause.length
    if (!hit) return false;
  }
  return true;
}

const NONE: LineTags = [];
/** What a pattern of the line filter's automaton stands for, beyond the rules' literals. */
const enum Marker {
  /** Bytes that make a line unsafe as they are (UNSAFE_BYTES). */
  Unsafe,
  /** `\u` or `\/`: unsafe when an escape (after an odd run of backslashes), case as written. */
  Escape,
  /** A key of a shape the normalizer maps (MAPPED_KEYS): unsafe when its case is as written. */
  Mapped,
  /** The timestamp field's key, case as written: a line without it is parsed, to be reported. */
  Timestamp,
}

/**
 * One search over a whole buffer of lines: a line with no step's literals is skipped; a line
 * with an escape that could hide a literal, or an unsafe marker, is parsed with all steps on.
 * The markers are patterns of the same automaton as the literals (one pass over the bytes);
 * since it folds ASCII case, those that must match as written are checked at each hit.
 */
class RawLineFilter implements LineFilter {
  private readonly automaton: Automaton;
  private readonly stamp: Uint32Array;
  private serial = 0;
  /** Per pattern past the literals: its marker kind and bytes. */
  private readonly markers: { kind: Marker; bytes: Buffer }[] = [];
  /** Per pattern: the serial of the line it was last found on (one entry per line and pattern). */
  private readonly seen: Uint32Array;

  constructor(private readonly literals: string[], private readonly clauses: StepClauses, private readonly skip: boolean, private readonly timestampKey: string | null) {
    const patterns: Uint8Array[] = literals.map((l) => Buffer.from(l, 'latin1'));
    const mark = (kind: Marker, bytes: Buffer) => {
      this.markers.push({ kind, bytes });
      patterns.push(bytes);
    };
    for (const b of UNSAFE_BYTES) mark(Marker.Unsafe, Buffer.from(b));
    for (const e of ['\\u', '\\/']) mark(Marker.Escape, Buffer.from(e));
    // Documents the normalizer maps to ECS: their ECS values (`"process"`, `"windows"`) are
    // computed, not in the text (../normalize mayBeMapped; its keys, case-sensitive).
    for (const k of MAPPED_KEYS) mark(Marker.Mapped, Buffer.from(k));
    if (timestampKey !== null) mark(Marker.Timestamp, Buffer.from(timestampKey));
    this.automaton = new Automaton(patterns);
    this.stamp = new Uint32Array(literals.length);
    this.seen = new Uint32Array(patterns.length);
  }

  select(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, out: (LineTags | null | undefined)[]): void {
    const found: number[][] = [];
    const unsafe = new Uint8Array(n);
    const timed = new Uint8Array(n);
    const nLiterals = this.literals.length;
    const markers = this.markers;
    let line = 0;
    const seen = this.seen;
    let serial = ++this.serial;
    // Hot: starts/ends hold the caller's n >= 1 lines, every match lies inside one of them (so
    // line < n), and an automaton id past the literals is a marker's.
    this.automaton.scan(buf, starts[0]!, ends[n - 1]!, (pos, ids) => {
      if (ends[line]! < pos) {
        while (ends[line]! < pos) line++;
        serial = ++this.serial;
      }
      for (const id of ids) {
        if (seen[id] === serial) continue;
        if (id < nLiterals) {
          seen[id] = serial;
          (found[line] ??= []).push(id);
          continue;
        }
        const { kind, bytes } = markers[id - nLiterals]!;
        const at = pos - bytes.length + 1;
        if (kind !== Marker.Unsafe && !asWritten(buf, at, bytes)) continue;
        if (kind === Marker.Escape && !escapes(buf, at)) continue;
        seen[id] = serial;
        if (kind === Marker.Timestamp) timed[line] = 1;
        else unsafe[line] = 1;
      }
    });
    if (this.timestampKey === null) timed.fill(1);
    for (let i = 0; i < n; i++) {
      if (unsafe[i] || !timed[i]) {
        out[i] = undefined;
        continue;
      }
      const ids = found[i];
      if (!this.skip) {
        out[i] = ids ?? NONE;
        continue;
      }
      if (!ids) {
        out[i] = null;
        continue;
      }
      const serial = ++this.serial;
      for (const id of ids) this.stamp[id] = serial;
      out[i] = anyStepEnabled(this.clauses, this.stamp, serial) ? ids : null;
    }
  }
}

/** Are `bytes` at `at` in `buf`, byte for byte? */
function asWritten(buf: Buffer, at: number, bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

/** Is the backslash at `at` an escape: preceded by an even run of backslashes? */
function escapes(buf: Buffer, at: number): boolean {
  let run = 1;
  while (at - run >= 0 && buf[at - run] === 0x5c) run++;
  return run % 2 === 1;
}

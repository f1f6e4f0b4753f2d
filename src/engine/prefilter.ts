import type { CompiledQuery } from '../eql/index.js';
import type { LineFilter, LineTags } from '../input/index.js';
import { MAPPED_KEYS } from '../normalize/index.js';
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
  const timestampKey = opts.timeless ? null : JSON.stringify(opts.timestampField.split('.').pop()!);
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
    for (let i = 0; i < clause.length && !hit; i++) hit = stamp[clause[i]!] === serial;
    if (!hit) return false;
  }
  return true;
}

const NONE: LineTags = [];
const MAPPED_NEEDLES = MAPPED_KEYS.map((k) => Buffer.from(k));
const BACKSLASH_U = Buffer.from('\\u');
const BACKSLASH_SLASH = Buffer.from('\\/');

/**
 * One search over a whole buffer of lines: a line with no step's literals is skipped; a line
 * with an escape that could hide a literal, or an unsafe marker, is parsed with all steps on.
 */
class RawLineFilter implements LineFilter {
  private readonly automaton: Automaton;
  private readonly stamp: Uint32Array;
  private serial = 0;

  /** Pattern id of the timestamp key, or -1. */
  private readonly timestampId: number;
  /** Per pattern: the serial of the line it was last found on (one entry per line and pattern). */
  private readonly seen: Uint32Array;

  constructor(private readonly literals: string[], private readonly clauses: StepClauses, private readonly skip: boolean, timestampKey: string | null) {
    const patterns = literals.map((l) => Buffer.from(l, 'latin1') as Uint8Array);
    patterns.push(...UNSAFE_BYTES.map((b) => Uint8Array.from(b)));
    this.timestampId = timestampKey === null ? -1 : patterns.push(Buffer.from(timestampKey)) - 1;
    this.automaton = new Automaton(patterns);
    this.stamp = new Uint32Array(literals.length);
    this.seen = new Uint32Array(patterns.length);
  }

  select(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, out: (LineTags | null | undefined)[]): void {
    const found: number[][] = [];
    const unsafe = new Uint8Array(n);
    const timed = new Uint8Array(n);
    const nLiterals = this.literals.length;
    const timestampId = this.timestampId;
    let line = 0;
    const seen = this.seen;
    let serial = ++this.serial;
    this.automaton.scan(buf, starts[0]!, ends[n - 1]!, (pos, ids) => {
      if (ends[line]! < pos) {
        while (ends[line]! < pos) line++;
        serial = ++this.serial;
      }
      for (const id of ids) {
        if (seen[id] === serial) continue;
        seen[id] = serial;
        if (id < nLiterals) (found[line] ??= []).push(id);
        else if (id === timestampId) timed[line] = 1;
        else unsafe[line] = 1;
      }
    });
    if (timestampId === -1) timed.fill(1);
    for (const needle of [BACKSLASH_U, BACKSLASH_SLASH]) this.mark(buf, needle, starts, ends, n, unsafe, true);
    // Documents the normalizer maps to ECS: their ECS values (`"process"`, `"windows"`) are
    // computed, not in the text (../normalize mayBeMapped; its keys, case-sensitive).
    for (const needle of MAPPED_NEEDLES) this.mark(buf, needle, starts, ends, n, unsafe, false);
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

  /** Lines holding `needle` (when `escape`: as an escape, after an odd run of backslashes). */
  private mark(buf: Buffer, needle: Buffer, starts: Int32Array, ends: Int32Array, n: number, unsafe: Uint8Array, escape: boolean): void {
    const end = ends[n - 1]!;
    let line = 0;
    for (let at = buf.indexOf(needle, starts[0]!); at !== -1 && at < end; at = buf.indexOf(needle, at + 1)) {
      if (escape) {
        let run = 1;
        while (at - run >= 0 && buf[at - run] === 0x5c) run++;
        if (run % 2 === 0) continue;
      }
      while (ends[line]! < at) line++;
      unsafe[line] = 1;
    }
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { scan } from '../../src/engine/index.js';
import { compileQuery, EqlSyntaxError, foldExpression, type FieldValue } from '../../src/eql/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/input/index.js';
import type { Dataset } from './datasets.js';

export type Status = 'pass' | 'fail' | 'unsupported';
export interface Outcome {
  suite: string;
  name: string;
  status: Status;
  detail?: string;
}

interface QueryCase {
  name: string;
  query: string;
  expected_event_ids: number[] | number[][];
  join_keys?: (string | number | null)[] | null;
  size?: number;
  max_samples_per_key?: number;
}

/** Reads a QA table; test_extra.toml writes bare `null` in join_keys, which TOML lacks (suite README, 5). */
export function readTable(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8').replace(/^(\s*join_keys\s*=\s*\[)([^\]]*)\]/gm, (_m, head: string, body: string) =>
    `${head}${body.replace(/(?<!")\bnull\b(?!")/g, '"null"')}]`,
  );
  return parseToml(text) as Record<string, unknown>;
}

const DEFAULT_SIZE = 50;

/** Runs one query case through the engine the CLI uses (scan over NDJSON files). */
export async function runQueryCase(suite: string, c: QueryCase, data: Dataset): Promise<Outcome> {
  const base = { suite, name: c.name };
  let compiled;
  try {
    compiled = compileQuery(c.query, data.compile);
  } catch (err) {
    if (err instanceof EqlSyntaxError) return { ...base, status: 'unsupported', detail: err.message };
    throw err;
  }
  const { alerts } = await scan({
    sources: data.files.map((p, index) => ({ index, path: p })),
    queries: [{ compiled, name: c.name }],
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    timestampField: '@timestamp',
    ...(data.tiebreakerField ? { tiebreakerField: data.tiebreakerField } : {}),
    ...(c.max_samples_per_key ? { maxSamplesPerKey: c.max_samples_per_key } : {}),
  });
  const size = c.size ?? DEFAULT_SIZE;
  // Elasticsearch's runner picks head or tail at random; a correct engine answers both alike.
  const head = alerts.slice(0, size);
  // Samples have no result position: Elasticsearch returns the first `size` by key.
  const tail = compiled.type === 'sample' ? head : alerts.slice(Math.max(0, alerts.length - size));
  const ids = (list: typeof alerts) =>
    list.flatMap((a) => a.events.map((e) => (e.missing ? -1 : Number((e.source as Record<string, unknown>)[data.idField]))));
  const got = ids(head);
  if (JSON.stringify(got) !== JSON.stringify(ids(tail))) return { ...base, status: 'fail', detail: `head ${JSON.stringify(got)} != tail ${JSON.stringify(ids(tail))}` };
  const expected = c.expected_event_ids;
  const alternatives: number[][] = expected.length > 0 && Array.isArray(expected[0]) ? (expected as number[][]) : [expected as number[]];
  if (!alternatives.some((alt) => JSON.stringify(alt) === JSON.stringify(got))) {
    return { ...base, status: 'fail', detail: `ids ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}` };
  }
  if (c.join_keys && c.join_keys.length > 0) {
    const keys = head.flatMap((a) => a.joinKeys.map(renderKey));
    const want = c.join_keys.map((k) => (k === null ? 'null' : String(k)));
    if (JSON.stringify(keys) !== JSON.stringify(want)) return { ...base, status: 'fail', detail: `join keys ${JSON.stringify(keys)}, expected ${JSON.stringify(want)}` };
  }
  return { ...base, status: 'pass' };
}

function renderKey(v: FieldValue): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export async function runQuerySuite(root: string, file: string, data: Dataset): Promise<Outcome[]> {
  const table = readTable(path.join(root, 'elasticsearch', file));
  const cases = (table.queries ?? []) as QueryCase[];
  const out: Outcome[] = [];
  for (const c of cases) {
    try {
      out.push(await runQueryCase(file, c, data));
    } catch (err) {
      out.push({ suite: file, name: c.name, status: 'fail', detail: `threw: ${(err as Error).message}` });
    }
  }
  return out;
}

interface FoldTest {
  expression: string;
  expected?: FieldValue;
}

/** Topics of a fold table: fold tests (with loop blocks expanded) and verifier failures. */
export function readFoldTable(file: string): { topic: string; folds: FoldTest[]; failures: string[] }[] {
  const table = readTable(file);
  return Object.entries(table).map(([topic, body]) => {
    const t = body as { fold?: { tests?: FoldTest[] }; verifier?: { failures?: { expression: string }[] }; loop?: LoopBlock[] };
    const folds = [...(t.fold?.tests ?? [])];
    for (const loop of t.loop ?? []) folds.push(...expandLoop(topic, loop));
    return { topic, folds, failures: (t.verifier?.failures ?? []).map((f) => f.expression) };
  });
}

interface LoopBlock {
  param: { name: string; type?: string[] };
  fold?: { tests?: FoldTest[] };
}

/** A literal of each type a loop block names (the tables use `bool`, `int`, `float`, `string`, `null`). */
const LOOP_VALUES: Record<string, string> = { string: '"hello"', int: '1', float: '1.5', bool: 'true', null: 'null' };

/** Every test of a loop block once per listed type; an unknown type is an error, never a silent skip. */
function expandLoop(topic: string, loop: LoopBlock): FoldTest[] {
  const out: FoldTest[] = [];
  for (const type of loop.param.type ?? []) {
    const literal = LOOP_VALUES[type];
    if (literal === undefined) throw new Error(`${topic}: loop type '${type}' has no literal in LOOP_VALUES`);
    for (const t of loop.fold?.tests ?? []) out.push({ ...t, expression: t.expression.split(`$${loop.param.name}`).join(literal) });
  }
  return out;
}

const key = (expression: string) => expression.replace(/\s+/g, ' ').trim();

/** Fold tests of the ES tables, minus those test_unsupported.toml lists (as TomlFoldTests does). */
export function runFoldSuite(root: string, file: string, unsupported: Set<string>): Outcome[] {
  const out: Outcome[] = [];
  for (const { topic, folds, failures } of readFoldTable(path.join(root, 'elasticsearch', file))) {
    folds.forEach((t, i) => {
      if (unsupported.has(key(t.expression))) return;
      const name = `${topic}/fold/${i + 1}: ${t.expression}`;
      let got: FieldValue;
      try {
        got = foldExpression(t.expression);
      } catch (err) {
        out.push({ suite: file, name, status: 'unsupported', detail: (err as Error).message });
        return;
      }
      const want = t.expected === undefined ? null : t.expected;
      out.push(sameValue(got, want) ? { suite: file, name, status: 'pass' } : { suite: file, name, status: 'fail', detail: `got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}` });
    });
    failures.forEach((expression, i) => {
      const name = `${topic}/verifier/${i + 1}: ${expression}`;
      try {
        foldExpression(expression);
        out.push({ suite: file, name, status: 'fail', detail: 'accepted, Elasticsearch rejects it' });
      } catch (err) {
        // Only the compile error counts as a rejection; a crash is a failure.
        out.push(err instanceof EqlSyntaxError ? { suite: file, name, status: 'pass' } : { suite: file, name, status: 'fail', detail: `threw ${String(err)}` });
      }
    });
  }
  return out;
}

/** The expressions of test_unsupported.toml, keyed for exclusion. */
export function unsupportedExpressions(root: string): { keys: Set<string>; expressions: string[] } {
  const expressions = readFoldTable(path.join(root, 'elasticsearch', 'src-test', 'test_unsupported.toml')).flatMap((t) => [...t.folds.map((f) => f.expression), ...t.failures]);
  return { keys: new Set(expressions.map(key)), expressions };
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
  return a === b;
}

import { comparesAsText, type CompiledQuery, type CompiledStep, type EventView, type Expr, type FieldValue, type Predicate } from '../eql/index.js';
import type { LineTags } from '../input/index.js';
import { satisfied, type StepClauses } from './prefilter.js';

interface IndexedStep {
  query: number;
  bit: number;
  condition: Predicate;
  /** Literal clauses the raw line must satisfy; empty when nothing is known. */
  clauses: readonly Int32Array[];
}

/** Steps of one category: those filed under a field's value, and the rest. */
interface Bucket {
  always: IndexedStep[];
  /** field → lower-cased value → steps that require the field to equal it. */
  byValue: Map<string, Map<string, IndexedStep[]>>;
}

/** Fields with few distinct values: a step is filed under one of them only when it has nothing better. */
const COARSE = new Set(['host.os.type', 'host.os.family', 'host.os.platform', 'host.os.name', 'event.type', 'event.action', 'event.outcome',
  'event.kind', 'event.module', 'event.dataset', 'event.provider', 'data_stream.dataset', 'network.direction', 'network.transport', 'network.protocol']);

/** The values `field` must equal (case-folded) for the conjunct to hold, or null. Typed fields (date, ip...) compare otherwise: never. */
function equalities(e: Expr, typedFields: readonly string[]): { field: string; values: string[] } | null {
  const found = equalityOf(e);
  return found && !typedFields.includes(found.field) ? found : null;
}

function equalityOf(e: Expr): { field: string; values: string[] } | null {
  const plain = (v: unknown): v is string => typeof v === 'string' && comparesAsText(v);
  if (e.type === 'Compare' && e.op === '==') {
    const [f, l] = e.left.type === 'Field' ? [e.left, e.right] : [e.right, e.left];
    if (f.type === 'Field' && !f.optional && l.type === 'Literal' && plain(l.value)) return { field: f.path, values: [l.value.toLowerCase()] };
  }
  if (e.type === 'In' && !e.negated && e.operand.type === 'Field' && !e.operand.optional) {
    const values = e.list.map((x) => (x.type === 'Literal' ? x.value : null)).filter(plain);
    if (values.length === e.list.length) return { field: e.operand.path, values: values.map((v) => v.toLowerCase()) };
  }
  if (e.type === 'Match' && e.kind !== 'regex' && e.operand.type === 'Field' && !e.operand.optional) {
    const values = e.patterns.map((p) => p.value).filter(plain);
    if (values.length === e.patterns.length && !values.some((v) => /[*?]/.test(v))) return { field: e.operand.path, values: values.map((v) => v.toLowerCase()) };
  }
  return null;
}

function conjuncts(e: Expr): Expr[] {
  return e.type === 'Logical' && e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** The conjunct to file a step under: a fine-grained field first, then fewer values. */
function bestEquality(step: CompiledStep, typedFields: readonly string[]): { field: string; values: string[] } | null {
  let best: { field: string; values: string[] } | null = null;
  const rank = (x: { field: string; values: string[] }) => (COARSE.has(x.field) ? 1000 : 0) + x.values.length;
  for (const c of conjuncts(step.ast.filter.condition)) {
    const eq = equalities(c, typedFields);
    if (eq && (best === null || rank(eq) < rank(best))) best = eq;
  }
  return best;
}

/**
 * Which steps of which queries an event satisfies, evaluating only the steps that can:
 * the event's categories are read once and pick the steps of those categories (plus `any`);
 * a step whose condition requires `field == value` (or `in`, or `:` without wildcards) is
 * evaluated only when the event has that value (compared case-folded, so `==` is covered
 * too); and when the line's literals are known, steps whose literals are absent are skipped.
 * Same answer as testing every step (runner.ts `stepMask`): the property tests compare them.
 */
export class RuleIndex {
  /** category field → category → steps. */
  private readonly byCategory = new Map<string, Map<string, Bucket>>();
  private readonly anyCategory: Bucket = { always: [], byValue: new Map() };
  private readonly stamp: Uint32Array;
  private serial = 0;
  /** Masks of the event being indexed, by query, and the queries touched. */
  private readonly scratch: Int32Array;
  private touched: number[] = [];

  constructor(
    queries: CompiledQuery[],
    clauses: StepClauses | null,
    literalCount: number,
  ) {
    queries.forEach((q, qi) => {
      const steps = q.until ? [...q.steps, q.until] : q.steps;
      steps.forEach((step, si) => {
        const entry: IndexedStep = { query: qi, bit: 1 << si, condition: step.condition, clauses: clauses?.[qi]?.[si] ?? [] };
        let bucket = this.anyCategory;
        if (step.category !== null) {
          let byName = this.byCategory.get(q.categoryField);
          if (!byName) this.byCategory.set(q.categoryField, (byName = new Map()));
          bucket = byName.get(step.category) ?? { always: [], byValue: new Map() };
          byName.set(step.category, bucket);
        }
        const eq = bestEquality(step, q.typedFields);
        if (!eq) return void bucket.always.push(entry);
        let byValue = bucket.byValue.get(eq.field);
        if (!byValue) bucket.byValue.set(eq.field, (byValue = new Map()));
        for (const v of new Set(eq.values)) {
          const list = byValue.get(v);
          if (list) list.push(entry);
          else byValue.set(v, [entry]);
        }
      });
    });
    this.stamp = new Uint32Array(literalCount);
    this.scratch = new Int32Array(queries.length);
  }

  /**
   * The steps the event satisfies, as pairs `[query, mask, query, mask, ...]` in query order
   * (mask bit i: step i, bit steps.length: until), or null when it satisfies none.
   */
  masks(view: EventView, tags: LineTags | undefined): number[] | null {
    let serial = 0;
    if (tags !== undefined) {
      serial = ++this.serial;
      for (const id of tags) this.stamp[id] = serial;
    }
    this.visitBucket(this.anyCategory, view, serial);
    for (const [field, byName] of this.byCategory) {
      for (const c of strings(view.get(field))) {
        const bucket = byName.get(c);
        if (bucket) this.visitBucket(bucket, view, serial);
      }
    }
    if (!this.touched.length) return null;
    const pairs: number[] = [];
    for (const q of this.touched.sort((a, b) => a - b)) {
      pairs.push(q, this.scratch[q]!);
      this.scratch[q] = 0;
    }
    this.touched = [];
    return pairs;
  }

  private visitBucket(bucket: Bucket, view: EventView, serial: number): void {
    this.visit(bucket.always, view, serial);
    for (const [field, byValue] of bucket.byValue) {
      for (const v of strings(view.get(field))) {
        const steps = byValue.get(v.toLowerCase());
        if (steps) this.visit(steps, view, serial);
      }
    }
  }

  private visit(steps: IndexedStep[], view: EventView, serial: number): void {
    for (const s of steps) {
      if (serial && s.clauses.length && !satisfied(s.clauses, this.stamp, serial)) continue;
      if (!s.condition(view)) continue;
      if (this.scratch[s.query] === 0) this.touched.push(s.query);
      this.scratch[s.query]! |= s.bit;
    }
  }
}

/** The distinct strings of a (possibly multi-valued) field. */
function strings(v: FieldValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return [];
  return [...new Set(v.flat(Infinity as 1).filter((x): x is string => typeof x === 'string'))];
}

import type { CompiledQuery, EventView, Predicate } from '../eql/index.js';
import type { LineTags } from '../input/index.js';
import { satisfied, type StepClauses } from './prefilter.js';

interface IndexedStep {
  query: number;
  bit: number;
  condition: Predicate;
  /** Literal clauses the raw line must satisfy; empty when nothing is known. */
  clauses: readonly Int32Array[];
}

/**
 * Which steps of which queries an event satisfies, evaluating only the steps that can:
 * the event's categories are read once and pick the steps of those categories (plus
 * `any`), and when the line's literals are known, steps whose literals are absent are
 * not evaluated. Same answer as testing every step (runner.ts `stepMask`).
 */
export class RuleIndex {
  private readonly byCategory = new Map<string, IndexedStep[]>();
  private readonly anyCategory: IndexedStep[] = [];
  private readonly stamp: Uint32Array;
  private serial = 0;

  constructor(private readonly queries: CompiledQuery[], private readonly categoryField: string, clauses: StepClauses | null, literalCount: number) {
    queries.forEach((q, qi) => {
      const steps = q.until ? [...q.steps, q.until] : q.steps;
      steps.forEach((step, si) => {
        const entry: IndexedStep = { query: qi, bit: 1 << si, condition: step.condition, clauses: clauses?.[qi]?.[si] ?? [] };
        if (step.category === null) this.anyCategory.push(entry);
        else {
          const list = this.byCategory.get(step.category);
          if (list) list.push(entry);
          else this.byCategory.set(step.category, [entry]);
        }
      });
    });
    this.stamp = new Uint32Array(literalCount);
  }

  /** One mask per query (bit i: step i, bit steps.length: until), or null when all are 0. */
  masks(view: EventView, tags: LineTags | undefined): number[] | null {
    let serial = 0;
    if (tags !== undefined) {
      serial = ++this.serial;
      for (const id of tags) this.stamp[id] = serial;
    }
    let masks: number[] | null = null;
    const visit = (steps: IndexedStep[]) => {
      for (const s of steps) {
        if (serial && s.clauses.length && !satisfied(s.clauses, this.stamp, serial)) continue;
        if (!s.condition(view)) continue;
        masks ??= new Array<number>(this.queries.length).fill(0);
        masks[s.query]! |= s.bit;
      }
    };
    visit(this.anyCategory);
    const cat = view.get(this.categoryField);
    if (typeof cat === 'string') {
      const steps = this.byCategory.get(cat);
      if (steps) visit(steps);
    } else if (Array.isArray(cat)) {
      const seen = new Set<string>();
      for (const c of cat.flat(Infinity as 1)) {
        if (typeof c !== 'string' || seen.has(c)) continue;
        seen.add(c);
        const steps = this.byCategory.get(c);
        if (steps) visit(steps);
      }
    }
    return masks;
  }
}

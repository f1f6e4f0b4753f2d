import type * as A from './ast.js';
import { compileCondition, type CompileOptions, type Predicate } from './compile.js';
import type { EventView, FieldValue } from './event.js';
import { elements } from './values.js';
import { fieldRefs, nodeText } from './walk.js';

/** Why an event does not satisfy a step's filter. */
export interface ConditionFailure {
  /** The event is of another category than the step's, or fails its condition. */
  kind: 'category' | 'condition';
  /** The failing condition as written (`not (...)` when a negated alternative held). */
  condition: string;
  /** The values the event holds for the fields of that condition (undefined: absent). */
  values: { field: string; value: FieldValue | undefined }[];
}

/**
 * Evaluates a filter node by node to find the first condition an event fails: the category,
 * then the leftmost false operand of each `and`, down to a comparison, a function, an `or`
 * whose alternatives all failed, or a `not` (named by the alternative that held). Null when
 * the event satisfies the filter. Each node is compiled once per explainer; this is the slow
 * path, separate from the compiled step predicates.
 */
export function createExplainer(source: string, options: CompileOptions = {}): (filter: A.EventFilter, ev: EventView) => ConditionFailure | null {
  const categoryField = options.categoryField ?? 'event.category';
  const cache = new Map<A.Expr, Predicate>();
  const holds = (e: A.Expr, ev: EventView): boolean => {
    let p = cache.get(e);
    if (!p) cache.set(e, (p = compileCondition(e, source, options)));
    return p(ev);
  };
  const failure = (node: A.Expr, shown: A.Expr, ev: EventView): ConditionFailure => ({
    kind: 'condition',
    condition: node === shown ? nodeText(source, node) : `not ${nodeText(source, shown)}`,
    values: [...new Set(fieldRefs(shown).map((f) => f.path))].map((field) => ({ field, value: ev.get(field) })),
  });
  const firstTrue = (e: A.Expr, ev: EventView): A.Expr =>
    e.type === 'Logical' && e.op === 'or' ? (holds(e.left, ev) ? firstTrue(e.left, ev) : firstTrue(e.right, ev)) : e;
  const first = (e: A.Expr, ev: EventView): ConditionFailure => {
    if (e.type === 'Logical' && e.op === 'and') return first(holds(e.left, ev) ? e.right : e.left, ev);
    if (e.type === 'Not' && e.operand.type === 'Logical' && e.operand.op === 'or') return failure(e, firstTrue(e.operand, ev), ev);
    return failure(e, e, ev);
  };
  return (filter, ev) => {
    if (filter.category !== null && !elements(ev.get(categoryField) ?? null).some((c) => c === filter.category)) {
      return { kind: 'category', condition: `${categoryField} is ${filter.category}`, values: [{ field: categoryField, value: ev.get(categoryField) }] };
    }
    return holds(filter.condition, ev) ? null : first(filter.condition, ev);
  };
}

import type * as A from './ast.js';

/** Every expression node of a query (conditions and join keys), parents before children. */
export function visitExpressions(node: A.Query | A.Expr, visit: (e: A.Expr) => void): void {
  const expr = (e: A.Expr): void => {
    visit(e);
    switch (e.type) {
      case 'Not':
      case 'Negate':
        return expr(e.operand);
      case 'Logical':
      case 'Compare':
      case 'Arith':
        expr(e.left);
        return expr(e.right);
      case 'Match':
        expr(e.operand);
        return e.patterns.forEach(expr);
      case 'In':
        expr(e.operand);
        return e.list.forEach(expr);
      case 'Call':
        return e.args.forEach(expr);
      default:
        return;
    }
  };
  if (!('type' in node) || !['event', 'sequence', 'sample'].includes(node.type)) return expr(node as A.Expr);
  const q = node as A.Query;
  if (q.type === 'event') return expr(q.filter.condition);
  q.by.forEach(expr);
  const steps = q.type === 'sequence' && q.until ? [...q.steps, q.until] : q.steps;
  for (const s of steps) {
    expr(s.filter.condition);
    s.by.forEach(expr);
  }
}

/** The field references of a query or expression, in source order of traversal. */
export function fieldRefs(node: A.Query | A.Expr): A.Field[] {
  const out: A.Field[] = [];
  visitExpressions(node, (e) => { if (e.type === 'Field') out.push(e); });
  return out;
}

/**
 * The fields an event must carry for the query to match: every non-optional field it reads,
 * and the category field when some step names a category.
 */
export function requiredFields(query: A.Query, categoryField: string): string[] {
  const fields = new Set(fieldRefs(query).filter((f) => !f.optional).map((f) => f.path));
  const filters = query.type === 'event' ? [query.filter]
    : [...query.steps, ...(query.type === 'sequence' && query.until ? [query.until] : [])].map((s) => s.filter);
  if (filters.some((f) => f.category !== null)) fields.add(categoryField);
  return [...fields];
}

/**
 * The source text of a node, whitespace collapsed and cut to `max` characters. A node inside
 * parentheses ends before its closing one: the unbalanced ones are closed again.
 */
export function nodeText(source: string, node: { start: number; end: number }, max = 160): string {
  const raw = source.slice(node.start, node.end).replace(/\s+/g, ' ').trim();
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charAt(i);
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
  }
  const text = raw + ')'.repeat(Math.max(0, depth));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

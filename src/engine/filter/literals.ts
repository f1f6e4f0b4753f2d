import { comparesAsText, type CompiledQuery, type Expr, type Step } from '../../eql/index.js';

/**
 * What a step requires of a raw NDJSON line, derived from its AST: a conjunction of clauses,
 * each a set of literals one of which the line must contain (matched ASCII-case-insensitively)
 * if the step can match its event. An empty conjunction requires nothing.
 *
 * Soundness rests on the raw text of a string value being its canonical JSON encoding, which
 * holds for lines without `\u` or `\/` escapes and without the two non-ASCII characters that
 * lower-case to ASCII (U+0130, U+212A); the line filter parses such lines whatever they
 * contain. Only ASCII runs of a literal are used, so case folding is plain ASCII folding.
 */
export type Clause = readonly string[];
export type Requirement = readonly Clause[];

/** Literals shorter than this are too common to be worth searching for. */
const MIN_LITERAL = 3;
/** Caps that keep derived requirements small; dropping a clause only weakens it (still sound). */
const MAX_CLAUSES = 8;
const MAX_CLAUSE_LITERALS = 64;

const NUMBER_CHARS = /^[0-9.eE+-]*$/;

/** The best searchable literal for a value the field must equal (`wildcard`: may contain `*`/`?`). */
function literalOf(value: string, wildcard: boolean): string | null {
  // Numeric and boolean strings also equal other spellings (`4242` and `4.242e3`): no literal.
  if (!comparesAsText(value)) return null;
  let best: string | null = null;
  for (const piece of wildcard ? value.split(/[*?]/) : [value]) {
    const encoded = JSON.stringify(piece).slice(1, -1);
    for (const run of encoded.match(/[\x20-\x7e]+/g) ?? []) {
      // A number field matches a pattern through String(number): digits alone prove nothing.
      if (run.length >= MIN_LITERAL && !NUMBER_CHARS.test(run) && (best === null || run.length > best.length)) best = run;
    }
  }
  return best === null ? null : best.toLowerCase();
}

/** One clause from a list of values the field must match one of, or null when one has no literal. */
function clauseOf(values: unknown[], wildcard: boolean): Clause | null {
  const out = new Set<string>();
  for (const v of values) {
    const lit = typeof v === 'string' ? literalOf(v, wildcard) : null;
    if (lit === null) return null;
    out.add(lit);
  }
  return out.size && out.size <= MAX_CLAUSE_LITERALS ? [...out] : null;
}

const score = (c: Clause) => Math.min(...c.map((l) => l.length)) - c.length / 8;

function cap(clauses: readonly Clause[]): Clause[] {
  const unique = [...new Map(clauses.map((c) => [[...c].sort().join('\0'), c])).values()];
  return unique.sort((a, b) => score(b) - score(a)).slice(0, MAX_CLAUSES);
}

function or(a: Requirement, b: Requirement): Requirement {
  if (!a.length || !b.length) return [];
  const product: Clause[] = [];
  for (const x of a) for (const y of b) {
    const merged = [...new Set([...x, ...y])];
    if (merged.length <= MAX_CLAUSE_LITERALS) product.push(merged);
  }
  return cap(product);
}

interface Context {
  /** Fields that do not compare as plain strings (date, ip, version...): no literal. */
  typedFields: readonly string[];
}

function requirementOf(e: Expr, ctx: Context): Requirement {
  switch (e.type) {
    case 'Logical': {
      const l = requirementOf(e.left, ctx);
      const r = requirementOf(e.right, ctx);
      return e.op === 'and' ? cap([...l, ...r]) : or(l, r);
    }
    case 'Compare': {
      if (e.op !== '==') return [];
      const [field, lit] = e.left.type === 'Field' ? [e.left, e.right] : [e.right, e.left];
      if (field.type !== 'Field' || lit.type !== 'Literal' || ctx.typedFields.includes(field.path)) return [];
      const c = clauseOf([lit.value], false);
      return c ? [c] : [];
    }
    case 'Match': {
      if (e.kind === 'regex' || e.operand.type !== 'Field' || ctx.typedFields.includes(e.operand.path)) return [];
      const c = clauseOf(e.patterns.map((p) => p.value), true);
      return c ? [c] : [];
    }
    case 'In': {
      if (e.negated || e.operand.type !== 'Field' || ctx.typedFields.includes(e.operand.path) || !e.list.every((x) => x.type === 'Literal')) return [];
      const c = clauseOf(e.list.map((x) => (x as { value: unknown }).value), false);
      return c ? [c] : [];
    }
    default:
      return [];
  }
}

/**
 * The requirement of one step. `process where ...` adds `"process"` (quotes included): the
 * category is matched exactly as a string value. That holds for documents read as they are;
 * documents the normalizer rewrites get their category from elsewhere, and the line filter
 * parses every line that might be one (see NORMALIZED_MARKERS in prefilter.ts).
 */
function stepRequirement(step: Step, ctx: Context): Requirement {
  const cond = requirementOf(step.filter.condition, ctx);
  const category = step.filter.category;
  const quoted = category === null ? null : JSON.stringify(category);
  const catLit = quoted !== null && /^[\x20-\x7e]+$/.test(quoted) ? quoted.toLowerCase() : null;
  return cap(catLit === null ? cond : [...cond, [catLit]]);
}

/** Requirements of every step of a query, `until` last. */
export function queryRequirements(q: CompiledQuery, timestampField: string): Requirement[] {
  const ctx: Context = { typedFields: [...q.typedFields, timestampField] };
  const steps = q.steps.map((s) => stepRequirement(s.ast, ctx));
  if (q.until) steps.push(stepRequirement(q.until.ast, ctx));
  return steps;
}

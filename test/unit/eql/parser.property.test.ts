import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileQuery, EqlSyntaxError, type FieldValue } from '../../../src/eql/index.js';
import { params } from './fc-params.js';
import { eqlString, view } from './view.js';

// The parser and compiler over random input: queries generated from a small EQL grammar
// compile, and two spellings of one condition (layout, keyword case, comments, parentheses,
// operand order) compile to predicates that agree on random events; any other text gives an
// EqlSyntaxError, never another exception, and never takes long.

type Expr =
  | { k: 'field'; name: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'cmp'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; l: Expr; r: Expr }
  | { k: 'arith'; op: '+' | '-' | '*' | '/' | '%'; l: Expr; r: Expr }
  | { k: 'match'; field: string; op: ':' | 'like' | 'like~' | 'regex' | 'regex~'; patterns: string[] }
  | { k: 'in'; field: string; negated: boolean; ci: boolean; list: Expr[] }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'not'; e: Expr }
  | { k: 'logic'; op: 'and' | 'or'; l: Expr; r: Expr };

const FIELDS = ['a', 'b', 'c.d', 'n'];
const field = fc.constantFrom(...FIELDS);
const str = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '1', ' ', '\\', '"', '\n'), maxLength: 4 });
const num = fc.integer({ min: -3, max: 50 });
const fieldExpr = field.map((name): Expr => ({ k: 'field', name }));
const numeric: fc.Arbitrary<Expr> = fc.oneof(
  fieldExpr,
  num.map((v): Expr => ({ k: 'num', v })),
  fc.tuple(fc.constantFrom('+', '-', '*', '/', '%'), fc.oneof(fieldExpr, num.map((v): Expr => ({ k: 'num', v }))), num.map((v): Expr => ({ k: 'num', v })))
    .map(([op, l, r]): Expr => ({ k: 'arith', op: op as '+', l, r })),
  field.map((name): Expr => ({ k: 'call', name: 'length', args: [{ k: 'field', name }] })),
);
const operand: fc.Arbitrary<Expr> = fc.oneof(numeric, str.map((v): Expr => ({ k: 'str', v })), fc.boolean().map((v): Expr => ({ k: 'bool', v })));
const WILDCARDS = ['a*', '*b', '?', '*', 'A?1', '\\*'];
const REGEXES = ['a+', '[ab]*', '.*1', '(a|b)c?', '\\d+', 'A.'];
const RANGES = ['10.0.0.0/8', '::1', 'fe80::/10'];

const { condition } = fc.letrec<{ condition: Expr }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>='), operand, operand).map(([op, l, r]): Expr => ({ k: 'cmp', op: op as '==', l, r })),
    fc.tuple(field, fc.constantFrom(':', 'like', 'like~'), fc.array(fc.constantFrom(...WILDCARDS), { minLength: 1, maxLength: 3 }))
      .map(([f, op, patterns]): Expr => ({ k: 'match', field: f, op: op as ':', patterns })),
    fc.tuple(field, fc.constantFrom('regex', 'regex~'), fc.array(fc.constantFrom(...REGEXES), { minLength: 1, maxLength: 2 }))
      .map(([f, op, patterns]): Expr => ({ k: 'match', field: f, op: op as 'regex', patterns })),
    fc.tuple(field, fc.boolean(), fc.boolean(), fc.array(operand, { minLength: 1, maxLength: 3 }))
      .map(([f, negated, ci, list]): Expr => ({ k: 'in', field: f, negated, ci, list })),
    fc.tuple(fc.constantFrom('startsWith', 'endsWith~', 'stringContains', 'stringContains~'), field, str)
      .map(([name, f, v]): Expr => ({ k: 'call', name, args: [{ k: 'field', name: f }, { k: 'str', v }] })),
    fc.tuple(field, fc.array(fc.constantFrom(...RANGES), { minLength: 1, maxLength: 2 }))
      .map(([f, rs]): Expr => ({ k: 'call', name: 'cidrMatch', args: [{ k: 'field', name: f }, ...rs.map((v): Expr => ({ k: 'str', v }))] })),
    tie('condition').map((e): Expr => ({ k: 'not', e })),
    fc.tuple(fc.constantFrom('and', 'or'), tie('condition'), tie('condition')).map(([op, l, r]): Expr => ({ k: 'logic', op: op as 'and', l, r })),
  ),
}));

/** How the second spelling varies: a small deterministic generator drawn per node. */
interface Style { next(): number }
const style = (seed: number): Style => {
  let s = seed >>> 0 || 1;
  return { next: () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) % 8 };
};

const FLIP = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

/** Canonical spelling when `st` is null; otherwise a random but equivalent one. */
function print(e: Expr, st: Style | null): string {
  const r = () => (st ? st.next() : 0);
  const kw = (w: string) => (r() === 1 ? w.toUpperCase() : w);
  const gap = () => [' ', ' ', ' ', '  ', '\n', '\t', ' /* c */ ', ' // c\n'][r()]!;
  const wrap = (x: string) => (r() === 2 ? `((${x}))` : `(${x})`);
  const sub = (x: Expr) => print(x, st);
  switch (e.k) {
    case 'field': return e.name;
    case 'str': return eqlString(e.v);
    case 'num': return String(e.v);
    case 'bool': return kw(String(e.v));
    case 'cmp': return r() === 3 ? `${wrap(sub(e.r))}${gap()}${FLIP[e.op]}${gap()}${wrap(sub(e.l))}` : `${wrap(sub(e.l))}${gap()}${e.op}${gap()}${wrap(sub(e.r))}`;
    case 'arith': return `${wrap(sub(e.l))} ${e.op} ${wrap(sub(e.r))}`;
    case 'match': {
      const list = e.patterns.map(eqlString);
      const pats = list.length === 1 && r() !== 4 ? list[0]! : `(${list.join(`,${gap()}`)})`;
      return `${e.field}${gap()}${kw(e.op)}${gap()}${pats}`;
    }
    case 'in': {
      const items = e.list.map(sub);
      if (r() === 5) items.reverse();
      return `${e.field}${gap()}${e.negated ? `${kw('not')} ` : ''}${kw('in')}${e.ci ? '~' : ''}${gap()}(${items.join(`,${gap()}`)})`;
    }
    case 'call': return `${r() === 6 ? e.name.toLowerCase() : e.name}(${e.args.map(sub).join(`,${gap()}`)})`;
    case 'not': return `${kw('not')}${gap()}${wrap(sub(e.e))}`;
    case 'logic': {
      const [a, b] = r() === 7 ? [e.r, e.l] : [e.l, e.r];
      return `${wrap(sub(a))}${gap()}${kw(e.op)}${gap()}${wrap(sub(b))}`;
    }
  }
}

const value: fc.Arbitrary<FieldValue | undefined> = fc.option(
  fc.oneof(str, num, fc.constantFrom('10.1.2.3', '::1', 'fe80::9', '7', 'aab'), fc.boolean(), fc.constant(null), fc.array(fc.oneof(str, num), { maxLength: 2 })),
  { nil: undefined },
);
const event = fc.tuple(value, value, value, value, fc.boolean()).map(([a, b, cd, n, nested]) => {
  const doc: Record<string, FieldValue> = {};
  for (const [k, v] of [['a', a], ['b', b], ['n', n]] as const) if (v !== undefined) doc[k] = v;
  if (cd !== undefined) {
    if (nested) doc.c = { d: cd };
    else doc['c.d'] = cd;
  }
  return doc;
});

test('property: two spellings of a random condition compile to predicates that agree on random events', () => {
  fc.assert(fc.property(condition, fc.integer(), fc.array(event, { minLength: 1, maxLength: 4 }), (e, seed, events) => {
    const canonical = compileQuery(`any where ${print(e, null)}`).steps[0]!;
    const variant = `any${['  ', '\n'][seed & 1]}WHERE ${print(e, style(seed))}`;
    const other = compileQuery(variant).steps[0]!;
    for (const doc of events) assert.equal(other.matches(view(doc)), canonical.matches(view(doc)), variant);
  }), params(300, 171));
});

const step = (cat: string, e: Expr, keys: string[]) => `[${cat} where ${print(e, null)}]${keys.length ? ` by ${keys.join(', ')}` : ''}`;
const query = fc.oneof(
  fc.tuple(fc.constantFrom('any', 'process', 'network', '"file"'), condition, fc.option(fc.nat(5)))
    .map(([cat, e, head]) => `${cat} where ${print(e, null)}${head === null ? '' : ` | head ${head}`}`),
  fc.tuple(fc.array(condition, { minLength: 2, maxLength: 4 }), fc.nat(2), fc.option(fc.constantFrom('5m', '30s', '1h')), fc.option(condition), fc.option(fc.integer({ min: 1, max: 3 })))
    .map(([conds, k, span, until, runs]) => {
      const keys = FIELDS.slice(0, k);
      const steps = conds.map((e, i) => `${step(i % 2 ? 'network' : 'process', e, keys)}${i === 0 && runs ? ` with runs=${runs}` : ''}`);
      return `sequence${span ? ` with maxspan=${span}` : ''}\n  ${steps.join('\n  ')}${until ? `\nuntil ${step('any', until, keys)}` : ''} | tail 2`;
    }),
  fc.tuple(fc.array(condition, { minLength: 1, maxLength: 3 }), field).map(([conds, key]) => `sample by ${key} ${conds.map((e) => step('any', e, [])).join(' ')}`),
);

test('property: random queries from the grammar compile and run on random events', () => {
  fc.assert(fc.property(query, event, (q, doc) => {
    const compiled = compileQuery(q);
    for (const s of compiled.steps) {
      assert.equal(typeof s.matches(view(doc)), 'boolean');
      assert.equal(s.keys(view(doc)).length, s.optionalKeys.length);
    }
  }), params(200, 172));
});

const TOKENS = ['any', 'process', 'where', 'and', 'or', 'not', 'in', 'in~', ':', 'like~', 'regex', '==', '!=', '<', '>=', '(', ')', '[', ']',
  ',', '.', '|', 'head', 'tail', 'sequence', 'sample', 'by', 'with', 'maxspan', '=', '5m', 'runs', 'until', '!', '?', '`a b`', 'a', 'c.d',
  '"x"', '"""r"""', '"\\u{41}"', '"\\q"', '1', '2.5', '1e999', '-', '+', '*', '/', '%', 'null', 'true', 'cidrMatch', 'startsWith~', 'concat',
  'length', 'number', '"(a+)+b"', '"[z-a]"', '"10.1/8"', '/*', '*/', '//', '\n', '~', 'join', '@x', '#'];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((ts) => ts.join(' '));
const mutated = fc.tuple(query, fc.nat(), fc.nat(20), fc.string({ maxLength: 4 })).map(([q, at, drop, insert]) => {
  const i = at % (q.length + 1);
  return q.slice(0, i) + insert + q.slice(i + drop);
});
/** Long repetitions of one construct: nesting and chains past the parser's depth limit. */
const deep = fc.tuple(fc.constantFrom('(', 'not ', '-', '+', '1 + ', '2 * ', 'a and ', 'a or ', 'concat(', '[', 'x in (', '?'), fc.integer({ min: 100, max: 3000 }))
  .map(([unit, n]) => `any where ${unit.repeat(n)}a`);
const noise = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  deep,
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  tokenSoup,
  mutated,
);

test('property: random text, bytes, token soup, deep nesting and mutated queries give an EqlSyntaxError or a query that runs', () => {
  fc.assert(fc.property(noise, event, (text, doc) => {
    const started = performance.now();
    try {
      const compiled = compileQuery(text);
      for (const s of compiled.steps) s.matches(view(doc));
    } catch (err) {
      assert.ok(err instanceof EqlSyntaxError, `${(err as Error).name}: ${(err as Error).message} for ${JSON.stringify(text.slice(0, 200))}`);
    }
    assert.ok(performance.now() - started < 5000, `took over 5 s: ${JSON.stringify(text.slice(0, 200))}`);
  }), params(1000, 173));
});

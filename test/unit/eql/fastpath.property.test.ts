import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileQuery, foldExpression, FUNCTIONS, type FieldValue } from '../../../src/eql/index.js';
import { params } from './fc-params.js';
import { eqlString, matches, view } from './view.js';

// The compiler's shortcuts held to its general path on random events (DESIGN.md: every
// shortcut keeps a reference path and a differential test against it).

const text = fc.oneof(
  fc.constantFrom('a', 'A', 'b', 'ab', '', '1', '01', '1.0', '-2', 'true', 'TRUE', 'false', ' 1', '1e3'),
  fc.string({ unit: fc.constantFrom('a', 'b', 'A', '1', '.'), maxLength: 3 }),
);
const scalar: fc.Arbitrary<FieldValue> = fc.oneof(text, fc.constantFrom(1, 0, -2, 1000, 1.5), fc.boolean(), fc.constant(null));
/** A field value: scalar, multi-valued, or (undefined) absent. */
const value = fc.option(fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { nil: undefined });
const doc = (x: FieldValue | undefined): Record<string, FieldValue> => (x === undefined ? {} : { x });

test('property: the exact-set `in` fast path agrees with pairwise equality and with ==/or', () => {
  fc.assert(fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), value, fc.boolean(), (list, x, negated) => {
    const items = list.map(eqlString).join(', ');
    const op = negated ? 'not in' : 'in';
    const fast = matches(`x ${op} (${items})`, doc(x));
    // A non-constant list element (an absent optional field: null, equal to nothing) forces the general path.
    assert.equal(fast, matches(`x ${op} (${items}, ?absent)`, doc(x)));
    const anyEqual = list.map((s) => `x == ${eqlString(s)}`).join(' or ');
    assert.equal(fast, matches(negated ? `not (${anyEqual})` : anyEqual, doc(x)));
  }), params(400, 167));
});

const ipText = fc.oneof(
  fc.constantFrom('10.1.2.3', '192.168.0.1', '8.8.8.8', '::1', 'fe80::1', '::ffff:10.0.0.1', '2001:db8::7', '10.1', '012.0.0.1', '', 'x'),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
);
const rangeText = fc.constantFrom('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '::1', 'fe80::/10', '0.0.0.0/0', '::ffff:10.0.0.0/8', '8.8.8.8');
const ipValue = fc.option(fc.oneof(ipText, fc.array(fc.oneof(ipText, fc.constant(null)), { maxLength: 3 }), fc.constant(7)), { nil: undefined });

/** Arguments for each function that has a `specialize` fast path: [constant args, runtime values of arg 0]. */
const SPECIALIZED: Record<string, fc.Arbitrary<[FieldValue[], FieldValue | undefined]>> = {
  cidrmatch: fc.tuple(fc.array(fc.oneof(rangeText, fc.constantFrom('10.1/8', 'nonsense')), { minLength: 1, maxLength: 3 }), ipValue),
};

test('every function with a specialize fast path has a differential property', () => {
  const specialized = [...FUNCTIONS].filter(([, spec]) => spec.specialize).map(([name]) => name);
  assert.ok(specialized.length > 0);
  assert.deepEqual(specialized.sort(), Object.keys(SPECIALIZED).sort());
});

for (const [name, args] of Object.entries(SPECIALIZED)) {
  test(`property: ${name}'s specialize fast path agrees with calling it generically`, () => {
    const spec = FUNCTIONS.get(name)!;
    fc.assert(fc.property(args, ([constants, x]) => {
      const fast = spec.specialize!([undefined, ...constants]);
      assert.ok(fast, 'constant arguments must give a fast path');
      assert.deepEqual(fast([x, ...constants], false), spec.call([x, ...constants], false));
    }), params(400, 168));
  });
}

test('property: cidrMatch compiled over a field agrees with the generic call and with constant folding', () => {
  const spec = FUNCTIONS.get('cidrmatch')!;
  fc.assert(fc.property(fc.array(rangeText, { minLength: 1, maxLength: 3 }), ipText, (ranges, ip) => {
    const list = ranges.map(eqlString).join(', ');
    const runtime = matches(`cidrmatch(x, ${list})`, { x: ip });
    assert.equal(runtime, spec.call([ip, ...ranges], false) === true);
    assert.equal(runtime, foldExpression(`cidrmatch(${eqlString(ip)}, ${list})`) === true);
  }), params(300, 169));
});

const STRING_PREDICATES = ['startsWith', 'endsWith', 'stringContains', 'startsWith~', 'endsWith~', 'stringContains~'];
test('property: string predicates over a field agree with their constant-folded form', () => {
  fc.assert(fc.property(fc.constantFrom(...STRING_PREDICATES), text, text, (fn, hay, needle) => {
    const call = (first: string) => `${fn}(${first}, ${eqlString(needle)})`;
    const step = compileQuery(`any where ${call('x')}`).steps[0]!;
    assert.equal(step.matches(view({ x: hay })), foldExpression(call(eqlString(hay))) === true);
  }), params(300, 170));
});

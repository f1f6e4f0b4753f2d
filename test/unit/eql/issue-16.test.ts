import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery, EqlSyntaxError } from '../../../src/eql/index.js';
import { matches } from './view.js';

// Issue #16, defect 3: `regex` ran as a backtracking JavaScript RegExp, so `(a+)+b` over 28
// characters took seconds and over 64 KB never ended.
test('issue-16 regex: (a+)+b over a 1 MB hostile value finishes well under a second', () => {
  const hostile = 'a'.repeat(1 << 20);
  for (const op of ['regex', 'regex~']) {
    const step = compileQuery(`process where process.command_line ${op} "(a+)+b"`).steps[0]!;
    const started = performance.now();
    assert.equal(matches(`process.command_line ${op} "(a+)+b"`, { process: { command_line: hostile } }), false);
    assert.equal(step.matches({ get: (p) => (p === 'event.category' ? 'process' : p === 'process.command_line' ? hostile + 'b' : undefined) }), true);
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `${op} took ${ms.toFixed(0)} ms`);
  }
});

test('issue-16 regex: other catastrophic shapes stay linear over 256 KB', () => {
  const value = 'a'.repeat(1 << 18) + '!';
  for (const pattern of ['(a|aa)+', '(a*)*b', '(.*a){12}', '([a-z]+)*[0-9]']) {
    const started = performance.now();
    assert.equal(matches(`x regex "${pattern}"`, { x: value }), false, pattern);
    assert.ok(performance.now() - started < 1000, `${pattern} took over a second`);
  }
});

// Issue #16, defect 10: cidrMatch read lenient ipaddr.js forms as addresses, so a rule's
// `not cidrmatch(destination.ip, <private ranges>)` could be steered by the value's spelling.
const NOT_ADDRESSES = ['10.1', '0x0a.1', '0x0a.0.0.1', '167772161', '012.0.0.1', '10.0.0.01', '10.0.0.256', '10.0.0.1 ',
  ' 10.0.0.1', '10.0.0.1/8', '10.0.0', '10.0.0.1.', '١٠.0.0.1', '::ffff:10.0.0.1%eth0', 'fe80::1%1', '::ffff:00010.0.0.1',
  '::ffff:012.0.0.1', '1::2::3', ':::1', '00000::1', '::ffff:10.0.0.1.1', '10.0.0.1::'];
for (const value of NOT_ADDRESSES) {
  test(`issue-16 cidrMatch: ${JSON.stringify(value)} is not an address, so it matches no range and the negation holds`, () => {
    const doc = { destination: { ip: value } };
    const ranges = '"10.0.0.0/8", "0.0.0.0/0", "::/0", "fe80::/10"';
    assert.equal(matches(`cidrmatch(destination.ip, ${ranges})`, doc), false);
    assert.equal(matches(`not cidrmatch(destination.ip, ${ranges})`, doc), true);
  });
}

const ADDRESSES: [string, string, boolean][] = [
  ['10.0.0.1', '10.0.0.0/8', true],
  ['0.0.0.0', '0.0.0.0/32', true],
  ['255.255.255.255', '255.0.0.0/8', true],
  ['100.64.0.1', '10.0.0.0/8', false],
  ['::ffff:10.0.0.1', '10.0.0.0/8', true], // IPv4-mapped IPv6 is the IPv4 address
  ['::FFFF:a00:1', '10.0.0.0/8', true],
  ['10.0.0.1', '::ffff:10.0.0.0/8', true],
  ['2001:DB8::1', '2001:db8::/32', true],
  ['2001:db8:0:0:0:0:0:1', '2001:db8::1', true],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0/128', true],
  ['::1.2.3.4', '::/96', true], // an embedded IPv4 tail (IPv4-compatible, stays IPv6)
  ['64:ff9b::192.0.2.33', '64:ff9b::/96', true],
];
for (const [value, range, expected] of ADDRESSES) {
  test(`issue-16 cidrMatch: ${value} in ${range} is ${expected}`, () => {
    assert.equal(matches(`cidrmatch(destination.ip, "${range}")`, { destination: { ip: value } }), expected);
  });
}

for (const range of ['10.1/16', '012.0.0.0/8', '167772160/8', '10.0.0.0/+8', '10.0.0.0/', '::ffff:10.0.0.0/104', 'fe80::/10%eth0', '10.0.0.0/8 ']) {
  test(`issue-16 cidrMatch: the range ${JSON.stringify(range)} is a compile error`, () => {
    assert.throws(() => compileQuery(`network where cidrmatch(destination.ip, "${range}")`), (err: unknown) =>
      err instanceof EqlSyntaxError && /invalid CIDR range/.test(err.message));
  });
}

// Found by the `in` fast-path property (seed 167): the exact-set shortcut missed that a
// boolean equals "TRUE"/"False" in any case, as the general path (scalarEquals) says.
test('issue-16 in: the exact-set fast path treats "TRUE" like == does for a boolean field', () => {
  for (const x of [true, [true], false]) {
    assert.equal(matches('x in ("TRUE", "b")', { x }), matches('x == "TRUE" or x == "b"', { x }));
    assert.equal(matches('x in ("False")', { x }), matches('x == "False"', { x }));
  }
  assert.equal(matches('x in ("TRUE", "b")', { x: true }), true);
});

// Found while fuzzing the parser: long chains overflowed the stack (RangeError) instead of
// compiling or giving an EqlSyntaxError.
test('issue-16 parser: a 20 000-term and/or chain compiles and runs', () => {
  const terms = Array.from({ length: 20_000 }, (_, i) => `x == ${i}`);
  for (const op of ['or', 'and']) {
    const step = compileQuery(`any where ${terms.join(` ${op} `)}`).steps[0]!;
    assert.equal(step.matches({ get: () => 19_999 }), op === 'or');
  }
});

for (const [name, condition] of [['arithmetic', `x == ${'1 + '.repeat(10_000)}1`], ['unary minus', `${'-'.repeat(10_000)}x == 1`], ['multiplication', `x == ${'2 * '.repeat(10_000)}1`]]) {
  test(`issue-16 parser: a 10 000-long ${name} chain is an EqlSyntaxError, not a stack overflow`, () => {
    assert.throws(() => compileQuery(`any where ${condition}`), (err: unknown) => err instanceof EqlSyntaxError && /nested deeper than 200/.test(err.message));
  });
}

// Defect 10 for IP comparisons: a field mapped as `ip` compares through the same strict parser.
test('issue-16 ip fields: a lenient spelling of 10.0.0.1 is not equal to it, nor ordered against it', () => {
  const options = { fieldTypes: new Map([['ip', { type: 'ip' as const }]]) };
  const on = (condition: string, ip: string) => compileQuery(`any where ${condition}`, options).steps[0]!.matches({ get: (p) => (p === 'ip' ? ip : undefined) });
  for (const ip of ['167772161', '10.1', '0x0a.0.0.1', '012.0.0.1', '10.0.0.01']) {
    assert.equal(on('ip == "10.0.0.1"', ip), false, ip);
    assert.equal(on('ip in ("10.0.0.1")', ip), false, ip);
    assert.equal(on('ip >= "10.0.0.0" and ip <= "10.255.255.255"', ip), false, ip);
  }
  assert.equal(on('ip == "10.0.0.1"', '::ffff:10.0.0.1'), true);
});

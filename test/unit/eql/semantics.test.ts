import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery, compileWildcard, EqlSyntaxError } from '../../../src/eql/index.js';
import { matches, view } from './view.js';

// DESIGN.md: in filters a comparison or function over a missing field is false, and the
// negated forms (`not`, `!=`, `not in`) are true. One case per negated form.
const MISSING: [string, boolean][] = [
  ['destination.port < 49152', false],
  ['not destination.port < 49152', true],
  ['destination.ip != "1.2.3.4"', true],
  ['destination.ip == "1.2.3.4"', false],
  ['destination.ip in ("1.2.3.4")', false],
  ['destination.ip not in ("1.2.3.4")', true],
  ['not destination.ip in ("1.2.3.4")', true],
  ['cidrmatch(destination.ip, "10.0.0.0/8")', false],
  ['not cidrmatch(destination.ip, "10.0.0.0/8")', true],
  ['destination.ip == null', true],
  ['destination.ip != null', false],
  ['null == (destination.port > 1)', true],
  ['startsWith~(dns.question.name, host.name)', false],
  ['not startsWith~(dns.question.name, host.name)', true],
];
for (const [condition, expected] of MISSING) {
  test(`missing field: ${condition} is ${expected}`, () => assert.equal(matches(condition, { host: { name: 'WS1' } }), expected));
}

const EVENT = {
  'process.name': 'CertUtil.exe',
  event: { type: ['start'], category: 'process' },
  process: { args: ['certutil', '-urlcache', '-f'], pid: 42 },
  destination: { ip: '2001:db8::1' },
  dns: { question: { name: 'ws1.corp.example' } },
  host: { name: 'WS1' },
};
const CASES: [string, boolean][] = [
  ['process.name == "certutil.exe"', false],
  ['process.name : "certutil.exe"', true],
  ['process.name : ("calc.exe", "cert*.EXE")', true],
  ['process.name : "c?rtutil.exe"', true],
  ['process.name like "Cert*"', true],
  ['process.name like "cert*"', false],
  ['process.name like~ "cert*"', true],
  ['process.name regex "Cert[A-Za-z]+\\\\.exe"', true],
  ['process.name regex~ "certutil\\\\.exe"', true],
  ['process.name in ("CertUtil.exe")', true],
  ['process.name in~ ("certutil.exe")', true],
  ['event.type == "start"', true],
  ['process.args : "*urlcache*"', true],
  ['process.pid == 42 and process.pid < 50 and process.pid >= 42', true],
  ['process.pid + 8 == 50 and process.pid * 2 == 84 and process.pid / 5 == 8', true],
  ['cidrmatch(destination.ip, "2001:db8::/32")', true],
  ['cidrmatch(destination.ip, "10.0.0.0/8", "::1")', false],
  ['startsWith~(dns.question.name, host.name)', true],
  ['startsWith(dns.question.name, host.name)', false],
  ['length(process.name) == 12 and indexOf(process.name, "U") == 4', true],
  ['substring(process.name, -4) == ".exe" and concat(process.pid, "x") == "42x"', true],
  ['between(dns.question.name, "ws1.", ".example") == "corp"', true],
  ['stringContains~(process.name, "UTIL") and endsWith~(process.name, ".EXE")', true],
  ['number("0x2a") == process.pid and string(process.pid) == "42"', true],
  ['add(1, 2) == 3 and subtract(5, 2) == 3 and multiply(2, 3) == 6 and divide(7, 2) == 3 and modulo(7, 2) == 1', true],
  ['divide(7, 2.0) == 3.5', true],
];
for (const [condition, expected] of CASES) {
  test(`${condition} is ${expected}`, () => assert.equal(matches(condition, EVENT), expected));
}

const ERRORS: [string, string, number, number][] = [
  ['process where foo(process.name)', "unknown function 'foo'", 1, 15],
  ['process where length(a, b)', "function 'length' takes 1 argument, found 2", 1, 15],
  ['process where\n  process.name = "a"', "'='", 2, 16],
  ["process where process.name == 'a'", 'single', 1, 31],
  ['process where process.name == "a', 'unterminated', 1, 31],
  ['process where cidrmatch(destination.ip, "10.0.0.0/33")', 'invalid CIDR', 1, 41],
  ['process where startsWith(1, "a")', 'must be a string', 1, 26],
];
for (const [query, reason, line, column] of ERRORS) {
  test(`rejects ${JSON.stringify(query)} at ${line}:${column}`, () => {
    assert.throws(() => compileQuery(query), (err: unknown) => {
      assert.ok(err instanceof EqlSyntaxError);
      assert.match(err.message, new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.deepEqual([err.line, err.column], [line, column]);
      return true;
    });
  });
}

test('wildcard matching is linear: a pathological pattern over 1 MB finishes in milliseconds', () => {
  const value = 'a'.repeat(1 << 20);
  const pattern = '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b';
  for (const m of [compileWildcard(pattern, false), compileWildcard(pattern, true)]) {
    const started = performance.now();
    assert.equal(m(value), false);
    assert.ok(performance.now() - started < 1000, 'took over a second');
  }
  const like = compileQuery(`any where x like "${pattern}"`).steps[0]!;
  const started = performance.now();
  assert.equal(like.matches(view({ x: value })), false);
  assert.ok(performance.now() - started < 1000, 'like took over a second');
});

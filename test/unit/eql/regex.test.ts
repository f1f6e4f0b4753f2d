import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery, EqlSyntaxError } from '../../../src/eql/index.js';
import { matches } from './view.js';

// Lucene regular-expression syntax as Elasticsearch's EQL `regex` reads it. Patterns are raw
// strings here (`"""..."""`), so a backslash reaches the regex engine as written.
const CASES: [pattern: string, value: string, expected: boolean][] = [
  ['abc', 'abc', true],
  ['abc', 'xabcx', false], // always the whole value
  ['a.c', 'a\nc', true], // `.` matches a newline
  ['a.c', 'a😀c', true], // and one code point
  ['^a$', '^a$', true], // no anchors: ^ and $ are plain characters
  ['\\d+', '2024', true], // Lucene's predefined classes
  ['\\d', 'd', false],
  ['\\s', '\t', true],
  ['\\s', '\f', false], // Lucene's \s is [ \t\n\r]
  ['\\w+', 'A_z9', true],
  ['\\W', 'é', true],
  ['[^\\s]+', 'ab', true],
  ['\\.', '.', true],
  ['\\.', 'x', false],
  ['\\-\\"\\\\', '-"\\', true], // a backslash makes any other character literal
  ['"a.b"', 'a.b', true], // a quoted string is literal
  ['"a.b"', 'axb', false],
  ['a@', 'a\nanything', true], // @ is any string
  ['a|#', 'a', true], // # is the empty language
  ['#', '', false],
  ['()', '', true],
  ['|a', '|a', true], // a leading | or * is a plain character, as in Lucene
  ['*a', '*a', true],
  ['a{2}', 'aa', true],
  ['a{2,}', 'aaaa', true],
  ['a{2,3}', 'aaaa', false],
  ['a{3,2}', 'aaa', false], // max below min: the empty language
  ['.*?net1[ ]+localgroup.*?', 'net1  localgroup', true], // `*?` is `*` then `?`, not lazy
  ['[a-c]+', 'abcabc', true],
  ['[a-c]+', 'abd', false],
  ['(top|buzz)\\.x', 'buzz.x', true],
];
for (const [pattern, value, expected] of CASES) {
  test(`regex ${JSON.stringify(pattern)} over ${JSON.stringify(value)} is ${expected}`, () => {
    assert.equal(matches(`x regex """${pattern}"""`, { x: value }), expected);
  });
}

test('regex~ is case-insensitive, regex is not', () => {
  assert.equal(matches('x regex """certutil\\.exe"""', { x: 'CertUtil.EXE' }), false);
  assert.equal(matches('x regex~ """certutil\\.exe"""', { x: 'CertUtil.EXE' }), true);
  assert.equal(matches('x regex~ """[a-z]+"""', { x: 'ABC' }), true);
});

const REJECTED: [pattern: string, message: RegExp][] = [
  ['a~b', /Lucene-only regular expression operators \(~ & <n-m>\)/],
  ['a&b', /Lucene-only regular expression operators/],
  ['<1-10>', /Lucene-only regular expression operators/],
  ['(?=a)b', /lookaround/],
  ['\\n', /invalid regular expression: invalid escape \\n \(Lucene escapes only/], // Lucene: escaped letters other than d s w are errors
  ['a(b', /invalid regular expression: expected '\)'/],
  ['[a', /invalid regular expression: expected '\]'/],
  ['[z-a]', /invalid regular expression: invalid range/],
  ['"ab', /invalid regular expression: expected '"'/],
  ['a{x}', /invalid regular expression: integer expected/],
  ['a\\', /invalid regular expression: unexpected end of pattern/],
  ['a{1001}', /invalid regular expression/],
  ['('.repeat(300) + ')'.repeat(300), /invalid regular expression: nested deeper/],
];
for (const [pattern, message] of REJECTED) {
  test(`regex ${JSON.stringify(pattern.slice(0, 20))} is a compile error`, () => {
    assert.throws(() => compileQuery(`any where x regex """${pattern}"""`), (err: unknown) => err instanceof EqlSyntaxError && message.test(err.message));
  });
}

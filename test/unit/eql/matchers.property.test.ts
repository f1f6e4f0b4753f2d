import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FieldValue } from '../../../src/eql/index.js';
import { params } from './fc-params.js';
import { eqlString, matches } from './view.js';

// The matchers behind `:`, `like`, `regex` and cidrMatch, held to small reference
// implementations written here, over random patterns and values.

const chars = (alphabet: string[], maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength });

/** `x` as a single value or a multi-valued field (any element may match). */
const fieldValue = (value: fc.Arbitrary<string>) => fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 }));
const anyMatches = (v: string | string[], test: (s: string) => boolean) => (Array.isArray(v) ? v.some(test) : test(v));

// ---- wildcards: a memoised recursive matcher over (pattern position, value position)

function wildcardReference(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const s = caseInsensitive ? value.toLowerCase() : value;
  const memo = new Map<number, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = i * (s.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === p.length) r = j === s.length;
    else if (p[i] === '*') r = at(i + 1, j) || (j < s.length && at(i, j + 1));
    else r = j < s.length && (p[i] === '?' || p[i] === s[j]) && at(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return at(0, 0);
}

// U+0000 stands for itself in a pattern (issue #22: it once stood for `?`).
const WILDCARD_VALUE = ['a', 'b', 'A', 'B', '\\', '.', 'é', 'É', 'İ', '\u0000'];
const WILDCARD_PATTERN = [...WILDCARD_VALUE, '*', '*', '?'];
for (const [op, ci, seed] of [[':', true, 161], ['like', false, 162], ['like~', true, 163]] as const) {
  test(`property: x ${op} pattern agrees with a recursive wildcard matcher`, () => {
    fc.assert(fc.property(chars(WILDCARD_PATTERN, 8), fieldValue(chars(WILDCARD_VALUE, 10)), (pattern, x) => {
      const expected = anyMatches(x, (s) => wildcardReference(pattern, s, ci));
      assert.equal(matches(`x ${op} ${eqlString(pattern)}`, { x }), expected);
    }), params(300, seed));
  });
}

for (const [op, ci, seed] of [[':', true, 164], ['like', false, 165], ['like~', true, 166]] as const) {
  test(`property: x ${op} (p1, p2, ...) holds when any pattern matches`, () => {
    fc.assert(fc.property(fc.array(chars(WILDCARD_PATTERN, 6), { minLength: 1, maxLength: 5 }), fieldValue(chars(WILDCARD_VALUE, 8)), (patterns, x) => {
      const expected = anyMatches(x, (s) => patterns.some((p) => wildcardReference(p, s, ci)));
      assert.equal(matches(`x ${op} (${patterns.map(eqlString).join(', ')})`, { x }), expected);
    }), params(300, seed));
  });
}

// ---- regex: random Lucene syntax trees, printed as Lucene text; the reference walks the tree
// and collects every end position reachable from a start position.

type Rx =
  | { k: 'char'; c: string }
  | { k: 'any' | 'empty' | 'none' | 'anyString' }
  | { k: 'class'; negated: boolean; items: (string | [string, string])[] }
  | { k: 'predefined'; c: 'd' | 'D' | 's' | 'S' | 'w' | 'W' }
  | { k: 'quoted'; s: string }
  | { k: 'cat' | 'alt'; a: Rx; b: Rx }
  | { k: 'star' | 'plus' | 'opt'; a: Rx }
  | { k: 'repeat'; a: Rx; min: number; max: number | null };

const RX_CHARS = ['a', 'b', 'A', '0', '_', ' ', '\t', '\n', '\f', '-', '.', 'é'];
/** Values also hold a lone surrogate and an astral character: `.` is one code point. */
const RX_VALUE = [...RX_CHARS, '\ud800', '😀'];
const rxChar = fc.constantFrom(...RX_CHARS);
const { rx } = fc.letrec<{ rx: Rx }>((tie) => ({
  rx: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    rxChar.map((c): Rx => ({ k: 'char', c })),
    fc.constantFrom<Rx>({ k: 'any' }, { k: 'empty' }, { k: 'none' }, { k: 'anyString' }),
    fc.record({ negated: fc.boolean(), items: fc.array(fc.oneof(rxChar, fc.tuple(rxChar, rxChar).map(([x, y]): [string, string] => (x <= y ? [x, y] : [y, x]))), { minLength: 1, maxLength: 3 }) })
      .map(({ negated, items }): Rx => ({ k: 'class', negated, items })),
    fc.constantFrom('d', 's', 'w', 'D', 'S', 'W').map((c): Rx => ({ k: 'predefined', c: c as 'd' })),
    chars(RX_CHARS, 3).map((s): Rx => ({ k: 'quoted', s })),
    fc.tuple(tie('rx'), tie('rx')).map(([a, b]): Rx => ({ k: 'cat', a, b })),
    fc.tuple(tie('rx'), tie('rx')).map(([a, b]): Rx => ({ k: 'alt', a, b })),
    fc.tuple(fc.constantFrom('star', 'plus', 'opt'), tie('rx')).map(([k, a]): Rx => ({ k: k as 'star', a })),
    fc.tuple(tie('rx'), fc.nat(3), fc.option(fc.nat(4))).map(([a, min, max]): Rx => ({ k: 'repeat', a, min, max })),
  ),
}));

/** Lucene text; every non-alphanumeric character is escaped, composites are parenthesised. */
function lucene(r: Rx): string {
  const ch = (c: string) => (/[A-Za-z0-9é]/.test(c) ? c : `\\${c}`);
  const atom = (x: Rx) => (x.k === 'cat' || x.k === 'alt' || x.k === 'star' || x.k === 'plus' || x.k === 'opt' || x.k === 'repeat' ? `(${lucene(x)})` : lucene(x));
  switch (r.k) {
    case 'char': return ch(r.c);
    case 'any': return '.';
    case 'empty': return '()';
    case 'none': return '#';
    case 'anyString': return '@';
    case 'class': return `[${r.negated ? '^' : ''}${r.items.map((i) => (typeof i === 'string' ? ch(i) : `${ch(i[0])}-${ch(i[1])}`)).join('')}]`;
    case 'predefined': return `\\${r.c}`;
    case 'quoted': return `"${r.s}"`;
    case 'cat': return atom(r.a) + atom(r.b);
    case 'alt': return `${atom(r.a)}|${atom(r.b)}`;
    case 'star': return `${atom(r.a)}*`;
    case 'plus': return `${atom(r.a)}+`;
    case 'opt': return `${atom(r.a)}?`;
    case 'repeat': return `${atom(r.a)}{${r.min}${r.max === null ? ',' : r.max === r.min ? '' : `,${r.max}`}}`;
  }
}

const PREDEFINED: Record<string, (c: string) => boolean> = {
  d: (c) => /^[0-9]$/.test(c), s: (c) => /^[ \t\n\r]$/.test(c), w: (c) => /^[A-Za-z0-9_]$/.test(c),
};
const predefinedTest = (p: string) => (p === p.toLowerCase() ? PREDEFINED[p]! : (c: string) => !PREDEFINED[p.toLowerCase()]!(c));
const swapCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

function regexReference(r: Rx, value: string, ci: boolean): boolean {
  const s = [...value];
  const one = (test: (c: string) => boolean) => (c: string) => test(c) || (ci && test(swapCase(c)));
  const ends = (x: Rx, i: number): Set<number> => {
    const step = (test: (c: string) => boolean) => new Set(i < s.length && test(s[i]!) ? [i + 1] : []);
    switch (x.k) {
      case 'char': return step(one((c) => c === x.c));
      case 'any': return step(() => true);
      case 'empty': return new Set([i]);
      case 'none': return new Set();
      case 'anyString': return new Set(s.map((_, j) => j + 1).filter((j) => j > i).concat(i));
      case 'class': {
        const inClass = one((c) => x.items.some((it) => (typeof it === 'string' ? c === it : c >= it[0] && c <= it[1])));
        return step((c) => inClass(c) !== x.negated);
      }
      case 'predefined': return x.c === 'W' ? step((c) => !one(PREDEFINED.w!)(c)) : step(one(predefinedTest(x.c)));
      case 'quoted': return [...x.s].reduce((at, c) => new Set([...at].flatMap((j) => (j < s.length && one((d) => d === c)(s[j]!) ? [j + 1] : []))), new Set([i]));
      case 'cat': return new Set([...ends(x.a, i)].flatMap((j) => [...ends(x.b, j)]));
      case 'alt': return new Set([...ends(x.a, i), ...ends(x.b, i)]);
      case 'opt': return new Set([i, ...ends(x.a, i)]);
      case 'star': case 'plus': {
        const seen = new Set(x.k === 'star' ? [i] : []);
        let frontier = [...ends(x.a, i)];
        while (frontier.length) {
          const fresh = frontier.filter((j) => !seen.has(j));
          fresh.forEach((j) => seen.add(j));
          frontier = fresh.flatMap((j) => [...ends(x.a, j)]);
        }
        return seen;
      }
      case 'repeat': {
        if (x.max !== null && x.max < x.min) return new Set();
        let at = new Set([i]);
        const out = new Set<number>();
        for (let n = 0; x.max === null ? at.size > 0 && n <= s.length + x.min : n <= x.max; n++) {
          if (n >= x.min) at.forEach((j) => out.add(j));
          at = new Set([...at].flatMap((j) => [...ends(x.a, j)]));
        }
        return out;
      }
    }
  };
  return ends(r, 0).has(s.length);
}

for (const [op, ci, seed] of [['regex', false, 164], ['regex~', true, 165]] as const) {
  test(`property: x ${op} pattern agrees with a reference walk of the Lucene syntax tree`, () => {
    fc.assert(fc.property(rx, fieldValue(chars(RX_VALUE, 6)), (r, x) => {
      const expected = anyMatches(x, (s) => regexReference(r, s, ci));
      assert.equal(matches(`x ${op} ${eqlString(lucene(r))}`, { x }), expected, lucene(r));
    }), params(400, seed));
  });
}

// ---- cidrMatch: a naive parser built from RFC 3986's IPv6address grammar (RFC 4291 text)
// and four decimal octets, then prefix comparison on BigInts.

const DEC_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = `${DEC_OCTET}(\\.${DEC_OCTET}){3}`;
const H16 = '[0-9A-Fa-f]{1,4}';
const LS32 = `(${H16}:${H16}|${IPV4})`;
const IPV6 = [
  `(${H16}:){6}${LS32}`, `::(${H16}:){5}${LS32}`, `(${H16})?::(${H16}:){4}${LS32}`,
  `((${H16}:){0,1}${H16})?::(${H16}:){3}${LS32}`, `((${H16}:){0,2}${H16})?::(${H16}:){2}${LS32}`,
  `((${H16}:){0,3}${H16})?::${H16}:${LS32}`, `((${H16}:){0,4}${H16})?::${LS32}`,
  `((${H16}:){0,5}${H16})?::${H16}`, `((${H16}:){0,6}${H16})?::`,
].join('|');
const IS_V4 = new RegExp(`^${IPV4}$`);
const IS_V6 = new RegExp(`^(${IPV6})$`);

/** [value, bits] with IPv4-mapped IPv6 read as IPv4, or null. */
function ipReference(text: string): [bigint, 32 | 128] | null {
  if (IS_V4.test(text)) return [text.split('.').reduce((n, o) => (n << 8n) | BigInt(o), 0n), 32];
  if (!IS_V6.test(text)) return null;
  let hex = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipReference(v4[1]!)![0];
    hex = text.slice(0, v4.index) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [left, right] = hex.includes('::') ? hex.split('::') as [string, string] : [hex, null];
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  const groups = right === null ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  const n = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  return n >> 32n === 0xffffn ? [n & 0xffffffffn, 32] : [n, 128];
}

function cidrReference(ip: string, range: string): boolean {
  const [addr, bitsText] = range.split('/') as [string, string | undefined];
  const a = ipReference(ip);
  const r = ipReference(addr);
  if (!a || !r || a[1] !== r[1]) return false;
  const bits = bitsText === undefined ? r[1] : Number(bitsText);
  const shift = BigInt(r[1] - bits);
  return a[0] >> shift === r[0] >> shift;
}

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 10, 127, 172, 192, 255));
const ipv4Text = fc.oneof(
  fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')),
  // near misses: leading zeros, hex, too few or many parts, out of range, one integer
  fc.tuple(octet, octet).map(([a, b]) => `${a}.${b}`),
  fc.tuple(octet, octet, octet, octet).map(([a, b, c, d]) => `0${a}.${b}.${c}.${d}`),
  fc.tuple(octet, octet, octet, octet).map(([a, b, c, d]) => `0x${a.toString(16)}.${b}.${c}.${d}`),
  fc.tuple(octet, octet, octet, octet, octet).map((o) => o.join('.')),
  fc.integer({ min: 256, max: 999 }).map((n) => `10.0.0.${n}`),
  fc.nat().map(String),
);
const hextet = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0xffff, 0xfe80, 0x2001, 0xdb8));
const ipv6Text = fc.tuple(fc.array(hextet, { minLength: 8, maxLength: 8 }), fc.nat(8), fc.nat(8), fc.boolean(), fc.constantFrom('', '', '', '%eth0', ' ', ':', '0'))
  .map(([hs, from, len, upper, suffix]) => {
    const groups = hs.map((h) => h.toString(16));
    const cut = from + Math.min(len, 8 - from);
    const text = len > 0 && from < 8 ? `${groups.slice(0, from).join(':')}::${groups.slice(cut).join(':')}` : groups.join(':');
    return (upper ? text.toUpperCase() : text) + suffix;
  });
const mappedText = fc.tuple(fc.constantFrom('::ffff:', '::', '64:ff9b::', '::FFFF:0:'), ipv4Text).map(([p, v4]) => p + v4);
const ipText = fc.oneof(ipv4Text, ipv6Text, mappedText);
const rangeText = fc.oneof(
  fc.tuple(ipv4Text, fc.integer({ min: 0, max: 32 })).map(([a, b]) => `${a}/${b}`),
  fc.tuple(ipv6Text, fc.integer({ min: 0, max: 128 })).map(([a, b]) => `${a}/${b}`),
  fc.constantFrom('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::ffff:10.0.0.0/8', 'fe80::/10', '::1', '0.0.0.0/0', '::/0'),
).filter((r) => ipReference(r.split('/')[0]!) !== null && Number(r.split('/')[1] ?? 0) <= ipReference(r.split('/')[0]!)![1]);

test('property: cidrMatch agrees with an RFC 3986/4291 grammar parser and BigInt prefixes', () => {
  fc.assert(fc.property(fieldValue(ipText), fc.array(rangeText, { minLength: 1, maxLength: 3 }), (ip, ranges) => {
    const expected = anyMatches(ip, (s) => ranges.some((r) => cidrReference(s, r)));
    const call = `cidrmatch(x, ${ranges.map((r) => JSON.stringify(r)).join(', ')})`;
    const doc: Record<string, FieldValue> = { x: ip };
    assert.equal(matches(call, doc), expected, call);
    assert.equal(matches(`not ${call}`, doc), !expected);
  }), params(500, 166));
});

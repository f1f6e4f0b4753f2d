import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Automaton } from '../../src/engine/filter/automaton.js';

const fold = (b: number) => (b >= 0x41 && b <= 0x5a ? b + 32 : b);

/** Every (end position, pattern) a plain ASCII-case-insensitive search finds in buf[start, end). */
function plainSearch(patterns: Uint8Array[], buf: Uint8Array, start: number, end: number): string[] {
  const found: string[] = [];
  for (let i = start; i < end; i++) {
    patterns.forEach((p, id) => {
      const from = i - p.length + 1;
      if (from < start) return;
      for (let k = 0; k < p.length; k++) if (fold(buf[from + k] ?? -1) !== fold(p[k] ?? -2)) return;
      found.push(`${i}:${id}`);
    });
  }
  return found.sort();
}

// A small alphabet (with both cases, a newline and a byte no pattern holds) makes overlaps,
// shared prefixes and failure links common.
const byte = fc.constantFrom(0x61, 0x41, 0x62, 0x42, 0x63, 0x2e, 0x22, 0x0a, 0xc4, 0xff);
const pattern = fc.uint8Array({ minLength: 1, maxLength: 6 }).chain((a) => fc.array(byte, { minLength: a.length, maxLength: a.length }).map((b) => Uint8Array.from(b)));

test('the automaton finds exactly what a plain case-insensitive search finds, at every position and pattern', () => {
  fc.assert(fc.property(
    fc.array(pattern.filter((p) => !p.includes(0x0a)), { minLength: 1, maxLength: 12 }),
    fc.array(byte, { maxLength: 300 }).map((b) => Uint8Array.from(b)),
    fc.nat(20),
    (patterns, buf, cut) => {
      const start = Math.min(cut, buf.length);
      const got: string[] = [];
      new Automaton(patterns).scan(buf, start, buf.length, (pos, ids) => { for (const id of ids) got.push(`${pos}:${id}`); });
      assert.deepEqual(got.sort(), plainSearch(patterns, buf, start, buf.length));
    },
  ), { numRuns: 400, seed: 0x5eed });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunner, keyTuples, type FieldValue, type Hit, type TimelineEvent } from '../../../src/engine/index.js';

// The runners see compiled queries only through their steps' keys and flags, and events only
// through the step mask (and join keys) they are pushed with, so the queries here are built by hand: each
// step joins on one field and the test says which step(s) each event matches.
type Query = Parameters<typeof createRunner>[0];
type Step = Query['steps'][number];

const NO_AST = { filter: { category: null, condition: { type: 'Literal' as const, value: true, start: 0, end: 0 }, start: 0, end: 0 }, by: [], runs: 1, missing: false, start: 0, end: 0 };

function step(key: string | null, opts: { runs?: number; missing?: boolean } = {}): Step {
  return {
    matches: () => true,
    condition: () => true,
    category: null,
    keys: (ev) => (key === null ? [] : [ev.get(key) ?? null]),
    optionalKeys: key === null ? [] : [false],
    dateKeys: key === null ? [] : [false],
    runs: opts.runs ?? 1,
    missing: opts.missing ?? false,
    ast: NO_AST,
  };
}

function query(type: Query['type'], steps: Step[], opts: { maxspan?: number; until?: Step; pipes?: Query['pipes'] } = {}): Query {
  return {
    source: '', ast: { type: 'event', filter: NO_AST.filter, pipes: [], start: 0, end: 0 }, type, steps,
    until: opts.until ?? null, maxspan: opts.maxspan ?? null, pipes: opts.pipes ?? [], fields: [], categoryField: 'event.category', typedFields: [],
  };
}

let line = 0;
function ev(ts: number, doc: Record<string, FieldValue>): TimelineEvent {
  return { ts, tiebreak: undefined, fileIndex: 0, part: 0, line: ++line, raw: JSON.stringify(doc) };
}

/** The Hit the collect stage would give an event that matches the steps in `mask`. */
function hitOf(q: Query, e: TimelineEvent, mask: number): Hit {
  const doc = JSON.parse(e.raw) as Record<string, FieldValue>;
  const view = { get: (p: string) => doc[p] };
  const steps = [...q.steps, ...(q.until ? [q.until] : [])];
  return { mask, tuples: steps.map((s, i) => (mask & (1 << i) ? keyTuples(s.keys(view), s.optionalKeys) : undefined)) };
}

/** Pushes [event, mask] pairs in order and returns each result's event ids and keys. */
function run(q: Query, pushes: [TimelineEvent, number][], opts: { maxSamplesPerKey?: number; maxPending?: number } = {}) {
  return runWith(createRunner(q, opts), q, pushes);
}

function runWith(runner: ReturnType<typeof createRunner>, q: Query, pushes: [TimelineEvent, number][]) {
  for (const [e, mask] of pushes) runner.push(e, hitOf(q, e, mask));
  return runner.finish().map((r) => ({ ids: r.events.map((e) => (e.missing ? 'missing' : (JSON.parse(e.raw) as { id: string }).id)), keys: r.joinKeys }));
}

test('event query: one result per event matching step 0, head/tail pipes applied in order', () => {
  const q = query('event', [step(null)], { pipes: [{ kind: 'head', count: 3, start: 0, end: 0 }, { kind: 'tail', count: 2, start: 0, end: 0 }] });
  const out = run(q, [[ev(1, { id: 'a' }), 1], [ev(2, { id: 'x' }), 0], [ev(3, { id: 'b' }), 1], [ev(4, { id: 'c' }), 1], [ev(5, { id: 'd' }), 1]]);
  assert.deepEqual(out.map((r) => r.ids), [['b'], ['c']]);
});

test('sequence: per key, a later start replaces the waiting one; other keys do not join', () => {
  const q = query('sequence', [step('k'), step('k')]);
  const out = run(q, [
    [ev(1, { id: 'a1', k: 1 }), 0b01],
    [ev(2, { id: 'a2', k: 1 }), 0b01],
    [ev(3, { id: 'b-other-key', k: 2 }), 0b10],
    [ev(4, { id: 'b1', k: 1 }), 0b10],
    [ev(5, { id: 'b-again', k: 1 }), 0b10],
  ]);
  assert.deepEqual(out, [{ ids: ['a2', 'b1'], keys: [1] }]);
});

test('sequence: maxspan bounds first to last; until ends the key', () => {
  const spanned = query('sequence', [step('k'), step('k')], { maxspan: 10 });
  assert.deepEqual(run(spanned, [[ev(0, { id: 'a', k: 1 }), 1], [ev(11, { id: 'b', k: 1 }), 2]]), []);
  assert.deepEqual(run(spanned, [[ev(0, { id: 'a', k: 1 }), 1], [ev(10, { id: 'b', k: 1 }), 2]]).map((r) => r.ids), [['a', 'b']]);
  // Bit steps.length is `until`.
  const until = query('sequence', [step('k'), step('k')], { until: step('k') });
  assert.deepEqual(run(until, [[ev(0, { id: 'a', k: 1 }), 1], [ev(1, { id: 'u', k: 1 }), 0b100], [ev(2, { id: 'b', k: 1 }), 2]]), []);
  assert.deepEqual(run(until, [[ev(0, { id: 'a', k: 1 }), 1], [ev(1, { id: 'u', k: 2 }), 0b100], [ev(2, { id: 'b', k: 1 }), 2]]).map((r) => r.ids), [['a', 'b']]);
});

test('sequence: runs=N needs N distinct events for the step; one event never fills two stages', () => {
  const q = query('sequence', [step('k', { runs: 2 }), step('k')]);
  assert.deepEqual(run(q, [[ev(1, { id: 'a', k: 1 }), 1], [ev(2, { id: 'b', k: 1 }), 2]]), []);
  assert.deepEqual(run(q, [[ev(1, { id: 'a', k: 1 }), 1], [ev(2, { id: 'a2', k: 1 }), 1], [ev(3, { id: 'b', k: 1 }), 2]]).map((r) => r.ids), [['a', 'a2', 'b']]);
  const both = query('sequence', [step('k'), step('k')]);
  assert.deepEqual(run(both, [[ev(1, { id: 'ab', k: 1 }), 0b11]]), [], 'matching both steps at once starts a sequence only');
});

test('sequence: results come in completion order, not start order', () => {
  const q = query('sequence', [step('k'), step('k')]);
  const out = run(q, [[ev(1, { id: 'a1', k: 1 }), 1], [ev(2, { id: 'a2', k: 2 }), 1], [ev(3, { id: 'b2', k: 2 }), 2], [ev(4, { id: 'b1', k: 1 }), 2]]);
  assert.deepEqual(out.map((r) => r.ids), [['a2', 'b2'], ['a1', 'b1']]);
});

test('missing event between: dropped when it occurs between the positives, placeholder otherwise', () => {
  const q = query('sequence', [step('k'), step('k', { missing: true }), step('k')]);
  assert.deepEqual(run(q, [[ev(1, { id: 'a', k: 1 }), 0b001], [ev(2, { id: 'gap', k: 1 }), 0b010], [ev(3, { id: 'c', k: 1 }), 0b100]]), []);
  assert.deepEqual(run(q, [[ev(1, { id: 'a', k: 1 }), 0b001], [ev(2, { id: 'gap', k: 2 }), 0b010], [ev(3, { id: 'c', k: 1 }), 0b100]]),
    [{ ids: ['a', 'missing', 'c'], keys: [1] }], 'a missing-step event under another key does not count');
});

test('trailing missing event: the result waits for maxspan, and is dropped if the event comes inside it', () => {
  const q = query('sequence', [step('k'), step('k'), step('k', { missing: true })], { maxspan: 10 });
  assert.deepEqual(run(q, [[ev(0, { id: 'a', k: 1 }), 1], [ev(1, { id: 'b', k: 1 }), 2], [ev(5, { id: 'late', k: 1 }), 4]]), []);
  assert.deepEqual(run(q, [[ev(0, { id: 'a', k: 1 }), 1], [ev(1, { id: 'b', k: 1 }), 2], [ev(11, { id: 'too-late', k: 1 }), 4]]).map((r) => r.ids), [['a', 'b', 'missing']]);
});

test('sample: groups by key with no time order, distinct events, keys ascending, a null key is no key', () => {
  const q = query('sample', [step('k'), step('k')]);
  const out = run(q, [
    [ev(5, { id: 'b-first', k: 'x' }), 0b10],
    [ev(1, { id: 'a', k: 'x' }), 0b01],
    [ev(2, { id: 'both', k: 'a' }), 0b11],
    [ev(3, { id: 'n1', k: null }), 0b01],
  ]);
  // Key 'a' has one event for both steps: a sample needs distinct events. A null key is no key.
  assert.deepEqual(out, [{ ids: ['a', 'b-first'], keys: ['x'] }]);
  const many = run(q, [[ev(1, { id: 'a1', k: 1 }), 1], [ev(2, { id: 'a2', k: 1 }), 1], [ev(3, { id: 'b1', k: 1 }), 2], [ev(4, { id: 'z', k: 0 }), 3], [ev(5, { id: 'z2', k: 0 }), 3]], { maxSamplesPerKey: 2 });
  assert.deepEqual(many.map((r) => r.ids), [['z', 'z2'], ['z2', 'z'], ['a1', 'b1'], ['a2', 'b1']]);
});

test('sequence: past --max-pending the key that opened first is dropped and counted; the others still complete', () => {
  const q = query('sequence', [step('k'), step('k')]);
  const pushes: [TimelineEvent, number][] = [
    [ev(1, { id: 'a1', k: 'a' }), 1], [ev(2, { id: 'b1', k: 'b' }), 1], [ev(3, { id: 'c1', k: 'c' }), 1],
    [ev(4, { id: 'a2', k: 'a' }), 2], [ev(5, { id: 'c2', k: 'c' }), 2], [ev(6, { id: 'b2', k: 'b' }), 2],
  ];
  const bounded = createRunner(q, { maxPending: 2 });
  assert.deepEqual(runWith(bounded, q, pushes).map((r) => r.ids), [['c1', 'c2'], ['b1', 'b2']]);
  assert.equal(bounded.dropped(), 1, 'key a was dropped when c opened');
  const unbounded = createRunner(q);
  assert.deepEqual(runWith(unbounded, q, pushes).map((r) => r.ids), [['a1', 'a2'], ['c1', 'c2'], ['b1', 'b2']]);
  assert.equal(unbounded.dropped(), 0);
});

test('issue-22: only keys with open partial sequences count against --max-pending; completed, expired and ended keys free their place', () => {
  const q = query('sequence', [step('k'), step('k'), step('k')], { maxspan: 100, until: step('k') });
  // The attacker's key opens first; three other keys then open and complete (or end, or expire) one after another.
  const pushes: [TimelineEvent, number][] = [[ev(1, { id: 'x1', k: 'x' }), 1], [ev(2, { id: 'x2', k: 'x' }), 2]];
  for (const [i, k] of ['a', 'b', 'c'].entries()) pushes.push([ev(3 + i * 3, { id: `${k}1`, k }), 1], [ev(4 + i * 3, { id: `${k}2`, k }), 2], [ev(5 + i * 3, { id: `${k}3`, k }), 4]);
  pushes.push([ev(20, { id: 'd1', k: 'd' }), 1], [ev(21, { id: 'd-until', k: 'd' }), 8]);
  pushes.push([ev(30, { id: 'e1', k: 'e' }), 1], [ev(200, { id: 'e-late', k: 'e' }), 2]);
  pushes.push([ev(50, { id: 'x3', k: 'x' }), 4]);
  pushes.sort((a, b) => a[0].ts - b[0].ts);
  const bounded = createRunner(q, { maxPending: 2 });
  assert.deepEqual(runWith(bounded, q, pushes).map((r) => r.ids), [['a1', 'a2', 'a3'], ['b1', 'b2', 'b3'], ['c1', 'c2', 'c3'], ['x1', 'x2', 'x3']]);
  assert.equal(bounded.dropped(), 0, 'never more than two keys were open at once');
  // Three keys open at once past a bound of two: one drop, the oldest.
  const three = createRunner(q, { maxPending: 2 });
  assert.deepEqual(runWith(three, q, [[ev(1, { id: 'p1', k: 'p' }), 1], [ev(2, { id: 'q1', k: 'q' }), 1], [ev(3, { id: 'r1', k: 'r' }), 1], [ev(4, { id: 'p2', k: 'p' }), 2], [ev(5, { id: 'q2', k: 'q' }), 2], [ev(6, { id: 'q3', k: 'q' }), 4]]).map((r) => r.ids), [['q1', 'q2', 'q3']]);
  assert.equal(three.dropped(), 1);
});

test('issue-22: a key that moves on keeps its age; the oldest open key is the one dropped', () => {
  const q = query('sequence', [step('k'), step('k'), step('k')]);
  const r = createRunner(q, { maxPending: 2 });
  // a opens, b opens, a advances (still the oldest), c opens: a is dropped, b completes.
  const out = runWith(r, q, [[ev(1, { id: 'a1', k: 'a' }), 1], [ev(2, { id: 'b1', k: 'b' }), 1], [ev(3, { id: 'a2', k: 'a' }), 2], [ev(4, { id: 'c1', k: 'c' }), 1], [ev(5, { id: 'b2', k: 'b' }), 2], [ev(6, { id: 'b3', k: 'b' }), 4], [ev(7, { id: 'a3', k: 'a' }), 4]]);
  assert.deepEqual(out.map((x) => x.ids), [['b1', 'b2', 'b3']]);
  assert.equal(r.dropped(), 1);
});

/** The pushes' near misses as [kind, key, event ids, span], and the results, from one runner watching for them. */
function nearMisses(q: Query, pushes: [TimelineEvent, number][], opts: { maxPending?: number } = {}) {
  const runner = createRunner(q, { ...opts, nearMisses: true });
  const results = runWith(runner, q, pushes).map((r) => r.ids);
  const ids = new Map(pushes.map(([e]) => [`${e.line}`, (JSON.parse(e.raw) as { id: string }).id]));
  const { nearMisses: found, uncounted } = runner.nearMisses!.finish();
  const misses = found.map((m) => [m.kind, m.keys, m.events.map((e) => ids.get(`${e.line}`)), m.spanMs]);
  return { results, misses, uncounted };
}

test('near misses: every step matched out of order; a key that later completes is none; the watch changes no result', () => {
  const q = query('sequence', [step('k'), step('k')]);
  const pushes: [TimelineEvent, number][] = [
    [ev(1, { id: 'b1', k: 1 }), 0b10], [ev(2, { id: 'a1', k: 1 }), 0b01],
    [ev(3, { id: 'b2', k: 2 }), 0b10], [ev(4, { id: 'a2', k: 2 }), 0b01], [ev(5, { id: 'b2-late', k: 2 }), 0b10],
    [ev(6, { id: 'b3', k: 3 }), 0b10],
  ];
  const { results, misses } = nearMisses(q, pushes);
  assert.deepEqual(misses, [['out-of-order', [1], ['a1', 'b1'], undefined]], 'key 2 completed, key 3 lacks step 1');
  assert.deepEqual(results, run(q, pushes).map((r) => r.ids));
  assert.deepEqual(results, [['a2', 'b2-late']]);
  assert.equal(createRunner(q).nearMisses, null, 'only watched when asked');
});

test('near misses: a chain in order past maxspan, up to twice it, with its shortest span', () => {
  const q = query('sequence', [step('k'), step('k'), step('k')], { maxspan: 10 });
  const { misses, results } = nearMisses(q, [
    [ev(0, { id: 'a', k: 1 }), 1], [ev(5, { id: 'a-later', k: 1 }), 1], [ev(8, { id: 'b', k: 1 }), 2], [ev(16, { id: 'c', k: 1 }), 4],
    [ev(20, { id: 'a', k: 2 }), 1], [ev(22, { id: 'b', k: 2 }), 2], [ev(41, { id: 'c', k: 2 }), 4],
    [ev(50, { id: 'a', k: 3 }), 1], [ev(51, { id: 'b', k: 3 }), 2], [ev(60, { id: 'c', k: 3 }), 4],
  ]);
  assert.deepEqual(results, [['a', 'b', 'c']], 'key 3 is within maxspan');
  // Key 1: from a-later, 11 > 10 (not 16, from a); key 2: 21 > 2 × 10, too far to be near.
  assert.deepEqual(misses, [['outside-maxspan', [1], ['a-later', 'c'], 11]]);
});

test('near misses: until ends what the key matched before it; runs count as stages', () => {
  const q = query('sequence', [step('k'), step('k')], { until: step('k') });
  const { misses } = nearMisses(q, [
    [ev(1, { id: 'b', k: 1 }), 0b010], [ev(2, { id: 'u', k: 1 }), 0b100], [ev(3, { id: 'a', k: 1 }), 0b001],
    [ev(4, { id: 'b', k: 2 }), 0b010], [ev(5, { id: 'u', k: 3 }), 0b100], [ev(6, { id: 'a', k: 2 }), 0b001],
  ]);
  assert.deepEqual(misses, [['out-of-order', [2], ['a', 'b'], undefined]]);
  const again = nearMisses(q, [[ev(1, { id: 'a', k: 1 }), 1], [ev(2, { id: 'b', k: 1 }), 2], [ev(3, { id: 'u', k: 1 }), 4], [ev(4, { id: 'b2', k: 1 }), 2], [ev(5, { id: 'a2', k: 1 }), 1]]);
  assert.deepEqual([again.results, again.misses], [[['a', 'b']], []], 'a key with an alert is no near miss, even after an until');
  const runs = query('sequence', [step('k', { runs: 2 }), step('k')]);
  assert.deepEqual(nearMisses(runs, [[ev(1, { id: 'b', k: 1 }), 2], [ev(2, { id: 'a', k: 1 }), 1], [ev(3, { id: 'a2', k: 1 }), 1]]).misses, [['out-of-order', [1], ['a', 'b'], undefined]]);
  assert.deepEqual(nearMisses(runs, [[ev(1, { id: 'a', k: 1 }), 1], [ev(2, { id: 'b', k: 1 }), 2]]).misses, [], 'one of two runs is not every step');
});

test('near misses: memory is bounded; a key let go is judged then, and one completed later is taken back', () => {
  const q = query('sequence', [step('k'), step('k')]);
  const pushes: [TimelineEvent, number][] = [[ev(1, { id: 'b', k: 'x' }), 2], [ev(2, { id: 'a', k: 'x' }), 1], [ev(3, { id: 'b', k: 'y' }), 2], [ev(4, { id: 'a', k: 'y' }), 1]];
  // More keys than the two generations hold, each with step 1 only.
  for (let i = 0; i < 40_000; i++) pushes.push([ev(10 + i, { id: `s${i}`, k: `k${i}` }), 1]);
  pushes.push([ev(50_000, { id: 'b-late', k: 'y' }), 2]);
  const { misses, results, uncounted } = nearMisses(q, pushes);
  assert.deepEqual(misses, [['out-of-order', ['x'], ['a', 'b'], undefined]]);
  assert.deepEqual(results, [['a', 'b-late']]);
  assert.deepEqual(uncounted, { 'out-of-order': 0, 'outside-maxspan': 0 });
});

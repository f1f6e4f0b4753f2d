import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileOptions, portableCompile } from '../../src/cli/options.js';
import { scan, type Alert, type ScanOptions, type ScanQuery } from '../../src/engine/index.js';
import { discoverInputs } from '../../src/input/index.js';
import { getField } from '../../src/normalize/index.js';
import { builtinRulesDir, loadRuleFile } from '../../src/rules/index.js';
import { ROOT } from '../helpers/run-cli.js';

/**
 * Whole-run invariants over every event in samples/ (which fires all five built-in rules):
 * the alerts do not depend on how the events are split into files, on the order the files
 * are given in, on the order of lines within a file, on nested vs dotted keys, or on how
 * much of the timeline is ordered in memory rather than in temporary files, or on the
 * number of threads and the byte ranges files are read in.
 */
const docs: Record<string, unknown>[] = [];
for (const dir of fs.readdirSync(path.join(ROOT, 'samples'), { recursive: true, encoding: 'utf8' })) {
  if (!dir.endsWith('.ndjson')) continue;
  const text = fs.readFileSync(path.join(ROOT, 'samples', dir), 'utf8');
  for (const line of text.split('\n')) if (line.trim()) docs.push(JSON.parse(line) as Record<string, unknown>);
}

const fields = { categoryField: 'event.category', timestampField: '@timestamp' };
const queries: ScanQuery[] = [];
for (const file of fs.readdirSync(builtinRulesDir()).filter((f) => f.endsWith('.toml')).sort()) {
  const outcome = loadRuleFile(path.join(builtinRulesDir(), file), compileOptions(fields));
  if ('rule' in outcome) queries.push({ compiled: outcome.rule.compiled, rule: outcome.rule.meta, name: outcome.rule.meta.name });
}

function dotted(doc: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(doc)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) dotted(v as Record<string, unknown>, `${prefix}${k}.`, into);
    else into[`${prefix}${k}`] = v;
  }
  return into;
}

/** An alert by what it claims: rule, join keys, and the events (by their event.id), as a sortable string. */
const identity = (a: Alert) => JSON.stringify([a.rule?.id, a.joinKeys, a.events.map((e) => (e.missing ? null : getField(e.source, 'event.id')))]);

/** The alerts, then the near misses, by what they claim (their lines, and so the order of those at one time, differ with the split). */
async function alertsOf(files: Record<string, unknown>[][], run: Partial<ScanOptions> = {}): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-prop-'));
  const paths = files.map((f, i) => {
    const p = path.join(dir, `part-${i}.ndjson`);
    fs.writeFileSync(p, f.map((d) => JSON.stringify(d)).join('\n') + '\n');
    return p;
  });
  const { sources } = await discoverInputs(paths);
  const { alerts, summary } = await scan({ sources, queries, maxLineBytes: 1 << 20, timestampField: '@timestamp', ...run });
  fs.rmSync(dir, { recursive: true });
  assert.equal(summary.events, files.reduce((n, f) => n + f.length, 0), 'every event is read');
  const { listed, ...counts } = summary.nearMisses!;
  return [...alerts.map(identity).sort(), JSON.stringify(counts), ...listed.map((m) => JSON.stringify([m.rule, m.key, m.kind, m.spanMs])).sort()];
}

test('samples: the same alerts and near misses for any split into files, any file order, any line order, nested or dotted, in memory or spilled, any threads', async () => {
  const baseline = await alertsOf([docs]);
  assert.ok(baseline.length >= 10 + 6, `samples give ${baseline.length} alerts and near misses`);
  const split = fc.record({
    files: fc.integer({ min: 1, max: 8 }),
    assignment: fc.array(fc.nat(), { minLength: docs.length, maxLength: docs.length }),
    order: fc.array(fc.nat(), { minLength: docs.length, maxLength: docs.length }),
    flat: fc.array(fc.boolean(), { minLength: docs.length, maxLength: docs.length }),
    // From a few candidates per temporary run to everything in memory.
    maxMemory: fc.oneof(fc.integer({ min: 1, max: 20_000 }), fc.constant(undefined)),
    // One thread, or a pool reading files in byte ranges of a few lines each.
    threads: fc.integer({ min: 1, max: 3 }),
    rangeBytes: fc.integer({ min: 200, max: 20_000 }),
  });
  await fc.assert(fc.asyncProperty(split, async ({ files, assignment, order, flat, maxMemory, threads, rangeBytes }) => {
    const parts: Record<string, unknown>[][] = Array.from({ length: files }, () => []);
    const shuffled = docs.map((d, i) => ({ d: flat[i] ? dotted(d) : d, key: order[i]! })).sort((a, b) => a.key - b.key);
    shuffled.forEach(({ d }, i) => parts[assignment[i]! % files]!.push(d));
        const run: Partial<ScanOptions> = { threads, rangeBytes, compile: portableCompile(fields), ...(maxMemory ? { maxMemory } : {}) };
    assert.deepEqual(await alertsOf(parts.filter((p) => p.length), run), baseline);
  }), { numRuns: 15, seed: 16 });
});

test('one file read whole or in byte ranges by a pool: the same alerts, lines and problems', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-prop-'));
  const file = path.join(dir, 'all.ndjson');
  // Bad lines, blank lines and CRLF among the events, so line numbers are tested too.
  const lines = docs.flatMap((d, i) => (i % 7 === 0 ? ['{not json', '', JSON.stringify(d)] : [JSON.stringify(d) + (i % 5 ? '' : '\r')]));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const { sources } = await discoverInputs([file]);
  const base = { sources, queries, maxLineBytes: 1 << 20, timestampField: '@timestamp', maxProblemsShown: 1000 };
  const whole = await scan(base);
  const shape = (r: typeof whole) => ({
    alerts: r.alerts.map((a) => [a.rule?.id, a.events.map((e) => [e.line, e.raw])]),
    problems: r.summary.problems,
    counts: [r.summary.events, r.summary.badLines, r.summary.bytes],
  });
  assert.ok(whole.summary.badLines > 0 && whole.alerts.length > 0);
  for (const rangeBytes of [97, 1000, 8000]) {
    const split = await scan({ ...base, threads: 3, rangeBytes, compile: portableCompile(fields) });
    assert.deepEqual(shape(split), shape(whole), `ranges of ${rangeBytes} bytes`);
  }
  fs.rmSync(dir, { recursive: true });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

// The Sigma translation cache (src/cli/rule-cache.ts): a warm run gives what a cold one gave,
// a changed rule file is translated again, and no cache is written where it is turned off or
// inside a rule folder.
const FIXTURE = path.join(ROOT, 'test/fixtures/sigma');
const EVENTS = path.join(FIXTURE, 'certutil-urlcache.positive.ndjson');

function setup(): { dir: string; rules: string; cache: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-rule-cache-'));
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  fs.copyFileSync(path.join(FIXTURE, 'certutil-urlcache.yml'), path.join(rules, 'certutil-urlcache.yml'));
  return { dir, rules, cache: path.join(dir, 'cache') };
}

const scan = (rules: string, cache: string) => runCli(['scan', EVENTS, '--rules', rules, '--format', 'ndjson', '-q'], { env: { LOLHUNT_CACHE_DIR: cache } });
const ruleNames = (stdout: string) => parseNdjson(stdout).map((a) => (a.rule as { name: string }).name);

test('rule cache: the warm run alerts as the cold one; a changed rule is translated again', async () => {
  const { rules, cache } = setup();
  const cold = await scan(rules, cache);
  assert.equal(cold.code, 1, cold.stderr);
  const files = fs.readdirSync(cache);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^sigma-.*\.v8$/);
  const written = fs.statSync(path.join(cache, files[0]!)).mtimeMs;
  const warm = await scan(rules, cache);
  assert.equal(warm.stdout, cold.stdout);
  assert.ok(ruleNames(warm.stdout).length > 0);
  // Every translation came from the file: nothing new to write.
  assert.equal(fs.statSync(path.join(cache, files[0]!)).mtimeMs, written);

  const file = path.join(rules, 'certutil-urlcache.yml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'-urlcache'", "'-no-such-flag'"));
  const changed = await scan(rules, cache);
  assert.equal(changed.code, 0, changed.stderr);
  assert.deepEqual(ruleNames(changed.stdout), []);
  assert.notEqual(fs.statSync(path.join(cache, files[0]!)).mtimeMs, written);
});

test('rule cache: none written when turned off, nor inside a rule folder', async () => {
  const { dir, rules } = setup();
  const off = await scan(rules, 'off');
  assert.equal(off.code, 1, off.stderr);
  assert.deepEqual(fs.readdirSync(dir), ['rules']);
  const within = await scan(rules, path.join(rules, 'cache'));
  assert.equal(within.code, 1, within.stderr);
  assert.deepEqual(fs.readdirSync(rules), ['certutil-urlcache.yml']);
});

test('rule cache: none written inside what the scan reads, a folder or a glob\'s folder', async () => {
  const { dir, rules } = setup();
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  fs.copyFileSync(EVENTS, path.join(logs, 'events.ndjson'));
  for (const input of [logs, path.join(logs, '*.ndjson')]) {
    const r = await runCli(['scan', input, '--rules', rules, '--format', 'ndjson', '-q'], { env: { LOLHUNT_CACHE_DIR: logs } });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(logs), ['events.ndjson']);
  }
  // Elsewhere the same run keeps its cache: the refusal is about the inputs.
  const kept = await runCli(['scan', logs, '--rules', rules, '--format', 'ndjson', '-q'], { env: { LOLHUNT_CACHE_DIR: path.join(dir, 'cache') } });
  assert.equal(kept.code, 1, kept.stderr);
  assert.equal(fs.readdirSync(path.join(dir, 'cache')).length, 1);
});

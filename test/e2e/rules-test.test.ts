import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/run-cli.js';

const builtin = fs.readdirSync(path.join(ROOT, 'rules')).filter((f) => f.endsWith('.toml'));
const names = builtin.map((f) => /^name = "(.*)"$/m.exec(fs.readFileSync(path.join(ROOT, 'rules', f), 'utf8'))![1]!);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-rules-test-'));
}

test('rules test: every built-in rule passes its fixtures from samples/', async () => {
  const run = await runCli(['rules', 'test']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  for (const name of names) assert.match(run.stdout, new RegExp(`^pass +${name.replace(/[()]/g, '\\$&')} \\(2 fixtures, `, 'm'));
  assert.match(run.stdout, new RegExp(`^${names.length} rules: ${names.length} passed, 0 failed, 0 without fixtures$`, 'm'));
});

test('rules test: the built-in fixtures name every positive entity of samples/ under fire', () => {
  for (const f of builtin) {
    const slug = f.slice(0, -'.toml'.length);
    const positives = new Set(fs.readFileSync(path.join(ROOT, 'samples', slug, 'positive.ndjson'), 'utf8').match(/[\w-]+-positive(?=")/g));
    const toml = fs.readFileSync(path.join(ROOT, 'rules', f), 'utf8');
    const fire = /^fire = \[(.*)\]$/m.exec(toml)![1]!.split(', ').map((s) => JSON.parse(s) as string);
    assert.deepEqual(new Set(fire), positives, slug);
  }
});

test('rules test: broken rules and fixtures fail with one line per mismatch, exit 1, JUnit', async () => {
  const dir = tempDir();
  try {
    const junit = path.join(dir, 'out.xml');
    const run = await runCli(['rules', 'test', 'test/fixtures/broken-rules/', '--junit', junit]);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.split('\n');
    const after = (label: string) => lines.slice(lines.findIndex((l) => l.includes(label)) + 1).filter((l) => l.startsWith('   ')).map((l) => l.trim());
    assert.match(run.stdout, /^FAIL +Typo Field \(test\/fixtures\/broken-rules\/typo-field\.toml\)$/m);
    assert.equal(after('Typo Field')[0], 'test/fixtures/broken-rules/typo-field.positive.ndjson: no alert (a positive fixture must fire the rule)');
    const noisy = after('Noisy Certutil');
    const events = 'test/fixtures/rule-repo/rules/fixtures/certutil-urlcache.ndjson';
    assert.equal(noisy[0], `${events}: no alert for key cu-missing`);
    assert.equal(noisy[1], `${events}: alert for key cu-neg-verify, which must stay silent (${events}:3, ${events}:4)`);
    assert.equal(noisy[2], `${events}: unexpected alert for key cu-neg-late (${events}:5, ${events}:6)`);
    const bad = after('Bad Fixture');
    assert.equal(bad[0], "test/fixtures/broken-rules/bad-fixture.toml: [[lolhunt.fixture]] 2: unknown key 'fires' (events, fire, silent, alerts)");
    assert.match(bad[1]!, /^test\/fixtures\/broken-rules\/bad-fixture\.events\.ndjson:2: invalid JSON: .* \(a fixture must read cleanly\)$/);
    assert.match(run.stdout, /^no fixtures +No Fixtures$/m);
    assert.match(run.stdout, /^4 rules: 0 passed, 3 failed, 1 without fixtures$/m);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="lolhunt rules test" tests="4" failures="3" errors="0" skipped="1"/);
    assert.match(xml, /<testcase classname="test\/fixtures\/broken-rules\/no-fixtures.toml" name="No Fixtures" time="[\d.]+">\n\s*<skipped message="no fixtures"\/>/);
    assert.match(xml, /<failure message="test\/fixtures\/rule-repo\/rules\/fixtures\/certutil-urlcache.ndjson: no alert for key cu-missing" type="mismatch">/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 4);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rules test: a rule set without any fixtures tested nothing: exit 2, not a pass', async () => {
  const run = await runCli(['rules', 'test', 'test/fixtures/broken-rules/no-fixtures.toml']);
  assert.equal(run.code, 2);
  assert.match(run.stdout, /^no fixtures +No Fixtures$/m);
  assert.match(run.stderr, /no rule has fixtures: nothing was tested/);
});

test('rules test --require-fixtures fails a rule without fixtures', async () => {
  const run = await runCli(['rules', 'test', 'test/fixtures/rule-repo/rules/', 'test/fixtures/broken-rules/no-fixtures.toml', '--require-fixtures']);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^FAIL +No Fixtures .*\n +no fixtures \(--require-fixtures\)$/m);
  assert.match(run.stdout, /^3 rules: 2 passed, 1 failed, 0 without fixtures$/m);
});

test('rules test: a positive sample that no longer fires fails its rule', async () => {
  // A copy of the certutil rule and its samples, with the download moved to a private address.
  const dir = tempDir();
  try {
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.cpSync(path.join(ROOT, 'samples/network-connection-via-certutil'), path.join(dir, 'samples/network-connection-via-certutil'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'rules/network-connection-via-certutil.toml'), path.join(dir, 'rules/network-connection-via-certutil.toml'));
    const positive = path.join(dir, 'samples/network-connection-via-certutil/positive.ndjson');
    const text = fs.readFileSync(positive, 'utf8');
    assert.ok(text.includes('"destination":{"ip":"93.184.215.14"'));
    fs.writeFileSync(positive, text.replace('"destination":{"ip":"93.184.215.14"', '"destination":{"ip":"10.1.2.3"'));
    const run = await runCli(['rules', 'test', 'rules/'], { cwd: dir });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^FAIL +Network Connection via Certutil \(rules\/network-connection-via-certutil.toml\)\n +samples\/network-connection-via-certutil\/positive\.ndjson: no alert for key e3-certutil-positive$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rules test: a broken rule file is a rule error (exit 2), nothing tested', async () => {
  const run = await runCli(['rules', 'test', 'test/fixtures/lint/metadata.toml']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /metadata\.toml: severity must be one of/);
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

// Every built-in rule carries proof: samples/<rule>/positive.ndjson fires it, negative.ndjson does not.
const rules = fs.readdirSync(path.join(ROOT, 'rules')).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -'.toml'.length));

test('there are five built-in rules, each with samples', () => {
  assert.equal(rules.length, 5);
  for (const slug of rules) {
    for (const kind of ['positive', 'negative']) {
      assert.ok(fs.existsSync(path.join(ROOT, 'samples', slug, `${kind}.ndjson`)), `samples/${slug}/${kind}.ndjson missing`);
    }
  }
});

for (const slug of rules) {
  test(`${slug}: every positive sequence fires, no near-miss does`, async () => {
    const rule = path.join('rules', `${slug}.toml`);
    const positive = await runCli(['scan', '--rules', rule, '--format', 'ndjson', path.join('samples', slug, 'positive.ndjson')]);
    assert.equal(positive.code, 1, positive.stderr);
    const alerts = parseNdjson(positive.stdout);
    // Positive samples name their process instances "...-positive"; each must be one alert.
    const expected = new Set(
      fs.readFileSync(path.join(ROOT, 'samples', slug, 'positive.ndjson'), 'utf8').match(/"entity_id":"[^"]*-positive"/g)!,
    );
    assert.ok(expected.size > 0);
    assert.equal(alerts.length, expected.size, positive.stdout);
    for (const a of alerts) assert.match(String((a.join_keys as string[])[0]), /-positive$/);

    const negative = await runCli(['scan', '--rules', rule, '--format', 'ndjson', path.join('samples', slug, 'negative.ndjson')]);
    assert.equal(negative.code, 0, negative.stderr);
    assert.equal(negative.stdout, '');
  });
}

test('near-miss samples stay silent under every built-in rule', async () => {
  const negatives = rules.map((slug) => path.join('samples', slug, 'negative.ndjson'));
  const run = await runCli(['scan', '--format', 'ndjson', ...negatives]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
});

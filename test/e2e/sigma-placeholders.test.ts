import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

// --sigma-placeholders: the values of Sigma's `expand` placeholders, from a YAML or JSON file.
const RULES = 'test/fixtures/sigma-placeholders/rules/';
const POSITIVE = `${RULES}admin-tool-outside-admin-hosts.positive.ndjson`;
const NEGATIVE = `${RULES}admin-tool-outside-admin-hosts.negative.ndjson`;

function file(name: string, text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-placeholders-')), name);
  fs.writeFileSync(f, text);
  return f;
}

test('--sigma-placeholders: JSON with %name% keys works as YAML does; scan expands the placeholder into the rule', async () => {
  const json = file('p.json', JSON.stringify({ '%admin_workstations%': ['adm-0*'] }));
  const hit = await runCli(['scan', POSITIVE, NEGATIVE, '--rules', RULES, '--sigma-placeholders', json, '--format', 'ndjson']);
  assert.equal(hit.code, 1, hit.stderr);
  assert.equal(hit.stdout.trim().split('\n').length, 1);
  assert.match(hit.stdout, /psexec-on-ws/);
  const shown = await runCli(['rules', 'show', '8d2e4f61-3a7b-4c9e-b015-6f2a9d3c7e48', '--rules', RULES, '--sigma-placeholders', json]);
  assert.match(shown.stdout, /not \(host\.name : "adm-0\*"\)/);
});

test('--sigma-placeholders: without values the rule is unsupported; a malformed file is a usage error naming it', async () => {
  const none = await runCli(['rules', 'validate', RULES]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /placeholder %admin_workstations% has no values/);
  for (const [text, why] of [['- a\n', /expected a map/], ['x: [a, {b: 1}]\n', /placeholder 'x' must name/], ['x: []\n', /non-empty list/], ['x: [a\n', /--sigma-placeholders/]] as const) {
    const bad = file('p.yml', text);
    const run = await runCli(['scan', POSITIVE, '--rules', RULES, '--sigma-placeholders', bad]);
    assert.equal(run.code, 2, `${text}: ${run.stderr}`);
    assert.match(run.stderr, why);
    assert.ok(run.stderr.includes(bad), run.stderr);
  }
});

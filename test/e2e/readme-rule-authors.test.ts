import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { codeBlocks, shellWords } from '../helpers/examples.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

// The README's "For rule authors" section: every command runs exactly as written, and the
// output block after it is what it prints (stdout, or lines of stderr when stdout is empty).
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## For rule authors'), readme.indexOf('\n## ', readme.indexOf('## For rule authors') + 1));
const blocks = codeBlocks(section);

test('the rule-author section has commands, outputs, a fixture table and a CI job', () => {
  assert.ok(blocks.filter((b) => b.lang === 'sh').length >= 4);
  assert.ok(blocks.some((b) => b.lang === 'yaml'));
  assert.ok(blocks.some((b) => b.lang === 'toml'));
});

blocks.forEach((block, i) => {
  if (block.lang !== 'sh') return;
  const next = blocks[i + 1];
  for (const line of block.body.split('\n').filter((l) => l.startsWith('lolhunt '))) {
    test(`README: ${line}`, async () => {
      const run = await runCli(shellWords(line).slice(1));
      assert.doesNotMatch(run.stderr, /internal error/);
      assert.ok(next?.lang === 'text', `no output block after ${line}`);
      if (run.stdout !== '') assert.equal(run.stdout, next.body);
      else for (const l of next.body.trimEnd().split('\n')) assert.ok(run.stderr.split('\n').includes(l), `stderr lacks ${l}:\n${run.stderr}`);
    });
  }
});

test('README: the fixture table is the example repository\'s, verbatim', () => {
  const toml = blocks.find((b) => b.lang === 'toml')!.body;
  const rule = fs.readFileSync(path.join(ROOT, 'test/fixtures/rule-repo/rules/certutil-urlcache.toml'), 'utf8');
  assert.ok(rule.includes(toml), toml);
});

test('README: the CI job\'s lolhunt steps pass in the example repository, and write JUnit', async () => {
  const yaml = blocks.find((b) => b.lang === 'yaml')!.body;
  assert.equal(yaml, fs.readFileSync(path.join(ROOT, 'test/fixtures/rule-repo/.github/workflows/rules.yml'), 'utf8'), 'the example repository holds this workflow');
  const steps = yaml.split('\n').map((l) => /^\s*- run: (lolhunt .*)$/.exec(l)?.[1]).filter((c): c is string => c !== undefined);
  assert.equal(steps.length, 2);
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-rule-repo-'));
  try {
    fs.cpSync(path.join(ROOT, 'test/fixtures/rule-repo'), repo, { recursive: true });
    for (const step of steps) {
      const run = await runCli(shellWords(step).slice(1), { cwd: repo });
      assert.equal(run.code, 0, `${step}:\n${run.stdout}${run.stderr}`);
    }
    const xml = fs.readFileSync(path.join(repo, 'rules-test.xml'), 'utf8');
    assert.match(xml, /<testsuites name="lolhunt rules test" tests="2" failures="0" errors="0" skipped="0"/);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});

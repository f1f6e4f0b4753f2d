import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseQuery } from '../../src/eql/index.js';
import { loadSigmaText } from '../../src/rules/sigma/index.js';

// Sigma rules are built as EQL syntax trees, compiled as built and printed as EQL text (rules
// show and explain print it). The text must parse back to exactly the tree built,
// offsets included: over the fixture, and over every SigmaHQ Windows rule when ../shared/sigma is here.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../');
const SIGMA = path.resolve(ROOT, '../shared/sigma');

test('sigma: the EQL text parses back to the syntax tree built from the YAML, offsets included', () => {
  const files = [path.join(ROOT, 'test/fixtures/sigma/certutil-urlcache.yml')];
  if (fs.existsSync(SIGMA)) {
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.yml') ? [path.join(d, e.name)] : []));
    files.push(...walk(path.join(SIGMA, 'rules/windows')));
  } else {
    console.log(`# sigma: round trip over the fixture only (${SIGMA} is absent)`);
  }
  let checked = 0;
  for (const file of files) {
    const o = loadSigmaText(file, fs.readFileSync(file, 'utf8'));
    if ('skipped' in o) continue;
    assert.deepEqual(parseQuery(o.rule.query), o.rule.ast, file);
    checked++;
  }
  assert.ok(checked >= Math.min(files.length, 2300), `${checked} checked`);
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SigmaFileError } from '../../../src/rules/sigma/index.js';
import { readYaml, readYamlPrecisely, type YamlFile } from '../../../src/rules/sigma/yaml.js';

// Sigma's YAML is read by js-yaml, with `yaml` as the fallback that locates errors: both must
// give the same documents, over the fixtures and every SigmaHQ rule when ../shared/sigma is here.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../');
const SIGMA = path.resolve(ROOT, '../shared/sigma/rules');

const outcome = (read: (s: string) => YamlFile, source: string): YamlFile | { error: string } => {
  try {
    return read(source);
  } catch (err) {
    if (!(err instanceof SigmaFileError)) throw err;
    return { error: `${err.reason} (${err.line}:${err.column})` };
  }
};

test('sigma yaml: js-yaml reads every rule file as yaml does', () => {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(d, e.name)] : []));
  const files = walk(path.join(ROOT, 'test/fixtures'));
  if (fs.existsSync(SIGMA)) files.push(...walk(SIGMA));
  else console.log(`# sigma yaml: fixtures only (${SIGMA} is absent)`);
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    assert.deepEqual(outcome(readYaml, source), outcome(readYamlPrecisely, source), file);
  }
  assert.ok(files.length >= (fs.existsSync(SIGMA) ? 3000 : 1), `${files.length} files`);
});

test('sigma yaml: what js-yaml refuses is read by yaml, with its errors', () => {
  const cases: [string, string, YamlFile | { error: RegExp }][] = [
    ['an alias', 'a: &x [1, 2]\nb: *x\n', { count: 1, only: new Map([['a', [1, 2]], ['b', [1, 2]]]) }],
    ['typed keys', '1: one\ntrue: yes\n~: none\n', { count: 1, only: new Map<unknown, string>([[1, 'one'], [true, 'yes'], [null, 'none']]) }],
    ['no timestamp, no merge', 'd: 2024-01-02\nm: {<<: {a: 1}}\n', { count: 1, only: new Map<string, unknown>([['d', '2024-01-02'], ['m', new Map([['<<', new Map([['a', 1]])]])]]) }],
    ['no document', '# only a comment\n', { count: 0 }],
    ['two documents', 'a: 1\n---\nb: 2\n', { count: 2 }],
    ['a duplicate key', 'a: 1\na: 2\n', { error: /^invalid YAML: Map keys must be unique/ }],
    ['a syntax error', 'a: [1,\nb: 2\n', { error: /^invalid YAML: Flow sequence/ }],
    ['aliases past the cap', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, { error: /^invalid YAML: .*alias/i }],
  ];
  for (const [name, source, want] of cases) {
    const got = outcome(readYaml, source);
    if ('error' in want) assert.match('error' in got ? got.error : JSON.stringify(got), want.error, name);
    else assert.deepEqual(got, want, name);
  }
});

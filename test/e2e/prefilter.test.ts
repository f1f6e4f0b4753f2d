import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { certutilPair, ndjson, tmpDir } from '../helpers/telemetry.js';

const noise = (i: number) => ({ '@timestamp': `2024-05-01T10:00:${String(i).padStart(2, '0')}Z`, event: { category: ['file'] }, file: { name: `f${i}.txt` } });

test('--prefilter skip: lines no rule can match are counted as events but not parsed; tag and off parse them', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'x.ndjson');
  fs.writeFileSync(file, ndjson([...certutilPair('e1', '2024-05-01T10:00:00Z', '2024-05-01T10:00:05Z'), noise(1), noise(2), noise(3)]));
  const on = await runCli(['scan', file, '--format', 'ndjson', '--prefilter', 'skip']);
  const tag = await runCli(['scan', file, '--format', 'ndjson', '--prefilter', 'tag']);
  const off = await runCli(['scan', file, '--format', 'ndjson', '--prefilter', 'off']);
  assert.equal(on.code, 1);
  assert.equal(on.stdout, off.stdout);
  assert.equal(tag.stdout, off.stdout);
  assert.match(on.stderr, /^events {7}5 \(3 not parsed: no rule can match them\)$/m);
  assert.match(tag.stderr, /^events {7}5$/m);
  assert.match(off.stderr, /^events {7}5$/m);
});

test('--verbose names the rules whose steps have no literal (nothing is skipped while they run)', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  const rule = (name: string, query: string) => `[rule]\nname = "${name}"\nrule_id = "${name}"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nlanguage = "eql"\nquery = '''\n${query}\n'''\n`;
  fs.writeFileSync(path.join(rules, 'a.toml'), rule('Broad', 'any where not process.name == "x"'));
  fs.writeFileSync(path.join(rules, 'b.toml'), rule('Narrow', 'process where process.name : "certutil.exe"'));
  const file = path.join(dir, 'x.ndjson');
  fs.writeFileSync(file, ndjson([noise(1), noise(2)]));
  const r = await runCli(['scan', file, '--rules', rules, '--verbose', '--prefilter', 'skip', '--format', 'ndjson']);
  assert.match(r.stderr, /prefilter: 1 rule has a step with no literal to search for \(evaluated on every line; --prefilter skip skips nothing\):\n {2}Broad\n/);
  assert.match(r.stderr, /^events {7}2$/m);
});

// Mapped shapes (Sysmon, winlogbeat raw) get their ECS values from the normalizer, not from
// their text: the prefilter must parse them. Without that guard skip mode loses these alerts.
const REALDATA = path.resolve(ROOT, '../shared/realdata');
test('--prefilter skip finds the same alerts as off in the real captures (normalized shapes)', async (t) => {
  if (!fs.existsSync(REALDATA)) {
    console.log(`# SKIPPED: ${REALDATA} not found`);
    return t.skip('../shared/realdata not found');
  }
  const skip = await runCli(['scan', REALDATA, '--format', 'ndjson', '-q', '--prefilter', 'skip']);
  const off = await runCli(['scan', REALDATA, '--format', 'ndjson', '-q', '--prefilter', 'off']);
  assert.equal(skip.stdout, off.stdout);
  assert.ok(skip.stdout.trim().split('\n').length >= 2, 'the real captures give alerts');
});

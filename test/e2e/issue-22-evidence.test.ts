import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';
import { assertGoodAlert, certutilPair, GOOD, ndjson, tmpDir, withGood } from '../helpers/telemetry.js';

/**
 * Issue #22, "evidence destroyed" and "crashes" (items 1–3, 10, 11): nothing lolhunt reads is
 * ever written, writes keep the replaced file's mode and owner, stdout failures have their
 * exit code, and pipes are read as inputs. Each beside a good file whose alert must survive.
 */
const CERTUTIL_RULE = path.join(ROOT, 'rules', 'network-connection-via-certutil.toml');

/** Runs a shell command line with `lolhunt` standing for bin/lolhunt (redirections, process substitution). */
function sh(line: string, cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', line.replace(/(?<![\w/.-])lolhunt(?= )/g, `"${process.execPath}" "${BIN}"`)], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('issue-22 #1: -o never replaces the file read through stdin', () => {
  const { dir } = withGood();
  const run = sh('lolhunt scan - -o good.ndjson < good.ndjson', dir);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /-o good\.ndjson: refusing to write over the input read through stdin/);
  assert.equal(fs.readFileSync(path.join(dir, 'good.ndjson'), 'utf8'), GOOD, 'the evidence is untouched');
  // A link to it is the same file.
  fs.symlinkSync('good.ndjson', path.join(dir, 'alias.ndjson'));
  assert.equal(sh('lolhunt scan - -o alias.ndjson < good.ndjson', dir).code, 2);
  // Another target is fine, and the alert is there.
  const ok = sh('lolhunt scan - -o alerts.ndjson < good.ndjson', dir);
  assert.equal(ok.code, 1, ok.stderr);
  assertGoodAlert(fs.readFileSync(path.join(dir, 'alerts.ndjson'), 'utf8'));
});

test('issue-22 #2: rules, mapping, query and fixtures are never written over', async () => {
  const { dir, good } = withGood();
  const rule = path.join(dir, 'rule.toml');
  // The built-in rule without its fixture tables: its fixture is the one beside it.
  const text = fs.readFileSync(CERTUTIL_RULE, 'utf8');
  fs.writeFileSync(rule, text.slice(0, text.indexOf('[[lolhunt.fixture]]')));
  const mapping = path.join(dir, 'mapping.json');
  const mappingText = '{"mappings":{"properties":{"process":{"properties":{"pid":{"type":"long"}}}}}}\n';
  fs.writeFileSync(mapping, mappingText);
  const query = path.join(dir, 'q.eql');
  fs.writeFileSync(query, 'process where process.name : "certutil.exe"\n');
  const outside = tmpDir();
  const cases: { args: string[]; file: string; what: RegExp }[] = [
    { args: ['scan', '-r', rule, good, '-o', rule], file: rule, what: /refusing to write over a rule file/ },
    { args: ['scan', '--mapping', mapping, good, '-o', mapping], file: mapping, what: /refusing to write over the mapping file/ },
    { args: ['query', '-f', query, good, '-o', query], file: query, what: /refusing to write over the query file/ },
  ];
  for (const c of cases) {
    const before = fs.readFileSync(c.file);
    const run = await runCli(c.args, { cwd: outside });
    assert.equal(run.code, 2, `${c.args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, c.what);
    assert.deepEqual(fs.readFileSync(c.file), before, `${c.file} is untouched`);
  }
  // A rule's fixture, named by --junit.
  const fixture = path.join(dir, 'rule.positive.ndjson');
  fs.writeFileSync(fixture, GOOD);
  const junit = await runCli(['rules', 'test', rule, '--junit', fixture], { cwd: outside });
  assert.equal(junit.code, 2, junit.stderr);
  assert.match(junit.stderr, /--junit .*: refusing to write over a fixture/);
  assert.equal(fs.readFileSync(fixture, 'utf8'), GOOD);
  // Written elsewhere, the report replaces the previous one whole, with its mode.
  const report = path.join(outside, 'report.xml');
  fs.writeFileSync(report, 'earlier report', { mode: 0o600 });
  fs.chmodSync(report, 0o600);
  const written = await runCli(['rules', 'test', rule, '--junit', report], { cwd: outside });
  assert.equal(written.code, 0, written.stderr);
  assert.match(fs.readFileSync(report, 'utf8'), /^<\?xml/);
  assert.equal(fs.statSync(report).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(outside), ['report.xml'], 'no temporary file left');
});

test('issue-22 #3: -o keeps the mode and owner of the file it replaces', async () => {
  const { good } = withGood();
  const out = path.join(tmpDir(), 'alerts.ndjson');
  fs.writeFileSync(out, 'earlier\n');
  fs.chmodSync(out, 0o600);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(out, 4321, 4321);
  const run = await runCli(['scan', good, '-o', out]);
  assert.equal(run.code, 1, run.stderr);
  assertGoodAlert(fs.readFileSync(out, 'utf8'));
  const stat = fs.statSync(out);
  assert.equal(stat.mode & 0o777, 0o600, 'a private report stays private');
  if (asRoot) assert.deepEqual([stat.uid, stat.gid], [4321, 4321], "another user's file stays theirs");
  // A new file gets the usual mode (umask applied), not the temporary file's.
  const fresh = path.join(tmpDir(), 'new.ndjson');
  assert.equal((await runCli(['scan', good, '-o', fresh])).code, 1);
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o666 & ~sh('umask', '/').stdout.trim().split('').reduce((m, d) => m * 8 + Number(d), 0));
});

test('issue-22 #10: a full disk on stdout is exit 4 with one line; a reader leaving is quiet', { skip: !fs.existsSync('/dev/full') && 'no /dev/full here' }, () => {
  const { dir } = withGood();
  for (const line of ['lolhunt scan good.ndjson > /dev/full', 'lolhunt query \'any where true\' good.ndjson > /dev/full', 'lolhunt normalize good.ndjson > /dev/full', 'lolhunt rules list > /dev/full']) {
    const run = sh(line, dir);
    assert.equal(run.code, 4, `${line}: ${run.stderr}`);
    assert.match(run.stderr, /^lolhunt: cannot write to stdout: no space left on the device$/m, line);
    assert.doesNotMatch(run.stderr, /at |internal error/, `${line}: no stack trace`);
  }
  // `| head -1`: the reader leaves; no internal error, the run ends with its own code.
  const many = Array.from({ length: 5000 }, () => GOOD).join('');
  fs.writeFileSync(path.join(dir, 'many.ndjson'), many);
  const head = sh('lolhunt normalize many.ndjson | head -c 10 > /dev/null; echo "code ${PIPESTATUS[0]}" >&2', dir);
  assert.doesNotMatch(head.stderr, /internal error|EPIPE/);
  assert.match(head.stderr, /code 0/);
});

test('issue-22 #10: a report that cannot be written whole leaves the previous one, exit 4, for every format and --junit', () => {
  const { dir } = withGood();
  fs.writeFileSync(path.join(dir, 'many.ndjson'), Array.from({ length: 200 }, (_, i) => ndjson(certutilPair(`{p${i}}`, '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z'))).join(''));
  const out = tmpDir();
  // A file size limit of 0 (signal ignored) makes every write to a file fail, as a full disk does.
  const limited = (cmd: string) => sh(`trap '' XFSZ; ulimit -f 0; ${cmd}`, out);
  for (const format of ['ndjson', 'json', 'html', 'md', 'csv']) {
    const target = `report.${format}`;
    fs.writeFileSync(path.join(out, target), 'previous report\n');
    const run = limited(`lolhunt scan ${path.join(dir, 'many.ndjson')} -q -o ${target}`);
    assert.equal(run.code, 4, `${format}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`^lolhunt: cannot write ${target}: file too large`, 'm'));
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.equal(fs.readFileSync(path.join(out, target), 'utf8'), 'previous report\n', `${format}: the previous report is whole`);
  }
  fs.writeFileSync(path.join(out, 'junit.xml'), 'previous report\n');
  const junit = limited('lolhunt rules test --junit junit.xml');
  assert.equal(junit.code, 4, junit.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8'), 'previous report\n');
  assert.equal(fs.readdirSync(out).filter((f) => f.endsWith('.tmp')).length, 0, 'no temporary file left');
});

test('issue-22 #11: a FIFO or a process substitution is read as an input', () => {
  const { dir } = withGood();
  const sub = sh('lolhunt scan <(cat good.ndjson) --format ndjson', dir);
  assert.equal(sub.code, 1, sub.stderr);
  assertGoodAlert(sub.stdout);
  const fifo = path.join(dir, 'pipe.ndjson');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return;
  const viaFifo = sh('cat good.ndjson > pipe.ndjson & lolhunt scan pipe.ndjson --threads 2 --format ndjson; code=$?; wait; exit $code', dir);
  assert.equal(viaFifo.code, 1, viaFifo.stderr);
  assertGoodAlert(viaFifo.stdout);
});

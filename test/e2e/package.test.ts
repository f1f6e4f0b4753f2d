import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/run-cli.js';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; files: string[] };

test('--version prints the version of package.json', async () => {
  const run = await runCli(['--version']);
  assert.equal(run.code, 0);
  assert.equal(run.stdout.trim(), manifest.version);
});

test('an installed copy (only the files package.json ships) finds its built-in rules', () => {
  // node_modules/lolhunt laid out as `npm install` would, dependencies resolved from this checkout.
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-installed-'));
  const pkg = path.join(prefix, 'node_modules', 'lolhunt');
  for (const entry of [...manifest.files, 'package.json']) fs.cpSync(path.join(ROOT, entry), path.join(pkg, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const run = spawnSync(process.execPath, [path.join(pkg, 'bin', 'lolhunt'), 'rules', 'list'], { cwd: prefix, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const builtIn = fs.readdirSync(path.join(ROOT, 'rules')).filter((f) => f.endsWith('.toml'));
  assert.equal(run.stdout.trim().split('\n').length, builtIn.length);
  fs.rmSync(prefix, { recursive: true, force: true });
});

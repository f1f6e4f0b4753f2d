import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { helpExamples } from '../helpers/examples.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

// Every example in the --help of the rule-author commands and of `tree` runs as written, from the repository root.
const COMMANDS: { help: string[]; exits: number[] }[] = [
  { help: ['rules', 'test', '--help'], exits: [0] },
  { help: ['rules', 'lint', '--help'], exits: [0] },
  { help: ['explain', '--help'], exits: [0] },
  { help: ['tree', '--help'], exits: [0] },
];

for (const { help, exits } of COMMANDS) {
  test(`examples of lolhunt ${help.slice(0, -1).join(' ')} --help run as written`, async () => {
    const run = await runCli(help);
    assert.equal(run.code, 0, run.stderr);
    const examples = helpExamples(run.stdout);
    assert.ok(examples.length >= 2, `no examples in:\n${run.stdout}`);
    for (const args of examples) {
      const ex = await runCli(args);
      assert.ok(exits.includes(ex.code ?? -1), `lolhunt ${args.join(' ')} exited ${ex.code}:\n${ex.stdout}${ex.stderr}`);
      assert.doesNotMatch(ex.stderr, /internal error/);
      assert.notEqual(ex.stdout + ex.stderr, '', `lolhunt ${args.join(' ')} printed nothing`);
      const junit = args.indexOf('--junit');
      if (junit !== -1) {
        const file = path.join(ROOT, args[junit + 1]!);
        assert.match(fs.readFileSync(file, 'utf8'), /<testsuites /);
        fs.rmSync(file);
      }
    }
  });
}

test('lolhunt rules --help examples of the new subcommands run', async () => {
  const run = await runCli(['rules', '--help']);
  const mine = helpExamples(run.stdout).filter((a) => a[1] === 'test' || a[1] === 'lint' || a[1] === 'validate');
  assert.equal(mine.length, 4);
  for (const args of mine) {
    const ex = await runCli(args);
    assert.equal(ex.code, 0, `lolhunt ${args.join(' ')}:\n${ex.stdout}${ex.stderr}`);
  }
});

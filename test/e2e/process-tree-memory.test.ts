import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/run-cli.js';

/**
 * The tree pass's memory bound (README, "Process trees"): what the index keeps per process
 * start is its own facts (about 1.5 KB with a 300-character command line), not the lines they
 * were read from, and past --max-processes nothing more. Measured as heap retained after a
 * full GC, in a child node with --expose-gc.
 */
function retained(file: string, maxProcesses: number): { starts: number; bytes: number } {
  const script = `
    const { readProcesses } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/tree/index.js'))});
    const { discoverInputs } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/input/index.js'))});
    const { sources } = await discoverInputs([${JSON.stringify(file)}]);
    gc(); const before = process.memoryUsage().heapUsed;
    const data = await readProcesses(sources, [{ entityId: 'e0', host: 'H', at: NaN }], { maxLineBytes: 1 << 24, normalize: true, timestampField: '@timestamp', categoryField: 'event.category', maxProcesses: ${maxProcesses} });
    gc(); const after = process.memoryUsage().heapUsed;
    console.log(JSON.stringify({ starts: data.index.starts.length, bytes: after - before}));`;
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { starts: number; bytes: number };
}

test('the process index keeps under 2 KB per start (not the 1 KB of other fields each line has), and nothing past --max-processes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-tree-memory-'));
  const file = path.join(dir, 'starts.ndjson');
  const lines: string[] = [];
  // 20,000 starts, each with a 300-character command line and 1 KB of other fields the index must not keep.
  for (let i = 0; i < 20_000; i++) {
    lines.push(JSON.stringify({
      '@timestamp': new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), event: { category: ['process'], type: ['start'] }, host: { name: 'H' },
      process: { entity_id: `entity-${i}-${'x'.repeat(20)}`, pid: i + 1, name: 'svc.exe', command_line: `svc.exe ${'a'.repeat(292)}`, parent: { entity_id: `entity-${i - 1}-${'x'.repeat(20)}` }, env: 'e'.repeat(1000) },
    }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  try {
    const all = retained(file, 100_000);
    assert.equal(all.starts, 20_000);
    assert.ok(all.bytes / all.starts < 2048, `${Math.round(all.bytes / all.starts)} bytes per start`);
    const capped = retained(file, 1000);
    assert.equal(capped.starts, 1000);
    assert.ok(capped.bytes < 4 * 2 ** 20, `${capped.bytes} bytes retained with 1,000 starts`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

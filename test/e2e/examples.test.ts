import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { sysmonSample } from '../helpers/evtx-writer.js';
import { splitDescription } from '../helpers/examples.js';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';

/**
 * Every example of the README (```sh lines, and the `run:` lines of the CI section's job, that
 * mention lolhunt) and of every --help text (`$ ...` lines, without a description set off by
 * two spaces) runs here as written, through bash, in a temporary folder holding what the
 * examples name: samples/, logs/, captures/, export.ndjson, hunt.eql, my-rules/, a KAPE-style
 * C/Windows/System32/winevt/Logs/ holding a small Sysmon .evtx (certutil downloading),
 * ~/detection-rules/rules/windows/ (HOME points into the folder), and the repository's rules/
 * and test/ (fixtures). `lolhunt` on PATH is bin/lolhunt; `npx CMD` runs CMD and `npm ci` does
 * nothing (the suite runs from a built checkout already). The rule authors' workflow is
 * checked against its example repository by its own test.
 */
function readmeExamples(): { source: string; command: string }[] {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const ci = /^## CI\n[\s\S]*?(?=^## )/m.exec(text)?.[0] ?? '';
  const out: { source: string; command: string }[] = [];
  for (const m of text.matchAll(/```(sh|yaml)\n([\s\S]*?)```/g)) {
    if (m[1] === 'yaml' && !ci.includes(m[0])) continue;
    for (const line of m[2]!.split('\n')) {
      const command = m[1] === 'sh' ? line.trim() : /^\s*(?:- )?run: (.*)$/.exec(line)?.[1]?.trim();
      if (command && command.includes('lolhunt')) out.push({ source: `README (${m[1]})`, command });
    }
  }
  return out;
}

async function helpExamples(): Promise<{ source: string; command: string }[]> {
  const out: { source: string; command: string }[] = [];
  for (const args of [['scan'], ['query'], ['rules'], ['rules', 'list'], ['rules', 'show'], ['rules', 'validate'], ['rules', 'test'], ['rules', 'lint'], ['explain'], ['normalize'], ['tree'], []]) {
    const run = await runCli([...args, '--help']);
    for (const m of run.stdout.matchAll(/^\s+\$ (.*)$/gm)) out.push({ source: `lolhunt ${args.join(' ')} --help`, command: splitDescription(m[1]!).trim() });
  }
  return out;
}

function copyDir(from: string, to: string, transform?: (file: string, text: string) => string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(src, dst, transform);
    else fs.writeFileSync(dst, transform ? transform(entry.name, fs.readFileSync(src, 'utf8')) : fs.readFileSync(src));
  }
}

/** The folder the examples run in. logs/ events also carry event.created and event.sequence (the query --help example orders by them). */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-examples-'));
  copyDir(path.join(ROOT, 'samples'), path.join(dir, 'samples'));
  copyDir(path.join(ROOT, 'samples'), path.join(dir, 'captures'));
  copyDir(path.join(ROOT, 'samples'), path.join(dir, 'logs'), (name, text) => {
    if (!name.endsWith('.ndjson')) return text;
    return text.split('\n').filter((l) => l.trim()).map((l, i) => {
      const doc = JSON.parse(l) as Record<string, unknown>;
      doc.event = { ...(doc.event as object), created: doc['@timestamp'], sequence: i };
      return JSON.stringify(doc);
    }).join('\n') + '\n';
  });
  for (const f of fs.readdirSync(path.join(dir, 'logs'), { recursive: true }) as string[]) {
    const full = path.join(dir, 'logs', f);
    if (f.endsWith('.ndjson')) fs.writeFileSync(`${full}.gz`, zlib.gzipSync(fs.readFileSync(full)));
  }
  fs.copyFileSync(path.join(ROOT, 'samples/network-connection-via-certutil/positive.ndjson'), path.join(dir, 'export.ndjson'));
  fs.writeFileSync(path.join(dir, 'hunt.eql'), 'process where process.name : "certutil.exe"\n');
  const logs = path.join(dir, 'C', 'Windows', 'System32', 'winevt', 'Logs');
  fs.mkdirSync(logs, { recursive: true });
  fs.writeFileSync(path.join(logs, 'Microsoft-Windows-Sysmon%4Operational.evtx'), sysmonSample());
  copyDir(path.join(ROOT, 'rules'), path.join(dir, 'my-rules'));
  copyDir(path.join(ROOT, 'rules'), path.join(dir, 'home/detection-rules/rules/windows'));
  for (const shared of ['rules', 'test']) fs.symlinkSync(path.join(ROOT, shared), path.join(dir, shared));
  const bin = path.join(dir, '.bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'lolhunt'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'npx'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\n[ "$1" = ci ] && exit 0\necho "unexpected: npm $*" >&2\nexit 99\n', { mode: 0o755 });
  return dir;
}

function bash(command: string, dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: dir,
      env: { PATH: `${path.join(dir, '.bin')}:${process.env.PATH}`, HOME: path.join(dir, 'home'), NO_COLOR: '1', GITHUB_STEP_SUMMARY: path.join(dir, 'step-summary.md') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('every README and --help example runs as written and scans what it names', async () => {
  const examples = [...readmeExamples(), ...(await helpExamples())];
  assert.ok(examples.length >= 25, `only ${examples.length} examples found: the extraction broke`);
  const dir = workspace();
  // The CI job's steps run in order (the summary step reads the report); the rest six at a time.
  const ordered = examples.filter((e) => e.source === 'README (yaml)');
  const rest = examples.filter((e) => e.source !== 'README (yaml)');
  const runs = new Map<string, Awaited<ReturnType<typeof bash>>>();
  for (const e of ordered) runs.set(e.command, await bash(e.command, dir));
  for (let i = 0; i < rest.length; i += 6) {
    const batch = rest.slice(i, i + 6);
    (await Promise.all(batch.map((e) => bash(e.command, dir)))).forEach((r, k) => runs.set(batch[k]!.command, r));
  }
  for (const { source, command } of examples) {
    const run = runs.get(command)!;
    const where = `${source}: ${command}\n${run.stderr}`;
    assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${where}`);
    const scans = /lolhunt (scan|query)\b/.test(command);
    if (scans && !/ -q\b/.test(command)) {
      // The bug this guards: `--rules DIR logs/` took logs/ as a rule folder and scanned an empty stdin.
      assert.match(run.stderr, /^events\s+[1-9]/m, `nothing scanned: ${where}`);
    }
    for (const m of command.matchAll(/-o (\S+)/g)) assert.ok(fs.statSync(path.join(dir, m[1]!)).size > 0, `no ${m[1]}: ${where}`);
    if (/lolhunt rules (list|show)/.test(command)) assert.notEqual(run.stdout, '', where);
  }
  assert.match(fs.readFileSync(path.join(dir, 'step-summary.md'), 'utf8'), /^# lolhunt report/m, 'the CI job summary got the markdown report');
  fs.rmSync(dir, { recursive: true, force: true });
});

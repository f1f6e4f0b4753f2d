import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

/** Splits a shell command line (words, '...' and "..." quoting), dropping a trailing `# comment`. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)"|(#.*)|(\S+))/g;
  for (const m of line.matchAll(re)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2] ?? m[4]!);
  }
  return out;
}

/** The README's examples for input shapes, exactly as written there. */
function readmeExamples(): string[][] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('See what the rules see'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  return block.trim().split('\n').map(words);
}

/** The `lolhunt normalize --help` examples, exactly as written there. */
async function helpExamples(): Promise<string[][]> {
  const help = await runCli(['normalize', '--help']);
  return [...help.stdout.matchAll(/^ {2}\$ (lolhunt .*?)(?: {2,}.*)?$/gm)].map((m) => words(m[1]!));
}

test('README: the input-shape examples run as written and show what they claim', async () => {
  const examples = readmeExamples();
  assert.equal(examples.length, 4);
  const run = (args: string[]) => runCli(args.slice(1));
  assert.deepEqual(examples.map((e) => e.slice(0, 2)), [['lolhunt', 'normalize'], ['lolhunt', 'query'], ['lolhunt', 'scan'], ['lolhunt', 'scan']]);

  const normalized = await run(examples[0]!);
  assert.equal(normalized.code, 0, normalized.stderr);
  const [doc] = parseNdjson(normalized.stdout) as Record<string, any>[];
  assert.deepEqual([doc!.event.category, doc!.process.name, doc!.host.os.type], [['process'], 'OneDrive.exe', 'windows']);
  assert.match(normalized.stderr, /^normalized 1 document \(shapes: sysmon-flat 1\), 0 bad lines, 0 file errors$/m);

  // The start (flat Sysmon, lower-case GUID) joins its DNS query (raw winlogbeat, upper case);
  // the Safari pair joins inside the _search response.
  const joined = await run(examples[1]!);
  assert.equal(joined.code, 1, joined.stderr);
  const alerts = parseNdjson(joined.stdout) as { join_keys: string[]; events: { file: string }[] }[];
  assert.deepEqual(alerts.map((a) => a.events.map((e) => path.basename(e.file))), [['sysmon-flat.ndjson', 'winlogbeat-raw.ndjson'], ['search-response.json', 'search-response.json']]);

  const verbose = await run(examples[2]!);
  assert.equal(verbose.code, 0, verbose.stderr);
  assert.match(verbose.stderr, /^shapes +evtx-dump 1, ecs 2, sysmon-flat 1, winlogbeat-raw 2$/m);
  assert.match(verbose.stderr, /^ {2}test\/fixtures\/formats\/evtx-dump\.json: 1 event, 0 bad lines \(evtx-dump 1\)$/m);

  const raw = await run(examples[3]!);
  assert.equal(raw.code, 0, raw.stderr);
  assert.match(raw.stderr, /^shapes +ecs 2, winlogbeat-raw 2 \(not mapped to ECS: --no-normalize\)$/m);
  assert.match(raw.stderr, /^bad lines +2$/m);
  assert.match(raw.stderr, /evtx-dump\.json: 1 of 1 documents have no usable @timestamp; they have Event\.System\.TimeCreated\.#attributes\.SystemTime/);
  assert.match(raw.stderr, /sysmon-flat\.ndjson: 1 of 1 documents have no usable @timestamp; they have UtcTime, EventReceivedTime \(try --timestamp-field UtcTime\)/);
  assert.match(raw.stderr, /warning: rule 'Suspicious Outbound Network Connection via Unsigned Binary' could not have fired: no scanned event has process\.code_signature\.trusted or process\.code_signature\.exists/);
  assert.match(raw.stderr, /warning: test\/fixtures\/formats\/winlogbeat-raw\.ndjson: none of its 2 events has event\.category, so no category step \(`process where` \.\.\.\) can match them; shape winlogbeat-raw/);
});

test('normalize --help: every example runs as written', async () => {
  const examples = await helpExamples();
  assert.equal(examples.length, 3);
  for (const e of examples) {
    const r = await runCli(e.slice(1));
    assert.equal(r.code, 0, `${e.join(' ')}: ${r.stderr}`);
    assert.ok(parseNdjson(r.stdout).length > 0, e.join(' '));
  }
  const asRead = await runCli(examples[2]!.slice(1));
  assert.equal((parseNdjson(asRead.stdout)[0] as Record<string, unknown>).process, undefined, '--no-normalize adds nothing');
});

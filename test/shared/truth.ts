import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end check against ../shared/tools/gen-telemetry.mjs: seeded ECS telemetry with
 * injected attack sequences and near misses, and a .truth.json of the sequences Elasticsearch
 * returns for its rules. lolhunt, run from the command line with those rules, must find
 * exactly the expected process instances — in plain, gzipped, dotted-key and locally
 * shuffled files, and with the events split over several files given in reverse order.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const GEN = process.env.LOLHUNT_GEN_TELEMETRY ?? path.resolve(REPO, '..', 'shared', 'tools', 'gen-telemetry.mjs');
const BIN = path.join(REPO, 'bin', 'lolhunt');

interface Truth {
  rules: Record<string, string>;
  expected_matches: Record<string, string[]>;
}

function run(args: string[]): string {
  try {
    return execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    if (e.status === 1) return e.stdout; // alerts found
    throw new Error(`lolhunt ${args.join(' ')} exited ${e.status}: ${e.stderr}`);
  }
}

function alertsByRule(ndjson: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of ndjson.split('\n')) {
    if (!line) continue;
    const a = JSON.parse(line) as { rule: { name: string }; join_keys: string[] };
    out.set(a.rule.name, [...(out.get(a.rule.name) ?? []), String(a.join_keys[0])]);
  }
  return out;
}

function main(): number {
  if (!fs.existsSync(GEN)) {
    console.error(`truth check: SKIPPED, generator not found at ${GEN}`);
    return 0;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-truth-'));
  let failures = 0;
  const variants: [string, string[]][] = [
    ['plain', []],
    ['gzip', ['--gzip']],
    ['dotted', ['--dotted']],
    ['shuffled', ['--shuffle-window', '50']],
  ];
  for (const [name, extra] of variants) {
    const file = path.join(dir, `${name}.ndjson${extra.includes('--gzip') ? '.gz' : ''}`);
    execFileSync(process.execPath, [GEN, '--events', '30000', '--hosts', '8', '--seed', `lolhunt-${name}`, '--out', file, ...extra], { stdio: 'ignore' });
    const truth = JSON.parse(fs.readFileSync(`${file}.truth.json`, 'utf8')) as Truth;
    const rulesDir = path.join(dir, `rules-${name}`);
    fs.mkdirSync(rulesDir);
    for (const [rule, query] of Object.entries(truth.rules)) {
      fs.writeFileSync(path.join(rulesDir, `${rule}.toml`), `[rule]\nname = "${rule}"\nrule_id = "${rule}"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nlanguage = "eql"\nquery = '''\n${query}\n'''\n`);
    }
    const got = alertsByRule(run(['scan', '--rules', rulesDir, '--format', 'ndjson', '-q', file]));
    for (const [rule, want] of Object.entries(truth.expected_matches)) {
      const have = [...(got.get(rule) ?? [])].sort();
      const same = JSON.stringify(have) === JSON.stringify([...want].sort());
      console.log(`${name.padEnd(9)} ${rule.padEnd(22)} ${have.length}/${want.length} ${same ? 'ok' : 'DIFFERENT'}`);
      if (!same) failures++;
    }
    if (name === 'plain') {
      // Split by host into several files, given in reverse order: identical output.
      const whole = run(['scan', '--rules', rulesDir, '--format', 'ndjson', '-q', file]);
      const parts = new Map<string, string[]>();
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        const host = String((JSON.parse(line) as { host: { name: string } }).host.name);
        parts.set(host, [...(parts.get(host) ?? []), line]);
      }
      const files = [...parts.keys()].sort().map((h, i) => {
        const f = path.join(dir, `part-${i}.ndjson`);
        fs.writeFileSync(f, parts.get(h)!.join('\n') + '\n');
        return f;
      });
      const split = run(['scan', '--rules', rulesDir, '--format', 'ndjson', '-q', ...files.reverse()]);
      const strip = (s: string) => s.split('\n').filter(Boolean).map((l) => {
        const a = JSON.parse(l) as { events: { file: string; line: number }[] };
        return JSON.stringify({ ...a, events: a.events.map((e) => ({ ...e, file: '', line: 0 })) });
      });
      const same = JSON.stringify(strip(whole)) === JSON.stringify(strip(split));
      console.log(`split over ${files.length} files, reverse order: ${same ? 'same alerts' : 'DIFFERENT'}`);
      if (!same) failures++;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(failures ? `${failures} truth check(s) failed` : 'truth checks passed');
  return failures ? 1 : 0;
}

process.exitCode = main();

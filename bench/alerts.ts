import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { textHash } from '../src/input/index.js';
import { recordResults } from './record.js';

/**
 * `npm run bench -- alerts [--alerts N] [--cache DIR] [--no-record]`: memory and time when
 * alerts are many (issue #22 item 8). Generates N one-line process events (default 5M) and
 * runs lolhunt over them three ways, each making an alert per line:
 * - `query 'process where true'` to ndjson: each alert written as it is final;
 * - the same to `-o alerts.json`: the records wait in a spool file for the summary;
 * - `scan --rules` with that event rule and a `sample` rule (final only at the end): the event
 *   rule's alerts wait, spilled to temporary files, and are merged after.
 * Records wall time, CPU time and peak RSS (GNU time; the target is < 512 MB), and the cost
 * of the evidence hash (item 13) over every line, in bench/RESULTS.md.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'lolhunt');
const { values: opt } = parseArgs({
  args: process.argv.slice(3),
  options: {
    alerts: { type: 'string', default: '5000000' },
    cache: { type: 'string', default: path.join(os.tmpdir(), 'lolhunt-bench') },
    'no-record': { type: 'boolean', default: false },
  },
});
const N = Number(opt.alerts);
fs.mkdirSync(opt.cache, { recursive: true });
const input = path.join(opt.cache, `alerts-${N}.ndjson`);

const line = (i: number) => `{"@timestamp":"${new Date(Date.UTC(2024, 0, 1) + i).toISOString()}","event":{"category":"process","type":"start","id":${i}},"host":{"name":"h${i % 16}"},"process":{"name":"x${i % 97}.exe","entity_id":"p${i}"}}\n`;

async function generate(): Promise<void> {
  if (fs.existsSync(input)) return;
  const tmp = `${input}.part`;
  const out = fs.createWriteStream(tmp);
  for (let i = 0; i < N;) {
    let chunk = '';
    for (const end = Math.min(N, i + 10_000); i < end; i++) chunk += line(i);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  fs.renameSync(tmp, input);
}

interface Run { name: string; wallMs: number; cpuMs: number; peakRss: number; alerts: number; code: number | null }

/** Runs lolhunt under GNU time, stdout discarded (or to -o), and reads its summary's alert count. */
function measure(name: string, args: string[]): Promise<Run> {
  const rssFile = path.join(opt.cache, `rss-${process.pid}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, process.execPath, BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const [kb, user, sys] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      fs.rmSync(rssFile, { force: true });
      const alerts = Number(/\balerts\s+(\d+)/.exec(stderr)?.[1] ?? NaN);
      if (code !== 1 || alerts < N) process.stderr.write(`bench alerts: ${name}: exit ${code}, ${alerts} alerts\n${stderr.slice(-2000)}\n`);
      resolve({ name, wallMs, cpuMs: (user! + sys!) * 1000, peakRss: kb! * 1024, alerts, code });
    });
  });
}

/** CPU time of textHash over every line of the input, against splitting it into strings alone. */
function hashCost(): { lines: number; splitMs: number; hashMs: number } {
  const fd = fs.openSync(input, 'r');
  const buf = Buffer.alloc(1 << 20);
  let splitMs = 0;
  let hashMs = 0;
  let lines = 0;
  let rest = '';
  let sink = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    let t = process.cpuUsage();
    const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
    rest = parts.pop()!;
    let d = process.cpuUsage(t);
    splitMs += (d.user + d.system) / 1000;
    t = process.cpuUsage();
    for (const p of parts) sink ^= textHash(p);
    d = process.cpuUsage(t);
    hashMs += (d.user + d.system) / 1000;
    lines += parts.length;
  }
  fs.closeSync(fd);
  if (sink === 0.5) process.stderr.write('');
  return { lines, splitMs, hashMs };
}

await generate();
const size = fs.statSync(input).size;
process.stderr.write(`bench alerts: ${N} events, ${(size / 2 ** 20).toFixed(0)} MiB in ${input}\n`);
const rules = path.join(opt.cache, 'alerts-rules');
fs.mkdirSync(rules, { recursive: true });
const rule = (name: string, query: string) => `[rule]\nname = "${name}"\nrule_id = "${name}"\ndescription = "bench"\nseverity = "low"\nrisk_score = 21\ntype = "eql"\nlanguage = "eql"\nquery = '''\n${query}\n'''\n`;
fs.writeFileSync(path.join(rules, 'every-process.toml'), rule('every process', 'process where true'));
fs.writeFileSync(path.join(rules, 'sample-by-host.toml'), rule('sample by host', 'sample by host.name [process where true] [process where true]'));
const json = path.join(opt.cache, 'alerts-out.json');
const runs: Run[] = [];
runs.push(await measure(`query 'process where true' --format ndjson > /dev/null`, ['query', 'process where true', input, '--format', 'ndjson', '--threads', '1']));
runs.push(await measure(`query 'process where true' -o alerts.json`, ['query', 'process where true', input, '-o', json, '--threads', '1']));
const jsonBytes = fs.existsSync(json) ? fs.statSync(json).size : 0;
fs.rmSync(json, { force: true });
runs.push(await measure('scan --rules (that event rule + a sample rule: alerts spilled, merged at the end) > /dev/null', ['scan', input, '--rules', rules, '--format', 'ndjson', '--threads', '1']));
const hash = hashCost();

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const table = [
  '| run | alerts | wall | CPU | peak RSS | < 512 MB |',
  '|---|---|---|---|---|---|',
  ...runs.map((r) => `| ${r.name} | ${r.alerts} | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.cpuMs / 1000).toFixed(1)} s | ${mb(r.peakRss)} | ${r.peakRss < 512 * 2 ** 20 ? 'yes' : '**no**'} |`),
].join('\n');
const hashLine = `Evidence hash (textHash) over all ${hash.lines} lines (${mb(size)}): ${(hash.hashMs / 1000).toFixed(2)} s CPU, ${((hash.hashMs * 1e6) / hash.lines).toFixed(0)} ns a line, ${(size / 2 ** 20 / (hash.hashMs / 1000)).toFixed(0)} MB/s ` +
  `(splitting the text into lines alone: ${(hash.splitMs / 1000).toFixed(2)} s); ${((100 * hash.hashMs) / runs[0]!.cpuMs).toFixed(1)}% of the ndjson run's CPU, where every line is a candidate (the worst case).`;
process.stdout.write(`${table}\n\njson output: ${mb(jsonBytes)}\n${hashLine}\n`);
if (!opt['no-record']) {
  recordResults(ROOT, 'many alerts', `\`npm run bench -- alerts --alerts ${N}\`: ${N} one-line process events (${mb(size)}), an alert per line.`,
    [table, '', `json output: ${mb(jsonBytes)}.`, hashLine].join('\n'));
}
if (runs.some((r) => r.code !== 1 || !(r.alerts >= N))) process.exitCode = 1;

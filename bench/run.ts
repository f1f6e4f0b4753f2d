import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generatorVersion, givenCorpus, makeCorpus, VARIANTS, type Corpus, type Truth, type Variant } from './corpus.js';
import { makeEvtxCorpus } from './evtx-corpus.js';
import { measureNode, median, type Measurement } from './measure.js';
import { commitLabel, recordResults } from './record.js';

/**
 * `npm run bench`: the parse-every-line baseline against `lolhunt scan`, run alternately
 * and several times each in one invocation, over seeded corpora from the shared generator
 * in several layouts; checks every run's alerts (a fast wrong answer fails the bench) and
 * records the table in bench/RESULTS.md. See bench/README.md.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'lolhunt');
const BASELINE = path.join(ROOT, 'dist', 'bench', 'baseline.js');

// `npm run bench -- alerts [...]`: many alerts, memory and time (bench/alerts.ts).
if (process.argv[2] === 'alerts') {
  await import('./alerts.js');
  process.exit();
}

const { values: opt } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    'elastic-events': { type: 'string', default: '20000' },
    hosts: { type: 'string', default: '20' },
    seed: { type: 'string', default: 'lolhunt-bench' },
    'shuffle-window': { type: 'string', default: '1000' },
    corpus: { type: 'string' },
    runs: { type: 'string', default: '3' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    suites: { type: 'string', default: 'builtin,elastic,sigma,evtx' },
    'evtx-records': { type: 'string', default: '100000' },
    'evtx-samples': { type: 'string', default: path.resolve(ROOT, '..', 'shared', 'realdata', 'evtx-attack-samples') },
    'elastic-rules': { type: 'string', default: process.env.LOLHUNT_ELASTIC_RULES ?? path.resolve(ROOT, '..', 'shared', 'detection-rules', 'rules') },
    'sigma-rules': { type: 'string', default: process.env.LOLHUNT_SIGMA_RULES ?? path.resolve(ROOT, '..', 'shared', 'sigma', 'rules', 'windows') },
    generator: { type: 'string', default: process.env.LOLHUNT_GEN_TELEMETRY ?? path.resolve(ROOT, '..', 'shared', 'tools', 'gen-telemetry.mjs') },
    cache: { type: 'string', default: path.join(os.tmpdir(), 'lolhunt-bench') },
    'no-record': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (opt.help) {
  process.stdout.write(fs.readFileSync(path.join(ROOT, 'bench', 'README.md'), 'utf8'));
  process.exit(0);
}

interface Mode {
  name: string;
  /** Arguments to node, given the files and the rule arguments; null for the baseline. */
  args: (files: string[], rules: string[]) => string[];
}

const scanHelp = execFileSync(process.execPath, [BIN, 'scan', '--help'], { encoding: 'utf8' });
const threaded = scanHelp.includes('--threads');
/** The threaded row uses every core (at least 2, so it always measures the pool). */
/** The commit every figure of this run is measured at. */
const COMMIT = commitLabel(ROOT);
const CORES = Math.max(2, os.availableParallelism());
const scanArgs = (files: string[], rules: string[], extra: string[]) => [BIN, 'scan', ...files, ...rules, '--format', 'ndjson', '-q', ...extra];
const MODES: Mode[] = [
  { name: 'parse every line', args: (files) => [BASELINE, ...files] },
  { name: 'scan --threads 1', args: (f, r) => scanArgs(f, r, threaded ? ['--threads', '1'] : []) },
  ...(threaded ? [{ name: `scan --threads ${CORES}`, args: (f: string[], r: string[]) => scanArgs(f, r, ['--threads', String(CORES)]) }] : []),
  { name: 'scan --threads 1 --prefilter skip', args: (f, r) => scanArgs(f, r, [...(threaded ? ['--threads', '1'] : []), '--prefilter', 'skip']) },
  { name: 'scan --threads 1 --prefilter tag', args: (f, r) => scanArgs(f, r, [...(threaded ? ['--threads', '1'] : []), '--prefilter', 'tag']) },
];
if (!threaded) process.stderr.write('bench: `scan --threads` not implemented yet: the threaded row is left out\n');

interface Suite {
  name: string;
  events: number;
  rules: string[];
}
const suites: Suite[] = [];
for (const name of opt.suites.split(',')) {
  if (name === 'builtin') suites.push({ name: 'five built-in rules', events: Number(opt.events), rules: [] });
  else if (name === 'elastic') {
    if (fs.existsSync(opt['elastic-rules'])) suites.push({ name: `Elastic rules/ (${path.basename(path.dirname(opt['elastic-rules']))})`, events: Number(opt['elastic-events']), rules: ['--rules', opt['elastic-rules']] });
    else process.stderr.write(`bench: Elastic rules SKIPPED, no detection-rules checkout at ${opt['elastic-rules']} (give one with --elastic-rules PATH)\n`);
  } else if (name === 'sigma') {
    // SigmaHQ's Windows rules (compiled to EQL), over the same events as Elastic's rules.
    if (fs.existsSync(opt['sigma-rules'])) suites.push({ name: `SigmaHQ ${path.basename(opt['sigma-rules'])}/`, events: Number(opt['elastic-events']), rules: ['--rules', opt['sigma-rules']] });
    else process.stderr.write(`bench: Sigma rules SKIPPED, no SigmaHQ rules at ${opt['sigma-rules']} (give them with --sigma-rules PATH)\n`);
  } else if (name !== 'evtx') throw new Error(`unknown suite ${name} (builtin, elastic, sigma, evtx)`);
}

function corporaFor(events: number): Corpus[] {
  if (opt.corpus) return [givenCorpus(opt.corpus)];
  if (!fs.existsSync(opt.generator)) throw new Error(`generator not found at ${opt.generator} (--generator PATH)`);
  const spec = { generator: opt.generator, cacheDir: opt.cache, seed: opt.seed, events, hosts: Number(opt.hosts), shuffleWindow: Number(opt['shuffle-window']) };
  return opt.variants.split(',').map((v) => {
    if (!(VARIANTS as readonly string[]).includes(v)) throw new Error(`unknown variant ${v} (${VARIANTS.join(', ')})`);
    return makeCorpus(spec, v as Variant);
  });
}

const failures: string[] = [];
const fail = (msg: string) => { failures.push(msg); process.stderr.write(`bench: FAIL ${msg}\n`); };

/** An alert reduced to what must not depend on layout: rule, join keys, the events' ids. */
function canonical(stdout: string): string {
  return stdout.split('\n').filter(Boolean).map((l) => {
    const a = JSON.parse(l) as { rule?: { name: string }; join_keys: unknown[]; events: { source?: { event?: { id?: string } }; '@timestamp'?: string }[] };
    return JSON.stringify([a.rule?.name, a.join_keys, a.events.map((e) => e.source?.event?.id ?? e['@timestamp'] ?? null)]);
  }).sort().join('\n');
}

/** The generator's own rules as TOML files, to hold every layout to its .truth.json. */
function truthRules(truth: Truth): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-bench-rules-'));
  for (const [rule, query] of Object.entries(truth.rules)) {
    fs.writeFileSync(path.join(dir, `${rule}.toml`), `[rule]\nname = "${rule}"\nrule_id = "${rule}"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nlanguage = "eql"\nquery = '''\n${query}\n'''\n`);
  }
  return dir;
}

async function checkTruth(suite: Suite, corpus: Corpus, tmp: string[]): Promise<void> {
  if (!corpus.truth) return;
  const dir = truthRules(corpus.truth);
  tmp.push(dir);
  for (const mode of MODES.slice(1)) {
    const m = await measureNode(mode.args(corpus.files, ['--rules', dir]));
    const got = new Map<string, string[]>();
    for (const l of m.stdout.split('\n').filter(Boolean)) {
      const a = JSON.parse(l) as { rule: { name: string }; join_keys: unknown[] };
      got.set(a.rule.name, [...(got.get(a.rule.name) ?? []), String(a.join_keys[0])]);
    }
    for (const [rule, want] of Object.entries(corpus.truth.expected_matches)) {
      const have = [...(got.get(rule) ?? [])].sort();
      if (JSON.stringify(have) !== JSON.stringify([...want].sort())) fail(`${suite.name} ${corpus.variant} ${mode.name}: rule ${rule} gave ${have.length} alerts, .truth.json expects ${want.length}`);
    }
  }
}

interface Row {
  suite: Suite;
  corpus: Corpus;
  mode: Mode;
  runs: Measurement[];
}

const runs = Number(opt.runs);
const rows: Row[] = [];
const tmp: string[] = [];
try {
  for (const suite of suites) {
    const corpora = corporaFor(suite.events);
    for (const c of corpora) await checkTruth(suite, c, tmp);
    const suiteRows = corpora.flatMap((corpus) => MODES.map((mode): Row => ({ suite, corpus, mode, runs: [] })));
    rows.push(...suiteRows);
    let reference: string | null = null;
    for (let r = 0; r < runs; r++) {
      for (const row of suiteRows) {
        const m = await measureNode(row.mode.args(row.corpus.files, suite.rules));
        const label = `${suite.name} / ${row.corpus.variant} / ${row.mode.name}`;
        process.stderr.write(`bench: ${label}: ${(m.wallMs / 1000).toFixed(2)} s\n`);
        if (row.mode === MODES[0]) {
          if (m.code !== 0 || Number(m.stdout) !== row.corpus.events) fail(`${label}: parsed ${m.stdout.trim()} of ${row.corpus.events} lines (exit ${m.code}) ${m.stderr}`);
        } else {
          if (m.code !== 0 && m.code !== 1) fail(`${label}: exit ${m.code}: ${m.stderr.slice(0, 500)}`);
          const got = canonical(m.stdout);
          reference ??= got;
          if (got !== reference) fail(`${label}: alerts differ from the first run of this suite`);
          m.stdout = '';
        }
        row.runs.push(m);
      }
    }
  }
} finally {
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
}

const evtxTable = opt.suites.split(',').includes('evtx') ? await benchEvtx() : '';
const table = [rows.length ? render(rows) : '', evtxTable].filter(Boolean).join('\n\n');
process.stdout.write(table + '\n');
if (failures.length) {
  process.stderr.write(`bench: ${failures.length} check(s) failed; bench/RESULTS.md not updated\n`);
  process.exitCode = 1;
} else if (!opt['no-record']) {
  record(table);
}

/**
 * The .evtx reader: one valid file made of every real chunk of EVTX-ATTACK-SAMPLES, repeated
 * to --evtx-records records (evtx-corpus.ts), read by the reader alone (bench/evtx-read.ts)
 * and scanned with the built-in rules on one thread. Records/s by wall and by CPU time.
 */
async function benchEvtx(): Promise<string> {
  if (!fs.existsSync(opt['evtx-samples'])) {
    process.stderr.write(`bench: EVTX SKIPPED, no samples at ${opt['evtx-samples']} (--evtx-samples PATH)\n`);
    return '';
  }
  const corpus = makeEvtxCorpus(opt['evtx-samples'], opt.cache, Number(opt['evtx-records']));
  const evtxRows: { name: string; args: string[]; runs: Measurement[] }[] = [
    { name: 'read .evtx (reader alone)', args: [path.join(ROOT, 'dist', 'bench', 'evtx-read.js'), corpus.file], runs: [] },
    { name: 'scan --threads 1 (built-in rules)', args: scanArgs([corpus.file], [], threaded ? ['--threads', '1'] : []), runs: [] },
  ];
  let reference: string | null = null;
  for (let r = 0; r < runs; r++) {
    for (const row of evtxRows) {
      const m = await measureNode(row.args);
      process.stderr.write(`bench: evtx / ${row.name}: ${(m.wallMs / 1000).toFixed(2)} s\n`);
      if (row === evtxRows[0]) {
        if (m.code !== 0 || Number(m.stdout) !== corpus.records) fail(`evtx ${row.name}: read ${m.stdout.trim()} of ${corpus.records} records (exit ${m.code}) ${m.stderr.slice(0, 300)}`);
      } else {
        if (m.code !== 0 && m.code !== 1) fail(`evtx ${row.name}: exit ${m.code}: ${m.stderr.slice(0, 500)}`);
        const got = canonical(m.stdout);
        reference ??= got;
        if (got !== reference) fail(`evtx ${row.name}: alerts differ from the first run`);
        m.stdout = '';
      }
      row.runs.push(m);
    }
  }
  const lines = [
    '| .evtx corpus | run | wall (median, min–max) | records/s | peak RSS | CPU s (median) | records/s by CPU | commit |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of evtxRows) {
    const walls = row.runs.map((m) => m.wallMs);
    const wall = median(walls);
    const cpu = median(row.runs.map((m) => m.cpuMs ?? NaN));
    const rss = Math.max(...row.runs.map((m) => m.peakRss ?? NaN));
    lines.push(`| EVTX-ATTACK-SAMPLES chunks ×${corpus.copies}, ${corpus.records} records, ${(corpus.bytes / 1e6).toFixed(0)} MB | ${row.name} | ${(wall / 1000).toFixed(2)} s (${(Math.min(...walls) / 1000).toFixed(2)}–${(Math.max(...walls) / 1000).toFixed(2)}) | ${Math.round(corpus.records / (wall / 1000))} | ${Number.isNaN(rss) ? 'n/a' : `${(rss / 2 ** 20).toFixed(0)} MB`} | ${Number.isNaN(cpu) ? 'n/a' : (cpu / 1000).toFixed(2)} | ${Number.isNaN(cpu) ? 'n/a' : Math.round(corpus.records / (cpu / 1000))} | ${COMMIT} |`);
  }
  return lines.join('\n');
}

function render(all: Row[]): string {
  const lines = [
    '| rules | corpus | run | wall (median, min–max) | MB/s | events/s | peak RSS | × baseline | CPU s (median) | × baseline, CPU | commit |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of all) {
    const walls = row.runs.map((m) => m.wallMs);
    const wall = median(walls);
    const base = all.find((b) => b.suite === row.suite && b.corpus === row.corpus && b.mode === MODES[0])!;
    const ratio = median(base.runs.map((m) => m.wallMs)) / wall;
    const rss = row.runs.map((m) => m.peakRss ?? NaN);
    const cpu = median(row.runs.map((m) => m.cpuMs ?? NaN));
    const cpuRatio = median(base.runs.map((m) => m.cpuMs ?? NaN)) / cpu;
    lines.push(`| ${row.suite.name} | ${row.corpus.variant}, ${row.corpus.events} ev, ${(row.corpus.bytes / 1e6).toFixed(0)} MB | ${row.mode.name} | ${(wall / 1000).toFixed(2)} s (${(Math.min(...walls) / 1000).toFixed(2)}–${(Math.max(...walls) / 1000).toFixed(2)}) | ${(row.corpus.bytes / 1e6 / (wall / 1000)).toFixed(0)} | ${Math.round(row.corpus.events / (wall / 1000))} | ${Number.isNaN(Math.max(...rss)) ? 'n/a' : `${(Math.max(...rss) / 2 ** 20).toFixed(0)} MB`} | ${ratio.toFixed(2)}× | ${Number.isNaN(cpu) ? 'n/a' : (cpu / 1000).toFixed(2)} | ${Number.isNaN(cpuRatio) ? 'n/a' : `${cpuRatio.toFixed(2)}×`} | ${COMMIT} |`);
  }
  return lines.join('\n');
}

function record(table: string): void {
  recordResults(ROOT, '', `\`npm run bench -- ${process.argv.slice(2).join(' ')}\` (seed ${opt.seed}, ${runs} runs each, alternating; corpora by generator ${generatorVersion(opt.generator)}).`, table);
}

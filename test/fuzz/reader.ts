import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileOptions } from '../../src/cli/options.js';
import { scan, type ScanQuery } from '../../src/engine/index.js';
import { builtinRulesDir, loadRuleFile } from '../../src/rules/index.js';
import { ROOT } from '../helpers/run-cli.js';

/**
 * Fuzzes the reader, the normalizers and the scan with mutated real lines: truncated,
 * bit-flipped, huge, deeply nested, invalid UTF-8, NUL bytes, stray line breaks. The
 * invariant: every non-blank line of a file comes out as an event or as a reported bad
 * line (or the file is one reported file error), and the run never throws.
 */
export interface FuzzReport {
  files: number;
  lines: number;
  events: number;
  badLines: number;
  fileErrors: number;
  mutations: Record<string, number>;
}

/** Real lines to start from: samples/, and ../shared/realdata when it is there. */
export function seedLines(): string[] {
  const roots = [path.join(ROOT, 'samples'), path.join(ROOT, '..', 'shared', 'realdata')];
  const lines: string[] = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    for (const f of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ndjson')) continue;
      for (const line of fs.readFileSync(path.join(root, f), 'utf8').split('\n')) if (line.trim()) lines.push(line);
    }
  }
  return lines;
}

/** mulberry32: a small seeded generator, so a failing run can be replayed by its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_LINE = 64 * 1024;

type Mutation = (line: Buffer, rnd: () => number) => Buffer;
const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, rnd) => b.subarray(0, Math.floor(rnd() * b.length)),
  bitflip: (b, rnd) => {
    const c = Buffer.from(b);
    for (let i = 0; i < 1 + rnd() * 4; i++) c[Math.floor(rnd() * c.length)]! ^= 1 << Math.floor(rnd() * 8);
    return c;
  },
  huge: (b) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from(`,"pad":"${'A'.repeat(MAX_LINE)}"}`)]),
  nested: (b, rnd) => {
    const depth = 1000 + Math.floor(rnd() * 20000);
    return Buffer.concat([b.subarray(0, b.length - 1), Buffer.from(`,"deep":${'['.repeat(depth)}1${']'.repeat(depth)}}`)]);
  },
  badUtf8: (b, rnd) => {
    const at = Math.floor(rnd() * b.length);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), b.subarray(at)]);
  },
  nul: (b, rnd) => {
    const c = Buffer.from(b);
    c[Math.floor(rnd() * c.length)] = 0;
    return c;
  },
  newline: (b, rnd) => {
    const at = Math.floor(rnd() * b.length);
    return Buffer.concat([b.subarray(0, at), Buffer.from(rnd() < 0.5 ? '\n' : '\r\n'), b.subarray(at)]);
  },
};

/** Non-blank lines as the reader numbers them (blank: only spaces, tabs, CR). */
function countLines(bytes: Buffer): number {
  let n = 0;
  for (const line of bytes.toString('latin1').split('\n')) if (/[^ \t\r]/.test(line)) n++;
  return n;
}

export async function fuzzReader(opts: { files: number; linesPerFile: number; seed: number }): Promise<FuzzReport> {
  const rnd = random(opts.seed);
  const seeds = seedLines();
  const queries: ScanQuery[] = [];
  for (const file of fs.readdirSync(builtinRulesDir()).filter((f) => f.endsWith('.toml'))) {
    const outcome = loadRuleFile(path.join(builtinRulesDir(), file), compileOptions({ categoryField: 'event.category', timestampField: '@timestamp' }));
    if ('rule' in outcome) queries.push({ compiled: outcome.rule.compiled, rule: outcome.rule.meta, name: outcome.rule.meta.name });
  }
  const names = Object.keys(MUTATIONS);
  const report: FuzzReport = { files: 0, lines: 0, events: 0, badLines: 0, fileErrors: 0, mutations: Object.fromEntries(names.map((n) => [n, 0])) };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-fuzz-'));
  for (let f = 0; f < opts.files; f++) {
    const lines: Buffer[] = [];
    for (let i = 0; i < opts.linesPerFile; i++) {
      let line = Buffer.from(seeds[Math.floor(rnd() * seeds.length)]!);
      // The first line stays intact so the file is read as NDJSON, not sniffed as an array.
      if (i > 0 && rnd() < 0.5) {
        const name = names[Math.floor(rnd() * names.length)]!;
        report.mutations[name]!++;
        line = Buffer.from(MUTATIONS[name]!(line, rnd));
      }
      lines.push(line);
    }
    const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const file = path.join(dir, `f${f}.ndjson`);
    fs.writeFileSync(file, bytes);
    const { summary } = await scan({ sources: [{ index: 0, path: file }], queries, maxLineBytes: MAX_LINE, timestampField: '@timestamp' });
    const expected = countLines(bytes);
    const accounted = summary.events + summary.badLines;
    if (summary.fileErrors === 0 ? accounted !== expected : summary.events !== 0 && accounted > expected) {
      throw new Error(`seed ${opts.seed}, file ${f}: ${expected} lines but ${summary.events} events + ${summary.badLines} bad lines (${summary.fileErrors} file errors); input kept at ${file}`);
    }
    report.files++;
    report.lines += expected;
    report.events += summary.events;
    report.badLines += summary.badLines;
    report.fileErrors += summary.fileErrors;
    fs.rmSync(file);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return report;
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** One layout of a corpus: the files to scan, and the size of the events they hold. */
export interface Corpus {
  variant: string;
  files: string[];
  /** Uncompressed bytes and lines (the same events in every variant). */
  bytes: number;
  events: number;
  /** The generator's ground truth, when the corpus came from it. */
  truth: Truth | null;
}

export interface Truth {
  rules: Record<string, string>;
  expected_matches: Record<string, string[]>;
}

export const VARIANTS = ['sorted', 'shuffled', 'gzip', 'split16'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface CorpusSpec {
  generator: string;
  cacheDir: string;
  seed: string;
  events: number;
  hosts: number;
  shuffleWindow: number;
}

const FLAGS: Record<Exclude<Variant, 'split16'>, string[]> = {
  sorted: [],
  shuffled: ['--shuffle-window'],
  gzip: ['--gzip'],
};

/**
 * Generates (or reuses, when already in the cache) one variant of a seeded corpus. Every
 * variant holds the same events: the generator's --shuffle-window and --gzip change only
 * order and encoding, and split16 deals the sorted file's lines into 16 files by host, each
 * still sorted.
 */
export function makeCorpus(spec: CorpusSpec, variant: Variant): Corpus {
  const stem = path.join(spec.cacheDir, `${generatorVersion(spec.generator)}-${spec.seed}-${spec.events}-${spec.hosts}`);
  if (variant === 'split16') return split16(makeCorpus(spec, 'sorted'), `${stem}-split16`);
  const file = `${stem}-${variant}${variant === 'shuffled' ? spec.shuffleWindow : ''}.ndjson${variant === 'gzip' ? '.gz' : ''}`;
  if (!fs.existsSync(`${file}.truth.json`)) {
    fs.mkdirSync(spec.cacheDir, { recursive: true });
    const extra = variant === 'shuffled' ? [...FLAGS.shuffled, String(spec.shuffleWindow)] : FLAGS[variant];
    process.stderr.write(`bench: generating ${file}\n`);
    execFileSync(process.execPath, [spec.generator, '--events', String(spec.events), '--hosts', String(spec.hosts), '--seed', spec.seed, '--out', file, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const truth = JSON.parse(fs.readFileSync(`${file}.truth.json`, 'utf8')) as Truth & { output: { uncompressed_bytes: number; events: number } };
  return { variant, files: [file], bytes: truth.output.uncompressed_bytes, events: truth.output.events, truth };
}

/**
 * The generator's version as the cache knows it: a hash of its text, so a changed generator
 * never reuses a corpus an older one wrote (it declares no version of its own that changes
 * with its output).
 */
export function generatorVersion(generator: string): string {
  return `gen${createHash('sha256').update(fs.readFileSync(generator)).digest('hex').slice(0, 12)}`;
}

/** A corpus given by path: scanned as it is, with `<path>.truth.json` when present. */
export function givenCorpus(file: string): Corpus {
  let bytes = 0;
  let events = 0;
  const data = fs.readFileSync(file);
  for (let start = 0; start < data.length;) {
    const nl = data.indexOf(10, start);
    const end = nl === -1 ? data.length : nl;
    if (end > start) events++;
    bytes += end - start + (nl === -1 ? 0 : 1);
    start = end + 1;
  }
  const truthFile = `${file}.truth.json`;
  const truth = fs.existsSync(truthFile) ? (JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Truth) : null;
  return { variant: path.basename(file), files: [file], bytes, events, truth };
}

function split16(sorted: Corpus, dir: string): Corpus {
  const files = Array.from({ length: 16 }, (_, i) => path.join(dir, `part-${String(i).padStart(2, '0')}.ndjson`));
  if (!files.every((f) => fs.existsSync(f))) {
    fs.mkdirSync(dir, { recursive: true });
    // Streamed (a corpus can be larger than one string may be), into temporary names renamed at the end.
    const fds = files.map((f) => fs.openSync(`${f}.tmp`, 'w'));
    const pending: string[][] = files.map(() => []);
    const flush = (i: number) => {
      fs.writeSync(fds[i]!, pending[i]!.join(''));
      pending[i] = [];
    };
    const hosts = new Map<string, number>();
    forEachLine(sorted.files[0]!, (line) => {
      const host = String((JSON.parse(line) as { host?: { name?: string } }).host?.name);
      if (!hosts.has(host)) hosts.set(host, hosts.size % 16);
      const i = hosts.get(host)!;
      pending[i]!.push(line + '\n');
      if (pending[i]!.length >= 1024) flush(i);
    });
    files.forEach((f, i) => {
      flush(i);
      fs.closeSync(fds[i]!);
      fs.renameSync(`${f}.tmp`, f);
    });
  }
  return { ...sorted, variant: 'split16', files };
}

/** Calls `each` with every non-empty line of a file, read 8 MiB at a time. */
function forEachLine(file: string, each: (line: string) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8 << 20);
    // A character cut by a read is completed by the next one.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) {
      const lines = (rest + decoder.write(buf.subarray(0, n))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line) each(line);
    }
    if (rest) each(rest);
  } finally {
    fs.closeSync(fd);
  }
}

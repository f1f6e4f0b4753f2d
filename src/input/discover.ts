import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { describeError } from './read.js';
import type { DiscoveryProblem, InputSource } from './types.js';

const TELEMETRY = /\.(ndjson|jsonl|json)(\.gz)?$/i;

export interface Discovery {
  sources: InputSource[];
  problems: DiscoveryProblem[];
  /** Files inside scanned directories that are not telemetry by their name (`.zip`, `.evtx`, ...). */
  skipped: string[];
}

/**
 * Turns command-line arguments into sources, in the order given: a file as is (any
 * name), a directory as its telemetry files (recursive, sorted), a glob (quoted, so
 * the shell left it alone) as its matches, '-' as stdin. A path named twice is read once.
 */
export async function discoverInputs(args: string[], opts: { cwd?: string } = {}): Promise<Discovery> {
  const cwd = opts.cwd ?? process.cwd();
  const problems: DiscoveryProblem[] = [];
  const skipped: string[] = [];
  const paths: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const key = p === '-' ? '-' : path.resolve(cwd, p);
    if (seen.has(key)) return;
    seen.add(key);
    paths.push(p);
  };

  for (const arg of args) {
    if (arg === '-') {
      add('-');
      continue;
    }
    const abs = path.resolve(cwd, arg);
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.stat(abs);
    } catch (err) {
      if (isGlob(arg)) {
        const matches = await expandGlob(arg, cwd);
        if (matches.length === 0) problems.push({ file: arg, reason: 'no files match this pattern' });
        matches.forEach(add);
      } else {
        problems.push({ file: arg, reason: describeError(err) });
      }
      continue;
    }
    if (stat.isDirectory()) {
      const files = await walk(arg, cwd, (rel, joined) => TELEMETRY.test(rel) || (skipped.push(joined), false));
      if (files.length === 0) problems.push({ file: arg, reason: 'no .ndjson, .jsonl or .json(.gz) files in this directory' });
      files.forEach(add);
    } else {
      add(arg);
    }
  }
  return { sources: paths.map((p, index) => ({ index, path: p })), problems, skipped };
}

function isGlob(arg: string): boolean {
  return picomatch.scan(arg).isGlob;
}

async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const posix = pattern.replace(/\\/g, '/');
  const { base, glob } = picomatch.scan(posix);
  const isMatch = picomatch(posix, { dot: false });
  const root = base === '' ? '.' : base;
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(path.resolve(cwd, root));
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return [];
  // Without '**' a match can be no deeper than the pattern's own segments.
  const maxDepth = glob.includes('**') ? Infinity : glob.split('/').length - 1;
  const files = await walk(root, cwd, (_rel, joined) => isMatch(joined.replace(/\\/g, '/')), maxDepth);
  return base === '' ? files.map((f) => f.replace(/^\.[\\/]/, '')) : files;
}

/**
 * Files under `dir` accepted by `keep(relativePath, pathAsJoined)`, depth first with
 * entries sorted by name, following symlinks but never entering a directory twice.
 */
async function walk(
  dir: string,
  cwd: string,
  keep: (rel: string, joined: string) => boolean,
  maxDepth = Infinity,
): Promise<string[]> {
  const out: string[] = [];
  const visited = new Set<string>();
  const visit = async (shown: string, rel: string, depth: number) => {
    let real: string;
    try {
      real = await fs.promises.realpath(path.resolve(cwd, shown));
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(real, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childShown = path.join(shown, entry.name);
      const childRel = rel ? path.join(rel, entry.name) : entry.name;
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDir = (await fs.promises.stat(path.resolve(cwd, childShown))).isDirectory();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (depth < maxDepth) await visit(childShown, childRel, depth + 1);
      } else if (keep(childRel, childShown)) out.push(childShown);
    }
  };
  await visit(dir, '', 0);
  return out;
}

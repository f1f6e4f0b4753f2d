import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { describeError, fileHead } from './read.js';
import type { DiscoveryProblem, InputSource } from './types.js';
import { isZip, listZip } from './zip.js';

/** The file names a folder walk picks up as telemetry (a .zip is opened like a folder). */
const TELEMETRY_FILES = /\.((ndjson|jsonl|json)(\.gz)?|evtx|zip)$/i;
const ZIP_NAME = /\.zip$/i;

export interface Discovery {
  sources: InputSource[];
  problems: DiscoveryProblem[];
  /** Files in walked folders whose names `accept` does not take (other extensions), in walk order. */
  skipped: string[];
  /** Folders given on the command line (as given), which the walk read. */
  folders: string[];
}

export interface DiscoverOptions {
  cwd?: string;
  /** Which file names a folder walk keeps (a file named on the command line is always kept). */
  accept?: RegExp;
  /** What the accepted files are called in "no … files in this directory". */
  kind?: string;
}

/** Whether a file named on the command line is a zip archive (by its first bytes, whatever its name). */
async function zipByMagic(file: string): Promise<boolean> {
  const head = await fileHead(file, 4);
  return head !== null && isZip(head);
}

/**
 * The entries of a .zip archive as sources named `archive.zip!entry/path`, in name order:
 * those `accept` takes (never a .zip inside a .zip); the others are listed as skipped, the
 * refused ones (unsafe names, encryption, other methods, bombs) as problems.
 */
async function archiveSources(file: string, cwd: string, accept: RegExp, found: Discovery): Promise<InputSource[]> {
  let listing;
  try {
    listing = await listZip(path.resolve(cwd, file));
  } catch (err) {
    found.problems.push({ file, reason: describeError(err) });
    return [];
  }
  for (const r of listing.refused) found.problems.push({ file: `${file}!${r.entry}`, reason: `refused: ${r.reason}` });
  const out: InputSource[] = [];
  for (const entry of listing.entries) {
    const shown = `${file}!${entry.name}`;
    if (accept.test(entry.name) && !ZIP_NAME.test(entry.name)) out.push({ index: 0, path: shown, archive: { file, entry } });
    else found.skipped.push(shown);
  }
  if (out.length === 0 && listing.refused.length === 0) found.problems.push({ file, reason: 'no .ndjson, .jsonl, .json(.gz) or .evtx files in this archive' });
  return out;
}

/**
 * Turns command-line arguments into sources, in the order given: a file as is (any
 * name), a directory as its accepted files (recursive, sorted), a glob (quoted, so the
 * shell left it alone) as its matches, '-' as stdin. A path named twice is read once.
 * Inside folders only regular files are read: a FIFO or device there would block or
 * never end, so it is reported instead (named on the command line, it is read).
 */
export async function discoverInputs(args: string[], opts: DiscoverOptions = {}): Promise<Discovery> {
  const cwd = opts.cwd ?? process.cwd();
  const accept = opts.accept ?? TELEMETRY_FILES;
  const found: Discovery = { sources: [], problems: [], skipped: [], folders: [] };
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
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(path.resolve(cwd, arg));
    } catch (err) {
      if (isGlob(arg)) {
        const matches = await expandGlob(arg, cwd, found);
        if (matches.length === 0) found.problems.push({ file: arg, reason: 'no files match this pattern' });
        matches.forEach(add);
      } else {
        found.problems.push({ file: arg, reason: describeError(err) });
      }
      continue;
    }
    if (!stat.isDirectory()) {
      add(arg);
      continue;
    }
    found.folders.push(arg);
    const before = found.problems.length;
    const files = await walk(arg, cwd, (rel) => accept.test(rel), found);
    if (files.length === 0 && found.problems.length === before) {
      const others = found.skipped.length ? `; ${found.skipped.length} other file(s) skipped, --verbose names them` : '';
      found.problems.push({ file: arg, reason: `no ${opts.kind ?? '.ndjson, .jsonl, .json(.gz), .evtx or .zip'} files in this directory${others}` });
    }
    files.forEach(add);
  }
  // Archives are opened when looking for telemetry (the default names), not for other walks (rules).
  const archives = opts.accept === undefined;
  const explicit = new Set(args);
  for (const p of paths) {
    if (archives && p !== '-' && (ZIP_NAME.test(p) || (explicit.has(p) && await zipByMagic(path.resolve(cwd, p))))) {
      found.sources.push(...await archiveSources(p, cwd, accept, found));
    } else {
      found.sources.push({ index: 0, path: p });
    }
  }
  found.sources.forEach((s, index) => { s.index = index; });
  return found;
}

function isGlob(arg: string): boolean {
  return picomatch.scan(arg).isGlob;
}

/** The file or folder an input argument reads from: a glob's fixed leading folder, else the argument itself. */
export function inputRoot(arg: string): string {
  if (!isGlob(arg)) return arg;
  return picomatch.scan(arg.replace(/\\/g, '/')).base || '.';
}

async function expandGlob(pattern: string, cwd: string, found: Discovery): Promise<string[]> {
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
  // Files the pattern does not name are not "skipped": the user asked for a subset.
  const ignored: Discovery = { ...found, skipped: [] };
  const files = await walk(root, cwd, (_rel, joined) => isMatch(joined.replace(/\\/g, '/')), ignored, maxDepth);
  return base === '' ? files.map((f) => f.replace(/^\.[\\/]/, '')) : files;
}

const FILE_TYPES: [keyof fs.Dirent & `is${string}`, string][] = [
  ['isFIFO', 'FIFO'], ['isSocket', 'socket'], ['isCharacterDevice', 'character device'], ['isBlockDevice', 'block device'],
];

function typeName(entry: fs.Dirent | fs.Stats): string {
  return FILE_TYPES.find(([test]) => (entry[test] as () => boolean).call(entry))?.[1] ?? 'not a regular file';
}

/**
 * Regular files under `dir` accepted by `keep(relativePath, pathAsJoined)`, depth first
 * with entries sorted by name, following symlinks but never entering a directory twice.
 * Unreadable folders and accepted names that are not regular files become problems;
 * regular files `keep` turns down are listed in `found.skipped`.
 */
async function walk(
  dir: string,
  cwd: string,
  keep: (rel: string, joined: string) => boolean,
  found: Pick<Discovery, 'problems' | 'skipped'>,
  maxDepth = Infinity,
): Promise<string[]> {
  const out: string[] = [];
  const visited = new Set<string>();
  const visit = async (shown: string, rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      const real = await fs.promises.realpath(path.resolve(cwd, shown));
      if (visited.has(real)) return;
      visited.add(real);
      entries = await fs.promises.readdir(real, { withFileTypes: true });
    } catch (err) {
      found.problems.push({ file: shown, reason: `cannot read this directory: ${describeError(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childShown = path.join(shown, entry.name);
      const childRel = rel ? path.join(rel, entry.name) : entry.name;
      let kind: fs.Dirent | fs.Stats = entry;
      if (entry.isSymbolicLink()) {
        try {
          kind = await fs.promises.stat(path.resolve(cwd, childShown));
        } catch (err) {
          if (keep(childRel, childShown)) found.problems.push({ file: childShown, reason: `symbolic link: ${describeError(err)}` });
          continue;
        }
      }
      if (kind.isDirectory()) {
        if (depth < maxDepth) await visit(childShown, childRel, depth + 1);
      } else if (!keep(childRel, childShown)) {
        found.skipped.push(childShown);
      } else if (kind.isFile()) {
        out.push(childShown);
      } else {
        found.problems.push({ file: childShown, reason: `${typeName(kind)}, not a regular file: skipped (name it on the command line to read it)` });
      }
    }
  };
  await visit(dir, '', 0);
  return out;
}

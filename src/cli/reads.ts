import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './exit-codes.js';

/**
 * Everything this run reads: telemetry (stdin's file included), rule files, the mapping, the
 * query file, fixtures. lolhunt is one command per process, so the set is the process's; every
 * write (sinks.ts) is checked against it: nothing lolhunt writes may be something it read.
 */
const files = new Map<string, { what: string; path: string }>();
const folders: { what: string; path: string; real: string }[] = [];

const identity = (s: fs.Stats) => `${s.dev}:${s.ino}`;

/** Notes a file (or a folder: nothing may be written inside it) that this run reads. */
export function noteRead(what: string, file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return; // Unreadable: reported by whoever reads it; nothing there to destroy.
  }
  if (stat.isDirectory()) {
    const real = realPath(file);
    if (real !== null) folders.push({ what, path: file, real });
  } else {
    files.set(identity(stat), { what, path: file });
  }
}

/** Notes stdin when it is a file (`lolhunt scan - < ev.ndjson`): that file is evidence too. */
export function noteStdin(): void {
  try {
    const stat = fs.fstatSync(0);
    if (stat.isFile()) files.set(identity(stat), { what: 'the input read through stdin', path: '-' });
  } catch {
    // No stdin at all: nothing to protect.
  }
}

/**
 * Refuses (exit 2) a write to `target` that would replace something this run reads (any link
 * to it included) or put a file inside a folder it reads (a report there becomes input).
 */
export function refuseReadTarget(option: string, target: string): void {
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(target);
  } catch {
    stat = null;
  }
  const read = stat ? files.get(identity(stat)) : undefined;
  if (read) {
    const shown = read.path === '-' ? 'stdin' : read.path;
    throw new CliError(`${option} ${target}: refusing to write over ${read.what} (${shown})`);
  }
  const dir = realPath(path.dirname(path.resolve(target)));
  if (dir === null) return;
  for (const f of folders) {
    if (dir === f.real || dir.startsWith(f.real + path.sep)) {
      throw new CliError(`${option} ${target}: refusing to write inside ${f.path}, ${f.what} (the file would become input)`);
    }
  }
}

function realPath(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../');
export const BIN = path.join(ROOT, 'bin', 'lolhunt');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/lolhunt like a user would (no TTY, no colour unless env says so, no rule cache
 * written unless env names one); killed after `timeoutMs` (default 60 s).
 */
export function runCli(args: string[], opts: { stdin?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH, NO_COLOR: '1', LOLHUNT_CACHE_DIR: 'off', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Parses NDJSON output into objects. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Waits until a running lolhunt has read a quarter of `file` since it opened it (reads are
 * positional, so /proc's file offset stays 0: progress is the bytes the process has read,
 * /proc/<pid>/io); true when caught before half of it, else the child is killed, a skip
 * line is printed, and false (no /proc, or the read finished first).
 */
export async function caughtMidRead(child: ChildProcess, file: string, size: number): Promise<boolean> {
  const opened = (): boolean => {
    try {
      return fs.readdirSync(`/proc/${child.pid}/fd`).some((fd) => fs.readlinkSync(`/proc/${child.pid}/fd/${fd}`) === file);
    } catch {
      return false;
    }
  };
  const bytesRead = (): number => Number(/rchar:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/io`, 'utf8'))?.[1] ?? NaN);
  const wait = () => new Promise((r) => setTimeout(r, 1));
  while (child.exitCode === null && !opened()) await wait();
  const atOpen = child.exitCode === null ? bytesRead() : NaN;
  while (child.exitCode === null && bytesRead() - atOpen < size / 4) await wait();
  const read = child.exitCode === null ? bytesRead() - atOpen : NaN;
  if (read < size / 2) return true;
  child.kill();
  console.log('# SKIPPED: could not catch lolhunt mid-read (no /proc, or the read finished first)');
  return false;
}

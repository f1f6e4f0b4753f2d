import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Measurement {
  wallMs: number;
  /** Peak resident set size of the child, in bytes (null when /usr/bin/time is missing). */
  peakRss: number | null;
  /** User + system CPU time of the child (null when /usr/bin/time is missing). */
  cpuMs: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';
const hasTime = fs.existsSync(TIME);

/** Runs `node <args>` as a child, timing it and reading its peak RSS and CPU time from GNU time. */
export function measureNode(args: string[]): Promise<Measurement> {
  const rssFile = path.join(os.tmpdir(), `lolhunt-bench-rss-${process.pid}`);
  const [cmd, argv] = hasTime ? [TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, argv, { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      let peakRss: number | null = null;
      let cpuMs: number | null = null;
      if (hasTime) {
        const [kb, user, sys] = (fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
        fs.rmSync(rssFile, { force: true });
        if (Number.isFinite(kb)) peakRss = kb! * 1024;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
      }
      resolve({ wallMs, peakRss, cpuMs, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const INTRO = '# Benchmark results\n\nNewest first; written by `npm run bench` (see bench/README.md).\n';

/** The commit the figures were measured at, marked when src/ had uncommitted changes (each table row carries it). */
export function commitLabel(root: string): string {
  const git = (args: string[]) => { try { return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim(); } catch { return '?'; } };
  return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--', 'src']) ? '+dirty' : ''}`;
}

/** Puts a section (title, machine, the command, then `body`) at the top of bench/RESULTS.md. */
export function recordResults(root: string, title: string, command: string, body: string): void {
  const file = path.join(root, 'bench', 'RESULTS.md');
  const cpus = os.cpus();
  const section = [
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commitLabel(root)}${title ? `: ${title}` : ''}`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ${os.platform()} ${os.release()}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
    `Command: ${command}`,
    '',
    body,
    '',
  ].join('\n');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').replace(INTRO, '') : '';
  fs.writeFileSync(file, `${INTRO}\n${section}${old ? '\n' + old.trimStart() : ''}`);
  process.stderr.write(`bench: recorded in ${path.relative(process.cwd(), file)}\n`);
}

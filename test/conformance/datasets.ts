import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the Elasticsearch EQL QA tables live: ../shared next to the checkout, or $LOLHUNT_CONFORMANCE. */
export function conformanceRoot(repoRoot: string): string {
  return process.env.LOLHUNT_CONFORMANCE ?? path.resolve(repoRoot, '..', 'shared', 'conformance', 'eql');
}

/** How one data set is fed to lolhunt, mirroring Elasticsearch's QA runner (see the suite README, 3.6). */
export interface Dataset {
  name: string;
  /** NDJSON files written for this run, in the order Elasticsearch's target lists the indices. */
  files: string[];
  categoryField: string;
  tiebreakerField?: string;
  idField: string;
}

type Doc = Record<string, unknown>;

const FILETIME_EPOCH_OFFSET_MS = 11644473600000;

function readJsonArray(file: string): Doc[] {
  // missing-events.data carries `//` comment lines between elements; ES's parser tolerates them.
  const text = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');
  return JSON.parse(text) as Doc[];
}

function writeNdjson(dir: string, name: string, docs: Doc[]): string {
  const file = path.join(dir, `${name}.ndjson`);
  fs.writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return file;
}

/** FILETIME read as nanoseconds since the epoch, as an ISO string with 9 fractional digits. */
function nanosIso(filetime: number | string): string {
  const ns = BigInt(filetime);
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** Builds every data set under a fresh temporary directory. */
export function buildDatasets(root: string): Map<string, Dataset> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-conformance-'));
  const es = path.join(root, 'elasticsearch');
  const sets = new Map<string, Dataset>();
  const endgame = readJsonArray(path.join(es, 'test_data.json'));

  const ms = endgame.map((d) => ({ ...d, '@timestamp': Math.floor(Number(d.timestamp) / 10000) - FILETIME_EPOCH_OFFSET_MS }));
  sets.set('endgame', { name: 'endgame', files: [writeNdjson(dir, 'endgame', ms)], categoryField: 'event_type', tiebreakerField: 'serial_event_id', idField: 'serial_event_id' });

  const nanos = endgame.map((d) => ({ ...d, '@timestamp': nanosIso(d.timestamp as number), timestamp: Math.floor(Number(d.timestamp) / 1_000_000) }));
  sets.set('endgame-nanos', { name: 'endgame-nanos', files: [writeNdjson(dir, 'endgame-nanos', nanos)], categoryField: 'event_type', tiebreakerField: 'serial_event_id', idField: 'serial_event_id' });

  // extra.mapping: optional_field_default_null has null_value "NULL", so an explicit null is indexed as "NULL".
  const extra = readJsonArray(path.join(es, 'data', 'extra.data')).map((d) =>
    d.optional_field_default_null === null ? { ...d, optional_field_default_null: 'NULL' } : d,
  );
  sets.set('extra', { name: 'extra', files: [writeNdjson(dir, 'extra', extra)], categoryField: 'event_type', tiebreakerField: 'sequence', idField: 'sequence' });

  const missing = readJsonArray(path.join(es, 'data', 'missing-events.data'));
  sets.set('missing-events', { name: 'missing-events', files: [writeNdjson(dir, 'missing-events', missing)], categoryField: 'event_type', tiebreakerField: 'sequence', idField: 'sequence' });

  const samples = ['sample1', 'sample2', 'sample3'].map((n) => writeNdjson(dir, n, readJsonArray(path.join(es, 'data', `${n}.data`))));
  sets.set('sample', { name: 'sample', files: samples, categoryField: 'event_type', idField: 'id' });
  sets.set('sample-multi', { name: 'sample-multi', files: [writeNdjson(dir, 'sample-multi', readJsonArray(path.join(es, 'data', 'sample-multi.data')))], categoryField: 'event_type', idField: 'id' });
  return sets;
}

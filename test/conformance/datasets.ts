import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CompileOptions } from '../../src/eql/index.js';
import { compileOptions } from '../../src/cli/options.js';

/** Where the Elasticsearch EQL QA tables live: ../shared next to the checkout, or $LOLHUNT_CONFORMANCE. */
export function conformanceRoot(repoRoot: string): string {
  return process.env.LOLHUNT_CONFORMANCE ?? path.resolve(repoRoot, '..', 'shared', 'conformance', 'eql');
}

/** How one data set is fed to lolhunt, mirroring Elasticsearch's QA runner (see the suite README, 3.6). */
export interface Dataset {
  name: string;
  /** NDJSON files written for this run, in the order Elasticsearch's target lists the indices. */
  files: string[];
  tiebreakerField?: string;
  idField: string;
  /** Compiled with the data set's own index mappings, read as a `_mapping` response. */
  compile: CompileOptions;
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
function nanosIso(filetime: number): string {
  const ns = BigInt(filetime);
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/**
 * A QA `.mapping` file as the body of one index: `#` comment lines dropped and the
 * `[runtime_random_keyword_type]` placeholder (keyword or wildcard, at random) made keyword.
 */
function readQaMapping(file: string): Doc {
  const text = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  return JSON.parse(text.replaceAll('[runtime_random_keyword_type]', 'keyword')) as Doc;
}

/** Writes the indices' mappings as one `GET <indices>/_mapping` response and compiles with it, as `--mapping` does. */
function compileWith(dir: string, name: string, indices: Record<string, Doc>): CompileOptions {
  const file = path.join(dir, `${name}.mapping.json`);
  fs.writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(indices).map(([index, body]) => [index, { mappings: body }]))));
  // Every QA mapping aliases event.category to event_type.
  return compileOptions({ categoryField: 'event_type', timestampField: '@timestamp', mapping: file });
}

/** Builds every data set under a fresh temporary directory. */
export function buildDatasets(root: string): Map<string, Dataset> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-conformance-'));
  const es = path.join(root, 'elasticsearch');
  const mapping = (n: string) => readQaMapping(path.join(es, 'data', `${n}.mapping`));
  const sets = new Map<string, Dataset>();
  const add = (name: string, files: string[], ids: { tiebreakerField?: string; idField: string }, indices: Record<string, Doc>) =>
    sets.set(name, { name, files, ...ids, compile: compileWith(dir, name, indices) });
  const endgame = readJsonArray(path.join(es, 'test_data.json'));
  const endgameIds = { tiebreakerField: 'serial_event_id', idField: 'serial_event_id' };

  const ms = endgame.map((d) => ({ ...d, '@timestamp': Math.floor(Number(d.timestamp) / 10000) - FILETIME_EPOCH_OFFSET_MS }));
  add('endgame', [writeNdjson(dir, 'endgame', ms)], endgameIds, { endgame: mapping('endgame-140') });

  const nanos = endgame.map((d) => ({ ...d, '@timestamp': nanosIso(Number(d.timestamp)), timestamp: Math.floor(Number(d.timestamp) / 1_000_000) }));
  add('endgame-nanos', [writeNdjson(dir, 'endgame-nanos', nanos)], endgameIds, { 'endgame-nanos': mapping('endgame-140') });

  const sequenceIds = { tiebreakerField: 'sequence', idField: 'sequence' };
  add('extra', [writeNdjson(dir, 'extra', readJsonArray(path.join(es, 'data', 'extra.data')))], sequenceIds, { extra: mapping('extra') });
  add('missing-events', [writeNdjson(dir, 'missing-events', readJsonArray(path.join(es, 'data', 'missing-events.data')))], sequenceIds, { 'missing-events': mapping('missing-events') });

  const samples = ['sample1', 'sample2', 'sample3'];
  add('sample', samples.map((n) => writeNdjson(dir, n, readJsonArray(path.join(es, 'data', `${n}.data`)))), { idField: 'id' },
    Object.fromEntries(samples.map((n) => [n, mapping(n)])));
  add('sample-multi', [writeNdjson(dir, 'sample-multi', readJsonArray(path.join(es, 'data', 'sample-multi.data')))], { idField: 'id' }, { 'sample-multi': mapping('sample-multi') });
  return sets;
}

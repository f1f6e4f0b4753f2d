import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readItems } from '../../src/input/index.js';
import { filesUnder, ATTACK_SAMPLES, SIGMA_REGRESSION } from '../helpers/evtx.js';
import { sysmonSample } from '../helpers/evtx-writer.js';
import { random } from './reader.js';

/**
 * Fuzzes the .evtx reader with mutated real files: bit flips, random and zeroed byte runs,
 * random 16/32-bit values written where sizes and offsets live, truncation, chunks zeroed,
 * swapped or duplicated. The invariant: reading never throws and never hangs (every file is
 * read within `maxMs`), and every item is a record, a bad record or a reported error.
 */
export interface EvtxFuzzReport {
  files: number;
  records: number;
  badRecords: number;
  errors: number;
  slowestMs: number;
  mutations: Record<string, number>;
}

/** Seed files: the synthetic Sysmon log, and the real ones under ../shared when present (first 3 chunks of each). */
export function evtxSeeds(): Buffer[] {
  const seeds = [sysmonSample()];
  for (const f of [...filesUnder(ATTACK_SAMPLES, '.evtx'), ...filesUnder(SIGMA_REGRESSION, '.evtx').slice(0, 20)]) {
    const b = fs.readFileSync(f);
    seeds.push(b.subarray(0, Math.min(b.length, 4096 + 3 * 65536)));
  }
  return seeds;
}

type Mutation = (b: Buffer, rnd: () => number) => Buffer;
const at = (b: Buffer, rnd: () => number) => Math.floor(rnd() * b.length);
/** An offset in the record area of some chunk, where the BinXML lies (most mutations should land there). */
const inRecords = (b: Buffer, rnd: () => number) => {
  const chunks = Math.max(1, Math.floor((b.length - 4096) / 65536));
  return Math.min(b.length - 8, 4096 + Math.floor(rnd() * chunks) * 65536 + 512 + Math.floor(rnd() * 8192));
};
const MUTATIONS: Record<string, Mutation> = {
  bitflip: (b, rnd) => {
    for (let i = 0; i < 1 + rnd() * 8; i++) {
      const p = rnd() < 0.7 ? inRecords(b, rnd) : at(b, rnd);
      b[p] = b[p]! ^ (1 << Math.floor(rnd() * 8));
    }
    return b;
  },
  randomRun: (b, rnd) => {
    const p = inRecords(b, rnd);
    for (let i = p; i < Math.min(b.length, p + 1 + rnd() * 64); i++) b[i] = Math.floor(rnd() * 256);
    return b;
  },
  zeroRun: (b, rnd) => b.fill(0, inRecords(b, rnd), Math.min(b.length, inRecords(b, rnd) + Math.floor(rnd() * 512))),
  sizeField: (b, rnd) => {
    const p = inRecords(b, rnd);
    const values = [0, 1, 0xff, 0xffff, 0x7fff, 0xffffffff, 65536, 512, Math.floor(rnd() * 65536)];
    const v = values[Math.floor(rnd() * values.length)]!;
    if (rnd() < 0.5) b.writeUInt16LE(v & 0xffff, p);
    else b.writeUInt32LE(v >>> 0, p);
    return b;
  },
  truncate: (b, rnd) => b.subarray(0, at(b, rnd)),
  zeroChunk: (b, rnd) => {
    const chunks = Math.floor((b.length - 4096) / 65536);
    if (chunks > 0) b.fill(0, 4096 + Math.floor(rnd() * chunks) * 65536, 4096 + (Math.floor(rnd() * chunks) + 1) * 65536);
    return b;
  },
  swapHeaderFields: (b, rnd) => {
    // Chunk header fields: free-space offset, last record offset, string/template table slots.
    const chunks = Math.max(1, Math.floor((b.length - 4096) / 65536));
    const base = 4096 + Math.floor(rnd() * chunks) * 65536;
    const field = [44, 48, 128 + 4 * Math.floor(rnd() * 64), 384 + 4 * Math.floor(rnd() * 32)][Math.floor(rnd() * 4)]!;
    if (base + field + 4 <= b.length) b.writeUInt32LE(Math.floor(rnd() * 70000), base + field);
    return b;
  },
  duplicate: (b, rnd) => {
    const from = inRecords(b, rnd);
    const to = inRecords(b, rnd);
    b.copy(b, to, from, Math.min(b.length, from + Math.floor(rnd() * 2048)));
    return b;
  },
};

export async function fuzzEvtx(opts: { files: number; seed: number; maxMs?: number }): Promise<EvtxFuzzReport> {
  const rnd = random(opts.seed);
  const seeds = evtxSeeds();
  const names = Object.keys(MUTATIONS);
  const report: EvtxFuzzReport = { files: 0, records: 0, badRecords: 0, errors: 0, slowestMs: 0, mutations: Object.fromEntries(names.map((n) => [n, 0])) };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-fuzz-evtx-'));
  const file = path.join(dir, 'fuzz.evtx');
  for (let f = 0; f < opts.files; f++) {
    let bytes: Buffer = Buffer.from(seeds[Math.floor(rnd() * seeds.length)]!);
    const applied: string[] = [];
    for (let m = 0; m < 1 + Math.floor(rnd() * 3); m++) {
      const name = names[Math.floor(rnd() * names.length)]!;
      report.mutations[name]!++;
      applied.push(name);
      bytes = MUTATIONS[name]!(bytes, rnd);
    }
    fs.writeFileSync(file, bytes);
    const started = performance.now();
    try {
      for await (const batch of readItems({ index: 0, path: file }, { maxLineBytes: 1 << 20 })) {
        for (const item of batch) {
          if (item.kind === 'value') {
            report.records++;
            if (typeof item.value !== 'object' || item.value === null || !Number.isSafeInteger(item.line)) throw new Error(`not a record: ${JSON.stringify(item).slice(0, 200)}`);
            JSON.stringify(item.value);
          } else if (item.kind === 'bad') report.badRecords++;
          else if (item.kind === 'error') report.errors++;
          // Cut to under 8 bytes, the file no longer starts with the signature: it is read as text.
          else if (bytes.length >= 8) throw new Error(`unexpected item kind ${item.kind}`);
        }
      }
    } catch (err) {
      const kept = path.join(os.tmpdir(), `lolhunt-fuzz-evtx-seed${opts.seed}-file${f}.evtx`);
      fs.copyFileSync(file, kept);
      throw new Error(`seed ${opts.seed}, file ${f} (${applied.join(', ')}): ${(err as Error).stack}; input kept at ${kept}`);
    }
    const ms = performance.now() - started;
    report.slowestMs = Math.max(report.slowestMs, Math.round(ms));
    if (ms > (opts.maxMs ?? 10_000)) throw new Error(`seed ${opts.seed}, file ${f} (${applied.join(', ')}): read took ${Math.round(ms)} ms`);
    report.files++;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return report;
}

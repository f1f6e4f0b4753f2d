import type { EventView, FieldValue } from '../eql/index.js';
import { DocumentView, getField } from './document.js';
import {
  POWERSHELL_OPERATIONAL, SECURITY, SHAPES, SYSMON, SYSTEM, WINDOWS_COMMON, WINDOWS_DEFAULTS, WINDOWS_POWERSHELL,
  type ChannelMap, type FieldRules, type HeaderName, type ShapeMap,
} from './maps/index.js';
import { detectShape, type ShapeName } from './shape.js';
import { keyValueLines, TRANSFORMS } from './transforms.js';

/** The ECS view of one document and the shape it was read as. */
export interface Normalized {
  view: EventView;
  shape: ShapeName;
}

type Data = Record<string, unknown>;
/** A document's event data and UserData fields, found once per document. */
interface EventData { event: Data | undefined; user: Data | undefined }
type Getter = (doc: object, data: EventData) => FieldValue | undefined;
type Compiled = { field: string; get: Getter }[];
/** A path prefix the view answers from an object of the document (`winlog.event_data.` from evtx_dump's EventData). */
type Alias = { prefix: string; data: Data; skip?: ReadonlySet<string> };

const CHANNELS: ChannelMap[] = [SYSMON, SECURITY, SYSTEM, POWERSHELL_OPERATIONAL, WINDOWS_POWERSHELL];
/** Values Elastic's pipeline drops as empty. */
const EMPTY = new Set<unknown>([null, '', '-', '{00000000-0000-0000-0000-000000000000}']);
const ENTITY_IDS = ['process.entity_id', 'process.parent.entity_id'];
const BRACED_GUID = /^\{[0-9A-Fa-f-]{36}\}$/;
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);

/** winlogbeat renders event data as text: numbers and booleans of evtx_dump or NXLog become strings. */
function asText(v: FieldValue): FieldValue {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(asText);
  return v;
}

/** An ECS view over a document plus the fields its map produced (which win). */
class MappedView implements EventView {
  private readonly rest: DocumentView;
  constructor(readonly doc: object, readonly ecs: Map<string, FieldValue>, readonly aliases: Alias[], flattenAfter: number | undefined) {
    this.rest = new DocumentView(doc, flattenAfter);
  }
  get(path: string): FieldValue | undefined {
    const v = this.ecs.get(path);
    if (v !== undefined) return v;
    for (const a of this.aliases) {
      if (!path.startsWith(a.prefix)) continue;
      const rest = path.slice(a.prefix.length);
      const dot = rest.indexOf('.');
      if (a.skip?.has(dot < 0 ? rest : rest.slice(0, dot))) continue;
      const got = getField(a.data, rest);
      if (got !== undefined) return asText(got);
    }
    return this.rest.get(path);
  }
}

/**
 * Picks the shape of each document and returns its ECS view: ECS documents are read as
 * they are (bypass: no copy, no lookup beyond the shape test); Windows event-log shapes
 * through the maps in ./maps, compiled once per (shape, channel, event id). Mapped documents
 * get winlogbeat's `winlog.*` fields too: the header's, and `winlog.event_data.*` /
 * `winlog.user_data.*` read from the document's own event data (as text, as winlogbeat has it).
 */
export class Normalizer {
  private readonly compiled = new Map<string, Compiled>();

  /** `flattenAfter`: when the views flatten a document (DocumentView); their default when undefined. */
  constructor(private readonly enabled = true, private readonly flattenAfter?: number) {}

  normalize(doc: Record<string, unknown>): Normalized {
    const shape = detectShape(doc);
    // Off (`--no-normalize`), the shape is still counted, so the summary can say what was not mapped.
    if (shape === 'ecs' || !this.enabled) return { view: new DocumentView(doc, this.flattenAfter), shape };
    const ecs = new Map<string, FieldValue>();
    const aliases: Alias[] = [];
    if (shape === 'ecs-winlog') winlogFixes(doc, ecs);
    else {
      const h = HEADERS[shape];
      const channel = channelOf(h, doc);
      const raw = String(h.code(doc) ?? '');
      let event = channel && Object.hasOwn(channel.events, raw) ? channel.events[raw] : undefined;
      // An id of the System log means that event only from its own provider.
      if (event?.providers && !event.providers.includes(String(h.provider(doc) ?? ''))) event = undefined;
      const data = eventDataOf(shape, doc, channel, raw);
      const where = SHAPES[shape];
      if (data.event && (where.eventData !== 'winlog.event_data' || data.event !== getField(doc, where.eventData))) {
        aliases.push({ prefix: 'winlog.event_data.', data: data.event, ...(where.headerKeys ? { skip: HEADER_KEYS[shape] } : {}) });
      }
      if (data.user && shape !== 'winlogbeat-raw') aliases.push({ prefix: 'winlog.user_data.', data: data.user });
      for (const { field, get } of this.rulesFor(shape, channel, event ? raw : '')) {
        const v = get(doc, data);
        if (v !== undefined) ecs.set(field, v);
      }
    }
    for (const [field, value] of Object.entries(WINDOWS_DEFAULTS)) {
      if (!ecs.has(field) && getField(doc, field) === undefined) ecs.set(field, value);
    }
    return { view: new MappedView(doc, ecs, aliases, this.flattenAfter), shape };
  }

  /**
   * "Channel id" of a Windows event-log document (ECS from winlogbeat included), for the
   * summary's count of events no map gave a category; undefined for other documents.
   */
  describe(doc: Record<string, unknown>): string | undefined {
    const shape = detectShape(doc);
    if (shape === 'ecs') return undefined;
    const h = HEADERS[shape === 'ecs-winlog' ? 'winlogbeat-raw' : shape];
    const where = h.channel(doc) ?? h.provider(doc);
    return `${typeof where === 'string' && where ? where : '(no channel)'} ${String(h.code(doc) ?? '(no id)')}`;
  }

  /** Event ids the maps do not know share one entry (`code` ''): ids come from the logs, and the cache must stay bounded. */
  private rulesFor(shape: MappedShape, channel: ChannelMap | undefined, code: string): Compiled {
    const key = `${shape}\u0000${channel?.name ?? ''}\u0000${code}`;
    let rules = this.compiled.get(key);
    if (!rules) {
      const where = SHAPES[shape];
      const event = code === '' ? undefined : channel?.events[code];
      const merged: FieldRules = { ...WINDOWS_COMMON, ...channel?.common, ...event?.fields };
      const built: Compiled = Object.entries(merged).map(([field, sources]) => ({ field, get: compileSources(sources, where) }));
      const constant = (field: string, value: FieldValue | undefined) => { if (value !== undefined) built.push({ field, get: () => value }); };
      constant('event.category', event?.category);
      constant('event.type', event?.type);
      constant('event.action', event?.action);
      constant('event.outcome', event?.outcome);
      this.compiled.set(key, built);
      rules = built;
    }
    return rules;
  }
}

type MappedShape = keyof typeof SHAPES;
type Header = Record<HeaderName | 'utcTime', (doc: object) => FieldValue | undefined>;

/** Per shape, the header fields, each read from the first of its paths present. */
const HEADERS = Object.fromEntries(Object.entries(SHAPES).map(([shape, where]) => {
  const header = Object.fromEntries(Object.entries(where.system).map(([name, paths]) => [name, firstOf(paths)])) as Header;
  header.utcTime = firstOf([where.eventData ? `${where.eventData}.UtcTime` : 'UtcTime']);
  return [shape, header];
})) as Record<MappedShape, Header>;

const HEADER_KEYS = Object.fromEntries(Object.entries(SHAPES).map(([shape, where]) => [shape, new Set(where.headerKeys ?? [])])) as unknown as Record<MappedShape, ReadonlySet<string>>;

function firstOf(paths: string[]): (doc: object) => FieldValue | undefined {
  return (doc) => {
    for (const p of paths) {
      const v = getField(doc, p);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/** Channel names and providers seen, to their map (bounded: the names come from the logs). */
const channelCache = new Map<string, ChannelMap | null>();

/** The map of a document's channel: by channel name first, then by provider. */
function channelOf(h: Header, doc: object): ChannelMap | undefined {
  const name = String(h.channel(doc) ?? '');
  const provider = String(h.provider(doc) ?? '');
  const key = `${name}\u0000${provider}`;
  let found = channelCache.get(key);
  if (found === undefined) {
    found = CHANNELS.find((c) => c.channels.includes(name)) ?? CHANNELS.find((c) => c.providers.includes(provider)) ?? null;
    if (channelCache.size > 1000) channelCache.clear();
    channelCache.set(key, found);
  }
  // A flat export without a channel column: Sysmon, when it has Sysmon's UtcTime.
  return found ?? (name === '' && h.utcTime(doc) !== undefined ? SYSMON : undefined);
}

/** The event data and UserData of a document, as winlogbeat would have them in winlog.event_data / winlog.user_data. */
function eventDataOf(shape: MappedShape, doc: Data, channel: ChannelMap | undefined, code: string): EventData {
  let event: Data | undefined;
  let user: Data | undefined;
  if (shape === 'sysmon-flat') event = doc;
  else if (shape === 'winlogbeat-raw') {
    const e = getField(doc, 'winlog.event_data');
    const u = getField(doc, 'winlog.user_data');
    event = isObject(e) ? e : undefined;
    user = isObject(u) ? u : undefined;
  } else {
    const ev = doc.Event as Data;
    event = evtxEventData(ev.EventData);
    user = evtxUserData(ev.UserData);
  }
  const kv = channel?.keyValue;
  const field = kv && (Object.hasOwn(kv, code) ? kv[code] : kv['*']);
  const text = field && event && hasOwn(event, field) ? event[field] : undefined;
  if (typeof text === 'string') event = { ...event, ...keyValueLines(text) };
  return { event, user };
}

/**
 * evtx_dump's EventData: named `<Data Name=..>` become keys already; unnamed ones come as
 * `Data` (one value, a list, or `{"#text": ..}`) and become param1, param2, ... as winlogbeat
 * names them.
 */
function evtxEventData(ed: unknown): Data | undefined {
  if (!isObject(ed)) return undefined;
  if (!hasOwn(ed, 'Data')) return ed;
  let values = ed.Data;
  if (isObject(values) && hasOwn(values, '#text')) values = values['#text'];
  const list = Array.isArray(values) ? values : [values];
  const out: Data = {};
  for (const [k, v] of Object.entries(ed)) if (k !== 'Data' && k !== '#attributes' && v !== null) define(out, k, v);
  list.forEach((v, i) => { if (v !== null && v !== undefined) define(out, `param${i + 1}`, v); });
  return out;
}

/** evtx_dump's UserData: its one element's fields, and the element's name as `xml_name` (winlogbeat's winlog.user_data). */
function evtxUserData(ud: unknown): Data | undefined {
  if (!isObject(ud)) return undefined;
  for (const [name, inner] of Object.entries(ud)) {
    if (name === '#attributes' || !isObject(inner)) continue;
    const out: Data = {};
    for (const [k, v] of Object.entries(inner)) if (k !== '#attributes') define(out, k, v);
    define(out, 'xml_name', name);
    return out;
  }
  return undefined;
}

/** ECS from winlogbeat already: the GUID case differs between its versions; older ones leave event.type out. */
function winlogFixes(doc: Record<string, unknown>, ecs: Map<string, FieldValue>): void {
  for (const field of ENTITY_IDS) {
    const v = getField(doc, field);
    if (typeof v === 'string' && BRACED_GUID.test(v)) ecs.set(field, v.toLowerCase());
  }
  if (getField(doc, 'event.type') !== undefined) return;
  // The map's type for the event id, when the document's category is the map's (so the id is read as the map reads it).
  const channel = channelOf(HEADERS['winlogbeat-raw'], doc);
  const code = String(getField(doc, 'winlog.event_id') ?? getField(doc, 'event.code') ?? '');
  const event = channel && Object.hasOwn(channel.events, code) ? channel.events[code] : undefined;
  if (!event?.type || !event.category) return;
  const category = getField(doc, 'event.category');
  const categories = Array.isArray(category) ? category : [category];
  if (event.category.some((c) => categories.includes(c))) ecs.set('event.type', event.type);
}

function first(getters: Getter[]): Getter {
  if (getters.length === 1 && getters[0] !== undefined) return getters[0];
  return (doc, data) => {
    for (const g of getters) {
      const v = g(doc, data);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

function compileSources(sources: string | string[], where: ShapeMap): Getter {
  return first((Array.isArray(sources) ? sources : [sources]).map((s) => compileSource(s, where)));
}

function compileSource(source: string, where: ShapeMap): Getter {
  if (source.startsWith('=')) {
    const value = source.slice(1);
    return () => value;
  }
  const [name = '', how] = source.split('|');
  const transform = how === undefined ? undefined : TRANSFORMS[how];
  if (how !== undefined && !transform) throw new Error(`field map: unknown transform '${how}' in '${source}'`);
  const finish = (raw: FieldValue | undefined): FieldValue | undefined => {
    if (raw === undefined || EMPTY.has(raw)) return undefined;
    return transform ? transform(raw) : raw;
  };
  // The whole event data, for transforms that read several of its fields.
  if (name === '@') return (_doc, data) => (data.event ? finish(data.event as FieldValue) : undefined);
  if (name.startsWith('user:')) {
    const key = name.slice(5);
    return (_doc, data) => (data.user && hasOwn(data.user, key) ? finish(data.user[key] as FieldValue) : undefined);
  }
  if (name.startsWith('sys:')) {
    const paths = where.system[name.slice(4) as HeaderName];
    if (!paths) throw new Error(`field map: unknown header field '${name}'`);
    return (doc) => {
      for (const p of paths) {
        const v = finish(getField(doc, p));
        if (v !== undefined) return v;
      }
      return undefined;
    };
  }
  return (_doc, data) => (data.event && hasOwn(data.event, name) ? finish(data.event[name] as FieldValue) : undefined);
}

/**
 * The document as the rules see it, for `lolhunt normalize`: the original fields with the
 * mapped ECS fields written over them (nested), `winlog.event_data` / `winlog.user_data`
 * included. Objects on the written paths are copied, the rest is shared with the original
 * (which is not changed), so any depth is fine.
 */
export function ecsDocument(n: Normalized, doc: Record<string, unknown>): Record<string, unknown> {
  if (!(n.view instanceof MappedView)) return doc;
  const out: Record<string, unknown> = { ...doc };
  const copied = new Set<object>([out]);
  const entries: [string, unknown][] = [];
  for (const a of n.view.aliases) {
    const copy: Data = {};
    for (const [k, v] of Object.entries(a.data)) {
      // A flat export's event data is the document itself: its own objects are not event data (winlogbeat's is text).
      if (a.skip && (a.skip.has(k) || (typeof v === 'object' && v !== null))) continue;
      define(copy, k, asText(v as FieldValue));
    }
    entries.push([a.prefix.slice(0, -1), copy]);
  }
  entries.push(...n.view.ecs);
  for (const [path, value] of entries) {
    const dot = path.lastIndexOf('.');
    let node = out;
    for (const part of dot < 0 ? [] : path.slice(0, dot).split('.')) {
      const next = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
      let child: Record<string, unknown>;
      if (typeof next !== 'object' || next === null || Array.isArray(next)) child = {};
      else if (copied.has(next)) child = next as Record<string, unknown>;
      else child = { ...(next as Record<string, unknown>) };
      copied.add(child);
      define(node, part, child);
      node = child;
    }
    define(node, path.slice(dot + 1), value);
  }
  return out;
}

/** Sets an own property, `__proto__` included, as plain data. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

import type { EventView, FieldValue } from '../eql/index.js';
import { DocumentView, getField } from './document.js';
import { SECURITY, SHAPES, SYSMON, WINDOWS_COMMON, WINDOWS_DEFAULTS, type ChannelMap, type FieldRules, type ShapeMap } from './maps/index.js';
import { detectShape, type ShapeName } from './shape.js';
import { TRANSFORMS } from './transforms.js';

/** The ECS view of one document and the shape it was read as. */
export interface Normalized {
  view: EventView;
  shape: ShapeName;
}

type Getter = (doc: object) => FieldValue | undefined;
type Compiled = { field: string; get: Getter }[];

const CHANNELS: ChannelMap[] = [SYSMON, SECURITY];
/** Values Elastic's pipeline drops as empty. */
const EMPTY = new Set<unknown>([null, '', '-', '{00000000-0000-0000-0000-000000000000}']);
const ENTITY_IDS = ['process.entity_id', 'process.parent.entity_id'];
const BRACED_GUID = /^\{[0-9A-Fa-f-]{36}\}$/;

/** An ECS view over a document plus the fields its map produced (which win). */
class MappedView implements EventView {
  private readonly rest: DocumentView;
  constructor(readonly doc: object, readonly ecs: Map<string, FieldValue>, flattenAfter: number | undefined) {
    this.rest = new DocumentView(doc, flattenAfter);
  }
  get(path: string): FieldValue | undefined {
    const v = this.ecs.get(path);
    return v !== undefined ? v : this.rest.get(path);
  }
}

/**
 * Picks the shape of each document and returns its ECS view: ECS documents are read as
 * they are (bypass: no copy, no lookup beyond the shape test); Windows event-log shapes
 * through the maps in ./maps, compiled once per (shape, channel, event id).
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
    if (shape === 'ecs-winlog') winlogFixes(doc, ecs);
    else for (const { field, get } of this.rulesFor(shape, doc)) {
      const v = get(doc);
      if (v !== undefined) ecs.set(field, v);
    }
    for (const [field, value] of Object.entries(WINDOWS_DEFAULTS)) {
      if (!ecs.has(field) && getField(doc, field) === undefined) ecs.set(field, value);
    }
    return { view: new MappedView(doc, ecs, this.flattenAfter), shape };
  }

  private rulesFor(shape: MappedShape, doc: object): Compiled {
    const h = HEADERS[shape];
    const channel = CHANNELS.find((c) => c.channels.includes(String(h.channel(doc))) || c.providers.includes(String(h.provider(doc))))
      // A flat export without a channel column: Sysmon, when it has Sysmon's UtcTime.
      ?? (h.utcTime(doc) !== undefined ? SYSMON : undefined);
    const raw = String(h.code(doc) ?? '');
    // Event ids the maps do not know share one entry: ids come from the logs, and the cache must stay bounded.
    const code = channel && Object.hasOwn(channel.events, raw) ? raw : '';
    const key = `${shape}\u0000${channel?.name ?? ''}\u0000${code}`;
    let rules = this.compiled.get(key);
    if (!rules) {
      const where = SHAPES[shape];
      const event = code === '' ? undefined : channel?.events[code];
      const merged: FieldRules = { ...WINDOWS_COMMON, ...channel?.common, ...event?.fields };
      rules = Object.entries(merged).map(([field, sources]) => ({ field, get: compileSources(sources, where) }));
      if (event?.category) rules.push({ field: 'event.category', get: () => event.category });
      if (event?.type) rules.push({ field: 'event.type', get: () => event.type });
      if (event?.action) rules.push({ field: 'event.action', get: () => event.action });
      this.compiled.set(key, rules);
    }
    return rules;
  }
}

type MappedShape = keyof typeof SHAPES;

/** Per shape, the header fields that pick a map, read once per document. */
const HEADERS = Object.fromEntries(Object.entries(SHAPES).map(([shape, where]) => {
  const header = (name: keyof ShapeMap['system']) => first(where.system[name].map((p): Getter => (d) => getField(d, p)));
  const utc = where.eventData ? `${where.eventData}.UtcTime` : 'UtcTime';
  return [shape, { code: header('code'), channel: header('channel'), provider: header('provider'), utcTime: (d: object) => getField(d, utc) }];
})) as Record<MappedShape, Record<'code' | 'channel' | 'provider' | 'utcTime', Getter>>;

/** ECS from winlogbeat already: only the GUID case differs between its versions. */
function winlogFixes(doc: object, ecs: Map<string, FieldValue>): void {
  for (const field of ENTITY_IDS) {
    const v = getField(doc, field);
    if (typeof v === 'string' && BRACED_GUID.test(v)) ecs.set(field, v.toLowerCase());
  }
}

function first(getters: Getter[]): Getter {
  return (doc) => {
    for (const g of getters) {
      const v = g(doc);
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
  const paths = name.startsWith('sys:')
    ? where.system[name.slice(4) as keyof ShapeMap['system']]
    : [where.eventData ? `${where.eventData}.${name}` : name];
  if (!paths) throw new Error(`field map: unknown header field '${name}'`);
  return (doc) => {
    for (const p of paths) {
      const raw = getField(doc, p);
      if (raw === undefined || EMPTY.has(raw)) continue;
      const v = transform ? transform(raw) : raw;
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/**
 * The document as the rules see it, for `lolhunt normalize`: the original fields with the
 * mapped ECS fields written over them (nested). Objects on the written paths are copied,
 * the rest is shared with the original (which is not changed), so any depth is fine.
 */
export function ecsDocument(n: Normalized, doc: Record<string, unknown>): Record<string, unknown> {
  if (!(n.view instanceof MappedView)) return doc;
  const out: Record<string, unknown> = { ...doc };
  const copied = new Set<object>([out]);
  for (const [path, value] of n.view.ecs) {
    const parts = path.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
      let child: Record<string, unknown>;
      if (typeof next !== 'object' || next === null || Array.isArray(next)) child = {};
      else if (copied.has(next)) child = next as Record<string, unknown>;
      else child = { ...(next as Record<string, unknown>) };
      copied.add(child);
      define(node, part, child);
      node = child;
    }
    define(node, parts[parts.length - 1]!, value);
  }
  return out;
}

/** Sets an own property, `__proto__` included, as plain data. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

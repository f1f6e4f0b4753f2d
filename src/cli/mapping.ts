import fs from 'node:fs';
import type { PortableFieldType } from '../engine/index.js';
import { lineColumn, type FieldType } from '../eql/index.js';
import { dateFormatParser } from '../normalize/index.js';
import { CliError } from './exit-codes.js';
import { noteRead } from './reads.js';

/** Elasticsearch mapping types lolhunt gives meaning to; others (object, geo_point, ...) stay untyped. */
const KINDS: Record<string, FieldType['type']> = {
  keyword: 'keyword', constant_keyword: 'keyword', wildcard: 'keyword',
  text: 'text', match_only_text: 'text',
  date: 'date', date_nanos: 'date',
  version: 'version', ip: 'ip', boolean: 'boolean',
  long: 'number', integer: 'number', short: 'number', byte: 'number', unsigned_long: 'number',
  double: 'number', float: 'number', half_float: 'number', scaled_float: 'number',
};
const FLOATS = new Set(['double', 'float', 'half_float', 'scaled_float']);
const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

/** One field as one index maps it. */
interface Mapped {
  index: string;
  kind: FieldType['type'];
  formats: string[];
  float: boolean;
  keyword: boolean;
  nullValue?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads field types from an Elasticsearch `_mapping` response (`GET index/_mapping`, one or
 * several indices), a `{"mappings": ...}` body or a bare `{"properties": ...}`. A field several
 * indices map alike merges (dates: every index's formats are tried); differing types are an error.
 */
export function readMappingFile(file: string): Map<string, PortableFieldType> {
  let text: string;
  noteRead('the mapping file', file);
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read mapping file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(reason);
    const where = at?.[1] === undefined ? '' : (({ line, column }) => `:${line}:${column}`)(lineColumn(text, Number(at[1])));
    throw new CliError(`${file}${where}: invalid JSON in mapping file: ${reason}`);
  }
  const indices = mappingsOf(doc);
  if (indices === null) {
    throw new CliError(`${file}: not an Elasticsearch mapping (expected the GET <index>/_mapping response: {"<index>": {"mappings": {"properties": {...}}}})`);
  }
  const fields = new Map<string, Mapped[]>();
  for (const [index, properties] of indices) walk(file, index, properties, '', fields);
  const types = new Map<string, PortableFieldType>();
  for (const [path, list] of fields) types.set(path, merge(file, path, list));
  return types;
}

/** [index name, properties] of each index in the document, or null when it is no mapping. */
function mappingsOf(doc: unknown): [string, Json][] | null {
  if (!isObject(doc)) return null;
  if (isObject(doc.properties)) return [['(mapping)', doc.properties]];
  if (isObject(doc.mappings)) return isObject(doc.mappings.properties) ? [['(mapping)', doc.mappings.properties]] : null;
  const out: [string, Json][] = [];
  for (const [index, body] of Object.entries(doc)) {
    if (!isObject(body) || !isObject(body.mappings)) return null;
    // An index with no fields yet has `"mappings": {}`.
    out.push([index, isObject(body.mappings.properties) ? body.mappings.properties : {}]);
  }
  return out.length ? out : null;
}

function walk(file: string, index: string, properties: Json, prefix: string, out: Map<string, Mapped[]>): void {
  for (const [name, def] of Object.entries(properties)) {
    const path = prefix + name;
    if (!isObject(def)) throw new CliError(`${file}: field '${path}' (index ${index}) is not an object`);
    if (isObject(def.properties)) walk(file, index, def.properties, `${path}.`, out);
    const kind = typeof def.type === 'string' ? KINDS[def.type] : undefined;
    if (kind === undefined) continue;
    const subFields = isObject(def.fields) ? Object.values(def.fields) : [];
    const mapped: Mapped = {
      index, kind,
      formats: kind === 'date' ? (typeof def.format === 'string' ? def.format : DEFAULT_DATE_FORMAT).split('||') : [],
      float: FLOATS.has(String(def.type)),
      keyword: subFields.some((f) => isObject(f) && typeof f.type === 'string' && KINDS[f.type] === 'keyword'),
      ...(typeof def.null_value === 'string' ? { nullValue: def.null_value } : {}),
    };
    out.set(path, [...(out.get(path) ?? []), mapped]);
  }
}

function merge(file: string, path: string, list: Mapped[]): PortableFieldType {
  const [first, ...rest] = list;
  if (first === undefined) throw new Error(`no mapping for ${path}`);
  const other = rest.find((m) => m.kind !== first.kind);
  if (other) throw new CliError(`${file}: field '${path}' is ${first.kind} in index ${first.index} but ${other.kind} in index ${other.index}`);
  switch (first.kind) {
    case 'date': {
      const formats = [...new Set(list.flatMap((m) => m.formats))].join('||');
      try {
        dateFormatParser(formats);
        return { type: 'date', format: formats };
      } catch (err) {
        throw new CliError(`${file}: field '${path}': ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    case 'text':
      return { type: 'text', keyword: list.every((m) => m.keyword) };
    case 'number':
      return { type: 'number', float: list.some((m) => m.float) };
    case 'keyword':
      return first.nullValue === undefined ? { type: 'keyword' } : { type: 'keyword', nullValue: first.nullValue };
    default:
      return { type: first.kind };
  }
}

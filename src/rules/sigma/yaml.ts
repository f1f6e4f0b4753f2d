import { CORE_SCHEMA, loadAll, realMapTag } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { SigmaFileError } from './errors.js';

/** YAML 1.2's core schema (no timestamps, no `<<` merge), mappings as `Map`s with their keys as typed. */
const SCHEMA = CORE_SCHEMA.withTags(realMapTag);

/** How many documents a YAML file holds, and the document when it is the only one (a Sigma rule is). */
export interface YamlFile {
  count: number;
  only?: unknown;
}

/**
 * The documents of a YAML file, mappings as `Map`s. js-yaml reads the common case (about 2.7×
 * less CPU than `yaml` over SigmaHQ's rules: docs/decisions.md); anything it refuses (a
 * syntax error, duplicate keys, any alias) is read again by `yaml`, whose errors carry
 * line:column and whose alias expansion is capped. Both give the same documents where both
 * read a file (test/unit/rules/sigma-yaml.test.ts).
 */
export function readYaml(source: string): YamlFile {
  let docs: unknown[];
  try {
    docs = loadAll(source, { schema: SCHEMA, maxAliases: 0 });
  } catch {
    return readYamlPrecisely(source);
  }
  return docs.length === 1 ? { count: 1, only: docs[0] } : { count: docs.length };
}

/** The same as `yaml` reads it; throws SigmaFileError with the first error's position. */
export function readYamlPrecisely(source: string): YamlFile {
  const docs = parseAllDocuments(source, { prettyErrors: false, uniqueKeys: true, merge: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const at = err.linePos?.[0];
      throw new SigmaFileError(`invalid YAML: ${err.message.split('\n')[0]}`, at?.line, at?.col);
    }
  }
  if (list.length !== 1) return { count: list.length };
  try {
    return { count: 1, only: list[0]!.toJS({ mapAsMap: true, maxAliasCount: 100 }) };
  } catch (err) {
    throw new SigmaFileError(`invalid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}

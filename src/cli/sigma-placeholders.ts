import fs from 'node:fs';
import { parse } from 'yaml';
import { safe } from '../output/index.js';
import { CliError } from './exit-codes.js';
import { noteRead } from './reads.js';

export const PLACEHOLDERS_OPTION = '--sigma-placeholders <file>';
export const PLACEHOLDERS_HELP = "values of the %name% placeholders of Sigma's expand modifier: a YAML or JSON map of name to a value or a list of values";

/**
 * The `--sigma-placeholders` file: a YAML (or JSON, which YAML reads) map of placeholder name,
 * with or without its `%`s, to a value or a list of values (strings or numbers, as text).
 * Anything else is a usage error (exit 2), the file named.
 */
export function readPlaceholders(file: string): Record<string, string[]> {
  noteRead('the Sigma placeholders', file);
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    throw new CliError(safe`--sigma-placeholders ${file}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new CliError(safe`--sigma-placeholders ${file}: expected a map of placeholder name to values`);
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(doc)) {
    const name = /^%.*%$/s.test(key) ? key.slice(1, -1) : key;
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (name === '' || list.length === 0 || !list.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw new CliError(safe`--sigma-placeholders ${file}: placeholder '${key}' must name a string or number, or a non-empty list of them`);
    }
    out[name] = list.map(String);
  }
  return out;
}

/** The placeholders of a command's `--sigma-placeholders`, read once; undefined when not given. */
export function placeholdersOf(o: Record<string, unknown>): Record<string, string[]> | undefined {
  return typeof o.sigmaPlaceholders === 'string' ? readPlaceholders(o.sigmaPlaceholders) : undefined;
}

import path from 'node:path';
import { closest } from '../eql/index.js';
import { safe } from '../output/index.js';
import { ruleFileStem, type Rule } from '../rules/index.js';
import { CliError } from './exit-codes.js';

function fileStem(r: Rule): string {
  return ruleFileStem(r.path);
}

/**
 * The rule named by id, name (any case) or file name without .toml/.yml; otherwise a usage error
 * suggesting the rules whose name holds the word, or the closest name, id or file name.
 */
export function findRule(rules: Rule[], wanted: string): Rule {
  const w = wanted.toLowerCase();
  const rule = rules.find((r) => r.meta.id === wanted || r.meta.name.toLowerCase() === w || fileStem(r) === wanted);
  if (rule) return rule;
  const containing = rules.filter((r) => r.meta.name.toLowerCase().includes(w) || fileStem(r).includes(w));
  // Otherwise the rules with a name, id, file name or word of the name close to what was typed.
  const close = (r: Rule) => [r.meta.name, r.meta.id, fileStem(r), ...r.meta.name.split(/\s+/)].some((n) => closest(wanted, [n]) !== null);
  const near = (containing.length ? containing : rules.filter(close)).map((r) => r.meta.name);
  const hint = near.length ? ` — did you mean ${near.slice(0, 3).map((n) => safe`'${n}'`).join(', ')}${near.length > 3 ? `, … (${near.length} rules)` : ''}?` : '';
  throw new CliError(safe`no rule '${wanted}'` + `${hint} (see lolhunt rules list)`);
}

/** A path as the user would type it from here: relative when below the working directory. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

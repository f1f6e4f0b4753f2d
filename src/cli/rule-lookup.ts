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
  const containing = rules.filter((r) => r.meta.name.toLowerCase().includes(w) || fileStem(r).includes(w) || w.includes(r.meta.name.toLowerCase()));
  // Otherwise the rules with a name, id, file name or word of the name close to what was typed.
  const close = (r: Rule) => [r.meta.name, r.meta.id, fileStem(r), ...r.meta.name.split(/\s+/)].some((n) => closest(wanted, [n]) !== null);
  const near = (containing.length ? containing : rules.filter(close).length ? rules.filter(close) : sharingWords(rules, wanted)).map((r) => r.meta.name);
  const hint = near.length ? ` — did you mean ${near.slice(0, 3).map((n) => safe`'${n}'`).join(', ')}${near.length > 3 ? `, … (${near.length} rules)` : ''}?` : '';
  throw new CliError(safe`no rule '${wanted}'` + `${hint} (see lolhunt rules list)`);
}

const words = (text: string) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((x) => x.length > 2));

/**
 * The rules whose name shares the most words (of 3 letters or more) with what was typed, when
 * they share at least half of its words (`… via Unsigned Binary (macOS)` finds the rule named
 * without the suffix) (issue #26).
 */
function sharingWords(rules: Rule[], wanted: string): Rule[] {
  const typed = words(wanted);
  if (typed.size === 0) return [];
  const scored = rules.map((r) => ({ r, n: [...words(r.meta.name)].filter((x) => typed.has(x)).length }));
  const best = Math.max(0, ...scored.map((x) => x.n));
  return best * 2 >= typed.size ? scored.filter((x) => x.n === best).map((x) => x.r) : [];
}

/** A path as the user would type it from here: relative when below the working directory. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

import { createHash } from 'node:crypto';
import path from 'node:path';
import { compileTree, EqlSyntaxError, parseExpression, type CompiledQuery, type CompileOptions, type Expr, type Query } from '../../eql/index.js';
import type { RuleMeta, Severity } from '../types.js';
import { threatOf } from './attack.js';
import { and, eventQuery } from './build.js';
import { compileDetection } from './detection.js';
import { SigmaFileError, SigmaInvalid, SigmaUnsupported } from './errors.js';
import { mapField, mapValues } from './fields.js';
import { sourceFilter } from './logsources.js';
import { printQuery } from './print.js';
import { readYaml } from './yaml.js';

/** What a Sigma rule keeps beyond Elastic's metadata, for `rules show`. */
export interface SigmaInfo {
  status: string;
  level: string;
  author: string;
  date: string;
  references: string[];
  falsepositives: string[];
  logsource: { product: string; category: string; service: string };
}

export interface SigmaRule {
  meta: RuleMeta;
  description: string;
  /** The EQL text of `ast` (what `rules show` prints; offsets in `ast` point into it). */
  query: string;
  compiled: CompiledQuery;
  sigma: SigmaInfo;
  /** The syntax tree built from the YAML, offsets into `query`: `query` parses back to it. */
  ast: Query;
}

/** `unsupported`: a Sigma rule lolhunt cannot express (not set for YAML that is no Sigma rule at all). */
export type SigmaOutcome = { rule: SigmaRule } | SigmaSkip;
type SigmaSkip = { skipped: string; name: string; unsupported?: true };

/** A rule file translated, not yet compiled: plain data, what a TranslationCache keeps between runs. */
export type SigmaTranslation = { rule: Omit<SigmaRule, 'compiled'> } | SigmaSkip;

/** Translations kept between runs, by translationKey (cli/rule-cache.ts keeps them in a file). */
export interface TranslationCache {
  get(key: string): SigmaTranslation | undefined;
  set(key: string, translation: SigmaTranslation): void;
}

export interface SigmaOptions extends CompileOptions {
  /** Values of `%name%` placeholders for the `expand` modifier. */
  placeholders?: Record<string, string[]>;
  /** Where translations are looked up before translating, and kept after. */
  cache?: TranslationCache;
}

/** Sigma levels → Elastic severities and the risk scores Elastic's rules use for them. */
export const LEVELS: Record<string, { severity: Severity; riskScore: number }> = {
  informational: { severity: 'low', riskScore: 1 },
  low: { severity: 'low', riskScore: 21 },
  medium: { severity: 'medium', riskScore: 47 },
  high: { severity: 'high', riskScore: 73 },
  critical: { severity: 'critical', riskScore: 99 },
};

/** Where keywords (values with no field) are searched. */
export const KEYWORD_FIELD = 'message';

export const isSigmaPath = (file: string) => /\.ya?ml$/i.test(file);

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || v instanceof Date ? String(v instanceof Date ? v.toISOString().slice(0, 10) : v) : '');
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.map(text).filter((s) => s !== '') : typeof v === 'string' ? [v] : []);

/** Loads the text of one Sigma rule file: translated (or found in the cache) and compiled. */
export function loadSigmaText(file: string, source: string, options: SigmaOptions = {}): SigmaOutcome {
  const placeholders = options.placeholders ?? {};
  const key = options.cache ? translationKey(file, source, placeholders) : '';
  let translation = options.cache?.get(key);
  if (!translation) {
    translation = translateSigma(file, source, placeholders);
    options.cache?.set(key, translation);
  }
  if ('skipped' in translation) return translation;
  const rule = translation.rule;
  try {
    return { rule: { ...rule, compiled: compileTree(rule.ast, rule.query, options) } };
  } catch (err) {
    // A value EQL rejects (a regex RE2 cannot run...).
    if (err instanceof EqlSyntaxError) return { skipped: `Sigma rule '${rule.meta.name}': unsupported: the EQL it becomes is rejected: ${err.reason}`, name: rule.meta.name, unsupported: true };
    throw err;
  }
}

/** What a translation depends on besides lolhunt's code (the cache file's name holds that): the file's name, its text, the placeholders. */
export function translationKey(file: string, source: string, placeholders: Record<string, string[]>): string {
  return createHash('sha256').update(JSON.stringify([path.basename(file), placeholders, source])).digest('base64url');
}

/** A Sigma rule's YAML → its EQL syntax tree, text and metadata, or why it is skipped. */
function translateSigma(file: string, source: string, placeholders: Record<string, string[]>): SigmaTranslation {
  const yaml = readYaml(source);
  const name = path.basename(file);
  if (yaml.count === 0) throw new SigmaFileError('empty file');
  if (yaml.count > 1) {
    return { skipped: `several YAML documents in one file (a Sigma rule collection or correlation with its rules): not supported`, name, unsupported: true };
  }
  const doc = yaml.only;
  if (!(doc instanceof Map)) throw new SigmaFileError('not a Sigma rule: the document is not a map');
  const title = text(doc.get('title'));
  if (doc.has('correlation')) return { skipped: 'Sigma correlation rule: not supported', name: title || name, unsupported: true };
  if (!doc.has('detection')) {
    if (!doc.has('title') && !doc.has('logsource')) return { skipped: 'not a Sigma rule (no title, logsource or detection)', name };
    throw new SigmaFileError('no detection section');
  }
  if (!title) throw new SigmaFileError('title is missing or not a string', lineOf(source, 'title'));
  const ls = doc.get('logsource');
  if (!(ls instanceof Map)) throw new SigmaFileError('logsource is missing or not a map', lineOf(source, 'logsource'));
  const lower = (k: string) => text(ls.get(k)).toLowerCase();
  const logsource = { product: lower('product'), category: lower('category'), service: lower('service') };
  const level = text(doc.get('level')).toLowerCase() || 'medium';
  const lv = LEVELS[level];
  if (!lv) throw new SigmaFileError(`level must be one of ${Object.keys(LEVELS).join(', ')}, found '${level}'`, lineOf(source, 'level'));
  const tags = texts(doc.get('tags'));
  const status = text(doc.get('status')).toLowerCase();

  const skip = (why: string): SigmaSkip => ({ skipped: `Sigma rule '${title}': ${why}`, name: title, unsupported: true });
  const filter = sourceFilter(logsource.product, logsource.category, logsource.service);
  if ('unsupported' in filter) return skip(filter.unsupported);
  let detection: Expr;
  try {
    detection = compileDetection(doc.get('detection'), {
      mapField: (f) => mapField(f, logsource.product, logsource.category, logsource.service),
      mapValues: (f, values) => mapValues(f, logsource.product, values),
      keywordField: KEYWORD_FIELD,
      placeholders,
    });
  } catch (err) {
    if (err instanceof SigmaUnsupported) return skip(`unsupported ${err.message}`);
    if (err instanceof SigmaInvalid) throw new SigmaFileError(`detection: ${err.message}`, lineOf(source, 'detection'));
    throw err;
  }
  const condition = and([...(filter.condition ? [parseExpression(filter.condition)] : []), detection]);
  const ast = eventQuery(filter.category, condition);
  let query: string;
  try {
    query = printQuery(ast);
  } catch (err) {
    // A value EQL cannot write (a field name with a backquote...).
    if (err instanceof SigmaUnsupported) return skip(`unsupported ${err.message}`);
    throw err;
  }
  const os = logsource.product === 'windows' ? 'Windows' : logsource.product === 'linux' ? 'Linux' : logsource.product === 'macos' ? 'macOS' : '';
  const id = text(doc.get('id')) || path.basename(file).replace(/\.ya?ml$/i, '');
  return {
    rule: {
      meta: {
        id, name: title, severity: lv.severity, riskScore: lv.riskScore,
        threat: threatOf(tags),
        tags: [...(os ? [`OS: ${os}`] : []), ...tags],
        maturity: status,
      },
      description: text(doc.get('description')),
      query,
      sigma: {
        status, level, author: text(doc.get('author')), date: text(doc.get('date')),
        references: texts(doc.get('references')), falsepositives: texts(doc.get('falsepositives')), logsource,
      },
      ast,
    },
  };
}

/** The line of a top-level key, for messages. */
function lineOf(source: string, key: string): number | undefined {
  const m = new RegExp(`^${key}\\s*:`, 'm').exec(source);
  return m ? source.slice(0, m.index).split('\n').length : undefined;
}

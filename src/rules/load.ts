import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError, type TomlTable, type TomlValue } from 'smol-toml';
import { caretExcerpt, compileQuery, EqlSyntaxError, lineColumn, type CompiledQuery, type CompileOptions } from '../eql/index.js';
import { isSeverity, SEVERITIES } from './severity.js';
import { isSigmaPath, loadSigmaText, SigmaFileError, type SigmaInfo, type SigmaOptions } from './sigma/index.js';
import type { RuleMeta, Threat } from './types.js';

export interface Rule {
  meta: RuleMeta;
  description: string;
  index: string[];
  query: string;
  compiled: CompiledQuery;
  /** File the rule came from. */
  path: string;
  /** The rule file's `[lolhunt]` table (fixtures), as read. */
  lolhunt?: unknown;
  /** A Sigma rule's own metadata (the rule came from a .yml/.yaml file). */
  sigma?: SigmaInfo;
}

/** A rule file that could not be loaded; `line`/`column` point into the file when known. */
export class RuleError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
    /** Source excerpt with a caret, for query errors. */
    readonly excerpt?: string,
    /** The query and the error's offset in it, for printers that render their own excerpt. */
    readonly query?: { source: string; offset: number },
  ) {
    super(`${file}${line === undefined ? '' : `:${line}${column === undefined ? '' : `:${column}`}`}: ${reason}`);
    this.name = 'RuleError';
  }
}

const isTable = (v: TomlValue | undefined): v is TomlTable => typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** `unsupported`: a Sigma rule lolhunt cannot express (a failure for `rules validate`), not a file that is no EQL or Sigma rule. */
export type LoadOutcome = { rule: Rule } | { skipped: string; file: string; name: string; unsupported?: true };

/** A rule file's name without its extension (.toml, .yml, .yaml). */
export const ruleFileStem = (file: string) => path.basename(file).replace(/\.(toml|ya?ml)$/i, '');

/**
 * Loads one rule file: Elastic detection-rules TOML, or a Sigma rule (.yml/.yaml) compiled to
 * EQL. Non-EQL TOML rules and Sigma rules lolhunt cannot express come back as skipped.
 */
export function loadRuleFile(file: string, options: CompileOptions & SigmaOptions = {}): LoadOutcome {
  const text = readRuleText(file);
  if (isSigmaPath(file)) return loadSigma(file, text, options);
  return loadToml(file, text, options);
}

function readRuleText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const missing = err instanceof Error && 'code' in err && err.code === 'ENOENT';
    throw new RuleError(file, missing ? 'no such file' : err instanceof Error ? err.message : String(err));
  }
}

function loadSigma(file: string, text: string, options: CompileOptions & SigmaOptions): LoadOutcome {
  try {
    const outcome = loadSigmaText(file, text, options);
    if ('skipped' in outcome) return { skipped: outcome.skipped, file, name: outcome.name, ...(outcome.unsupported ? { unsupported: true as const } : {}) };
    const { meta, description, query, compiled, sigma } = outcome.rule;
    return { rule: { meta, description, index: [], query, compiled, path: file, sigma } };
  } catch (err) {
    if (err instanceof SigmaFileError) throw new RuleError(file, err.reason, err.line, err.column);
    throw err;
  }
}

function loadToml(file: string, text: string, options: CompileOptions): LoadOutcome {
  let doc: TomlTable;
  try {
    doc = parseToml(text);
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    throw new RuleError(file, `invalid TOML: ${err.message.split('\n')[0]}`, err.line, err.column);
  }
  const rule = doc.rule;
  const metadata = isTable(doc.metadata) ? doc.metadata : undefined;
  if (!isTable(rule)) throw new RuleError(file, 'missing [rule] table');
  const name = requireString(file, rule, 'name');
  const type = typeof rule.type === 'string' ? rule.type : 'query';
  const language = typeof rule.language === 'string' ? rule.language : '';
  if (type !== 'eql' || language !== 'eql') {
    return { skipped: `rule type '${type}'${language ? ` (language ${language})` : ''} is not EQL`, file, name };
  }
  const query = requireString(file, rule, 'query');
  let compiled: CompiledQuery;
  try {
    compiled = compileQuery(query, options);
  } catch (err) {
    if (!(err instanceof EqlSyntaxError)) throw err;
    const at = queryPosition(text, err.offset, query);
    throw new RuleError(file, err.reason, at?.line, at?.column, caretExcerpt(query, err.offset), { source: query, offset: err.offset });
  }
  const severity = requireString(file, rule, 'severity');
  if (!isSeverity(severity)) throw new RuleError(file, `severity must be one of ${SEVERITIES.join(', ')}, found '${severity}'`);
  const riskScore = typeof rule.risk_score === 'number' ? rule.risk_score : 0;
  return {
    rule: {
      meta: {
        id: typeof rule.rule_id === 'string' ? rule.rule_id : path.basename(file, '.toml'),
        name, severity, riskScore,
        threat: Array.isArray(rule.threat) ? rule.threat.filter(isThreat) : [],
        tags: Array.isArray(rule.tags) ? rule.tags.map(String) : [],
        maturity: typeof metadata?.maturity === 'string' ? metadata.maturity : '',
        ...(typeof rule.building_block_type === 'string' && rule.building_block_type !== '' ? { buildingBlock: true as const } : {}),
      },
      description: typeof rule.description === 'string' ? rule.description : '',
      index: Array.isArray(rule.index) ? rule.index.map(String) : [],
      query, compiled, path: file,
      ...(doc.lolhunt === undefined ? {} : { lolhunt: doc.lolhunt }),
    },
  };
}

/** An ATT&CK entry as detection-rules writes it: framework, a tactic, techniques with optional subtechniques. */
export function isThreat(t: TomlValue): t is TomlTable & Threat {
  const named = (x: TomlValue | undefined): x is TomlTable => isTable(x) && typeof x.id === 'string' && typeof x.name === 'string';
  const all = (x: TomlValue | undefined, ok: (y: TomlValue) => boolean) => x === undefined || (Array.isArray(x) && x.every(ok));
  return isTable(t) && typeof t.framework === 'string' && named(t.tactic)
    && all(t.technique, (tech) => named(tech) && all(tech.subtechnique, named));
}

function requireString(file: string, table: Record<string, unknown>, key: string): string {
  const v = table[key];
  if (typeof v !== 'string' || v === '') throw new RuleError(file, `[rule] ${key} is missing or not a string`);
  return v;
}

/**
 * Maps an offset in the query to line:column in the TOML file, by finding where the
 * query string starts (`query = '''` drops a newline right after the opening quotes).
 */
export function queryPosition(text: string, offset: number, query: string): { line: number; column: number } | null {
  const m = /^[ \t]*query[ \t]*=[ \t]*('''|"""|'|")(\r?\n)?/m.exec(text);
  if (!m) return null;
  // Exact for literal strings ('''); in basic strings an escape before the error shifts the column.
  const contentStart = m.index + m[0].length;
  const base = lineColumn(text, contentStart);
  const inQuery = lineColumn(query, offset);
  return inQuery.line === 1
    ? { line: base.line, column: base.column + inQuery.column - 1 }
    : { line: base.line + inQuery.line - 1, column: inQuery.column };
}

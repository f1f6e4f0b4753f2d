import fs from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { closest, compileQuery, EqlSyntaxError, fieldRefs, visitExpressions, type Expr, type Query } from '../eql/index.js';
import { ECS_FIELDS, ECS_NAMES, isEcsField, isNumericField } from './ecs.js';
import { isThreat, queryPosition } from './load.js';
import { isSeverity } from './severity.js';
import { isSigmaPath, loadSigmaText, SigmaFileError } from './sigma/index.js';

export type FindingKind = 'toml' | 'yaml' | 'sigma' | 'query' | 'unknown-field' | 'numeric-wildcard' | 'dead-wildcard' | 'duplicate-id' | 'metadata';

/** One problem in a rule file, at 1-based line and column. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  kind: FindingKind;
  message: string;
}

/** Fields that hold a file name, never a path: a pattern with a path separator cannot match them. */
const FILE_NAME_FIELDS = new Set(['process.name', 'process.parent.name', 'file.name', 'dll.name', 'process.pe.original_file_name', 'process.parent.pe.original_file_name', 'file.pe.original_file_name', 'dll.pe.original_file_name']);

const nearest = new Map<string, string | null>();

/** The closest ECS field name (remembered: rule sets repeat the same non-ECS fields). */
function nearestEcs(field: string): string | null {
  let near = nearest.get(field);
  if (near === undefined) nearest.set(field, (near = closest(field, ECS_NAMES)));
  return near;
}

/** Problems of a query, at offsets in its text. */
function lintQuery(ast: Query): { offset: number; kind: FindingKind; message: string }[] {
  const out: { offset: number; kind: FindingKind; message: string }[] = [];
  const seen = new Set<string>();
  for (const f of fieldRefs(ast)) {
    if (seen.has(f.path) || isEcsField(f.path)) continue;
    seen.add(f.path);
    const near = nearestEcs(f.path);
    out.push({ offset: f.start, kind: 'unknown-field', message: `unknown field '${f.path}' (not in ECS ${ECS_FIELDS.version}${near ? `; did you mean '${near}'?` : ''})` });
  }
  visitExpressions(ast, (e: Expr) => {
    if (e.type === 'Match' && e.kind !== 'regex' && e.operand.type === 'Field') {
      const field = e.operand.path;
      if (e.kind === 'wildcard' && isNumericField(field)) {
        out.push({ offset: e.operand.start, kind: 'numeric-wildcard', message: `':' on numeric field '${field}' compares its text; use == or a range` });
      }
      if (FILE_NAME_FIELDS.has(field)) {
        for (const p of e.patterns) {
          if (typeof p.value === 'string' && /[\\/]/.test(p.value)) {
            out.push({ offset: p.start, kind: 'dead-wildcard', message: `pattern ${JSON.stringify(p.value)} can never match: '${field}' holds a file name, never a path` });
          }
        }
      }
    }
    const exact = e.type === 'Compare' && (e.op === '==' || e.op === '!=') ? [e.right] : e.type === 'In' ? e.list : [];
    for (const lit of exact) {
      if (lit.type === 'Literal' && typeof lit.value === 'string' && lit.value.includes('*')) {
        out.push({ offset: lit.start, kind: 'dead-wildcard', message: `${JSON.stringify(lit.value)} is compared exactly ('*' is no wildcard with ${e.type === 'In' ? 'in' : '=='}), so it only matches that literal text; use ':'` });
      }
    }
  });
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Lints rule files: TOML and query errors, unknown (non-ECS) fields, `:` on numeric fields,
 * wildcards that can never match, duplicate rule ids, and missing severity, risk score or
 * ATT&CK mapping. Findings come per file in line order.
 */
export function lintRuleFiles(files: string[]): Finding[] {
  const findings: Finding[] = [];
  const ids = new Map<string, string>();
  for (const file of files) {
    const found: Finding[] = [];
    const add = (line: number, column: number, kind: FindingKind, message: string) => found.push({ file, line, column, kind, message });
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      add(1, 1, 'toml', `cannot read: ${(err as Error).message}`);
      findings.push(...found);
      continue;
    }
    if (isSigmaPath(file)) {
      lintSigma(file, text, ids, add);
      findings.push(...found.sort((a, b) => a.line - b.line || a.column - b.column));
      continue;
    }
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      const e = err as Error & { line?: number; column?: number };
      add(e.line ?? 1, e.column ?? 1, 'toml', `invalid TOML: ${e.message.split('\n')[0]}`);
      findings.push(...found);
      continue;
    }
    const rule = doc.rule as Record<string, unknown> | undefined;
    const keyAt = (key: string) => lineOf(text, new RegExp(`^[ \\t]*${key}[ \\t]*=`, 'm')) ?? lineOf(text, /^\[rule\]/m) ?? 1;
    if (typeof rule !== 'object' || rule === null) {
      add(1, 1, 'metadata', 'missing [rule] table');
      findings.push(...found);
      continue;
    }
    const ruleLine = lineOf(text, /^\[rule\]/m) ?? 1;
    if (typeof rule.severity !== 'string' || !isSeverity(rule.severity)) {
      add(rule.severity === undefined ? ruleLine : keyAt('severity'), 1, 'metadata', rule.severity === undefined ? 'missing severity (low, medium, high or critical)' : `severity must be low, medium, high or critical, found ${JSON.stringify(rule.severity)}`);
    }
    if (typeof rule.risk_score !== 'number') add(rule.risk_score === undefined ? ruleLine : keyAt('risk_score'), 1, 'metadata', 'missing risk_score (a number, 0-100)');
    // The same test loading applies: an entry it would drop does not count as a mapping.
    const threat = Array.isArray(rule.threat) ? rule.threat : [];
    if (!threat.some(isThreat)) {
      add(ruleLine, 1, 'metadata', 'missing ATT&CK mapping ([[rule.threat]] with a tactic)');
    } else if (!threat.every(isThreat)) {
      add(lineOf(text, /^\[\[rule\.threat\]\]/m) ?? ruleLine, 1, 'metadata', 'an ATT&CK entry lacks framework, or an id and name for its tactic or a technique: it is ignored');
    }
    if (typeof rule.rule_id === 'string') {
      const line = keyAt('rule_id');
      const first = ids.get(rule.rule_id);
      if (first) add(line, 1, 'duplicate-id', `duplicate rule_id ${rule.rule_id} (first in ${first})`);
      else ids.set(rule.rule_id, `${file}:${line}`);
    }
    if (rule.type === 'eql' && typeof rule.query === 'string') {
      const query = rule.query;
      const at = (offset: number) => queryPosition(text, offset, query) ?? { line: keyAt('query'), column: 1 };
      try {
        const ast = compileQuery(query).ast;
        for (const q of lintQuery(ast)) {
          const { line, column } = at(q.offset);
          add(line, column, q.kind, q.message);
        }
      } catch (err) {
        if (!(err instanceof EqlSyntaxError)) throw err;
        const { line, column } = at(err.offset);
        add(line, column, 'query', err.reason);
      }
    }
    findings.push(...found.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return findings;
}

/**
 * A Sigma rule: YAML and Sigma errors, constructs lolhunt cannot run, duplicate ids, no
 * ATT&CK tag, and the query checks of the EQL it becomes (at its detection line), except
 * unknown fields: Sigma fields without an ECS name are read from winlog.event_data on purpose.
 */
function lintSigma(file: string, text: string, ids: Map<string, string>, add: (line: number, column: number, kind: FindingKind, message: string) => void): void {
  let outcome: ReturnType<typeof loadSigmaText>;
  try {
    outcome = loadSigmaText(file, text);
  } catch (err) {
    if (!(err instanceof SigmaFileError)) throw err;
    add(err.line ?? 1, err.column ?? 1, err.reason.startsWith('invalid YAML') ? 'yaml' : 'sigma', err.reason);
    return;
  }
  if ('skipped' in outcome) {
    // YAML that is no Sigma rule at all (a CI workflow beside the rules) is none of lint's business.
    if (outcome.unsupported) add(lineOf(text, /^detection\s*:/m) ?? 1, 1, 'sigma', outcome.skipped);
    return;
  }
  const { meta, ast } = outcome.rule;
  const idLine = lineOf(text, /^id\s*:/m) ?? 1;
  const first = ids.get(meta.id);
  if (first) add(idLine, 1, 'duplicate-id', `duplicate id ${meta.id} (first in ${first})`);
  else ids.set(meta.id, `${file}:${idLine}`);
  if (!/^level\s*:/m.test(text)) add(1, 1, 'metadata', 'missing level (informational, low, medium, high or critical); medium assumed');
  if (meta.threat.length === 0) add(lineOf(text, /^tags\s*:/m) ?? 1, 1, 'metadata', 'no ATT&CK tag (attack.<tactic> or attack.t<id>)');
  const detection = lineOf(text, /^detection\s*:/m) ?? 1;
  for (const q of lintQuery(ast)) if (q.kind !== 'unknown-field') add(detection, 1, q.kind, q.message);
}

function lineOf(text: string, re: RegExp): number | null {
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : null;
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message}`;
}

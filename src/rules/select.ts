import { compileWildcard } from '../eql/index.js';
import { ruleFileStem, type Rule } from './load.js';
import { SEVERITIES } from './severity.js';
import type { RuleMeta, Severity } from './types.js';

/**
 * Which rules run. Values of one option are alternatives (any may match); different options
 * must all hold. Every comparison is case-insensitive.
 */
export interface RuleSelection {
  /** Rule id, file name without .toml/.yml, or a name glob (`*`, `?`). */
  include: string[];
  exclude: string[];
  minSeverity?: Severity;
  /** Tag globs (`'Tactic: *'`). */
  tags: string[];
  /** Tactic ids (TA0005) or names. */
  tactics: string[];
  /** Technique ids; T1218 also selects its sub-techniques (T1218.011). */
  techniques: string[];
  /** From `OS: Windows` tags (or a bare `Windows`/`Linux`/`macOS` tag, as older rules have). */
  os: string[];
  includeDeprecated: boolean;
  /** Run building-block rules too (Kibana hides their alerts by default); absent means false. */
  includeBuildingBlocks?: boolean;
}


export interface SelectionResult {
  selected: Rule[];
  /** Deprecated rules left out (only counted when --include-deprecated is off). */
  deprecated: number;
  /** Building-block rules left out (without --building-blocks, unless named by --rule). */
  buildingBlocks: number;
  /** Rules the filters left out. */
  filtered: number;
  /** `include`/`exclude` patterns that matched no loaded rule. */
  unmatched: string[];
}

export function emptySelection(): RuleSelection {
  return { include: [], exclude: [], tags: [], tactics: [], techniques: [], os: [], includeDeprecated: false };
}

/** Elastic's `deprecated` maturity, and Sigma's `deprecated` and `unsupported` statuses. */
function isDeprecated(meta: RuleMeta): boolean {
  const m = meta.maturity.toLowerCase();
  return m === 'deprecated' || m === 'unsupported';
}

/** Does the rule answer to this id, file stem or name glob? */
function named(rule: Rule, pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (rule.meta.id.toLowerCase() === p || ruleFileStem(rule.path).toLowerCase() === p) return true;
  return compileWildcard(pattern, true)(rule.meta.name);
}

export function ruleOs(meta: RuleMeta): string[] {
  const out: string[] = [];
  for (const tag of meta.tags) {
    const m = /^os:\s*(.+)$/i.exec(tag);
    const os = m ? m[1] : /^(windows|linux|macos)$/i.test(tag) ? tag : undefined;
    if (os !== undefined) out.push(os.toLowerCase());
  }
  return out;
}

function tactics(meta: RuleMeta): string[] {
  return meta.threat.flatMap((t) => [t.tactic.id, t.tactic.name]).map((s) => s.toLowerCase());
}

function techniques(meta: RuleMeta): string[] {
  return meta.threat.flatMap((t) => (t.technique ?? []).flatMap((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)]));
}

const anyOf = (wanted: string[], test: (w: string) => boolean) => wanted.length === 0 || wanted.some(test);

function matches(rule: Rule, s: RuleSelection): boolean {
  const m = rule.meta;
  if (s.include.length && !s.include.some((p) => named(rule, p))) return false;
  if (s.exclude.some((p) => named(rule, p))) return false;
  if (s.minSeverity && SEVERITIES.indexOf(m.severity) < SEVERITIES.indexOf(s.minSeverity)) return false;
  if (!anyOf(s.tags, (t) => m.tags.some(compileWildcard(t, true)))) return false;
  if (!anyOf(s.tactics, (t) => tactics(m).includes(t.toLowerCase()))) return false;
  const ids = techniques(m).map((x) => x.toLowerCase());
  if (!anyOf(s.techniques, (t) => ids.some((id) => id === t.toLowerCase() || id.startsWith(`${t.toLowerCase()}.`)))) return false;
  return anyOf(s.os, (o) => ruleOs(m).includes(o.toLowerCase()));
}

/** Applies the selection; deprecated rules are left out first unless asked for. */
export function selectRules(rules: Rule[], s: RuleSelection): SelectionResult {
  const current = s.includeDeprecated ? rules : rules.filter((r) => !isDeprecated(r.meta));
  // A building-block rule runs with --building-blocks, or when --rule names it.
  const live = current.filter((r) => !r.meta.buildingBlock || s.includeBuildingBlocks || s.include.some((p) => named(r, p)));
  const selected = live.filter((r) => matches(r, s));
  const unmatched = [...s.include, ...s.exclude].filter((p) => !rules.some((r) => named(r, p)));
  return { selected, deprecated: rules.length - current.length, buildingBlocks: current.length - live.length, filtered: live.length - selected.length, unmatched };
}

import type { Alert, RuleMeta, ScanSummary } from '../engine/index.js';
import { stringify } from './escape.js';
import type { WriterOptions } from './types.js';

/** A rule's name as reports show it: a building-block rule's tagged (issue #26); 'query match' for an ad-hoc query. */
export function ruleLabel(rule: RuleMeta | undefined, name = rule?.name ?? 'query match'): string {
  return rule?.buildingBlock ? `${name} [building block]` : name;
}

/** A field value as one line of text: arrays joined, objects as JSON, absent as ''. */
export function show(value: unknown): string {
  if (!Array.isArray(value)) return scalarText(value);
  // Iterative: a hostile event can nest arrays deeper than the call stack.
  const parts: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else {
      const text = scalarText(v);
      if (text !== '') parts.push(text);
    }
  }
  return parts.join(', ');
}

function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return stringify(value);
  return String(value);
}

/** What a person reads first about an alert, taken from its events (raw text: escape for the medium). */
interface AlertFacts {
  host: string;
  user: string;
  process: string;
  commandLine: string;
  /** The parent process: its name, and its executable when the event has it. */
  parent: string;
  destination: string;
  /** file:line of the first event. */
  where: string;
}

export function alertFacts(alert: Alert, lookup: WriterOptions['lookup']): AlertFacts {
  const docs = alert.events.filter((e) => !e.missing).map((e) => e.source);
  const first = (path: string) => docs.map((d) => show(lookup(d, path))).find((v) => v !== '') ?? '';
  const last = (path: string) => docs.map((d) => show(lookup(d, path))).reverse().find((v) => v !== '') ?? '';
  const name = first('process.name');
  const pid = first('process.pid');
  const ip = last('destination.ip');
  const port = last('destination.port');
  const destination = ip ? (ip.includes(':') && port ? `[${ip}]:${port}` : port ? `${ip}:${port}` : ip) : last('dns.question.name');
  const firstEvent = alert.events.find((e) => !e.missing);
  return {
    host: first('host.name') || first('host.hostname'),
    user: first('user.name'),
    process: name && pid ? `${name} (${pid})` : name || pid,
    commandLine: first('process.command_line'),
    parent: [first('process.parent.name'), first('process.parent.executable')].filter((v, i, all) => v !== '' && (i === 0 || v !== all[0])).join(' · '),
    destination,
    where: firstEvent ? `${firstEvent.file}:${firstEvent.line}` : '',
  };
}

/** The fields of one event that its query reads, with their values (absent ones left out). */
export function matchedFields(alert: Alert, source: unknown, lookup: WriterOptions['lookup']): [string, string][] {
  const out: [string, string][] = [];
  for (const f of alert.fields) {
    const v = show(lookup(source, f));
    if (v !== '') out.push([f, v]);
  }
  return out;
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

/** Alert counts per severity, highest first, zeros left out. */
export function bySeverity(summary: ScanSummary): { severity: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of summary.alertsByRule) if (r.count) counts.set(r.severity || 'query', (counts.get(r.severity || 'query') ?? 0) + r.count);
  return [...counts].map(([severity, count]) => ({ severity, count })).sort((a, b) => rank(a.severity) - rank(b.severity));
}

/** 0 for critical … 3 for low, 4 for anything else (a query match). */
export const rank = (s: string) => (SEVERITY_ORDER.includes(s) ? SEVERITY_ORDER.indexOf(s) : SEVERITY_ORDER.length);

/** The rules that fired, most severe first, then by alert count and name. */
export function firedRules(summary: ScanSummary): ScanSummary['alertsByRule'] {
  return summary.alertsByRule.filter((r) => r.count > 0)
    .sort((a, b) => rank(a.severity) - rank(b.severity) || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** ATT&CK technique ids (sub-techniques included) of the rules that fired, sorted. */
export function techniquesSeen(summary: ScanSummary): string[] {
  // By id: a Sigma rule names a technique by its id only, an Elastic rule by id and name (kept).
  const names = new Map<string, string>();
  const add = (id: string, name: string) => {
    const known = names.get(id);
    if (known === undefined || (known === id && name !== id)) names.set(id, name);
  };
  for (const r of summary.alertsByRule) {
    if (!r.count || !r.rule) continue;
    for (const t of r.rule.threat) for (const x of t.technique ?? []) {
      add(x.id, x.name);
      for (const s of x.subtechnique ?? []) add(s.id, s.name);
    }
  }
  return [...names].map(([id, name]) => (name === id ? id : `${id} ${name}`)).sort();
}


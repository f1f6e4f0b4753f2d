import { discoverInputs } from '../../input/index.js';
import { formatKey, ruleFixtures, sameKey, type FixtureKey, type FixtureSpec, type Rule, type RuleMeta } from '../../rules/index.js';
import { scan } from '../scan.js';
import { keyText } from '../run/sequence.js';
import type { Alert } from '../types.js';

/** The outcome of one rule's fixtures: `none` when the rule has none (not a pass). */
export interface RuleTestResult {
  rule: RuleMeta;
  file: string;
  status: 'pass' | 'fail' | 'none';
  fixtures: number;
  alerts: number;
  /** One line per mismatch or unusable fixture. */
  failures: string[];
  elapsedMs: number;
}

export interface RuleTestOptions {
  maxLineBytes: number;
  timestampField: string;
  /** How an event file is named in messages (e.g. relative to the working directory). */
  display?: (file: string) => string;
}

/** Runs a rule over each of its fixtures and compares the alerts with what they declare. */
export async function testRule(rule: Rule, opts: RuleTestOptions): Promise<RuleTestResult> {
  const started = performance.now();
  const show = opts.display ?? ((f: string) => f);
  const { fixtures, errors } = ruleFixtures(rule);
  const failures = [...errors];
  let alerts = 0;
  for (const spec of fixtures) {
    const events = spec.events.map(show);
    const { sources, problems } = await discoverInputs(events);
    const { alerts: got, summary } = await scan({
      sources, queries: [{ compiled: rule.compiled, rule: rule.meta, name: rule.meta.name }],
      maxLineBytes: opts.maxLineBytes, timestampField: opts.timestampField,
      discoveryProblems: problems.map((p) => ({ kind: 'file' as const, file: p.file, reason: p.reason })),
      maxProblemsShown: 5,
    });
    alerts += got.length;
    const where = events.join(', ');
    for (const p of summary.problems) failures.push(`${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.reason} (a fixture must read cleanly)`);
    const hidden = summary.badLines + summary.fileErrors - summary.problems.length;
    if (hidden > 0) failures.push(`${where}: ${hidden} more input problems`);
    failures.push(...compare(spec, got).map((m) => `${where}: ${m}`));
  }
  const status = failures.length ? 'fail' : fixtures.length ? 'pass' : 'none';
  return { rule: rule.meta, file: rule.path, status, fixtures: fixtures.length, alerts, failures, elapsedMs: performance.now() - started };
}

/** Mismatches between a fixture's declared alerts and the alerts raised. */
function compare(spec: FixtureSpec, alerts: Alert[]): string[] {
  const out: string[] = [];
  const keyOf = (a: Alert): FixtureKey => keyText(a.joinKeys);
  const where = (a: Alert) => a.events.filter((e) => !e.missing).map((e) => `${e.file}:${e.line}`).join(', ');
  if (spec.fire === 'any') {
    if (alerts.length === 0) out.push('no alert (a positive fixture must fire the rule)');
  } else {
    const fire = spec.fire;
    for (const k of fire) if (!alerts.some((a) => sameKey(keyOf(a), k))) out.push(`no alert for key ${formatKey(k)}`);
    for (const a of alerts) {
      const k = keyOf(a);
      // Event rules have no join key: their fixtures count alerts instead.
      if (fire.some((f) => sameKey(f, k)) || (k.length === 0 && spec.alerts !== undefined)) continue;
      if (spec.silent.some((s) => sameKey(s, k))) out.push(`alert for key ${formatKey(k)}, which must stay silent (${where(a)})`);
      else out.push(`unexpected alert${k.length ? ` for key ${formatKey(k)}` : ''} (${where(a)})`);
    }
  }
  if (out.length === 0 && spec.alerts !== undefined && alerts.length !== spec.alerts) {
    out.push(`${alerts.length} alert${alerts.length === 1 ? '' : 's'}, expected ${spec.alerts}`);
  }
  return out;
}

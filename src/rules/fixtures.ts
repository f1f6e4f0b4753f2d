import fs from 'node:fs';
import path from 'node:path';
import { ruleFileStem, type Rule } from './load.js';

/** A join key as fixtures name it: one string per key field. */
export type FixtureKey = string[];

/** Telemetry a rule is tested against, and the alerts it must and must not raise. */
export interface FixtureSpec {
  /** Event files; relative ones are resolved against the rule file's folder. */
  events: string[];
  /** Keys that must each raise an alert, no other key may; 'any': at least one alert, any key. */
  fire: FixtureKey[] | 'any';
  /** Keys that must not raise an alert (near misses, named so a change that fires them is caught). */
  silent: FixtureKey[];
  /** Exact number of alerts, when given (event rules have no join key to name). */
  alerts?: number;
}

/**
 * A rule's fixtures: each `[[lolhunt.fixture]]` table of its TOML, then
 * `<name>.positive.ndjson` (must fire) and `<name>.negative.ndjson` (must stay silent)
 * beside the rule file. Declarations that cannot be used come back as errors.
 */
export function ruleFixtures(rule: Rule): { fixtures: FixtureSpec[]; errors: string[] } {
  const fixtures: FixtureSpec[] = [];
  const errors: string[] = [];
  const dir = path.dirname(rule.path);
  const table = rule.lolhunt;
  const declared = typeof table === 'object' && table !== null ? (table as Record<string, unknown>).fixture : undefined;
  if (declared !== undefined && !Array.isArray(declared)) errors.push(`${rule.path}: [lolhunt] fixture must be an array of tables ([[lolhunt.fixture]])`);
  (Array.isArray(declared) ? declared : []).forEach((raw, i) => {
    const origin = `${rule.path}: [[lolhunt.fixture]] ${i + 1}`;
    const spec = readSpec(raw as Record<string, unknown>, origin, dir);
    if (typeof spec === 'string') errors.push(spec);
    else fixtures.push(spec);
  });
  const stem = path.join(dir, ruleFileStem(rule.path));
  const beside: [string, FixtureKey[] | 'any'][] = [['positive', 'any'], ['negative', []]];
  for (const [kind, fire] of beside) {
    const file = `${stem}.${kind}.ndjson`;
    if (fs.existsSync(file)) fixtures.push({ events: [file], fire, silent: [], ...(kind === 'negative' ? { alerts: 0 } : {}) });
  }
  return { fixtures, errors };
}

function readSpec(raw: Record<string, unknown>, origin: string, dir: string): FixtureSpec | string {
  const events = typeof raw.events === 'string' ? [raw.events] : raw.events;
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === 'string')) {
    return `${origin}: 'events' must be a file name or a list of file names`;
  }
  const fire = readKeys(raw.fire, 'fire', origin);
  const silent = readKeys(raw.silent, 'silent', origin);
  if (typeof fire === 'string') return fire;
  if (typeof silent === 'string') return silent;
  const both = silent.find((k) => fire.some((f) => sameKey(f, k)));
  if (both) return `${origin}: key ${formatKey(both)} is listed under both 'fire' and 'silent'`;
  if (raw.alerts !== undefined && !(Number.isInteger(raw.alerts) && (raw.alerts as number) >= 0)) {
    return `${origin}: 'alerts' must be a whole number`;
  }
  for (const k of Object.keys(raw)) {
    if (!['events', 'fire', 'silent', 'alerts'].includes(k)) return `${origin}: unknown key '${k}' (events, fire, silent, alerts)`;
  }
  return {
    events: (events as string[]).map((e) => (path.isAbsolute(e) ? e : path.join(dir, e))),
    fire, silent,
    ...(raw.alerts === undefined ? {} : { alerts: raw.alerts as number }),
  };
}

function readKeys(v: unknown, name: string, origin: string): FixtureKey[] | string {
  if (v === undefined) return [];
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
  if (!Array.isArray(v) || !v.every((k) => scalar(k) || (Array.isArray(k) && k.length > 0 && k.every(scalar)))) {
    return `${origin}: '${name}' must be a list of join keys ("value", or ["value", "value"] for several key fields)`;
  }
  return v.map((k) => (Array.isArray(k) ? k.map(String) : [String(k)]));
}

export function sameKey(a: FixtureKey, b: FixtureKey): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `e3-positive`, or `["host-1", "4242"]` for several key fields. */
export function formatKey(k: FixtureKey): string {
  const [only] = k;
  return k.length === 1 && only !== undefined ? only : JSON.stringify(k);
}

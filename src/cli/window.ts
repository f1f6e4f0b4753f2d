import { InvalidArgumentError } from 'commander';
import type { TimeBound } from '../engine/index.js';
import { parseDate } from '../normalize/index.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(now-)?(\d+(?:\.\d+)?)([smhdw])$/;

/**
 * --from/--to: an ISO-8601 time (no zone = UTC), `24h`/`7d`/`30m`/`90s`/`2w` before the newest
 * event read (exports are scanned after the fact: "the last day" is the export's last day), or
 * `now-24h` before the current time.
 */
export function parseTimeBound(value: string, now: () => number = Date.now): TimeBound {
  const rel = RELATIVE.exec(value.trim());
  if (rel) {
    // RELATIVE's unit group only matches UNITS' keys.
    const span = Number(rel[2]) * (UNITS[rel[3] ?? ''] ?? NaN);
    return rel[1] ? { at: now() - span } : { beforeNewest: span };
  }
  const date = parseDate(value);
  if (!date || /^-?\d+(\.\d+)?$/.test(value.trim())) {
    throw new InvalidArgumentError('expected an ISO-8601 time (2024-05-14T09:00:00Z), a span before the newest event (24h, 7d), or now-24h');
  }
  return { at: date.ms };
}

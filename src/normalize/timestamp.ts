import type { FieldValue } from '../eql/index.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH = /^-?\d+(\.\d+)?$/;

/**
 * Milliseconds since the epoch (fractional for sub-millisecond precision) from an ISO-8601
 * string (`Z`, an offset, or no zone = UTC, 0–9 fractional digits, `T` or space), or epoch
 * milliseconds as a number or numeric string. Null when unusable.
 */
export function parseTimestamp(v: FieldValue | undefined): number | null {
  return parseDate(v)?.ms ?? null;
}

/**
 * A date and its precision: `unit` is the span the text stands for (1000 ms for
 * `...T20:47:33Z`, 1 ms for epoch millis), so `== "2017-08-30T20:47:33Z"` can match the
 * whole second, as Elasticsearch's rounding of date terms does.
 */
export function parseDate(v: FieldValue | undefined): { ms: number; unit: number } | null {
  if (Array.isArray(v)) v = v.length === 1 ? v[0] : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? { ms: v, unit: 1 } : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (EPOCH.test(s)) return { ms: Number(s), unit: 1 };
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return null;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec));
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  const unit = m[4] === undefined ? 86_400_000 : m[6] === undefined ? 60_000 : 10 ** (3 - frac.length);
  return { ms, unit };
}

/** ISO-8601 UTC with milliseconds. */
export function formatTimestamp(ms: number): string {
  const d = new Date(Math.floor(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

import type { FieldValue } from '../eql/index.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH = /^-?\d+(\.\d+)?$/;
/** .NET's JSON dates, as PowerShell's ConvertTo-Json writes TimeCreated: `/Date(1715673600000)/`. */
const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/** How a bare number was read, told apart by magnitude (see epochToMs). */
export type EpochUnit = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

/** A parsed date: `unit` is the span the text stands for, `epoch` how a bare number was read. */
export interface ParsedDate {
  ms: number;
  unit: number;
  epoch?: EpochUnit;
}

/**
 * Milliseconds since the epoch (fractional for sub-millisecond precision) from an ISO-8601
 * string (`Z`, an offset, or no zone = UTC, 0–9 fractional digits, `T` or space: Sysmon's
 * `UtcTime` and evtx `SystemTime` included), or an epoch number or numeric string in
 * seconds, milliseconds, microseconds or nanoseconds. Null when unusable or impossible.
 */
export function parseTimestamp(v: FieldValue | undefined): number | null {
  return parseDate(v)?.ms ?? null;
}

/**
 * Epoch numbers are milliseconds, as Elasticsearch's default date format reads them, unless
 * their magnitude says otherwise: from 1e9 to 1e11 seconds (September 2001 to year 5138;
 * as milliseconds those would all fall in the first weeks of 1970), from 1e14 microseconds,
 * from 1e17 nanoseconds. Small numbers (Elasticsearch's own test data counts 1, 2, 3) stay
 * milliseconds.
 */
function epoch(n: number): ParsedDate {
  const a = Math.abs(n);
  if (a >= 1e9 && a < 1e11) return { ms: n * 1000, unit: 1000, epoch: 'seconds' };
  if (a < 1e9) return { ms: n, unit: 1, epoch: 'milliseconds' };
  if (a < 1e14) return { ms: n, unit: 1, epoch: 'milliseconds' };
  if (a < 1e17) return { ms: n / 1e3, unit: 1, epoch: 'microseconds' };
  return { ms: n / 1e6, unit: 1, epoch: 'nanoseconds' };
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * A date and its precision: `unit` is the span the text stands for (1000 ms for
 * `...T20:47:33Z`, 1 ms for epoch millis), so `== "2017-08-30T20:47:33Z"` can match the
 * whole second, as Elasticsearch's rounding of date terms does. Impossible dates
 * (`2024-02-30`) are null; years 0000–0099 stay themselves.
 */
export function parseDate(v: FieldValue | undefined): ParsedDate | null {
  if (Array.isArray(v)) v = v.length === 1 ? v[0] : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? epoch(v) : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (EPOCH.test(s)) return epoch(Number(s));
  const dotnet = MS_DATE.exec(s);
  if (dotnet) return { ms: Number(dotnet[1]), unit: 1 };
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return null;
  if (day > DAYS[month - 1]! || (month === 2 && day === 29 && !isLeap(year))) return null;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(sec));
  let ms = date.getTime();
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

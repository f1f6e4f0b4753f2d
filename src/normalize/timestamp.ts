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

/** Is `day` (1 or more) a day of `month` in `year`? The caller checked month is a whole 1–12. */
function inMonth(year: number, month: number, day: number): boolean {
  return day <= DAYS[month - 1]! && !(month === 2 && day === 29 && !isLeap(year));
}
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
  const fast = canonicalIso(v);
  if (fast !== undefined) return fast;
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
  if (!inMonth(year, month, day)) return null;
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

const ZERO = 48;
/** The value of the two (or four) digits at `i`, or NaN when one is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - ZERO;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.f…]Z`, the form nearly every export writes, read without regular
 * expressions or Date objects: the same result as the general path (a property test holds
 * it to that), or undefined for any other form (the general path reads it).
 */
function canonicalIso(s: string): ParsedDate | null | undefined {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const fracLen = n === 20 ? 0 : n - 21;
  if (n > 20 && (s.charCodeAt(19) !== 46 || fracLen < 1 || fracLen > 9 || Number.isNaN(digits(s, 20, fracLen)))) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (Number.isNaN(year + month + day + h + mi + sec)) return undefined;
  if (month < 1 || month > 12 || day < 1 || h > 23 || mi > 59 || sec > 60) return null;
  if (!inMonth(year, month, day)) return null;
  let ms = daysFromCivil(year, month, day) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000;
  if (fracLen) ms += Number(`0.${s.slice(20, n - 1)}`) * 1000;
  return { ms, unit: 10 ** (3 - fracLen) };
}

/** ISO-8601 UTC with milliseconds. */
export function formatTimestamp(ms: number): string {
  const d = new Date(Math.floor(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

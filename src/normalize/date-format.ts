import type { DateParser, DateValue, FieldValue } from '../eql/index.js';
import { parseDate } from './timestamp.js';

/**
 * A parser for an Elasticsearch date `format`: `||`-separated alternatives, each a built-in
 * name (`strict_date_optional_time`, `epoch_millis`, `basic_date`, ...) or a Java/Joda
 * pattern (`dd-MM-yyyy`, `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`). The first alternative that reads
 * a value wins. Throws on a format it cannot honour, naming the part.
 */
export function dateFormatParser(format: string): DateParser {
  const alternatives = format.split('||').map((f) => alternative(f.trim()));
  return (v) => {
    for (const parse of alternatives) {
      const d = parse(v);
      if (d !== null) return d;
    }
    return null;
  };
}

const ISO_NAMES = new Set([
  'date_optional_time', 'strict_date_optional_time', 'strict_date_optional_time_nanos', 'iso8601',
  'date_time', 'strict_date_time', 'date_time_no_millis', 'strict_date_time_no_millis',
]);

/** Built-in names that are plain patterns. */
const NAMED_PATTERNS: Record<string, string> = {
  date: 'yyyy-MM-dd',
  strict_date: 'yyyy-MM-dd',
  year_month_day: 'yyyy-MM-dd',
  strict_year_month_day: 'yyyy-MM-dd',
  year_month: 'yyyy-MM',
  strict_year_month: 'yyyy-MM',
  year: 'yyyy',
  strict_year: 'yyyy',
  basic_date: 'yyyyMMdd',
  basic_date_time: "yyyyMMdd'T'HHmmss.SSSZ",
  basic_date_time_no_millis: "yyyyMMdd'T'HHmmssZ",
  date_hour: "yyyy-MM-dd'T'HH",
  strict_date_hour: "yyyy-MM-dd'T'HH",
  date_hour_minute: "yyyy-MM-dd'T'HH:mm",
  strict_date_hour_minute: "yyyy-MM-dd'T'HH:mm",
  date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  strict_date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  date_hour_minute_second_millis: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  strict_date_hour_minute_second_millis: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  date_hour_minute_second_fraction: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  strict_date_hour_minute_second_fraction: "yyyy-MM-dd'T'HH:mm:ss.SSS",
};

function alternative(format: string): DateParser {
  if (format === 'epoch_millis') return (v) => epoch(v, 1);
  if (format === 'epoch_second') return (v) => epoch(v, 1000);
  if (ISO_NAMES.has(format)) return (v) => (typeof v === 'string' ? parseDate(v) : null);
  const named = NAMED_PATTERNS[format];
  if (named !== undefined) return patternParser(named);
  if (/^[a-z_]+$/.test(format) && format.includes('_')) throw new Error(`unsupported built-in date format '${format}'`);
  return patternParser(format);
}

function epoch(v: FieldValue, scale: number): DateValue | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) ? { ms: n * scale, unit: scale } : null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAY_NAMES = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*';

type Part = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'ampm' | 'minute' | 'second' | 'fraction' | 'zone' | 'skip';

/** Regex source and the part each capture group fills, for one letter run of a pattern. */
function letterRun(letter: string, n: number): { re: string; part: Part } {
  switch (letter) {
    case 'y': case 'u': return n === 2 ? { re: '(\\d{2})', part: 'year2' } : { re: `([-+]?\\d{${Math.max(n, 4)},9})`, part: 'year' };
    case 'M': return n >= 3 ? { re: '([A-Za-z]+)', part: 'monthName' } : { re: `(\\d{${n === 1 ? '1,2' : '2'}})`, part: 'month' };
    case 'd': return { re: `(\\d{${n === 1 ? '1,2' : '2'}})`, part: 'day' };
    case 'H': return { re: `(\\d{${n === 1 ? '1,2' : '2'}})`, part: 'hour' };
    case 'h': return { re: `(\\d{${n === 1 ? '1,2' : '2'}})`, part: 'hour12' };
    case 'a': return { re: '([AaPp][Mm])', part: 'ampm' };
    case 'm': return { re: `(\\d{${n === 1 ? '1,2' : '2'}})`, part: 'minute' };
    case 's': return { re: `(\\d{${n === 1 ? '1,2' : '2'}})`, part: 'second' };
    case 'S': return { re: `(\\d{${n}})`, part: 'fraction' };
    case 'X': case 'x': case 'Z': return { re: '(Z|[+-]\\d{2}(?::?\\d{2})?)', part: 'zone' };
    case 'E': return { re: `(${DAY_NAMES})`, part: 'skip' };
    default: throw new Error(`unsupported date pattern letter '${letter}'`);
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a Java-style pattern (`dd-MM-yyyy`) into an anchored, linear regex and a builder. */
function patternParser(pattern: string): DateParser {
  let re = '';
  const parts: Part[] = [];
  let fractionDigits = 0;
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i] ?? '';
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated quote in date pattern '${pattern}'`);
      re += end === i + 1 ? "'" : escapeRe(pattern.slice(i + 1, end));
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[i + n] === c) n++;
      const run = letterRun(c, n);
      if (run.part === 'fraction') fractionDigits = n;
      re += run.re;
      parts.push(run.part);
      i += n;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  const regex = new RegExp(`^${re}$`, 'i');
  // The span the text stands for: the finest field the pattern has (0: a month or a year, per value).
  const unit = fractionDigits ? 10 ** (3 - Math.min(3, fractionDigits))
    : parts.includes('second') ? 1000 : parts.includes('minute') ? 60_000
    : parts.includes('hour') || parts.includes('hour12') ? 3_600_000 : parts.includes('day') ? 86_400_000 : 0;
  const byMonth = parts.includes('month') || parts.includes('monthName');
  return (v) => {
    if (typeof v !== 'string') return null;
    const m = regex.exec(v.trim());
    if (!m) return null;
    const f: Record<Part, string | undefined> = { year: undefined, year2: undefined, month: undefined, monthName: undefined, day: undefined, hour: undefined, hour12: undefined, ampm: undefined, minute: undefined, second: undefined, fraction: undefined, zone: undefined, skip: undefined };
    parts.forEach((p, i) => { f[p] = m[i + 1]; });
    return build(f, unit, byMonth);
  };
}

function build(f: Record<Part, string | undefined>, unit: number, byMonth: boolean): DateValue | null {
  const year = f.year !== undefined ? Number(f.year) : f.year2 !== undefined ? 2000 + Number(f.year2) : 1970;
  let month = f.month !== undefined ? Number(f.month) : 1;
  if (f.monthName !== undefined) {
    const name = f.monthName.toLowerCase();
    month = (name.length === 3 ? MONTHS.indexOf(name) : MONTH_NAMES.indexOf(name)) + 1;
  }
  const day = f.day !== undefined ? Number(f.day) : 1;
  let hour = f.hour !== undefined ? Number(f.hour) : 0;
  if (f.hour12 !== undefined) hour = (Number(f.hour12) % 12) + (f.ampm?.toLowerCase() === 'pm' ? 12 : 0);
  const minute = Number(f.minute ?? 0);
  const second = Number(f.second ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const utc = (y: number, mo: number, d = 1, h = 0, mi = 0, sec = 0) => {
    const t = new Date(Date.UTC(y, mo, d, h, mi, sec));
    // Date.UTC reads years 0..99 as 1900..1999.
    if (y >= 0 && y < 100) t.setUTCFullYear(t.getUTCFullYear() - 1900);
    return t.getTime();
  };
  let ms = utc(year, month - 1, day, hour, minute, second);
  const span = unit || (byMonth ? utc(year, month, 1) : utc(year + 1, 0, 1)) - ms;
  if (f.fraction !== undefined) ms += Number(`0.${f.fraction}`) * 1000;
  if (f.zone !== undefined && f.zone.toUpperCase() !== 'Z') {
    const sign = f.zone.startsWith('-') ? -1 : 1;
    const digits = f.zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return { ms, unit: span };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

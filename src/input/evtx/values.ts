/**
 * BinXML value types (MS-EVEN6 2.2.18 / libevtx "value types") decoded to the JavaScript
 * value evtx_dump's JSON holds for them (omerbenamram/evtx, `BinXmlValue` → serde_json):
 * strings as strings, integers and reals as numbers, booleans, GUIDs upper-case without
 * braces, SIDs as `S-1-…`, FILETIME and SYSTEMTIME as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, hex
 * integers as `0x…` (lower-case, two's complement), binary as upper-case hex, arrays as
 * arrays. Deliberate differences (docs/decisions.md, "EVTX reader"):
 * - 64-bit integers above 2^53 lose precision, as they do when JSON.parse reads evtx_dump's output;
 * - text that is not valid UTF-16 (a lone surrogate) is kept as it is (evtx_dump drops the record);
 * - an invalid SYSTEMTIME is kept as its fields (evtx_dump drops the record).
 */

export const NULL = 0x00;
export const STRING = 0x01;
export const ANSI = 0x02;
export const SIZE_T = 0x10;
export const BINXML = 0x21;
export const ARRAY = 0x80;

/** A substitution holding BinXML of its own (type 0x21): expanded where it is used. */
export class NestedBinXml {
  /** Its BinXML read into steps (binxml.ts), once. */
  steps: unknown;
  constructor(readonly start: number, readonly end: number) {}
}

export type EvtxValue = string | number | boolean | null | EvtxValue[] | NestedBinXml;

const ansi = new TextDecoder('windows-1252');

/**
 * UTF-16LE code units [start, start + 2 * count) up to the first NUL, trailing white space
 * trimmed (as evtx_dump does).
 */
export function utf16(buf: Buffer, start: number, count: number, trim = true): string {
  let end = start;
  const limit = Math.min(buf.length - 1, start + 2 * count);
  while (end < limit && (buf[end] !== 0 || buf[end + 1] !== 0)) end += 2;
  if (end === start) return '';
  let s: string;
  // Short strings (names, most values): built directly, the decoder costs more. JavaScript
  // strings are UTF-16 code units, so this is exact (a lone surrogate stays one).
  if (end - start <= 24) {
    s = '';
    for (let i = start; i < end; i += 2) s += String.fromCharCode(buf[i]! | (buf[i + 1]! << 8)); // hot; the caller checked [start, end) is in buf
  } else {
    s = (buf as Buffer & { ucs2Slice(start: number, end: number): string }).ucs2Slice(start, end);
  }
  return trim ? trimEnd(s) : s;
}

function trimEnd(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  // Rust's trim_end: Unicode White_Space.
  return last <= 0x20 || last === 0x85 || last === 0xa0 || last >= 0x1680 ? s.replace(/[\s\u0085]+$/u, '') : s;
}

function hexUpper(buf: Buffer, start: number, end: number): string {
  return buf.toString('hex', start, end).toUpperCase();
}

/** A GUID's 16 bytes as evtx_dump prints it: upper case, no braces. */
export function guid(buf: Buffer, at: number): string {
  const hex = hexUpper(buf, at, at + 16);
  const h = (i: number) => hex.slice(2 * i, 2 * i + 2);
  return h(3) + h(2) + h(1) + h(0) + '-' + h(5) + h(4) + '-' + h(7) + h(6) + '-' + h(8) + h(9) + '-' + h(10) + h(11) + h(12) + h(13) + h(14) + h(15);
}

/** `0x…` of an unsigned 64-bit value given as two 32-bit halves. */
function hex64(lo: number, hi: number): string {
  return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** Milliseconds from 1601-01-01 to 1970-01-01. */
const EPOCH_DIFF_MS = 11644473600000;

/**
 * A FILETIME (100 ns since 1601) as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, truncated).
 * Exact in doubles: 2^32 = 429496 * 10000 + 7296, so hi * 7296 + lo (< 2^45) carries the rest.
 */
export function filetime(buf: Buffer, at: number): string {
  const lo = buf.readUInt32LE(at);
  const hi = buf.readUInt32LE(at + 4);
  const r = hi * 7296 + lo;
  const q = Math.floor(r / 10000);
  const ms = hi * 429496 + q - EPOCH_DIFF_MS;
  return isoMicros(ms, Math.floor((r - q * 10000) / 10));
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** `YYYY-MM-DDTHH:MM:SS.mmmuuuZ` of milliseconds since 1970 and the microseconds past them (days to civil by hand: no Date). */
function isoMicros(ms: number, extraMicros: number): string {
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString().slice(0, -1) + String(extraMicros).padStart(3, '0') + 'Z';
  }
  const hour = Math.floor(rest / 3600000);
  rest -= hour * 3600000;
  const minute = Math.floor(rest / 60000);
  rest -= minute * 60000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const frac = milli * 1000 + extraMicros;
  return String(y).padStart(4, '0') + '-' + pad2(m) + '-' + pad2(d) + 'T' + pad2(hour) + ':' + pad2(minute) + ':' + pad2(second) + '.' + String(frac).padStart(6, '0') + 'Z';
}

function systemtime(buf: Buffer, at: number): string {
  const f = (i: number) => buf.readUInt16LE(at + 2 * i);
  const [year, month, , day, hour, minute, second, milli] = [f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7)];
  if (year === 0 && month === 0 && day === 0 && hour === 0 && minute === 0 && second === 0 && milli === 0) return '1601-01-01T00:00:00.000000Z';
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const d = new Date(ms);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 || milli > 999 || d.getUTCDate() !== day) {
    return `${year}-${month}-${day}T${hour}:${minute}:${second}.${milli}`;
  }
  return isoMicros(ms, 0);
}

/** A SID (revision, count, 48-bit big-endian authority, 32-bit sub-authorities) as `S-1-5-…`; null when it does not fit. */
function sid(buf: Buffer, at: number, end: number): { text: string; next: number } | null {
  if (at + 8 > end) return null;
  const count = buf.readUInt8(at + 1);
  const next = at + 8 + 4 * count;
  if (next > end) return null;
  const authority = buf.readUIntBE(at + 2, 6);
  let text = `S-${buf.readUInt8(at)}-${authority}`;
  for (let i = 0; i < count; i++) text += '-' + buf.readUInt32LE(at + 8 + 4 * i);
  return { text, next };
}

/** A float32 printed the shortest way that reads back as the same float32 (as Rust prints an f32). */
function real32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Size in bytes of fixed-size types (0: variable). */
const FIXED: Record<number, number> = {
  0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8, 0x0d: 4,
  0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8,
};

/** One element of a fixed-size type at `at` (the caller checked it fits). */
function fixed(type: number, buf: Buffer, at: number): EvtxValue {
  switch (type) {
    case 0x03: return buf.readInt8(at);
    case 0x04: return buf.readUInt8(at);
    case 0x05: return buf.readInt16LE(at);
    case 0x06: return buf.readUInt16LE(at);
    case 0x07: return buf.readInt32LE(at);
    case 0x08: return buf.readUInt32LE(at);
    case 0x09: {
      const lo = buf.readUInt32LE(at);
      const hi = buf.readInt32LE(at + 4);
      return hi * 4294967296 + lo;
    }
    case 0x0a: return buf.readUInt32LE(at + 4) * 4294967296 + buf.readUInt32LE(at);
    case 0x0b: {
      const x = buf.readFloatLE(at);
      return Number.isFinite(x) ? real32(x) : null;
    }
    case 0x0c: {
      const x = buf.readDoubleLE(at);
      return Number.isFinite(x) ? x : null;
    }
    case 0x0d: return buf.readInt32LE(at) !== 0;
    case 0x0f: return guid(buf, at);
    case 0x11: return filetime(buf, at);
    case 0x12: return systemtime(buf, at);
    case 0x14: return '0x' + buf.readUInt32LE(at).toString(16);
    case 0x15: return hex64(buf.readUInt32LE(at), buf.readUInt32LE(at + 4));
    default: return null;
  }
}

/** Thrown when a value does not fit where it lies: that record is reported, the rest goes on. */
export class EvtxFormatError extends Error {}

/**
 * The value of `type` in buf[start, end) (a substitution: its size is known).
 * Unknown types throw EvtxFormatError.
 */
export function sizedValue(type: number, buf: Buffer, start: number, end: number): EvtxValue {
  const size = end - start;
  switch (type) {
    case NULL: return null;
    case STRING: return size === 0 ? '' : utf16(buf, start, size >> 1);
    case ANSI: {
      const bytes = buf.subarray(start, end).filter((b) => b !== 0);
      return ansi.decode(bytes);
    }
    case 0x0e: return hexUpper(buf, start, end);
    case SIZE_T:
      if (size === 4) return '0x' + buf.readUInt32LE(start).toString(16);
      if (size === 8) return hex64(buf.readUInt32LE(start), buf.readUInt32LE(start + 4));
      throw new EvtxFormatError(`size_t value of ${size} bytes`);
    case 0x13: {
      const s = sid(buf, start, end);
      if (!s) throw new EvtxFormatError('SID does not fit its value');
      return s.text;
    }
    case 0x20: return null; // EvtHandle: no value outside a live session.
    case BINXML: return new NestedBinXml(start, end);
    case 0x23: return null; // EvtXml
    case ARRAY | STRING: {
      const out: string[] = [];
      let at = start;
      while (at < end) {
        let z = at;
        while (z + 1 < end && (buf[z] !== 0 || buf[z + 1] !== 0)) z += 2;
        out.push(utf16(buf, at, (z - at) >> 1, false));
        at = z + 2;
      }
      return out;
    }
    case ARRAY | 0x13: {
      const out: string[] = [];
      let at = start;
      while (at < end) {
        const s = sid(buf, at, end);
        if (!s) throw new EvtxFormatError('SID array does not fit its value');
        out.push(s.text);
        at = s.next;
      }
      return out;
    }
    case ARRAY | 0x0e: return hexUpper(buf, start, end);
    default: {
      const width = FIXED[type & 0x7f];
      if (width === undefined) throw new EvtxFormatError(`unknown value type 0x${type.toString(16)}`);
      if (type & ARRAY) {
        const out: EvtxValue[] = [];
        for (let at = start; at + width <= end; at += width) out.push(fixed(type & 0x7f, buf, at));
        return out;
      }
      if (size < width) throw new EvtxFormatError(`value of type 0x${type.toString(16)} needs ${width} bytes, has ${size}`);
      return fixed(type, buf, start);
    }
  }
}

/**
 * A Value token's value at `at` (type already read): strings carry a 16-bit length, other
 * types their fixed size. Returns the value and where the next token starts.
 */
export function tokenValue(type: number, buf: Buffer, at: number, end: number): { value: EvtxValue; next: number } {
  if (type === STRING) {
    if (at + 2 > end) throw new EvtxFormatError('truncated string value');
    const count = buf.readUInt16LE(at);
    const next = at + 2 + 2 * count;
    if (next > end) throw new EvtxFormatError('string value runs past its fragment');
    return { value: utf16(buf, at + 2, count), next };
  }
  const width = FIXED[type];
  if (width === undefined) throw new EvtxFormatError(`value token of type 0x${type.toString(16)} without a size`);
  if (at + width > end) throw new EvtxFormatError('truncated value');
  return { value: fixed(type, buf, at), next: at + width };
}

/** A value as text where evtx_dump appends it to text already there (numbers, times, lists joined by commas). */
export function asText(v: EvtxValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(asText).join(',');
  if (v instanceof NestedBinXml) return '';
  return String(v);
}

/**
 * Characters that can mislead a reader of a terminal or an editor: C0, DEL and C1 controls
 * (move the cursor, recolour, retitle), bidirectional overrides and isolates (U+202A–202E,
 * U+2066–2069, U+061C, U+200E/F: "Trojan Source" reordering), zero-width and line/paragraph
 * separators (U+200B–200D, U+2028/2029, U+2060–2064, U+FEFF).
 */
const MISLEADING = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The same without tab, line feed and carriage return, for formats where line breaks in a value are legitimate (CSV). */
const MISLEADING_BUT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Makes attacker-controlled text safe to print on a terminal: misleading characters become visible escapes. */
export function escapeControl(text: string): string {
  return escapeWith(MISLEADING, text);
}

/** escapeControl, but tabs and line breaks stay (a CSV cell may hold several lines). */
export function escapeControlKeepingLayout(text: string): string {
  return escapeWith(MISLEADING_BUT_LAYOUT, text);
}

/** The same without line feed: for whole messages of several lines, whose values were escaped on their own. */
const MISLEADING_BUT_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * The last line of defence before a terminal: every misleading character of a message escaped
 * except the line feeds that separate its lines. Idempotent (an escape is printable ASCII), so
 * values escaped with escapeControl pass through unchanged.
 */
export function terminalText(text: string): string {
  return escapeWith(MISLEADING_BUT_LINES, text);
}

/**
 * A template tag: the literal parts are lolhunt's, each value is input (a rule name, an id, a
 * file name, a join key) and is escaped whole, line breaks included, so it cannot fake a line.
 */
export function safe(literals: TemplateStringsArray, ...values: unknown[]): string {
  // A tag gets one literal more than values: each value goes before the literal after it.
  let out = '';
  for (const [i, literal] of literals.entries()) out += (i === 0 ? '' : escapeControl(String(values[i - 1]))) + literal;
  return out;
}

/** Characters of a value shown before it is clipped (summaries, messages). */
export const CLIP_CHARS = 200;

/**
 * A value cut to `max` characters with a marker saying how much was left out
 * (`WS01AAAA… (+5242680 chars)`); shorter values come back unchanged. Never splits a
 * surrogate pair.
 */
export function clip(text: string, max = CLIP_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return `${text.slice(0, end)}… (+${text.length - end} chars)`;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

function escapeWith(pattern: RegExp, text: string): string {
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  return text.replace(pattern, (c) => {
    const code = c.charCodeAt(0);
    return ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
  });
}

/** The misleading characters JSON.stringify leaves raw (it escapes only C0). */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Writes DEL, C1, bidi and invisible characters of JSON text as `\uXXXX` escapes: the same
 * JSON value, safe on a terminal. Valid for any JSON text, since outside strings JSON
 * allows none of these characters.
 */
export function escapeJsonText(text: string): string {
  RAW_IN_JSON.lastIndex = 0;
  if (!RAW_IN_JSON.test(text)) return text;
  return text.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON.stringify, falling back to an iterative serialiser when the value is nested deeper
 * than the call stack allows (attacker-controlled documents can be).
 */
export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return stringifyIteratively(value);
  }
}

type Frame = { kind: 'array'; items: unknown[]; i: number } | { kind: 'object'; entries: [string, unknown][]; i: number };

function stringifyIteratively(root: unknown): string {
  const parts: string[] = [];
  const stack: Frame[] = [];
  /** Writes a scalar, or opens a frame for a container. */
  const open = (v: unknown) => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      if (Array.isArray(v)) {
        parts.push('[');
        stack.push({ kind: 'array', items: v, i: 0 });
      } else {
        parts.push('{');
        const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol');
        stack.push({ kind: 'object', entries, i: 0 });
      }
      return;
    }
    parts.push(JSON.stringify(v) ?? 'null');
  };
  open(root);
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    if (top.kind === 'array') {
      if (top.i === top.items.length) {
        parts.push(']');
        stack.pop();
        continue;
      }
      if (top.i > 0) parts.push(',');
      const item = top.items[top.i++];
      open(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item);
    } else {
      const entry = top.entries[top.i];
      if (entry === undefined) {
        parts.push('}');
        stack.pop();
        continue;
      }
      if (top.i++ > 0) parts.push(',');
      const [key, item] = entry;
      parts.push(JSON.stringify(key), ':');
      open(item);
    }
  }
  return parts.join('');
}

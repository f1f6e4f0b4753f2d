/**
 * Sigma string values: literal text with `*` (any run) and `?` (one character) wildcards;
 * a backslash escapes `*`, `?` and itself, and is literal before anything else (`C:\Windows`
 * is plain text), as the Sigma specification and pySigma read them. `%name%` placeholders
 * exist only under the `expand` modifier.
 */

export type Part = string | { wild: '*' | '?' } | { placeholder: string };
export type SigmaString = Part[];

const ANY: Part = { wild: '*' };

/** Parses a value as written in the rule. */
export function parseSigmaString(raw: string, placeholders = false): SigmaString {
  const out: SigmaString = [];
  let text = '';
  const flush = () => {
    if (text) out.push(text);
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === '\\') {
      const n = raw.charAt(i + 1);
      if (n === '*' || n === '?' || n === '\\') {
        text += n;
        i++;
      } else {
        text += c;
      }
    } else if (c === '*' || c === '?') {
      flush();
      out.push({ wild: c });
    } else if (c === '%' && placeholders) {
      const end = raw.indexOf('%', i + 1);
      if (end > i + 1 && /^[A-Za-z0-9_.-]+$/.test(raw.slice(i + 1, end))) {
        flush();
        out.push({ placeholder: raw.slice(i + 1, end) });
        i = end;
      } else {
        text += c;
      }
    } else {
      text += c;
    }
  }
  flush();
  return out;
}

export const isPlain = (s: SigmaString) => s.every((p) => typeof p === 'string');
export const plainText = (s: SigmaString) => s.map((p) => (typeof p === 'string' ? p : '')).join('');

/** `contains`: `*` at both ends (not doubled). */
export function contains(s: SigmaString): SigmaString {
  return startswith(endswith(s));
}

export function startswith(s: SigmaString): SigmaString {
  const last = s[s.length - 1];
  return last !== undefined && typeof last !== 'string' && 'wild' in last && last.wild === '*' ? s : [...s, ANY];
}

export function endswith(s: SigmaString): SigmaString {
  const first = s[0];
  return first !== undefined && typeof first !== 'string' && 'wild' in first && first.wild === '*' ? s : [ANY, ...s];
}

/** The dashes `windash` tries wherever a `-` or `/` starts a word after a non-word character. */
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const WINDASH = /\B[-/]\b/g;
/** Variants of one value past this many are an error (each dash multiplies them by five). */
export const MAX_WINDASH_VARIANTS = 625;

/** `windash`: every combination of the dashes at each option-like `-` or `/` of each text part. */
export function windash(s: SigmaString): SigmaString[] {
  let variants: SigmaString[] = [[]];
  for (const part of s) {
    if (typeof part !== 'string') {
      variants = variants.map((v) => [...v, part]);
      continue;
    }
    const [head = '', ...rest] = part.split(WINDASH);
    const texts = rest.reduce<string[]>((acc, piece) => acc.flatMap((a) => DASHES.map((d) => a + d + piece)), [head]);
    if (variants.length * texts.length > MAX_WINDASH_VARIANTS) throw new Error(`windash gives more than ${MAX_WINDASH_VARIANTS} variants of one value`);
    variants = variants.flatMap((v) => texts.map((t) => [...v, t]));
  }
  return variants;
}

export function utf16(text: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[2 * i + (littleEndian ? 0 : 1)] = u & 0xff;
    out[2 * i + (littleEndian ? 1 : 0)] = u >> 8;
  }
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * `base64offset`: the three encodings of the value at each offset modulo 3 within a longer
 * base64 text, without the characters that depend on the bytes around it (the Sigma
 * specification's construction).
 */
export function base64offset(bytes: Uint8Array): string[] {
  const START = [0, 2, 3];
  const END = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(i + bytes.length);
    padded.fill(0x20, 0, i);
    padded.set(bytes, i);
    const enc = base64(padded);
    const endCut = END[(bytes.length + i) % 3]!;
    out.push(enc.slice(START[i], enc.length - endCut));
  }
  return out;
}

/** How a Sigma string is matched in EQL: a `:` / `like` pattern, or a Lucene regex when it has a literal `*` or `?`. */
export type StringPattern = { kind: 'wildcard'; pattern: string } | { kind: 'regex'; pattern: string };

export function toPattern(s: SigmaString): StringPattern {
  const literalWild = s.some((p) => typeof p === 'string' && /[*?]/.test(p));
  if (!literalWild) {
    return { kind: 'wildcard', pattern: s.map((p) => (typeof p === 'string' ? p : 'wild' in p ? p.wild : '')).join('') };
  }
  return {
    kind: 'regex',
    pattern: s.map((p) => (typeof p === 'string' ? luceneLiteral(p) : 'wild' in p ? (p.wild === '*' ? '.*' : '.') : '')).join(''),
  };
}

/** Text as a Lucene regular expression matching it literally: ASCII punctuation and spaces escaped. */
export function luceneLiteral(text: string): string {
  return text.replace(/[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]/g, (c) => `\\${c}`);
}

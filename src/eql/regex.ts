import type { StringMatcher } from './wildcard.js';

/**
 * `regex` / `regex~` patterns. Elasticsearch uses Lucene regular expressions, which always
 * match the whole value and have no anchors or lookaround; they map onto a JavaScript
 * RegExp wrapped in `^(?:...)$`, with `.` matching newlines too. Lucene-only operators
 * (`~` complement, `&` intersection, `<n-m>` ranges, `@`, `#`) are rejected by `checkRegex`.
 */
export function compileRegex(pattern: string, caseInsensitive: boolean): StringMatcher {
  const re = new RegExp(`^(?:${toJs(pattern)})$`, caseInsensitive ? 'su' + 'i' : 'su');
  return (s) => re.test(s);
}

/**
 * In Lucene a backslash makes any character literal (`\"`, `\-`, `\_`; `\d` is a plain d),
 * which JavaScript's unicode mode rejects or reads differently: write each escaped character
 * as a `\u{...}` code point, valid inside and outside classes.
 */
function toJs(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    const cp = c === '\\' ? pattern.codePointAt(i + 1) : undefined;
    if (cp !== undefined) {
      out += `\\u{${cp.toString(16)}}`;
      i += cp > 0xffff ? 2 : 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** An error message when the pattern is not a regular expression lolhunt can run, else null. */
export function checkRegex(pattern: string): string | null {
  if (/(^|[^\\])(\(\?[=!<])/.test(pattern)) return 'lookaround is not part of Lucene regular expressions';
  if (/(^|[^\\])[~&@#<>]/.test(pattern)) return 'Lucene-only regular expression operators (~ & @ # <n-m>) are not supported';
  try {
    new RegExp(toJs(pattern), 'su');
    return null;
  } catch (err) {
    return `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`;
  }
}

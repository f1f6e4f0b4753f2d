import type { StringMatcher } from './wildcard.js';

/**
 * `regex` / `regex~` patterns. Elasticsearch uses Lucene regular expressions, which always
 * match the whole value and have no anchors or lookaround; they map onto a JavaScript
 * RegExp wrapped in `^(?:...)$`, with `.` matching newlines too. Lucene-only operators
 * (`~` complement, `&` intersection, `<n-m>` ranges, `@`, `#`) are rejected by `checkRegex`.
 */
export function compileRegex(pattern: string, caseInsensitive: boolean): StringMatcher {
  const re = new RegExp(`^(?:${pattern})$`, caseInsensitive ? 'su' + 'i' : 'su');
  return (s) => re.test(s);
}

/** An error message when the pattern is not a regular expression lolhunt can run, else null. */
export function checkRegex(pattern: string): string | null {
  if (/(^|[^\\])(\(\?[=!<])/.test(pattern)) return 'lookaround is not part of Lucene regular expressions';
  if (/(^|[^\\])[~&@#<>]/.test(pattern)) return 'Lucene-only regular expression operators (~ & @ # <n-m>) are not supported';
  try {
    new RegExp(pattern, 'su');
    return null;
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
}

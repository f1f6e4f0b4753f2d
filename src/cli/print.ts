import { caretExcerpt } from '../eql/index.js';
import { clip, escapeControl, terminalText } from '../output/index.js';
import type { RuleError } from '../rules/index.js';

/**
 * The one way src/cli writes text to a terminal (result writers and the coloured summary
 * escape their own values). Rule files, fixtures, query files and file names are input as much
 * as the logs are: whatever a message holds, no control, bidi or invisible character reaches
 * the terminal raw; only the line feeds between lines stay. Values are best also escaped on
 * their own with `safe` (output/escape.ts), so a line break in one cannot fake a line.
 * test/unit/cli/print.test.ts fails on any other process.stdout/stderr.write in src/cli.
 */
export function printOut(text: string): boolean {
  return process.stdout.write(terminalText(text));
}

/** Characters of one diagnostic line on stderr before it is clipped (a 1 MB identifier in a message). */
export const MAX_DIAGNOSTIC_LINE = 1000;

/** printOut for stderr; diagnostics are read by people, so each overlong line is also clipped. */
export function printErr(text: string): boolean {
  return process.stderr.write(clipLines(terminalText(text), MAX_DIAGNOSTIC_LINE));
}

/** Every line of `text` cut to `max` characters with a marker. */
export function clipLines(text: string, max: number): string {
  return text.length <= max ? text : text.split('\n').map((l) => clip(l, max)).join('\n');
}

/**
 * Text whose every input value the caller has escaped already and which must reach the stream
 * as it is: the coloured summary (its colours are escape sequences of lolhunt's own) and
 * `normalize`'s JSON (escapeJsonText). Nothing else belongs here.
 */
export function printPrepared(stream: 'out' | 'err', text: string): boolean {
  return (stream === 'out' ? process.stdout : process.stderr).write(text);
}

/** A rule file that could not be loaded, as printed: `file:line:col: reason`, then the query excerpt with its caret. */
export function ruleErrorText(err: RuleError): string {
  const excerpt = err.query ? caretExcerpt(err.query.source, err.query.offset, escapeControl) : err.excerpt;
  return excerpt ? `${escapeControl(err.message)}\n${excerpt}` : escapeControl(err.message);
}

import type { NearMissReport, NearMisses } from '../engine/index.js';
import { clip, escapeControl } from './escape.js';
import { duration } from './explain.js';
import type { RunInfo } from './types.js';

/** A word as a POSIX shell reads it back: bare when it is plainly safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `lolhunt explain` command line that says why this key made no alert: the rule, each key
 * value, the rule folders the scan used (unless built-in) and its inputs. Input values are
 * shell-quoted here; escaping for the terminal is the caller's.
 */
export function explainCommand(m: NearMissReport, run: RunInfo | undefined): string {
  const rules = (run?.ruleSet?.paths ?? []).filter((p) => p !== '(built-in)').flatMap((p) => ['--rules', p]);
  const inputs = run?.inputs.length ? run.inputs : ['-'];
  return ['lolhunt', 'explain', m.rule, ...m.key.flatMap((k) => ['--key', k]), ...rules, ...inputs].map(shellWord).join(' ');
}

/** What kept a near miss from being an alert, in explain's words. */
function why(m: NearMissReport): string {
  return m.kind === 'out-of-order'
    ? 'every step matched, out of order'
    : `every step matched in order, over ${duration(m.spanMs!)} > maxspan=${duration(m.maxspanMs!)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The summary's near-miss group: the counts, then the first near miss (all listed with
 * --verbose) with the explain command for it; every input value escaped and clipped.
 */
export function formatNearMisses(n: NearMisses | undefined, run: RunInfo | undefined, verbose: boolean | undefined): string[] {
  const total = n ? n.outOfOrder + n.outsideMaxspan : 0;
  if (!n || total === 0) return [];
  const more = total > 1 && !verbose ? ` (--verbose lists ${total > n.listed.length ? `the first ${n.listed.length}` : 'them'})` : '';
  const lines = [`${'near misses'.padEnd(12)} ${plural(n.outOfOrder, 'sequence')} matched every step but out of order, ${n.outsideMaxspan} just outside maxspan (up to ${n.margin}×)${more}`];
  for (const m of verbose ? n.listed : n.listed.slice(0, 1)) {
    lines.push(escapeControl(clip(`  ${verbose ? '' : 'first: '}${m.rule}, key ${m.key.join(', ')}: ${why(m)}; ${explainCommand(m, run)}`, 1000)));
  }
  return lines;
}

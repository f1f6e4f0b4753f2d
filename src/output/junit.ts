import type { RuleTestResult } from '../engine/index.js';
import { escapeControl } from './escape.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** What XML 1.0 forbids even as a reference and escapeControl leaves: lone surrogates, U+FFFE, U+FFFF. */
const INVALID = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

/**
 * Text from rule files and fixtures as XML character data or an attribute value: control,
 * bidi and invisible characters as visible escapes (a CI page shows them, nothing is lost),
 * then what XML cannot hold, then the five entities.
 */
function xml(text: string): string {
  return escapeControl(text)
    .replace(INVALID, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * JUnit XML for `rules test`: one testcase per rule (classname: the rule file), a failure
 * listing every mismatch, and rules without fixtures as skipped.
 */
export function formatJunit(results: RuleTestResult[], elapsedMs: number): string {
  const failures = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'none').length;
  const counts = `tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(elapsedMs)}"`;
  const cases = results.map((r) => {
    const open = `    <testcase classname="${xml(r.file)}" name="${xml(r.rule.name)}" time="${seconds(r.elapsedMs)}"`;
    if (r.status === 'pass') return `${open}/>`;
    const body = r.status === 'none'
      ? '      <skipped message="no fixtures"/>'
      : `      <failure message="${xml(r.failures[0] ?? 'failed')}" type="mismatch">${r.failures.map(xml).join('\n')}</failure>`;
    return `${open}>\n${body}\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lolhunt rules test" ${counts}>`,
    `  <testsuite name="lolhunt rules test" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

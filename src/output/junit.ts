import type { RuleTestResult } from '../engine/index.js';

// XML 1.0 forbids most control characters even as references: drop them.
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xml(text: string): string {
  return text.replace(INVALID, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
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
      : `      <failure message="${xml(r.failures[0] ?? 'failed')}" type="mismatch">${xml(r.failures.join('\n'))}</failure>`;
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

import type { Alert, ScanSummary } from '../engine/index.js';
import { clip, escapeControl } from './escape.js';
import { alertFacts, bySeverity, firedRules, rank, ruleLabel, techniquesSeen } from './fields.js';
import { reportWriter, type KeptAlerts } from './record.js';
import { formatBytes } from './summary.js';
import { displayTime } from './time.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/** Alerts listed in full; the rest are counted (a CI job summary should stay short). */
const MAX_ROWS = 50;

/**
 * Text from the logs, inert in a Markdown table cell: no HTML, no links or emphasis, no cell
 * breaks, and no GFM autolinks. GFM links bare `http://…`, `www.…` and e-mail addresses in
 * text; a backslash before the `:` of `://` or the `.` of `www.` stops the first two and
 * renders the same text. An escape cannot stop an address (cmark-gfm finds it in the decoded
 * text), so its `@` becomes a code span: `` `@` `` reads the same and cuts the address in two.
 * A value past 200 characters is cut with a marker (a CI job summary has a size limit).
 */
export function mdCell(text: string): string {
  return escapeControl(clip(text))
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#!~])/g, '\\$1')
    .replace(/:\/\//g, '\\://')
    .replace(/(www)\./gi, '$1\\.')
    .replace(/@/g, '`@`');
}

/** A short report for a CI job summary or a ticket: totals, rules that fired, the most severe alerts (then the earliest), input problems. */
export function markdownWriter(out: Sink, opts: WriterOptions): ResultWriter {
  return reportWriter(out, MAX_ROWS, (summary, alerts) => render(summary, alerts, opts), undefined, bySeverityThenTime);
}

/** The alerts a reader should see first: most severe, then earliest (issue #26). */
function bySeverityThenTime(a: Alert, b: Alert): number {
  const t = (x: Alert) => { const ms = Date.parse(x.timestamp); return Number.isNaN(ms) ? Infinity : ms; };
  return rank(a.rule?.severity ?? '') - rank(b.rule?.severity ?? '') || t(a) - t(b) || 0;
}

function render(s: ScanSummary, alerts: KeptAlerts, opts: WriterOptions): string {
  const lines: string[] = ['# lolhunt report', ''];
  const severities = bySeverity(s).map((x) => `${x.count} ${x.severity}`).join(', ');
  const ran = s.alertsByRule.length;
  lines.push(
    `**${s.alerts} alert${s.alerts === 1 ? '' : 's'}**${severities ? ` (${severities})` : ''} from ${ran} rule${ran === 1 ? '' : 's'} ` +
      `over ${s.events} events in ${s.files} file${s.files === 1 ? '' : 's'} (${formatBytes(s.bytes)}); ` +
      `${s.badLines} bad line${s.badLines === 1 ? '' : 's'}, ${s.fileErrors} file error${s.fileErrors === 1 ? '' : 's'}.`,
    '',
  );
  const fired = firedRules(s);
  if (fired.length) {
    lines.push('| alerts | severity | rule | ATT&CK |', '|---:|---|---|---|');
    for (const r of fired) {
      const attack = (r.rule?.threat ?? []).flatMap((t) => [t.tactic.id, ...(t.technique ?? []).map((x) => x.id)]).join(', ');
      lines.push(`| ${r.count} | ${mdCell(r.severity)} | ${mdCell(ruleLabel(r.rule, r.name))} | ${mdCell(attack)} |`);
    }
    if (ran > fired.length) lines.push('', `${ran - fired.length} other rule${ran - fired.length === 1 ? '' : 's'} ran without alerts.`);
    const techniques = techniquesSeen(s);
    if (techniques.length) lines.push('', `ATT&CK techniques seen: ${techniques.map(mdCell).join('; ')}.`);
    lines.push('');
  }
  if (alerts.total) {
    const hidden = alerts.total - alerts.first.length;
    lines.push(`## Alerts${hidden > 0 ? ` (${alerts.first.length} of ${alerts.total}, most severe first; ${hidden} not shown)` : ''}`, '');
    lines.push('| time | severity | rule | host | process | first event |', '|---|---|---|---|---|---|');
    for (const a of alerts.first) {
      const f = alertFacts(a, opts.lookup);
      const cells = [displayTime(a.timestamp, opts.timeZone), a.rule?.severity ?? '', ruleLabel(a.rule), f.host, f.process, f.where];
      lines.push(`| ${cells.map(mdCell).join(' | ')} |`);
    }
    lines.push('');
  }
  if (s.problems.length) {
    lines.push('## Input problems', '');
    for (const p of s.problems) lines.push(`- ${mdCell(p.line === undefined ? p.file : `${p.file}:${p.line}`)}: ${mdCell(p.reason)}`);
    const hidden = s.badLines + s.fileErrors - s.problems.length;
    if (hidden > 0) lines.push(`- … and ${hidden} more`);
    lines.push('');
  }
  return lines.join('\n');
}

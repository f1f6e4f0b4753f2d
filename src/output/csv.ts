import type { Alert } from '../engine/index.js';
import { escapeControlKeepingLayout } from './escape.js';
import { alertFacts, show } from './fields.js';
import { flushed } from './record.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/** The documented, stable CSV columns (README "Output"); new columns are only ever appended. */
const CSV_COLUMNS = [
  'timestamp', 'rule_id', 'rule_name', 'severity', 'risk_score', 'tactics', 'techniques',
  'host', 'user', 'process', 'command_line', 'destination', 'file', 'line', 'event_count', 'join_keys',
] as const;

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, or a tab/CR first, even after
 * spaces) gets a leading apostrophe; then RFC 4180 quoting.
 */
export function csvCell(value: string): string {
  const safe = /^[\s]*[=+\-@]|^[\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(alert: Alert, lookup: WriterOptions['lookup']): string[] {
  const f = alertFacts(alert, lookup);
  const r = alert.rule;
  const first = alert.events.find((e) => !e.missing);
  return [
    alert.timestamp, r?.id ?? '', r?.name ?? '', r?.severity ?? '', r ? String(r.riskScore) : '',
    (r?.threat ?? []).map((t) => t.tactic.id).join(' '),
    (r?.threat ?? []).flatMap((t) => (t.technique ?? []).map((x) => x.id)).join(' '),
    f.host, f.user, f.process, f.commandLine, f.destination,
    first?.file ?? '', first ? String(first.line) : '', String(alert.events.length), show(alert.joinKeys),
  ];
}

/** One header row, then one row per alert, CRLF line ends (RFC 4180). */
export function csvWriter(out: Sink, opts: WriterOptions): ResultWriter {
  out.write(CSV_COLUMNS.join(',') + '\r\n');
  return {
    write(alert) {
      out.write(row(alert, opts.lookup).map((cell) => csvCell(escapeControlKeepingLayout(cell))).join(',') + '\r\n');
    },
    end: () => flushed(out),
  };
}

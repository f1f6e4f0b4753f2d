import type { Alert } from '../engine/index.js';
import { escapeControlKeepingLayout } from './escape.js';
import { alertFacts, show } from './fields.js';
import { flushed } from './record.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/** The documented, stable CSV columns (README "Output"); new columns are only ever appended. */
const CSV_COLUMNS = [
  'timestamp', 'rule_id', 'rule_name', 'severity', 'risk_score', 'tactics', 'techniques',
  'host', 'user', 'process', 'command_line', 'destination', 'file', 'line', 'event_count', 'join_keys', 'building_block',
] as const;

/**
 * Where a spreadsheet may begin a field inside a cell and read a formula: the cell's start, and
 * after every separator a reader may use (`,`, `;` in locales with a decimal comma, tab) or a
 * line break. A `;` reader splits this comma file mid-cell, where RFC 4180 quotes do not
 * count (a quote opens a field only at its start), so `a;=HYPERLINK(…)` would hand it the
 * field `=HYPERLINK(…)`. A formula starter there (=, +, -, @, after any spaces or quotes) and
 * a tab or CR that begins a field get an apostrophe where the field begins.
 */
const FIELD_START = /(^|[,;\t\r\n])(?=[\s"]*[=+\-@]|[\t\r])/g;

/** A cell: formula starters defused (FIELD_START), then RFC 4180 quoting, also around `;` and tab. */
export function csvCell(value: string): string {
  const safe = value.replace(FIELD_START, "$1'");
  return /[",;\t\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
    r?.buildingBlock ? 'true' : '',
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

import Table from 'cli-table3';
import type { Alert, ScanSummary } from '../engine/index.js';
import { paintSeverity, palette } from './color.js';
import { escapeControl, stringify } from './escape.js';
import { flushed } from './record.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

const HEAD = ['time', 'severity', 'rule', 'host', 'process', 'command line', 'destination'];
/** Caps for every column but the command line, which takes what the terminal has left. */
const CAPS = [24, 8, 36, 20, 26, 0, 40];
const DEFAULT_COLUMNS = 160;
const MIN_COMMAND = 20;

/** A human-readable table, one row per alert, printed when the run ends (widths need every row). */
export function tableWriter(out: Sink, opts: WriterOptions): ResultWriter {
  const rows: string[][] = [];
  const c = palette(opts.color);
  return {
    write(alert) {
      rows.push(cells(alert, opts.lookup));
    },
    end(_summary: ScanSummary) {
      if (rows.length === 0) {
        out.write('No alerts.\n');
        return flushed(out);
      }
      const widths = columnWidths(rows, opts.columns ?? DEFAULT_COLUMNS);
      const table = new Table({
        head: HEAD.map((h) => c.bold(h)),
        style: { head: [], border: [] },
        colWidths: widths.map((w) => w + 2),
        wordWrap: false,
      });
      for (const row of rows) {
        const fitted = row.map((cell, i) => truncate(cell, widths[i]!));
        fitted[1] = paintSeverity(c, fitted[1]!);
        table.push(fitted);
      }
      out.write(table.toString() + '\n');
      return flushed(out);
    },
  };
}

function cells(alert: Alert, lookup: WriterOptions['lookup']): string[] {
  const docs = alert.events.map((e) => e.source);
  const first = (path: string) => docs.map((d) => show(lookup(d, path))).find((v) => v !== '') ?? '';
  const last = (path: string) => docs.map((d) => show(lookup(d, path))).reverse().find((v) => v !== '') ?? '';
  const name = first('process.name');
  const pid = first('process.pid');
  const ip = last('destination.ip');
  const port = last('destination.port');
  const destination = ip ? (ip.includes(':') && port ? `[${ip}]:${port}` : port ? `${ip}:${port}` : ip) : last('dns.question.name');
  return [
    alert.timestamp,
    alert.rule?.severity ?? '',
    alert.rule?.name ?? 'query match',
    first('host.name') || first('host.hostname'),
    name && pid ? `${name} (${pid})` : name || pid,
    first('process.command_line'),
    destination,
  ].map(escapeControl);
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(show).filter((s) => s !== '').join(', ');
  if (typeof value === 'object') return stringify(value);
  return String(value);
}

/** Every column as wide as its widest cell up to its cap; the command line gets the rest of the terminal. */
function columnWidths(rows: string[][], columns: number): number[] {
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const capped = widths.map((w, i) => (CAPS[i] ? Math.min(w, CAPS[i]!) : w));
  const borders = 3 * HEAD.length + 1;
  const others = capped.reduce((sum, w, i) => (i === 5 ? sum : sum + w), 0);
  capped[5] = Math.min(widths[5]!, Math.max(MIN_COMMAND, columns - others - borders));
  return capped;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + '…';
}

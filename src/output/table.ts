import { StringDecoder } from 'node:string_decoder';
import Table from 'cli-table3';
import type { Alert, ScanSummary } from '../engine/index.js';
import { paintSeverity, palette } from './color.js';
import { escapeControl } from './escape.js';
import { alertFacts } from './fields.js';
import { flushed, memorySpool, pour } from './record.js';
import { displayTime } from './time.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/**
 * Columns in display order. Each gets `min` (cells wrap inside it; the command line is cut
 * with … instead), then spare width in `grow` order up to `max`, then up to its widest cell.
 * `drop` is the order in which columns go when even the minimum widths do not fit (highest
 * first, 0 = never).
 */
interface Column { head: string; min: number; max: number; drop: number; grow: number; cut?: true }
const COLUMNS: Column[] = [
  { head: 'time', min: 10, max: Infinity, drop: 0, grow: 1 },
  { head: 'severity', min: Infinity, max: Infinity, drop: 0, grow: 0 },
  { head: 'rule', min: 18, max: 40, drop: 0, grow: 2 },
  { head: 'host', min: 10, max: 16, drop: 1, grow: 3 },
  { head: 'process', min: 14, max: 26, drop: 4, grow: 7 },
  { head: 'command line', min: 20, max: 40, drop: 3, grow: 6, cut: true },
  { head: 'destination', min: 16, max: 24, drop: 2, grow: 4 },
  { head: 'first event', min: 16, max: 40, drop: 0, grow: 5 },
];
/** Width when stdout is not a terminal and COLUMNS is not set. */
const DEFAULT_COLUMNS = 160;
const MIN_COLUMNS = 80;

/**
 * A human-readable table, one row per alert, printed when the run ends (widths need every
 * row). Rows wait in a spool (a temporary file from the command: bounded memory) with each
 * column's widest cell counted as they come; at the end the table is drawn a row at a time.
 */
export function tableWriter(out: Sink, opts: WriterOptions): ResultWriter {
  const spool = opts.spool?.() ?? memorySpool();
  const natural = COLUMNS.map((col) => col.head.length);
  let count = 0;
  const c = palette(opts.color);
  return {
    write(alert) {
      const row = cells(alert, opts);
      for (let i = 0; i < row.length; i++) if (row[i]!.length > natural[i]!) natural[i] = row[i]!.length;
      spool.write(JSON.stringify(row) + '\n');
      count++;
    },
    async end(_summary: ScanSummary) {
      try {
        if (count === 0) {
          out.write('No alerts.\n');
          return await flushed(out);
        }
        const widths = opts.wide ? natural : fitNatural(natural, Math.max(MIN_COLUMNS, opts.columns ?? DEFAULT_COLUMNS));
        const shown = COLUMNS.map((_, i) => i).filter((i) => widths[i]! > 0);
        const table = (head?: string[]) => new Table({
          ...(head ? { head } : {}),
          style: { head: [], border: [] },
          colWidths: shown.map((i) => widths[i]! + 2),
          wordWrap: false,
        });
        // The head alone gives the top border, the head and the bottom border; each row drawn
        // alone gives its lines between a top and a bottom border; the separator between rows
        // is the top border with its corners and joints turned.
        const frame = table(shown.map((i) => c.bold(COLUMNS[i]!.head))).toString().split('\n');
        const between = frame[0]!.replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
        out.write(frame.slice(0, -1).join('\n') + '\n');
        const draw = (row: string[]) => {
          const t = table();
          t.push(shown.map((i) => {
            const w = widths[i]!;
            const text = COLUMNS[i]!.cut ? truncate(row[i]!, w) : wrap(row[i]!, w).join('\n');
            return i === 1 ? paintSeverity(c, text) : text;
          }));
          const lines = t.toString().split('\n');
          return `${between}\n${lines.slice(1, -1).join('\n')}\n`;
        };
        await pour(out, (async function* () {
          const decoder = new StringDecoder('utf8');
          let rest = '';
          for await (const chunk of spool.read()) {
            const lines = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
            rest = lines.pop()!;
            yield lines.map((l) => draw(JSON.parse(l) as string[])).join('');
          }
        })());
        out.write(frame.at(-1)! + '\n');
      } finally {
        spool.dispose();
      }
      return flushed(out);
    },
  };
}

function cells(alert: Alert, opts: WriterOptions): string[] {
  const f = alertFacts(alert, opts.lookup);
  const time = displayTime(alert.timestamp, opts.timeZone).replace('T', ' ').replace(/\.\d+/, '');
  return [time, alert.rule?.severity ?? '', alert.rule?.name ?? 'query match', f.host, f.process, f.commandLine, f.destination, f.where].map(escapeControl);
}

function naturalWidths(rows: string[][]): number[] {
  return COLUMNS.map((col, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), col.head.length));
}

/**
 * Widths that fit `columns`: every column at its minimum (dropping columns by `drop` while
 * even that overflows), then spare width handed out by `grow` order up to each column's
 * natural width and cap; the command line takes what is left.
 */
export function fitWidths(rows: string[][], columns: number): number[] {
  return fitNatural(naturalWidths(rows), columns);
}

/** fitWidths, given each column's natural width (its widest cell or head). */
function fitNatural(natural: number[], columns: number): number[] {
  const min = COLUMNS.map((col, i) => Math.min(col.min, natural[i]!));
  const visible = new Set(COLUMNS.map((_, i) => i));
  const used = () => [...visible].reduce((sum, i) => sum + min[i]! + 3, 1);
  const byDrop = COLUMNS.map((col, i) => ({ col, i })).filter((x) => x.col.drop > 0).sort((a, b) => b.col.drop - a.col.drop);
  for (const { i } of byDrop) {
    if (used() <= columns) break;
    visible.delete(i);
  }
  const widths = COLUMNS.map((_, i) => (visible.has(i) ? min[i]! : 0));
  let spare = columns - used();
  const byGrow = [...visible].sort((a, b) => COLUMNS[a]!.grow - COLUMNS[b]!.grow);
  for (const pass of [(i: number) => Math.min(natural[i]!, COLUMNS[i]!.max), (i: number) => natural[i]!]) {
    for (const i of byGrow) {
      const add = Math.max(0, Math.min(spare, pass(i) - widths[i]!));
      widths[i]! += add;
      spare -= add;
    }
  }
  return widths;
}

/** An escape written by escapeControl (`\x1b`, `\u{202e}`, `\n`): a line break must not split one. */
const ESCAPE = /\\(?:x[0-9a-f]{2}|u\{[0-9a-f]+\}|[nrt])/g;

const MAX_CELL_LINES = 40;

/** Cut positions that would split an escape. */
function insideEscapes(text: string): Set<number> {
  const inside = new Set<number>();
  for (const m of text.matchAll(ESCAPE)) for (let k = m.index + 1; k < m.index + m[0].length; k++) inside.add(k);
  return inside;
}

/**
 * Lines of at most `width` characters, broken after a space, slash, backslash or comma when
 * one is near, never inside an escape sequence (unless one is wider than the column).
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  // A cell shows at most MAX_CELL_LINES lines: a huge value must not cost time quadratic in its length.
  let rest = text.length > width * MAX_CELL_LINES ? `${text.slice(0, width * MAX_CELL_LINES - 1)}…` : text;
  while (rest.length > width) {
    const inside = insideEscapes(rest);
    let cut = width;
    while (inside.has(cut) && cut > 1) cut--;
    if (cut === 1 && inside.has(cut)) cut = width;
    for (let k = rest[width] === ' ' ? 0 : width; k > width / 3; k--) {
      if (' /\\,'.includes(rest[k - 1]!) && !inside.has(k)) {
        cut = k;
        break;
      }
    }
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + '…';
}

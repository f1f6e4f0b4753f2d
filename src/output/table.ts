import { StringDecoder } from 'node:string_decoder';
import Table from 'cli-table3';
import type { Alert, ScanSummary } from '../engine/index.js';
import { paintSeverity, palette } from './color.js';
import { escapeControl } from './escape.js';
import { alertFacts, ruleLabel } from './fields.js';
import { flushed, memorySpool, pour, type Spool } from './record.js';
import { displayTime } from './time.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/**
 * Columns in display order. Each gets `min` (cells wrap inside it; the command line is cut
 * with … instead), then spare width in `grow` order up to `max`, then up to its widest cell.
 * `drop` is the order in which columns go when even the minimum widths do not fit (highest
 * first, 0 = never).
 */
interface Column { head: string; min: number; max: number; drop: number; grow: number; cut?: true; keepEnd?: true }
const COLUMNS: Column[] = [
  { head: 'time', min: 10, max: Infinity, drop: 0, grow: 1 },
  { head: 'severity', min: Infinity, max: Infinity, drop: 0, grow: 0 },
  { head: 'rule', min: 18, max: 40, drop: 0, grow: 2 },
  { head: 'host', min: 10, max: 16, drop: 1, grow: 3 },
  { head: 'process', min: 14, max: 26, drop: 4, grow: 7 },
  { head: 'command line', min: 20, max: 40, drop: 3, grow: 6, cut: true },
  { head: 'destination', min: 16, max: 24, drop: 2, grow: 4 },
  { head: 'first event', min: 18, max: 40, drop: 0, grow: 5, keepEnd: true },
];
/** Width when stdout is not a terminal and COLUMNS is not set. */
const DEFAULT_COLUMNS = 160;
const MIN_COLUMNS = 80;
/** A column's minimum grows to its longest word up to this (a longer word is cut with …). */
const WORD_MIN = 24;
/** Row text held in memory before it is sorted and spooled as one run (bounded memory). */
const RUN_BYTES = 8 << 20;
/** Where a cell may wrap: after a space, slash, backslash or comma. */
const BREAKS = ' /\\,';

/** A spooled row: its sort key (first-event time in ms, NaN last), arrival number, cells. */
type Held = [number | null, number, string[]];

/**
 * A human-readable table, one row per alert, sorted by the alert's first-event time (ties in
 * arrival order), printed when the run ends (widths need every row). Rows are held in
 * memory up to RUN_BYTES, then sorted and written as a run to a spool (a temporary file from
 * the command), so memory stays bounded; at the end the runs are merged and the table drawn
 * a row at a time. Paths are shown relative to the folder the inputs share (issue #26).
 */
export function tableWriter(out: Sink, opts: WriterOptions, runBytes = RUN_BYTES): ResultWriter {
  const stats = columnStats(false);
  const base = opts.pathBase ?? '';
  let held: Held[] = [];
  let heldBytes = 0;
  const runs: Spool[] = [];
  let count = 0;
  const c = palette(opts.color);
  const spill = () => {
    const run = opts.spool?.() ?? memorySpool();
    held.sort(byTime);
    for (const h of held) run.write(JSON.stringify(h) + '\n');
    runs.push(run);
    held = [];
    heldBytes = 0;
  };
  return {
    write(alert) {
      const row = cells(alert, opts, base);
      measure(stats, row);
      const ms = Date.parse(alert.timestamp);
      held.push([Number.isNaN(ms) ? null : ms, count++, row]);
      heldBytes += row.reduce((n, cell) => n + cell.length + 4, 16);
      if (heldBytes >= runBytes) spill();
    },
    async end(_summary: ScanSummary) {
      try {
        if (count === 0) {
          out.write('No alerts.\n');
          return await flushed(out);
        }
        const widths = opts.wide ? stats.map(({ col, i, natural }) => ({ col, i, width: natural })) : fitNatural(stats, Math.max(MIN_COLUMNS, opts.columns ?? DEFAULT_COLUMNS));
        const shown = widths.filter((s) => s.width > 0);
        const table = (head?: string[]) => new Table({
          ...(head ? { head } : {}),
          style: { head: [], border: [] },
          colWidths: shown.map((s) => s.width + 2),
          wordWrap: false,
        });
        // The head alone gives the top border, the head and the bottom border; each row drawn
        // alone gives its lines between a top and a bottom border; the separator between rows
        // is the top border with its corners and joints turned.
        // The last column's head names the folder its paths are relative to, on a second line.
        const head = ({ col, i, width }: Fitted) => (i === COLUMNS.length - 1 && base ? `${col.head}\n${tail(`in ${escapeControl(base)}`, width)}` : col.head);
        const frame = table(shown.map((s) => head(s).split('\n').map((l) => c.bold(l)).join('\n'))).toString().split('\n');
        const bottom = frame.pop() ?? '';
        const between = (frame[0] ?? '').replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
        out.write(frame.join('\n') + '\n');
        const draw = (row: string[]) => {
          const t = table();
          t.push(shown.map(({ col, i, width }) => {
            const cell = row[i] ?? '';
            const text = col.cut ? truncate(cell, width) : wrap(cell, width, col.keepEnd).join('\n');
            return i === 1 ? paintSeverity(c, text) : text;
          }));
          const lines = t.toString().split('\n');
          return `${between}\n${lines.slice(1, -1).join('\n')}\n`;
        };
        let rows: AsyncIterable<Held>;
        if (runs.length === 0) {
          held.sort(byTime);
          const all = held;
          held = [];
          rows = (async function* () { yield* all; })();
        } else {
          if (held.length) spill();
          rows = merge(runs.map(readRun));
        }
        await pour(out, (async function* () {
          let batch: string[] = [];
          for await (const h of rows) {
            batch.push(draw(h[2]));
            if (batch.length >= 256) {
              yield batch.join('');
              batch = [];
            }
          }
          if (batch.length) yield batch.join('');
        })());
        out.write(bottom + '\n');
      } finally {
        for (const r of runs) r.dispose();
      }
      return flushed(out);
    },
  };
}

/** Earlier first-event time first, times that do not parse last, then arrival order. */
function byTime(a: Held, b: Held): number {
  if (a[0] !== b[0]) {
    if (a[0] === null) return 1;
    if (b[0] === null) return -1;
    return a[0] - b[0];
  }
  return a[1] - b[1];
}

/** The rows of one spooled run, in order. */
async function* readRun(run: Spool): AsyncGenerator<Held> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of run.read()) {
    const lines = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l) yield JSON.parse(l) as Held;
  }
  rest += decoder.end();
  if (rest) yield JSON.parse(rest) as Held;
}

/** The sorted runs merged into one sorted sequence (a run's rows are few open files at once: one per run). */
async function* merge(sources: AsyncGenerator<Held>[]): AsyncGenerator<Held> {
  const heads = await Promise.all(sources.map(async (source) => ({ source, next: await source.next() })));
  for (;;) {
    let best: { head: (typeof heads)[number]; value: Held } | undefined;
    for (const head of heads) {
      const { next } = head;
      if (!next.done && (best === undefined || byTime(next.value, best.value) < 0)) best = { head, value: next.value };
    }
    if (best === undefined) return;
    yield best.value;
    best.head.next = await best.head.source.next();
  }
}

/** The longest run of characters a cell cannot wrap inside. */
function longestToken(text: string): number {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    if (BREAKS.includes(ch)) {
      run = 0;
      continue;
    }
    if (++run > longest) longest = run;
  }
  return longest;
}

function cells(alert: Alert, opts: WriterOptions, base = ''): string[] {
  const f = alertFacts(alert, opts.lookup);
  const time = displayTime(alert.timestamp, opts.timeZone).replace('T', ' ').replace(/\.\d+/, '');
  const where = base && f.where.startsWith(base) ? f.where.slice(base.length) : f.where;
  return [time, alert.rule?.severity ?? '', ruleLabel(alert.rule), f.host, f.process, f.commandLine, f.destination, where].map(escapeControl);
}

/** What the rows so far ask of one column: its widest cell (or head), its longest word, whether some row fills it. */
interface ColumnStat { col: Column; i: number; natural: number; token: number; filled: boolean }
/** A column with the width it is given (0: left out). */
interface Fitted { col: Column; i: number; width: number }

function columnStats(filled: boolean): ColumnStat[] {
  return COLUMNS.map((col, i) => ({ col, i, natural: col.head.length, token: 0, filled }));
}

/** Takes one row of cells (one per column, in COLUMNS order) into the stats. */
function measure(stats: ColumnStat[], row: string[]): void {
  for (const s of stats) {
    const cell = row[s.i] ?? '';
    if (cell.length > s.natural) s.natural = cell.length;
    // Columns with some value: one no alert fills is left out (its width goes to the others).
    if (cell !== '') s.filled = true;
    const longest = longestToken(cell);
    if (longest > s.token) s.token = longest;
  }
}

/**
 * Widths that fit `columns`: every column at its minimum (dropping columns by `drop` while
 * even that overflows), then spare width handed out by `grow` order up to each column's
 * natural width and cap; the command line takes what is left.
 */
export function fitWidths(rows: string[][], columns: number): number[] {
  const stats = columnStats(true);
  for (const row of rows) measure(stats, row);
  return fitNatural(stats, columns).map((f) => f.width);
}

/**
 * fitWidths, given each column's natural width (its widest cell or head) and its longest word:
 * spare width first makes each column that wraps as wide as its longest word (up to WORD_MIN),
 * so words stay whole where the width allows.
 */
function fitNatural(stats: ColumnStat[], columns: number): Fitted[] {
  const cols = stats.map(({ col, i, natural, token, filled }) => ({
    col,
    i,
    natural,
    min: Math.min(col.min, natural),
    // Spare width goes first to whole words (a column's longest, up to WORD_MIN), then as before.
    word: Math.min(natural, col.cut ? col.min : Math.max(col.min, Math.min(token, col.max, WORD_MIN))),
    visible: col.drop === 0 || filled,
    width: 0,
  }));
  const used = () => cols.reduce((sum, c) => (c.visible ? sum + c.min + 3 : sum), 1);
  const byDrop = cols.filter((c) => c.col.drop > 0).sort((a, b) => b.col.drop - a.col.drop);
  for (const c of byDrop) {
    if (used() <= columns) break;
    c.visible = false;
  }
  const visible = cols.filter((c) => c.visible);
  for (const c of visible) c.width = c.min;
  let spare = columns - used();
  const byGrow = visible.sort((a, b) => a.col.grow - b.col.grow);
  // The time first (one line, not wrapped), then whole words, then each column up to its cap, then past it.
  type Col = (typeof cols)[number];
  const first = (c: Col) => (c.col.grow === 1 ? Math.min(c.natural, c.col.max) : 0);
  for (const pass of [first, (c: Col) => c.word, (c: Col) => Math.min(c.natural, c.col.max), (c: Col) => c.natural]) {
    for (const c of byGrow) {
      const add = Math.max(0, Math.min(spare, pass(c) - c.width));
      c.width += add;
      spare -= add;
    }
  }
  return cols;
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
 * Lines of at most `width` characters, broken after a space, slash, backslash or comma,
 * never inside a word or an escape sequence: a word wider than the column is cut short with
 * … and the text goes on after it (issue #26: `151.101.0.133:44` / `3` no more); with
 * `keepEnd` the word's end is kept instead (a file name's `:line`).
 */
export function wrap(text: string, width: number, keepEnd = false): string[] {
  const lines: string[] = [];
  // A cell shows at most MAX_CELL_LINES lines: a huge value must not cost time quadratic in its length.
  let rest = text.length > width * MAX_CELL_LINES ? `${text.slice(0, width * MAX_CELL_LINES - 1)}…` : text;
  while (rest.length > width) {
    const inside = insideEscapes(rest);
    let cut = 0;
    for (let k = rest[width] === ' ' ? 0 : width; k >= 1; k--) {
      if (BREAKS.includes(rest.charAt(k - 1)) && !inside.has(k)) {
        cut = k;
        break;
      }
    }
    if (rest[width] === ' ' && cut === 0) cut = width;
    if (cut > 0) {
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
      continue;
    }
    // One word wider than the column: its start with a marker (not cutting an escape), then
    // what follows it; unless that would hide an escape (hostile text stays visible): then the
    // word is split, between escapes.
    let keep = Math.max(0, width - 1);
    while (inside.has(keep) && keep > 0) keep--;
    let end = keep;
    while (end < rest.length && !BREAKS.includes(rest.charAt(end))) end++;
    // The separator after the word goes with it (not alone on the next line).
    if (end < rest.length && rest[end] !== ' ') end++;
    if (new RegExp(ESCAPE.source).test(rest.slice(keep, end + 12))) {
      let split = width;
      while (inside.has(split) && split > 1) split--;
      if (split === 1 && inside.has(split)) split = width;
      lines.push(rest.slice(0, split));
      rest = rest.slice(split);
      continue;
    }
    if (keepEnd && !new RegExp(ESCAPE.source).test(rest.slice(0, end))) lines.push(`…${rest.slice(Math.max(0, end - Math.max(0, width - 1)), end)}`);
    else lines.push(`${rest.slice(0, keep)}…`);
    rest = rest.slice(end).replace(/^ +/, '');
  }
  if (rest !== '' || lines.length === 0) lines.push(rest);
  return lines;
}

/** The end of a text that fits `width`, with … before it when cut (a path's last folders say most). */
function tail(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - Math.max(0, width - 1))}`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + '…';
}

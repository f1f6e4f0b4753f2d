import { csvWriter } from './csv.js';
import { htmlWriter } from './html.js';
import { jsonWriter } from './json.js';
import { markdownWriter } from './markdown.js';
import { ndjsonWriter } from './ndjson.js';
import { tableWriter } from './table.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

export const FORMATS = ['table', 'ndjson', 'json', 'csv', 'html', 'markdown'] as const;
export type FormatName = (typeof FORMATS)[number];

const FACTORIES: Record<FormatName, (out: Sink, opts: WriterOptions) => ResultWriter> = {
  table: tableWriter,
  ndjson: ndjsonWriter,
  json: jsonWriter,
  csv: csvWriter,
  html: htmlWriter,
  markdown: markdownWriter,
};

/** The format an `-o` file name asks for, by extension (case-insensitive). */
export const EXTENSIONS: Readonly<Record<string, FormatName>> = {
  '.csv': 'csv', '.html': 'html', '.htm': 'html', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.md': 'markdown',
};

export function createWriter(format: FormatName, out: Sink, opts: WriterOptions): ResultWriter {
  return FACTORIES[format](out, opts);
}

export { useColor } from './color.js';
export { clip, escapeControl, escapeJsonText, safe, stringify, terminalText } from './escape.js';
export { formatExplanation } from './explain.js';
export { formatJunit } from './junit.js';
export { createProgress, type Progress } from './progress.js';
export { formatBytes, formatInputTrouble, formatProblem, formatSummary } from './summary.js';
export { validTimeZone } from './time.js';
export { formatProcessTree, processTreeRecord } from './tree.js';
export type { ReportedAlert, ResultWriter, RunInfo, WriterOptions } from './types.js';
export type { Spool } from './record.js';

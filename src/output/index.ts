import { jsonWriter } from './json.js';
import { ndjsonWriter } from './ndjson.js';
import { tableWriter } from './table.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

export const FORMATS = ['table', 'ndjson', 'json'] as const;
export type FormatName = (typeof FORMATS)[number];

const FACTORIES: Record<FormatName, (out: Sink, opts: WriterOptions) => ResultWriter> = {
  table: tableWriter,
  ndjson: ndjsonWriter,
  json: jsonWriter,
};

export function createWriter(format: FormatName, out: Sink, opts: WriterOptions): ResultWriter {
  return FACTORIES[format](out, opts);
}

export { useColor } from './color.js';
export { escapeControl, escapeJsonText, stringify } from './escape.js';
export { formatBytes, formatProblem, formatSummary } from './summary.js';
export type { ResultWriter, WriterOptions } from './types.js';
export { formatJunit } from './junit.js';
export { formatExplanation } from './explain.js';

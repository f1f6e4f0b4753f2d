import type { Alert, ScanSummary } from '../engine/index.js';

/** One output format: results go to `write` as they are final, `end` flushes after the last. */
export interface ResultWriter {
  write(alert: Alert): void;
  end(summary: ScanSummary): Promise<void>;
}

export interface WriterOptions {
  color: boolean;
  /** Terminal width, when writing to one. */
  columns?: number;
  /** Reads a field of an event's source document (dotted or nested), for formats that show fields. */
  lookup: (doc: unknown, path: string) => unknown;
}

export type Sink = NodeJS.WritableStream;

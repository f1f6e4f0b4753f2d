import type { Alert, RuleMeta, ScanSummary } from '../engine/index.js';
import type { ProcessTree } from '../tree/index.js';
import type { Spool } from './record.js';

/** One output format: results go to `write` as they are final, `end` flushes after the last. */
export interface ResultWriter {
  write(alert: ReportedAlert): void;
  end(summary: ScanSummary): Promise<void>;
}

/** An alert as writers get it: with its process tree when the run built trees (html, --process-trees). */
export type ReportedAlert = Alert & { processTree?: ProcessTree };

/** What a report says about the run besides the alerts. */
export interface RunInfo {
  version: string;
  /** Inputs as given on the command line. */
  inputs: string[];
  /** Absent for `lolhunt query`. */
  ruleSet?: {
    paths: string[];
    /** Rules loaded from the paths. */
    loaded: number;
    /** Deprecated rules left out, rules the selection options left out. */
    deprecated: number;
    /** Building-block rules left out (absent: none). */
    buildingBlocks?: number;
    filtered: number;
    /** The rules that ran. */
    rules: RuleMeta[];
  };
}

export interface WriterOptions {
  color: boolean;
  /** Terminal width, when writing to one. */
  columns?: number;
  /** Reads a field of an event's source document (dotted or nested), for formats that show fields. */
  lookup: (doc: unknown, path: string) => unknown;
  /** IANA zone for displayed times (table, markdown, html); UTC when absent. */
  timeZone?: string;
  /** Table: every column at full width, even past the terminal. */
  wide?: boolean;
  /** Table: the folder the inputs share (with its trailing slash); paths are shown below it. */
  pathBase?: string;
  run?: RunInfo;
  /** Where a format that writes its alerts after the summary (json) holds them meanwhile; in memory when absent. */
  spool?: () => Spool;
}

export type Sink = NodeJS.WritableStream;

/** What the process tree of an alert shows of one process: its start event, as far as the inputs hold it. */
export interface ProcessInfo {
  entityId?: string;
  pid?: number;
  host?: string;
  name?: string;
  executable?: string;
  commandLine?: string;
  /** `DOMAIN\name`, or the name alone. */
  user?: string;
  /** ISO-8601 UTC time of the start event. */
  start?: string;
  /** Where the start event is, in the alerts' `file:line` terms (absent: no start event was read). */
  file?: string;
  line?: number;
}

/** The kinds of a process's own events a tree counts. */
export const EVENT_KINDS = ['network', 'dns', 'file', 'registry'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One event of a process, as listed under it. */
export interface EventSample {
  timestamp: string;
  file: string;
  line: number;
  /** What it touched: `ip:port`, the DNS name, the file or registry path. */
  target: string;
}

/** How many events of one kind a process had, and the earliest few. */
export interface EventTally {
  count: number;
  first: EventSample[];
}

/** An alert's process with its parents (nearest first, up to the root the inputs hold) and children. */
export interface ProcessTree {
  process: ProcessInfo & { events: Record<EventKind, EventTally> };
  ancestry: ProcessInfo[];
  children: ProcessInfo[];
  /** Children past the listed ones. */
  moreChildren: number;
  /** What could not be resolved, in words ("parent not found in the inputs: …"). */
  unresolved: string[];
}

/**
 * How an alert names its process: an entity id (Elastic Defend's `process.entity_id`, Sysmon's
 * ProcessGuid), else a pid on a host at a time (the latest start of that pid at or before it).
 */
export interface ProcessRef {
  entityId?: string;
  host: string;
  pid?: number;
  /** Epoch ms; Infinity: the pid's last start. */
  at: number;
}

import type { FieldValue } from '../eql/index.js';
import type { RuleMeta } from '../rules/index.js';

/** One event of a result, with its provenance. */
export interface MatchedEvent {
  /** Path as the user gave it (or '-' for stdin). */
  file: string;
  /** 1-based line in that file (for JSON-array files: the element number). */
  line: number;
  /** Normalised ISO-8601 UTC timestamp. */
  timestamp: string;
  /** The original document, as read; null for a missing-event placeholder. */
  source: unknown;
  /** The event's JSON text: the original line as written (NDJSON), or the re-serialised element of a JSON-array file. */
  raw?: string;
  /** The line's bytes were not valid UTF-8, so `raw` holds U+FFFD in their place and is not the line byte for byte. */
  invalidUtf8?: true;
  /** Set on the placeholder for a `![...]` step (no document). */
  missing?: true;
}

/** One completed sequence, or one event for an event query. */
export interface Alert {
  /** Absent for ad-hoc `lolhunt query`. */
  rule?: RuleMeta;
  joinKeys: FieldValue[];
  /** Timestamp of the first event. */
  timestamp: string;
  events: MatchedEvent[];
  /** Every field the query reads: what a report shows as "the fields that matched". */
  fields: string[];
}

/** One problem with the input: a skipped line or an unreadable file. */
export interface InputProblem {
  /** A skipped line, or a file (or the rest of one) that could not be read. */
  kind: 'line' | 'file';
  file: string;
  line?: number;
  reason: string;
}

/** What one input gave: events, skipped lines, document shapes (issue #13). */
export interface InputCoverage {
  file: string;
  events: number;
  badLines: number;
  /** Events per document shape (`ecs`, `sysmon-flat`, ...). */
  shapes: Record<string, number>;
  /** How bare-number timestamps were read, told apart by magnitude. */
  epoch?: string[];
}

/** Why a rule could not have fired: none of these fields occurred, or no event was of this category. */
export type RuleWarning = { rule: string; fields: string[] } | { rule: string; category: string };

export interface ScanSummary {
  files: number;
  bytes: number;
  /** Lines read as events: parsed events, plus the lines in `unparsed`. */
  events: number;
  /** Lines the prefilter skipped unparsed: no step of any rule can match them. */
  unparsed: number;
  badLines: number;
  /** Problems with a file as a whole (unreadable, truncated gzip). */
  fileErrors: number;
  /** First problems, in input order (all are counted in badLines/fileErrors). */
  problems: InputProblem[];
  /** Bad lines per kind of reason ("invalid JSON", "not a JSON object", ...), largest first. */
  badLinesByReason: { key: string; count: number }[];
  /** Events per category and per host (host.name, else host.hostname, else "(none)"), largest first. */
  eventsByCategory: { key: string; count: number }[];
  eventsByHost: { key: string; count: number }[];
  /** Windows event-log events no map gave a category, per "channel event-id", largest first. */
  eventsUnmapped?: { key: string; count: number }[];
  /** Events left out by the host filter. */
  hostFiltered: number;
  /** The time window as resolved (ISO-8601 UTC), and matching events left out by it. */
  window?: { from?: string; to?: string; outside: number };
  /** Alerts per rule name, for every rule that ran (zero included), in rule order. */
  alertsByRule: { name: string; severity: string; count: number; rule?: RuleMeta }[];
  alerts: number;
  elapsedMs: number;
  /** Peak resident set size of the process. */
  peakRssBytes: number;
  /** Threads that read and matched (`--threads`, `auto` resolved). */
  threads: number;
  /** Per input, in order. */
  inputs: InputCoverage[];
  /** Events per document shape, over all inputs. */
  shapes: Record<string, number>;
  /** Were Windows event-log shapes mapped to ECS (false with `--no-normalize`)? */
  normalized: boolean;
  /** Coverage problems worth a word (no timestamp field, no field the rules read). */
  warnings: string[];
  /** The per-file lines behind a folded warning ("75 files: …"), shown with --verbose. */
  warningDetails?: string[];
  ruleWarnings: RuleWarning[];
  /** Files left out of scanned folders (other extensions), as found. */
  skippedFiles: string[];
  /** Sequences that matched every step of a key but made no alert (reports/near-misses.ts); absent when no sequence rule ran. */
  nearMisses?: NearMisses;
}

/** Keys of sequence rules whose events satisfied every step, but out of order or just past maxspan. */
export interface NearMisses {
  outOfOrder: number;
  outsideMaxspan: number;
  /** outside-maxspan counts spans above maxspan up to this many times it. */
  margin: number;
  /** The first few, by the time of their first event, then rule order, then key. */
  listed: NearMissReport[];
}

export interface NearMissReport {
  /** The rule's name, as `explain` takes it. */
  rule: string;
  /** Join key values as text, as `explain --key` takes them (one per field). */
  key: string[];
  kind: 'out-of-order' | 'outside-maxspan';
  /** outside-maxspan: the shortest span first to last, and the rule's maxspan (ms). */
  spanMs?: number;
  maxspanMs?: number;
  /** out-of-order: the first event of each step, in step order; outside-maxspan: the first and last of the chain. */
  events: { file: string; line: number; timestamp: string }[];
}

/** Progress of a running scan, reported after every batch of lines. */
export interface ScanProgress {
  bytes: number;
  events: number;
  /** Events some rule step can use. */
  candidates: number;
  filesDone: number;
}

/** One end of a time window: an absolute time, or a span before the newest event read. */
export type TimeBound = { at: number } | { beforeNewest: number };

export type { RuleMeta };

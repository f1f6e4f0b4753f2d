import type { RuleMeta, ScanSummary } from '../engine/index.js';
import { bySeverity, techniquesSeen } from './fields.js';
import { explainCommand } from './near-misses.js';
import type { RunInfo } from './types.js';

/** The documented machine-readable summary of a run (json format); key order is part of the contract. */
export function summaryRecord(s: ScanSummary, run: RunInfo | undefined): Record<string, unknown> {
  const seconds = s.elapsedMs / 1000;
  return {
    inputs: run?.inputs ?? [],
    files: s.files,
    bytes: s.bytes,
    events: s.events,
    bad_lines: s.badLines,
    bad_lines_by_reason: Object.fromEntries(s.badLinesByReason.map((r) => [r.key, r.count])),
    file_errors: s.fileErrors,
    problems: s.problems.map((p) => ({ file: p.file, ...(p.line === undefined ? {} : { line: p.line }), reason: p.reason })),
    host_filtered: s.hostFiltered,
    ...(s.window ? { window: s.window } : {}),
    events_by_category: Object.fromEntries(s.eventsByCategory.map((r) => [r.key, r.count])),
    ...(s.eventsUnmapped?.length ? { events_unmapped: Object.fromEntries(s.eventsUnmapped.map((r) => [r.key, r.count])) } : {}),
    events_by_host: Object.fromEntries(s.eventsByHost.map((r) => [r.key, r.count])),
    alerts: s.alerts,
    alerts_by_severity: Object.fromEntries(bySeverity(s).map((r) => [r.severity, r.count])),
    techniques: techniquesSeen(s),
    ...(s.nearMisses ? nearMissRecord(s, run) : {}),
    shapes: s.shapes,
    normalized: s.normalized,
    per_file: s.inputs.map((i) => ({ file: i.file, events: i.events, bad_lines: i.badLines, shapes: i.shapes, ...(i.epoch ? { epoch: i.epoch } : {}) })),
    skipped_files: s.skippedFiles,
    warnings: s.warnings,
    rule_warnings: s.ruleWarnings.map((w) => ({ ...w })),
    rule_set: run?.ruleSet
      ? { paths: run.ruleSet.paths, loaded: run.ruleSet.loaded, ran: run.ruleSet.rules.length, deprecated_skipped: run.ruleSet.deprecated, filtered_out: run.ruleSet.filtered }
      : null,
    elapsed_ms: Math.round(s.elapsedMs),
    events_per_second: seconds > 0 ? Math.round(s.events / seconds) : 0,
    bytes_per_second: seconds > 0 ? Math.round(s.bytes / seconds) : 0,
    peak_rss_bytes: s.peakRssBytes,
    threads: s.threads,
  };
}

/** The near misses: the first few (with the explain command for each), and how many of each kind. */
function nearMissRecord(s: ScanSummary, run: RunInfo | undefined): Record<string, unknown> {
  const n = s.nearMisses!;
  return {
    near_misses: n.listed.map((m) => ({
      rule: m.rule, key: m.key, kind: m.kind, ...(m.spanMs === undefined ? {} : { span_ms: m.spanMs, maxspan_ms: m.maxspanMs }),
      events: m.events.map((e) => `${e.file}:${e.line}`), explain: explainCommand(m, run),
    })),
    near_misses_total: { out_of_order: n.outOfOrder, outside_maxspan: n.outsideMaxspan, margin: n.margin },
  };
}

/** Every rule that ran, with its alert count, in rule order. */
export function rulesRecord(s: ScanSummary): Record<string, unknown>[] {
  return s.alertsByRule.filter((r) => r.rule).map((r) => {
    const m = r.rule as RuleMeta;
    return { id: m.id, name: m.name, severity: m.severity, risk_score: m.riskScore, tags: m.tags, threat: m.threat, alerts: r.count };
  });
}

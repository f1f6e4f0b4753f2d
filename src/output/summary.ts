import type { InputProblem, ScanSummary } from '../engine/index.js';
import { paintSeverity, palette } from './color.js';
import { clip, escapeControl } from './escape.js';
import { bySeverity, firedRules, ruleLabel, techniquesSeen } from './fields.js';
import { formatNearMisses } from './near-misses.js';
import { displayTime } from './time.js';
import type { RunInfo } from './types.js';

/** Input problems, rules with alerts and coverage warnings listed without --verbose (issue #26). */
const PROBLEMS_SHOWN = 3;
const FIRED_SHOWN = 5;
const WARNINGS_SHOWN = 5;

/** Keys listed on a per-category/per-host line before "N more". */
const TOP = 6;
/** ATT&CK technique ids listed before "N more". */
const MAX_TECHNIQUES = 20;

/** Characters of a whole summary line (a warning quoting its input) before it is clipped. */
const MAX_LINE = 1000;

/** An input value (a host, file or rule name) as the summary shows it: clipped with a marker, escaped. */
const showValue = (text: string) => escapeControl(clip(text));

/** `file:line: reason`, safe for a terminal; a long file name or reason is clipped. */
export function formatProblem(p: InputProblem): string {
  const where = p.line === undefined ? clip(p.file) : `${clip(p.file)}:${p.line}`;
  return escapeControl(`${where}: ${clip(p.reason, MAX_LINE)}`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "12 alerts (2 high, 5 medium, 5 low)": the line -q and exit 3 still print. */
function formatQuietLine(s: ScanSummary): string {
  const parts = bySeverity(s).map((x) => `${x.count} ${x.severity}`);
  return `${plural(s.alerts, 'alert')}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** The last line of a run that ends in exit 3: what went wrong, and the alerts found all the same. */
export function formatInputTrouble(s: ScanSummary): string {
  return `input problems (exit 3): ${plural(s.fileErrors, 'file error')}, ${plural(s.badLines, 'bad line')}; results may be incomplete; ${formatQuietLine(s)} found`;
}

/** Channel and event-id pairs named on the "unmapped" line before "N more" (--verbose: all). */
const UNMAPPED_TOP = 4;

/** "a 3, b 2, 4 more": the largest counts first. */
function topList(rows: { key: string; count: number }[], top = TOP): string {
  const shown = rows.slice(0, top).map((r) => `${showValue(r.key)} ${r.count}`);
  return `${shown.join(', ')}${rows.length > top ? `, ${rows.length - top} more` : ''}`;
}

/**
 * The end-of-run report for stderr, in blocks: input problems; what was read; what ran and
 * what fired (rules without alerts as one line); coverage and warnings (issue #13); cost.
 */
export function formatSummary(s: ScanSummary, opts: { color: boolean; verbose?: boolean; run?: RunInfo; timeZone?: string }): string {
  const c = palette(opts.color);
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(12)} ${value}`);

  // Without --verbose the summary stays short on any input (issue #26): a few of each list.
  const problems = opts.verbose ? s.problems : s.problems.slice(0, PROBLEMS_SHOWN);
  for (const p of problems) lines.push(c.yellow(`lolhunt: ${formatProblem(p)}`));
  const hidden = s.badLines + s.fileErrors - problems.length;
  if (hidden > 0) lines.push(c.yellow(`lolhunt: … and ${hidden} more input problem${hidden === 1 ? '' : 's'} (counted below)`));

  row('files', `${s.files} (${formatBytes(s.bytes)})`);
  row('events', s.unparsed ? `${s.events} (${s.unparsed} not parsed: no rule can match them)` : String(s.events));
  if (s.eventsByCategory.length) row('categories', topList(s.eventsByCategory));
  // Windows events no map gave a category: which channels and ids (all of them with --verbose).
  const unmapped = s.eventsUnmapped ?? [];
  if (unmapped.length) row('unmapped', `${unmapped.reduce((n, r) => n + r.count, 0)} Windows events without a category: ${topList(unmapped, opts.verbose ? unmapped.length : UNMAPPED_TOP)}${unmapped.length > UNMAPPED_TOP && !opts.verbose ? ' (--verbose lists all)' : ''}`);
  row('hosts', `${s.eventsByHost.length}${s.eventsByHost.length ? `: ${topList(s.eventsByHost)}` : ''}`);
  row('bad lines', s.badLines ? c.yellow(String(s.badLines)) : '0');
  if (s.badLinesByReason.length) row('bad reasons', c.yellow(topList(s.badLinesByReason)));
  row('file errors', s.fileErrors ? c.red(String(s.fileErrors)) : '0');
  if (s.hostFiltered) row('host filter', `${s.hostFiltered} events of other hosts left out`);
  if (s.window) {
    // In the --tz zone, as the table shows its times (issue #26).
    const at = (t: string | undefined) => (t === undefined ? '…' : displayTime(t, opts.timeZone));
    row('window', `${at(s.window.from)} to ${at(s.window.to)} (${plural(s.window.outside, 'matching event')} outside left out)`);
  }

  const set = opts.run?.ruleSet;
  if (set) {
    const out = [set.deprecated ? `${set.deprecated} deprecated` : '', set.buildingBlocks ? `${set.buildingBlocks} building blocks: --building-blocks runs them` : '', set.filtered ? `${set.filtered} by selection` : ''].filter(Boolean);
    row('rules', `${set.rules.length} ran${out.length ? ` (left out: ${out.join(', ')})` : ''}`);
  }
  row('alerts', s.alerts ? c.bold(formatQuietLine(s).replace(/ alerts?/, '')) : '0');
  const fired = firedRules(s);
  const width = Math.max(0, ...fired.map((r) => String(r.count).length));
  for (const r of opts.verbose ? fired : fired.slice(0, FIRED_SHOWN)) {
    const severity = r.severity ? paintSeverity(c, r.severity) + ' '.repeat(Math.max(0, 9 - r.severity.length)) : '';
    lines.push(`  ${String(r.count).padStart(width)}  ${severity}${showValue(ruleLabel(r.rule, r.name))}`);
  }
  if (!opts.verbose && fired.length > FIRED_SHOWN) lines.push(`  … ${plural(fired.length - FIRED_SHOWN, 'more rule')} with alerts (--verbose lists them)`);
  const silent = s.alertsByRule.length - fired.length;
  if (silent && fired.length) lines.push(`  ${plural(silent, 'other rule')} ran without alerts`);
  // Ids only here (names are in the reports); a long list is cut, the total kept.
  const techniques = techniquesSeen(s).map((t) => showValue(t.split(' ')[0] ?? t));
  if (techniques.length) {
    const more = techniques.length > MAX_TECHNIQUES ? `, ${techniques.length - MAX_TECHNIQUES} more` : '';
    row('ATT&CK', `${techniques.slice(0, MAX_TECHNIQUES).join(', ')}${more}`);
  }
  lines.push(...formatNearMisses(s.nearMisses, opts.run, opts.verbose));
  lines.push(...formatCoverage(s, opts));

  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? ` · ${Math.round(s.events / seconds)} events/s · ${formatBytes(Math.round(s.bytes / seconds))}/s` : '';
  const threads = s.threads > 1 ? ` · ${s.threads} threads` : '';
  row('elapsed', `${formatElapsed(s.elapsedMs)}${rate}${threads} · peak memory ${formatBytes(s.peakRssBytes)}`);
  return lines.join('\n');
}

const RULE_WARNINGS_SHOWN = 5;

/**
 * What was read and what could not have matched (issue #13): shapes, skipped files,
 * per-input counts with --verbose, coverage warnings.
 */
function formatCoverage(s: ScanSummary, opts: { color: boolean; verbose?: boolean }): string[] {
  const c = palette(opts.color);
  const lines: string[] = [];
  const shapes = Object.entries(s.shapes);
  const asRead = !s.normalized && shapes.some(([k]) => k !== 'ecs') ? ' (not mapped to ECS: --no-normalize)' : '';
  if (shapes.length) lines.push(`${'shapes'.padEnd(12)} ${shapes.map(([k, n]) => `${k} ${n}`).join(', ')}${asRead}`);
  const epoch = s.inputs.filter((f) => f.epoch);
  for (const f of opts.verbose ? epoch : epoch.slice(0, 3)) lines.push(escapeControl(`${clip(f.file)}: epoch timestamps read as ${f.epoch!.join(' and ')} (by magnitude)`));
  if (!opts.verbose && epoch.length > 3) lines.push(`… and ${plural(epoch.length - 3, 'more file')} with epoch timestamps (--verbose lists them)`);
  if (opts.verbose) {
    for (const f of s.inputs) {
      const shape = Object.entries(f.shapes).map(([k, n]) => `${k} ${n}`).join(', ') || 'no events';
      lines.push(escapeControl(`  ${clip(f.file)}: ${plural(f.events, 'event')}, ${plural(f.badLines, 'bad line')} (${shape})`));
    }
  }
  if (s.skippedFiles.length) {
    lines.push(`${'skipped'.padEnd(12)} ${plural(s.skippedFiles.length, 'file')} in folders (not .ndjson, .jsonl, .json(.gz), .evtx or .zip)${opts.verbose ? ':' : '; --verbose names them'}`);
    if (opts.verbose) for (const f of s.skippedFiles) lines.push(`  ${showValue(f)}`);
  }
  const warnings = opts.verbose ? s.warnings : s.warnings.slice(0, WARNINGS_SHOWN);
  for (const w of warnings) lines.push(c.yellow(escapeControl(`warning: ${clip(w, MAX_LINE)}`)));
  if (warnings.length < s.warnings.length) lines.push(c.yellow(`warning: … and ${plural(s.warnings.length - warnings.length, 'more warning')} (--verbose lists them)`));
  if (opts.verbose) for (const w of s.warningDetails ?? []) lines.push(c.yellow(escapeControl(`  ${clip(w, MAX_LINE)}`)));
  const shown = opts.verbose ? s.ruleWarnings : s.ruleWarnings.slice(0, RULE_WARNINGS_SHOWN);
  for (const w of shown) {
    const why = 'category' in w ? `no scanned event is in category ${JSON.stringify(clip(w.category))}` : `no scanned event has ${clip(w.fields.join(' or '), MAX_LINE)}`;
    lines.push(c.yellow(escapeControl(`warning: rule '${clip(w.rule)}' could not have fired: ${why}`)));
  }
  const more = s.ruleWarnings.length - shown.length;
  if (more > 0) lines.push(c.yellow(`warning: … and ${plural(more, 'more rule')} that could not have fired (--verbose lists them)`));
  return lines;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

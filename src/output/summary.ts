import type { InputProblem, ScanSummary } from '../engine/index.js';
import { paintSeverity, palette } from './color.js';
import { escapeControl } from './escape.js';

/** `file:line: reason`, safe for a terminal. */
export function formatProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return escapeControl(`${where}: ${p.reason}`);
}

/** The end-of-run report for stderr: problems first, then counts. */
export function formatSummary(s: ScanSummary, opts: { color: boolean; verbose?: boolean }): string {
  const c = palette(opts.color);
  const lines: string[] = [];
  for (const p of s.problems) lines.push(c.yellow(`lolhunt: ${formatProblem(p)}`));
  const hidden = s.badLines + s.fileErrors - s.problems.length;
  if (hidden > 0) lines.push(c.yellow(`lolhunt: … and ${hidden} more input problem${hidden === 1 ? '' : 's'} (counted below)`));
  const row = (label: string, value: string) => lines.push(`${label.padEnd(12)} ${value}`);
  row('files', `${s.files} (${formatBytes(s.bytes)})`);
  row('events', s.unparsed ? `${s.events} (${s.unparsed} not parsed: no rule can match them)` : String(s.events));
  row('bad lines', s.badLines ? c.yellow(String(s.badLines)) : '0');
  row('file errors', s.fileErrors ? c.red(String(s.fileErrors)) : '0');
  row('alerts', s.alerts ? c.bold(String(s.alerts)) : '0');
  const width = Math.max(0, ...s.alertsByRule.map((r) => String(r.count).length));
  for (const r of s.alertsByRule) {
    const severity = r.severity ? paintSeverity(c, r.severity) + ' '.repeat(Math.max(0, 9 - r.severity.length)) : '';
    lines.push(`  ${String(r.count).padStart(width)}  ${severity}${escapeControl(r.name)}`);
  }
  lines.push(...formatCoverage(s, opts));
  row('elapsed', formatElapsed(s.elapsedMs));
  return lines.join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const RULE_WARNINGS_SHOWN = 5;

/**
 * What was read and what could not have matched (issue #13): shapes, skipped files,
 * per-input counts with --verbose, coverage warnings.
 */
export function formatCoverage(s: ScanSummary, opts: { color: boolean; verbose?: boolean }): string[] {
  const c = palette(opts.color);
  const lines: string[] = [];
  const shapes = Object.entries(s.shapes);
  const asRead = !s.normalized && shapes.some(([k]) => k !== 'ecs') ? ' (not mapped to ECS: --no-normalize)' : '';
  if (shapes.length) lines.push(`${'shapes'.padEnd(12)} ${shapes.map(([k, n]) => `${k} ${n}`).join(', ')}${asRead}`);
  for (const f of s.inputs) {
    if (f.epoch) lines.push(escapeControl(`${f.file}: epoch timestamps read as ${f.epoch.join(' and ')} (by magnitude)`));
  }
  if (opts.verbose) {
    for (const f of s.inputs) {
      const shape = Object.entries(f.shapes).map(([k, n]) => `${k} ${n}`).join(', ') || 'no events';
      lines.push(escapeControl(`  ${f.file}: ${plural(f.events, 'event')}, ${plural(f.badLines, 'bad line')} (${shape})`));
    }
  }
  if (s.skippedFiles.length) {
    lines.push(`${'skipped'.padEnd(12)} ${plural(s.skippedFiles.length, 'file')} in folders (not .ndjson, .jsonl or .json(.gz))${opts.verbose ? ':' : '; --verbose names them'}`);
    if (opts.verbose) for (const f of s.skippedFiles) lines.push(escapeControl(`  ${f}`));
  }
  for (const w of s.warnings) lines.push(c.yellow(escapeControl(`warning: ${w}`)));
  const shown = opts.verbose ? s.ruleWarnings : s.ruleWarnings.slice(0, RULE_WARNINGS_SHOWN);
  for (const w of shown) lines.push(c.yellow(escapeControl(`warning: rule '${w.rule}' could not have fired: no scanned event has ${w.fields.join(' or ')}`)));
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

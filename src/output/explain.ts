import type { Explanation, SequenceStop } from '../engine/index.js';
import { escapeControl } from './escape.js';

const MAX_LISTED = 20;
const MAX_VALUE = 200;

/** A field value as JSON, cut short; event data can be huge or nested beyond the call stack. */
function value(v: unknown): string {
  if (v === undefined) return '(absent)';
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    return '(nested too deeply to show)';
  }
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export function duration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1000 ? `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s` : `${ms}ms`;
}

function stopLine(s: SequenceStop): string {
  const at = (e: { file: string; line: number }) => `${e.file}:${e.line}`;
  switch (s.kind) {
    case 'order':
      return `order: ${at(s.event)} satisfies step ${s.step}, but no sequence of this key was waiting for it` +
        (s.earlier ? ` (step ${s.previous} came later, at ${at(s.earlier)} ${s.earlier.timestamp})` : '');
    case 'maxspan':
      return `maxspan: ${at(s.event)} satisfies step ${s.step} at ${s.event.timestamp}, but the sequence began at ${at(s.first)} ${s.first.timestamp}, more than maxspan=${duration(s.maxspanMs)} before`;
    case 'until':
      return `until: ${at(s.event)} matched the until condition and ended the open sequence (last event ${s.open.map(at).join(', ')})`;
  }
}

/** `lolhunt explain` as text: a heading, each step with its events, then where the sequence stopped. */
export function formatExplanation(name: string, subject: { text: string; byKey: boolean }, x: Explanation): string {
  const out: string[] = [];
  const alerts = x.alerts.length;
  out.push(`${name}, ${subject.text}: ${alerts ? `${alerts} alert${alerts === 1 ? '' : 's'}` : 'no alert'} (${x.summary.events} event${x.summary.events === 1 ? '' : 's'} read)`);
  if (x.examined === 0) {
    out.push(subject.byKey ? 'no event carries this key' : 'no event at that file and line');
    return `${out.map(escapeControl).join('\n')}\n`;
  }
  for (const s of x.steps) {
    out.push(`${s.kind === 'until' ? 'until' : `step ${s.index}${s.kind === 'missing' ? ' (missing event)' : ''}`}: ${s.text}`);
    for (const m of s.matches.slice(0, MAX_LISTED)) out.push(`  match      ${m.file}:${m.line}  ${m.timestamp}`);
    for (const m of s.nearMisses.slice(0, MAX_LISTED)) {
      out.push(`  near miss  ${m.file}:${m.line}  ${m.timestamp}`);
      out.push(`             failed: ${m.failure.condition}`);
      out.push(`             saw:    ${m.failure.values.map((v) => `${v.field} = ${value(v.value)}`).join(', ')}`);
    }
    const hidden = Math.max(0, s.matches.length - MAX_LISTED) + Math.max(0, s.nearMisses.length - MAX_LISTED);
    if (hidden) out.push(`  … and ${hidden} more`);
    if (s.matches.length === 0 && s.nearMisses.length === 0) out.push('  no event of this category');
    if (s.otherCategory) out.push(`  (${s.otherCategory} event${s.otherCategory === 1 ? '' : 's'} of other categories)`);
  }
  for (const s of x.stops) out.push(stopLine(s));
  if (alerts) {
    for (const a of x.alerts) out.push(`alert: ${a.events.filter((e) => !e.missing).map((e) => `${e.file}:${e.line}`).join(' -> ')}`);
  } else if (subject.byKey) {
    const missingStep = x.steps.find((s) => s.kind === 'step' && s.matches.length === 0);
    if (missingStep) out.push(`stopped at step ${missingStep.index}: no event of this key satisfies it`);
  }
  return `${out.map(escapeControl).join('\n')}\n`;
}

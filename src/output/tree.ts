import type { EventTally, ProcessInfo, ProcessTree } from '../tree/index.js';
import { clip, escapeControl } from './escape.js';

/** Facts of a process in display order, as read (each caller escapes them for where they go). */
export function processFacts(p: ProcessInfo): { name: string; details: string[]; where?: string } {
  const id = p.pid !== undefined ? `pid ${p.pid}` : '';
  const details = [p.entityId ? `entity ${p.entityId}` : '', p.host ? `host ${p.host}` : '', p.user ? `user ${p.user}` : '', p.start ? `started ${p.start}` : ''];
  return {
    name: [p.name || p.executable || '(unnamed)', id && `(${id})`].filter(Boolean).join(' '),
    details: details.filter(Boolean),
    ...(p.file === undefined ? {} : { where: `${p.file}:${p.line}` }),
  };
}

/** The kinds of events a process had, as `[kind, tally]`, kinds with none left out. */
export function eventKinds(events: Record<string, EventTally>): [string, EventTally][] {
  return Object.entries(events).filter(([, t]) => t.count > 0);
}

/** Characters of a command line shown in the terminal (--json has it whole, up to the index's clip). */
const MAX_SHOWN = 400;

/** A process's one line: name (pid), mark, facts, the start event's file:line; escaped. */
function summaryLine(p: ProcessInfo, mark = ''): string {
  const f = processFacts(p);
  return escapeControl(`${f.name}${mark}${f.details.length ? ` · ${f.details.join(' · ')}` : ''}${f.where ? ` · ${f.where}` : ''}`);
}

/**
 * A process tree as indented text: the root first, down to the alert's process (marked), its
 * command line, its events (a count per kind, the first few with file:line) and children;
 * then what could not be resolved.
 */
export function formatProcessTree(tree: ProcessTree): string {
  const out: string[] = [];
  const chain = [...tree.ancestry].reverse();
  const line = (depth: number, p: ProcessInfo, mark = '') => {
    const pad = depth ? `${'   '.repeat(depth - 1)}└─ ` : '';
    const more = '   '.repeat(depth + 1);
    out.push(`${pad}${summaryLine(p, mark)}`);
    if (p.commandLine) out.push(`${more}${clip(escapeControl(p.commandLine), MAX_SHOWN)}`);
    return more;
  };
  chain.forEach((p, i) => line(i, p));
  const depth = chain.length;
  const indent = line(depth, tree.process, '  ◀');
  for (const [kind, t] of eventKinds(tree.process.events)) {
    out.push(`${indent}${kind} events: ${t.count}`);
    for (const e of t.first) out.push(`${indent}  ${escapeControl(`${e.timestamp} ${e.target} ${e.file}:${e.line}`)}`);
    if (t.count > t.first.length) out.push(`${indent}  … ${t.count - t.first.length} more`);
  }
  if (tree.children.length) out.push(`${indent}children: ${tree.children.length + tree.moreChildren}`);
  tree.children.forEach((c, i) => {
    const last = i === tree.children.length - 1 && !tree.moreChildren;
    out.push(`${indent}${last ? '└─' : '├─'} ${summaryLine(c)}`);
    if (c.commandLine) out.push(`${indent}${last ? '   ' : '│  '}${clip(escapeControl(c.commandLine), MAX_SHOWN)}`);
  });
  if (tree.moreChildren) out.push(`${indent}└─ … ${tree.moreChildren} more children`);
  for (const u of tree.unresolved) out.push(`unresolved: ${escapeControl(u)}`);
  return out.join('\n') + '\n';
}

function infoRecord(p: ProcessInfo): Record<string, unknown> {
  return {
    entity_id: p.entityId, pid: p.pid, host: p.host, name: p.name, executable: p.executable,
    command_line: p.commandLine, user: p.user, start: p.start, file: p.file, line: p.line,
  };
}

/**
 * A process tree in the json/ndjson alert record's terms (snake_case, absent facts left out):
 * `process` (with `events`: a count and the first few per kind), `ancestry` (parent first, up
 * to the root the inputs hold), `children`, `more_children`, `unresolved`.
 */
export function processTreeRecord(tree: ProcessTree): { process: unknown; ancestry: unknown[]; children: unknown[]; more_children?: number; unresolved: string[] } {
  const events = Object.fromEntries(Object.entries(tree.process.events).map(([k, t]) => [k, {
    count: t.count, first: t.first.map((e) => ({ '@timestamp': e.timestamp, file: e.file, line: e.line, target: e.target })),
  }]));
  return {
    process: { ...infoRecord(tree.process), events },
    ancestry: tree.ancestry.map(infoRecord),
    children: tree.children.map(infoRecord),
    ...(tree.moreChildren ? { more_children: tree.moreChildren } : {}),
    unresolved: tree.unresolved,
  };
}

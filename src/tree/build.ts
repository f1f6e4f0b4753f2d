import type { ProcessInfo, ProcessRef, ProcessTree } from './types.js';
import { EventTallies } from './tally.js';
import { nodeId, type StartRecord } from './process-index.js';
import type { ProcessData } from './read.js';

/** Parents followed at most (a loop in forged ids ends here too). */
const MAX_DEPTH = 64;
/** Children listed per process; the rest are counted. */
const MAX_CHILDREN = 50;

/** The trees of one pass's processes; children are found for all asked-for processes in one walk of the index. */
export class ProcessTrees {
  private readonly children = new Map<StartRecord, StartRecord[]>();

  constructor(private readonly data: ProcessData, wanted: ProcessRef[]) {
    const { index } = data;
    for (const ref of wanted) {
      const start = index.find(ref);
      if (start) this.children.set(start, []);
    }
    if (!this.children.size) return;
    for (const s of index.starts) {
      const parent = index.parentOf(s);
      if ('start' in parent) this.children.get(parent.start)?.push(s);
    }
    // In start order (the inputs may not be); starts without a time last.
    const t = (s: StartRecord) => (Number.isNaN(s.ref.at) ? Infinity : s.ref.at);
    for (const list of this.children.values()) list.sort((a, b) => t(a) - t(b));
  }

  /** The tree of `ref`'s process; `seen` is what the asking event says of it (used when its start was not read). */
  of(ref: ProcessRef, seen: ProcessInfo): ProcessTree {
    const { index } = this.data;
    const unresolved: string[] = [];
    const start = index.find(ref);
    const ancestry: ProcessInfo[] = [];
    if (!start) unresolved.push(`process start not found in the inputs (${describe(ref)})`);
    else {
      const visited = new Set<StartRecord>([start]);
      for (let at = start; ;) {
        const parent = index.parentOf(at);
        if (!('start' in parent)) {
          unresolved.push(`ancestry stops at ${label(at.info)}: ${parent.missing}`);
          break;
        }
        if (visited.has(parent.start) || ancestry.length >= MAX_DEPTH) {
          unresolved.push(`ancestry cut after ${ancestry.length} parents (${visited.has(parent.start) ? 'the parent ids loop' : 'too deep'})`);
          break;
        }
        visited.add(parent.start);
        ancestry.push(parent.start.info);
        at = parent.start;
      }
    }
    const kids = (start && this.children.get(start)) ?? [];
    if (index.dropped) unresolved.push(`the process index was full: ${index.dropped} process starts past the first ${index.starts.length} were left out, so this tree may miss some`);
    if (this.data.droppedEvents) unresolved.push(`${this.data.droppedEvents} events naming a process by pid alone were left out past the bound: counts may be low`);
    const events = (this.data.events.get(nodeId(ref, start)) ?? new EventTallies()).result();
    return {
      process: { ...(start?.info ?? seen), events },
      ancestry,
      children: kids.slice(0, MAX_CHILDREN).map((k) => k.info),
      moreChildren: Math.max(0, kids.length - MAX_CHILDREN),
      unresolved,
    };
  }
}

function describe(ref: ProcessRef): string {
  if (ref.entityId) return `entity id ${ref.entityId}`;
  return `pid ${ref.pid}${ref.host ? ` on ${ref.host}` : ''}`;
}

/** A process as named in a message: its name and pid or entity id. */
function label(p: ProcessInfo): string {
  const id = p.pid !== undefined ? `pid ${p.pid}` : p.entityId ? `entity id ${p.entityId}` : '';
  return [p.name || p.executable || '(unnamed)', id && `(${id})`].filter(Boolean).join(' ');
}

/** The tree of an alert none of whose events names a process. */
export function noProcessTree(): ProcessTree {
  return { process: { events: new EventTallies().result() }, ancestry: [], children: [], moreChildren: 0, unresolved: ['no entity id or pid on this alert\'s events'] };
}

import { processInfoOf, type Where } from './fields.js';
import type { ProcessInfo, ProcessRef } from './types.js';

/** One process start event, as the index keeps it. */
export interface StartRecord {
  /** `e:<entity id>`, or `p:<host>\0<pid>\0<start ms>`. */
  id: string;
  ref: ProcessRef;
  info: ProcessInfo;
  parent: { entityId?: string; pid?: number };
}

/** The node id of a process: its entity id, else its pid's start, else the pid with an unknown start. */
export function nodeId(ref: ProcessRef, start?: StartRecord): string {
  if (ref.entityId) return `e:${ref.entityId}`;
  return start ? start.id : `p:${ref.host}\0${ref.pid}\0?`;
}

export function pidKey(host: string, pid: number): string {
  return `${host}\0${pid}`;
}

/** Either the parent's start, or why there is none. */
export type ParentLookup = { start: StartRecord } | { missing: string };

/**
 * Every process start read, up to `max` (bounded memory: a start keeps its ids, times and a
 * clipped command line): by entity id, and by host and pid for exports without entity ids.
 */
export class ProcessIndex {
  readonly starts: StartRecord[] = [];
  private readonly byEntity = new Map<string, StartRecord>();
  private readonly byPid = new Map<string, StartRecord[]>();
  /** Starts left out past `max`. */
  dropped = 0;

  constructor(private readonly max: number) {}

  add(ref: ProcessRef, parent: StartRecord['parent'], doc: unknown, where: Where): void {
    if (ref.entityId && this.byEntity.has(ref.entityId)) return;
    if (this.starts.length >= this.max) {
      this.dropped++;
      return;
    }
    const id = ref.entityId ? `e:${ref.entityId}` : `p:${ref.host}\0${ref.pid}\0${ref.at}`;
    const start: StartRecord = { id, ref, info: processInfoOf(doc, ref, where), parent };
    this.starts.push(start);
    if (ref.entityId) this.byEntity.set(ref.entityId, start);
    if (ref.pid !== undefined) {
      const key = pidKey(ref.host, ref.pid);
      const list = this.byPid.get(key);
      if (list) list.push(start);
      else this.byPid.set(key, [start]);
    }
  }

  /** The start of the process `ref` names: by entity id, else the latest start of its pid on its host at or before its time. */
  find(ref: ProcessRef): StartRecord | undefined {
    if (ref.entityId) return this.byEntity.get(ref.entityId);
    return ref.pid === undefined ? undefined : this.pidStart(ref.host, ref.pid, ref.at);
  }

  private pidStart(host: string, pid: number, at: number): StartRecord | undefined {
    // A time that did not parse orders nothing out: no time asks for the last start, and a start without one may match any time.
    const t = Number.isNaN(at) ? Infinity : at;
    let best: StartRecord | undefined;
    for (const s of this.byPid.get(pidKey(host, pid)) ?? []) {
      if (s.ref.at > t) continue;
      if (!best || s.ref.at > best.ref.at) best = s;
    }
    return best;
  }

  parentOf(child: StartRecord): ParentLookup {
    const { entityId, pid } = child.parent;
    if (entityId) {
      const start = this.byEntity.get(entityId);
      return start ? { start } : { missing: `parent not found in the inputs (entity id ${entityId})` };
    }
    if (pid !== undefined) {
      const start = this.pidStart(child.ref.host, pid, child.ref.at);
      return start && start !== child ? { start } : { missing: `parent not found in the inputs (pid ${pid}${child.ref.host ? ` on ${child.ref.host}` : ''})` };
    }
    return { missing: 'no parent entity id or pid on its start event' };
  }
}

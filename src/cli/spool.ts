import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { whenInterrupted } from '../engine/index.js';
import type { Spool } from '../output/index.js';

/** Spool files to remove if the process exits before they are read: one 'exit' listener for all (a table spools many runs). */
const live = new Set<() => void>();
const removeLive = () => { for (const remove of live) remove(); };

/** Text buffered before a write to the spool file. */
const CHUNK = 1 << 20;

/**
 * A spool in a temporary file (mode 0600, in the temporary folder), made on the first write:
 * json's alerts wait there for the summary that goes before them. Removed once read, by
 * `dispose`, and on exit or Ctrl-C.
 */
export function fileSpool(): Spool {
  let file: string | null = null;
  let fd: number | null = null;
  let buffered: string[] = [];
  let size = 0;
  let release: (() => void) | null = null;
  const remove = () => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
    if (file) fs.rmSync(file, { force: true });
    file = null;
  };
  const dispose = () => {
    live.delete(remove);
    if (live.size === 0) process.off('exit', removeLive);
    release?.();
    release = null;
    remove();
    buffered = [];
    size = 0;
  };
  const flush = () => {
    if (!buffered.length) return;
    if (fd === null) {
      if (live.size === 0) process.on('exit', removeLive);
      live.add(remove);
      release = whenInterrupted(remove);
      file = path.join(os.tmpdir(), `lolhunt-spool-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
      fd = fs.openSync(file, 'wx', 0o600);
    }
    fs.writeSync(fd, buffered.join(''));
    buffered = [];
    size = 0;
  };
  return {
    write(text) {
      buffered.push(text);
      size += text.length;
      if (size > CHUNK) flush();
    },
    async *read() {
      if (file === null) {
        const held = buffered;
        buffered = [];
        size = 0;
        yield* held;
        return;
      }
      flush();
      fs.closeSync(fd!);
      fd = null;
      yield* fs.createReadStream(file, { highWaterMark: CHUNK });
      dispose();
    },
    dispose,
  };
}

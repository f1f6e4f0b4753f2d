import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { whenInterrupted } from '../engine/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { refuseReadTarget } from './reads.js';
import { writeOut } from './stdout.js';

/** Where results go: stdout, or a temporary file that replaces the -o target when the run ends. */
export interface ResultSink {
  stream: Writable;
  /** Flushes and, for a file, renames it over the target. */
  commit(): Promise<void>;
  /** Removes the temporary file (a failed run leaves nothing behind). */
  abort(): void;
  /** Why writing failed (disk full, a closed stdout other than a reader leaving), once it has. */
  failure(): CliError | null;
}

/**
 * A stream's write error as an output error (exit 4), instead of an uncaught exception. The
 * stream knows it failed as soon as a write does (`errored`); a file stream emits the error
 * event only after closing its file, and a caller may hear of the failure before that.
 */
function watchErrors(stream: Writable, where: string): () => CliError | null {
  stream.on('error', () => {});
  return () => {
    const err = stream.errored as NodeJS.ErrnoException | null;
    return err ? new CliError(`cannot write ${where}: ${outputReason(err, '')}`, EXIT.OUTPUT) : null;
  };
}

const finish = (stream: Writable) => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));

/**
 * stdout with backpressure (a write completes when stdout took it, so a slow reader slows
 * the writer instead of filling memory). A reader going away (`| head -1`) or a write error
 * (`> /dev/full`) is handled once for every command (stdout.ts): later writes are dropped,
 * and the exit code says what happened.
 */
export function stdoutSink(): ResultSink {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      const wait = writeOut(chunk);
      if (wait) void wait.then(() => done());
      else done();
    },
  });
  return { stream, commit: () => finish(stream), abort: () => {}, failure: () => null };
}

/**
 * Refuses an -o target that would destroy evidence or is not a file: anything this run reads
 * (reads.ts: inputs, stdin's file, rules, mapping, query; any link to them included), a path
 * inside a folder being scanned, or something that is not a regular file (a device, a FIFO,
 * a folder). Exit 2, before anything is read.
 */
export function checkOutputTarget(option: string, target: string): void {
  const stat = statOrNull(target);
  if (stat && !stat.isFile() && !writtenInPlace(stat)) {
    const what = stat.isDirectory() ? 'a directory' : 'not a regular file, a character device or a FIFO';
    throw new CliError(`${option} ${target}: ${what}; ${option} writes a file (leave -o out to write to stdout)`);
  }
  refuseReadTarget(option, target);
}

/** A device (`/dev/null`, a terminal) or a FIFO holds no file to replace: it is written in place. */
const writtenInPlace = (stat: fs.Stats) => stat.isCharacterDevice() || stat.isFIFO();

/** Is this -o target a device or a FIFO (written in place, NDJSON unless --format says)? */
export function isDevice(target: string): boolean {
  const stat = statOrNull(target);
  return stat !== null && writtenInPlace(stat);
}

/**
 * A temporary file beside the target, created now (so a folder that is missing or not
 * writable fails before anything is read, exit 4) and renamed over the target at the end.
 * It takes the mode and owner of the file it replaces (a 0600 report stays 0600, another
 * user's file stays theirs, or is not replaced) and writes through a link to the file the
 * link names. Ctrl-C or a kill removes it; one left by a run that died (out of memory,
 * SIGKILL) is removed by the next run writing the same target.
 */
export function fileSink(option: string, given: string): ResultSink {
  checkOutputTarget(option, given);
  const existing = statOrNull(given);
  if (existing && writtenInPlace(existing)) return inPlaceSink(given);
  const target = existing ? fs.realpathSync(given) : given;
  if (existing && (existing.mode & 0o222) === 0) {
    throw new CliError(`cannot write ${given}: the file is read-only; not replaced (remove it or choose another ${option})`, EXIT.OUTPUT);
  }
  const dir = path.dirname(target);
  removeStaleTemps(dir, path.basename(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.tmp`);
  // Registered first: a signal right after the file appears must still remove it; so must
  // any exit before commit or abort (an uncaught error, process.exit).
  const remove = () => fs.rmSync(temp, { force: true });
  const interrupted = whenInterrupted(remove);
  process.on('exit', remove);
  const release = () => {
    interrupted();
    process.off('exit', remove);
  };
  let fd: number;
  try {
    fd = fs.openSync(temp, 'wx', existing ? 0o600 : 0o666);
  } catch (err) {
    release();
    throw new CliError(`cannot write ${given}: ${outputReason(err, dir)}`, EXIT.OUTPUT);
  }
  if (existing) {
    try {
      keepOwnerAndMode(fd, existing);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
      release();
      throw new CliError(`cannot write ${given}: ${(err as Error).message}; not replaced`, EXIT.OUTPUT);
    }
  }
  const stream = fs.createWriteStream(temp, { fd });
  return {
    stream,
    failure: watchErrors(stream, given),
    async commit() {
      try {
        await finish(stream);
        fs.renameSync(temp, target);
      } catch (err) {
        fs.rmSync(temp, { force: true });
        throw new CliError(`cannot write ${given}: ${outputReason(err, dir)}`, EXIT.OUTPUT);
      } finally {
        release();
      }
    },
    abort() {
      release();
      stream.destroy();
      fs.rmSync(temp, { force: true });
    },
  };
}

function inPlaceSink(target: string): ResultSink {
  const stream = fs.createWriteStream(target);
  return { stream, failure: watchErrors(stream, target), commit: () => finish(stream), abort: () => stream.destroy() };
}

/** Writes a whole text to a file the way -o does (checked target, temporary file, rename). */
export async function writeFileSafely(option: string, target: string, text: string): Promise<void> {
  const sink = fileSink(option, target);
  try {
    sink.stream.write(text);
    await sink.commit();
  } catch (err) {
    sink.abort();
    throw sink.failure() ?? err;
  }
}

/** The replaced file's owner and mode on the temporary file, before anything is written to it. */
function keepOwnerAndMode(fd: number, existing: fs.Stats): void {
  const uid = process.getuid?.();
  if (existing.uid !== uid || existing.gid !== process.getgid?.()) {
    try {
      fs.fchownSync(fd, existing.uid, existing.gid);
    } catch {
      throw new Error(`it belongs to uid ${existing.uid} gid ${existing.gid}, and a file written by this user cannot keep that owner`);
    }
  }
  fs.fchmodSync(fd, existing.mode & 0o7777);
}

/** Temporary files of this target left by runs that died (their process is gone). */
function removeStaleTemps(dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // The open below says why the folder cannot be written.
  }
  const prefix = `.${base}.`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = name.slice(prefix.length, -'.tmp'.length);
    if (!/^[1-9][0-9]{0,9}$/.test(pid) || Number(pid) === process.pid || alive(Number(pid))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function outputReason(err: unknown, dir: string): string {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  if (code === 'ENOENT') return `folder ${dir} does not exist`;
  if (code === 'ENOTDIR') return `${dir} is not a folder`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied in ${dir}`;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EFBIG') return 'file too large (a file size limit)';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EROFS') return 'read-only file system';
  return err instanceof Error ? err.message : String(err);
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

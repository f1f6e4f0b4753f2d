import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { whenInterrupted } from '../engine/index.js';
import type { Discovery } from '../input/index.js';
import { CliError, EXIT } from './exit-codes.js';

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

/** Records a stream's write error as an output error (exit 4), instead of an uncaught exception. */
function watchErrors(stream: Writable, where: string): () => CliError | null {
  let failure: CliError | null = null;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    failure ??= new CliError(`cannot write ${where}: ${err.code === 'ENOSPC' ? 'no space left on the device' : err.message}`, EXIT.OUTPUT);
  });
  return () => failure;
}

const isPipeError = (err: NodeJS.ErrnoException) => err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED';

/**
 * stdout with backpressure (a write completes when stdout took it, so a slow reader slows
 * the writer instead of filling memory) and a quiet end when the reader goes away
 * (`| head -1`): later writes are dropped, and the run still ends with its own exit code.
 */
export function stdoutSink(): ResultSink {
  let broken = false;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (broken) return done();
      process.stdout.write(chunk, (err) => {
        if (err && isPipeError(err)) broken = true;
        done(broken ? null : err);
      });
    },
  });
  return {
    stream,
    commit: () => new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve()))),
    abort: () => {},
    failure: watchErrors(stream, 'the results to stdout'),
  };
}

/**
 * Refuses an -o target that would destroy evidence or is not a file: one of the inputs (any
 * link to it included), a path inside a folder being scanned, or something that is not a
 * regular file (a device, a FIFO, a folder). Exit 2, before anything is read.
 */
export function checkOutputTarget(target: string, inputs: Discovery): void {
  const abs = path.resolve(target);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isFile()) {
    const what = stat.isDirectory() ? 'a directory' : stat.isCharacterDevice() ? 'a character device' : stat.isFIFO() ? 'a FIFO' : 'not a regular file';
    throw new CliError(`-o ${target}: ${what}; -o writes a regular file (leave -o out to write to stdout)`);
  }
  if (stat) {
    for (const s of inputs.sources) {
      if (s.path === '-') continue;
      const input = statOrNull(s.path);
      if (input && input.dev === stat.dev && input.ino === stat.ino) {
        throw new CliError(`-o ${target}: refusing to write over an input file (${s.path})`);
      }
    }
  }
  const dir = realDir(path.dirname(abs));
  for (const folder of inputs.folders) {
    const real = realDir(folder);
    if (dir !== null && real !== null && (dir === real || dir.startsWith(real + path.sep))) {
      throw new CliError(`-o ${target}: refusing to write inside ${folder}, a folder being scanned (the report would become input)`);
    }
  }
}

/**
 * A temporary file beside the target, created now (so a folder that is missing or not
 * writable fails before anything is read, exit 4) and renamed over the target at the end.
 * Ctrl-C or a kill removes it.
 */
export function fileSink(target: string): ResultSink {
  const existing = statOrNull(target);
  if (existing && (existing.mode & 0o222) === 0) {
    throw new CliError(`cannot write ${target}: the file is read-only; not replaced (remove it or choose another -o)`, EXIT.OUTPUT);
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
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
    fd = fs.openSync(temp, 'wx', 0o644);
  } catch (err) {
    release();
    throw new CliError(`cannot write ${target}: ${outputReason(err, path.dirname(target))}`, EXIT.OUTPUT);
  }
  const stream = fs.createWriteStream(temp, { fd });
  return {
    stream,
    failure: watchErrors(stream, target),
    async commit() {
      try {
        await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
        fs.renameSync(temp, target);
      } catch (err) {
        throw new CliError(`cannot write ${target}: ${outputReason(err, path.dirname(target))}`, EXIT.OUTPUT);
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

function outputReason(err: unknown, dir: string): string {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  if (code === 'ENOENT') return `folder ${dir} does not exist`;
  if (code === 'ENOTDIR') return `${dir} is not a folder`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied in ${dir}`;
  if (code === 'ENOSPC') return 'no space left on the device';
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

function realDir(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

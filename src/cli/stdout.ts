import { CliError, EXIT } from './exit-codes.js';

/**
 * What became of stdout, for every command at once: a reader that left (`| head -1`) ends the
 * output quietly, any other write error (`> /dev/full`) is an output failure (exit 4). Either
 * way later writes are dropped instead of throwing, and the command finishes its own work.
 */
let broken = false;
let failure: CliError | null = null;

export const isPipeError = (err: NodeJS.ErrnoException) => err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED';

/**
 * Installs the one stdout error handler (cli/index.ts, before any command runs). When stdout
 * is a file or a device, Node writes it synchronously and a failed write throws out of
 * `write()` itself: that is caught here too, so every writer, whichever it is, only ever sees
 * its writes taken.
 */
export function watchStdout(): void {
  const record = (err: NodeJS.ErrnoException) => {
    if (isPipeError(err)) broken = true;
    else failure ??= new CliError(`cannot write to stdout: ${err.code === 'ENOSPC' ? 'no space left on the device' : err.message}`, EXIT.OUTPUT);
  };
  process.stdout.on('error', record);
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((...args: unknown[]) => {
    const done = args.find((a) => typeof a === 'function') as ((err?: Error) => void) | undefined;
    if (!stdoutClosed()) {
      try {
        return write(...args);
      } catch (err) {
        record(err as NodeJS.ErrnoException);
      }
    }
    if (done) process.nextTick(done);
    return true;
  }) as typeof process.stdout.write;
}

/**
 * Resolves when everything written so far has reached stdout or failed (a failed write is
 * reported a tick after it returned), so the exit code can say which.
 */
export async function flushStdout(): Promise<void> {
  if (!stdoutClosed()) await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Why writing to stdout failed, once it has (a reader leaving is not a failure). */
export function stdoutFailure(): CliError | null {
  return failure;
}

/** Has stdout stopped taking writes (reader gone or write error)? */
export function stdoutClosed(): boolean {
  return broken || failure !== null || process.stdout.destroyed;
}

/**
 * Writes text to stdout; resolves when stdout can take more (backpressure) or has failed.
 * Never rejects: failures are recorded for the exit code.
 */
export function writeOut(text: string | Buffer): Promise<void> | undefined {
  if (stdoutClosed()) return undefined;
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      process.stdout.off('drain', done).off('error', done).off('close', done);
      resolve();
    };
    process.stdout.on('drain', done).on('error', done).on('close', done);
  });
}

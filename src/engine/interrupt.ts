import os from 'node:os';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const cleanups = new Set<() => void>();

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort: the other cleanups still run.
    }
  }
  process.exit(128 + os.constants.signals[signal]);
}

/**
 * Runs `cleanup` (removing a temporary file or folder) if the process is interrupted
 * (Ctrl-C, kill, hang-up) before the returned release is called; the process then exits
 * with 128 + the signal number. Register before creating what is to be cleaned up.
 */
export function whenInterrupted(cleanup: () => void): () => void {
  if (cleanups.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
  };
}

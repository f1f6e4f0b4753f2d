/** Process exit codes (DESIGN.md, "Contracts"). */
export const EXIT = {
  /** Finished; nothing at or above --fail-on. */
  OK: 0,
  /** Finished with matches at or above --fail-on. */
  MATCHES: 1,
  /** Usage, rule or query error; nothing scanned. */
  USAGE: 2,
  /** Input problems (unreadable file, truncated gzip, bad lines under --strict): results may be incomplete. */
  INPUT: 3,
  /** The results could not be written where -o asked (missing folder, permission, disk full). */
  OUTPUT: 4,
  /** A bug in lolhunt: the message asks for a report. */
  INTERNAL: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the command with a message and an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly code: ExitCode = EXIT.USAGE) {
    super(message);
    this.name = 'CliError';
  }
}

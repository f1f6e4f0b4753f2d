import { Command, CommanderError } from 'commander';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { explainCommand } from './explain.js';
import { normalizeCommand } from './normalize.js';
import { printErr } from './print.js';
import { queryCommand } from './query.js';
import { rulesCommand } from './rules.js';
import { scanCommand } from './scan.js';
import { treeCommand } from './tree.js';
import { flushStdout, stdoutFailure, watchStdout } from './stdout.js';
import { version } from './version.js';

/** Runs lolhunt with process.argv-style arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const done = (c: ExitCode) => { code = c; };
  const program = new Command('lolhunt')
    .description('Hunt living-off-the-land binaries in exported endpoint telemetry with Elastic EQL rules, offline.')
    .version(version())
    .showHelpAfterError('(use --help for usage and examples)');
  program.addCommand(scanCommand(done));
  program.addCommand(queryCommand(done));
  program.addCommand(rulesCommand(done));
  program.addCommand(explainCommand(done));
  program.addCommand(normalizeCommand(done));
  program.addCommand(treeCommand(done));
  for (const cmd of allCommands(program)) {
    cmd.exitOverride().configureOutput({ writeErr: (s) => printErr(s) });
  }
  watchStdout();
  const ended = await run(program, argv, () => code);
  await flushStdout();
  // Results that did not reach stdout (disk full) fail the run, whatever it found: exit 4.
  const failed = stdoutFailure();
  if (failed && ended !== EXIT.USAGE && ended !== EXIT.INTERNAL) {
    printErr(`lolhunt: ${failed.message}\n`);
    return failed.code;
  }
  return ended;
}

async function run(program: Command, argv: string[], code: () => ExitCode): Promise<ExitCode> {
  try {
    await program.parseAsync(argv);
    return code();
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof CliError) {
      printErr(`lolhunt: ${err.message}\n`);
      return err.code;
    }
    printErr(`lolhunt: internal error (a bug: please report it with this message): ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return EXIT.INTERNAL;
  }
}

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

import { Command } from 'commander';
import { normalizeInputs } from '../engine/index.js';
import { discoverInputs } from '../input/index.js';
import { escapeJsonText, formatProblem, stringify } from '../output/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { DEFAULT_MAX_LINE_BYTES } from './hunt.js';
import { positiveInt } from './options.js';
import { printErr } from './print.js';
import { writeOut } from './stdout.js';

const EXAMPLES = `
Examples:
  $ lolhunt normalize test/fixtures/formats/sysmon-flat.ndjson        the ECS view the rules see
  $ lolhunt normalize test/fixtures/formats/ -q                       a folder, no summary
  $ lolhunt normalize --no-normalize test/fixtures/formats/evtx-dump.json   the documents as read

Exit codes: 0 written, 2 usage error, 3 input problems or nothing read.`;

export function normalizeCommand(done: (code: ExitCode) => void): Command {
  return new Command('normalize')
    .description('write the ECS view of every document (what the rules see) as NDJSON on stdout')
    .argument('[paths...]', "files, directories, quoted globs, or '-' for stdin")
    .option('--max-line-bytes <n>', 'skip (and report) documents longer than this', positiveInt, DEFAULT_MAX_LINE_BYTES)
    .option('--no-normalize', 'write the documents as read (to compare)')
    .option('-q, --quiet', 'no summary on stderr (errors are still shown)', false)
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], o: Record<string, unknown>) => {
      const inputs = paths.length ? paths : ['-'];
      if (inputs.length === 1 && inputs[0] === '-' && process.stdin.isTTY) {
        throw new CliError('no input: give files or directories, or pipe documents to stdin (see --help)');
      }
      const { sources, problems } = await discoverInputs(inputs);
      for (const p of problems) printErr(`lolhunt: ${formatProblem({ kind: 'file', ...p })}\n`);
      const result = await normalizeInputs(
        sources,
        { maxLineBytes: o.maxLineBytes as number, normalize: o.normalize !== false },
        // Depth-safe JSON with terminal-unsafe characters escaped, written with backpressure.
        (doc) => writeOut(escapeJsonText(stringify(doc)) + '\n'),
        (p) => { if (!o.quiet || p.kind === 'file') printErr(`lolhunt: ${formatProblem(p)}\n`); },
      );
      if (!o.quiet) {
        const shapes = Object.entries(result.shapes).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
        printErr(`normalized ${result.documents} document${result.documents === 1 ? '' : 's'} (shapes: ${shapes}), ${result.badLines} bad lines, ${result.fileErrors + problems.length} file errors\n`);
      }
      if (result.documents === 0) printErr(`lolhunt: nothing read: 0 documents in ${sources.length} input${sources.length === 1 ? '' : 's'}\n`);
      done(result.documents === 0 || result.fileErrors + problems.length > 0 ? EXIT.INPUT : EXIT.OK);
    });
}

import { Command } from 'commander';
import { discoverInputs } from '../input/index.js';
import { escapeJsonText, formatProblem, formatProcessTree, processTreeRecord, stringify } from '../output/index.js';
import { DEFAULT_MAX_PROCESSES, ProcessTrees, readProcesses, type ProcessRef } from '../tree/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { DEFAULT_MAX_LINE_BYTES } from './hunt.js';
import { positiveInt } from './options.js';
import { printErr, printOut } from './print.js';

const EXAMPLES = `
Examples:
  $ lolhunt tree e3-certutil-positive samples/                    a process by entity id: parents, events, children
  $ lolhunt tree t-certutil test/fixtures/process-tree/           a fuller tree (two parents, four kinds of events, two children)
  $ lolhunt tree --pid 6012 --host WS-FIN-07 samples/             by pid on a host (its latest start)
  $ lolhunt tree e3-certutil-positive samples/ --json             the tree as json alert records hold it (process_tree)

The KEY is process.entity_id (Elastic Defend) or Sysmon's ProcessGuid (as the log writes it, any case).
Exit codes: 0 the process was found, 1 nothing of it is in the inputs, 2 usage error, 3 input problems.`;

export function treeCommand(done: (code: ExitCode) => void): Command {
  return new Command('tree')
    .description("print a process's ancestry, its own network, DNS, file and registry events and its children, from the inputs")
    .argument('[key]', 'the process entity id or Sysmon ProcessGuid (leave out with --pid)')
    .argument('[paths...]', 'files, directories or quoted globs (.ndjson, .json, .evtx, .gz, .zip)')
    .option('--pid <pid>', 'name the process by pid instead (with --host): its latest start in the inputs', positiveInt)
    .option('--host <name>', 'the host of --pid (host.name, else host.hostname)')
    .option('--json', 'print the tree as JSON (the process_tree of json alert records)', false)
    .option('--max-processes <n>', 'process starts indexed at most (bounded memory); past it, a warning', positiveInt, DEFAULT_MAX_PROCESSES)
    .option('--max-line-bytes <n>', 'skip (and report) documents longer than this', positiveInt, DEFAULT_MAX_LINE_BYTES)
    .option('--timestamp-field <field>', 'field holding the event time', '@timestamp')
    .option('--no-normalize', 'read documents as they are: no mapping of Windows event-log shapes to ECS')
    .addHelpText('after', EXAMPLES)
    .action(async (key: string | undefined, rest: string[], o: Record<string, unknown>) => {
      const byPid = o.pid !== undefined;
      if (byPid && o.host === undefined) throw new CliError('--pid needs --host (pids are per host)');
      const paths = byPid ? [key, ...rest].filter((p): p is string => p !== undefined) : rest;
      if (!byPid && !key) throw new CliError('give the process entity id (or --pid and --host), then the inputs');
      if (!paths.length) throw new CliError('give the inputs to read (files, folders or globs)');
      const ref: ProcessRef = byPid ? { host: o.host as string, pid: o.pid as number, at: Infinity } : { entityId: entityKey(key ?? ''), host: '', at: Infinity };
      const { sources, problems } = await discoverInputs(paths);
      for (const p of problems) printErr(`lolhunt: ${formatProblem({ kind: 'file', ...p })}\n`);
      let fileErrors = problems.length;
      const data = await readProcesses(sources, [ref], {
        maxLineBytes: o.maxLineBytes as number, normalize: o.normalize !== false, timestampField: o.timestampField as string,
        categoryField: 'event.category', maxProcesses: o.maxProcesses as number,
        onProblem: (p) => {
          if (p.kind === 'file') fileErrors++;
          printErr(`lolhunt: ${formatProblem(p)}\n`);
        },
      });
      const tree = new ProcessTrees(data, [ref]).of(ref, { ...(ref.entityId ? { entityId: ref.entityId } : { pid: o.pid as number, host: ref.host }) });
      const found = tree.process.file !== undefined || Object.values(tree.process.events).some((t) => t.count > 0);
      printOut(o.json ? escapeJsonText(stringify(processTreeRecord(tree))) + '\n' : formatProcessTree(tree));
      if (!found) printErr(`lolhunt: no start or event of this process in ${data.documents} documents read\n`);
      done(fileErrors ? EXIT.INPUT : found ? EXIT.OK : EXIT.MATCHES);
    });
}

/** A Sysmon GUID as lolhunt's ECS view holds it (lower case, as Elastic's pipeline writes it); any other entity id as given. */
function entityKey(key: string): string {
  return /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(key) ? key.toLowerCase() : key;
}

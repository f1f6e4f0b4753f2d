import fs from 'node:fs';
import { Command } from 'commander';
import { compileOptionsOf } from '../engine/index.js';
import { caretExcerpt, compileQuery, EqlSyntaxError, type CompiledQuery, type CompileOptions } from '../eql/index.js';
import { escapeControl, safe } from '../output/index.js';
import { CliError, type ExitCode } from './exit-codes.js';
import { fieldCheck } from './field-warnings.js';
import { noteRead } from './reads.js';
import { hunt } from './hunt.js';
import { addHuntOptions, huntOptions, portableCompile } from './options.js';

const EXAMPLES = `
Examples:
  $ lolhunt query 'process where process.name : "certutil.exe" and process.args : "*urlcache*"' logs/
  $ lolhunt query -f hunt.eql logs/ --format ndjson
  $ lolhunt query 'sequence by process.entity_id [process where true] [network where true] | head 5' logs/
  $ lolhunt query --tiebreaker-field event.id 'any where true' samples/   ties in @timestamp broken by event.id
  --timestamp-field FIELD orders by another time field (event.created, when every event has it).

Exit codes: 0 no match, 1 matches found (see --fail-on none), 2 query error, 3 input problems.`;

/** Compiles a query or fails with a compiler-style message (name:line:column, source line, caret). */
function compileOrFail(source: string, origin: string, options: CompileOptions): CompiledQuery {
  try {
    return compileQuery(source, options);
  } catch (err) {
    if (!(err instanceof EqlSyntaxError)) throw err;
    throw new CliError(safe`${origin}:${err.line}:${err.column}: ${err.reason}` + `\n${caretExcerpt(source, err.offset, escapeControl)}`);
  }
}

export function queryCommand(done: (code: ExitCode) => void): Command {
  const cmd = new Command('query')
    .description('run one ad-hoc EQL query (Elasticsearch dialect) over NDJSON telemetry')
    .argument('[query-and-paths...]', "the EQL query (unless --file is given), then files, directories, globs or '-'")
    .option('-f, --file <file>', 'read the query from FILE');
  addHuntOptions(cmd).addHelpText('after', EXAMPLES);
  return cmd.action(async (args: string[], o: Record<string, unknown>) => {
    const opts = huntOptions(o);
    let source: string;
    let origin: string;
    let paths: string[];
    if (o.file !== undefined) {
      origin = String(o.file);
      noteRead('the query file', origin);
      try {
        source = fs.readFileSync(origin, 'utf8');
      } catch (err) {
        throw new CliError(safe`cannot read query file ${origin}: ${err instanceof Error ? err.message : String(err)}`);
      }
      paths = args;
    } else {
      const [first, ...rest] = args;
      if (first === undefined) throw new CliError('missing query (give it as the first argument or with --file)');
      source = first;
      paths = rest;
      origin = 'query';
    }
    const compile = portableCompile(opts);
    const compiled = compileOrFail(source, origin, compileOptionsOf(compile));
    const queries = [{ compiled, name: 'query' }];
    done(await hunt(paths, queries, opts, compile, { fields: fieldCheck(queries, opts.categoryField, false) }));
  });
}

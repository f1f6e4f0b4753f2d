import { readItems } from '../src/input/index.js';

/** `node dist/bench/evtx-read.js FILE...`: reads the files' records (the EVTX reader alone) and prints how many. */
let records = 0;
let problems = 0;
for (const [index, file] of process.argv.slice(2).entries()) {
  for await (const batch of readItems({ index, path: file }, { maxLineBytes: 16 * 1024 * 1024 })) {
    for (const item of batch) {
      if (item.kind === 'value') records++;
      else problems++;
    }
  }
}
process.stdout.write(`${records}\n`);
if (problems) process.stderr.write(`${problems} problems\n`);

import { fuzzEvtx } from './evtx.js';
import { fuzzReader } from './reader.js';

/** `npm run fuzz [files] [seed]`: the long fuzz run of the reader and normalizers, then of the .evtx reader. */
const files = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? Date.now() % 1e9);
let started = Date.now();
const report = await fuzzReader({ files, linesPerFile: 50, seed });
console.log(JSON.stringify({ seed, ...report, seconds: (Date.now() - started) / 1000 }, null, 2));
started = Date.now();
const evtx = await fuzzEvtx({ files, seed });
console.log(JSON.stringify({ seed, evtx, seconds: (Date.now() - started) / 1000 }, null, 2));

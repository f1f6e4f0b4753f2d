import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * The floor for any tool that parses every line: read each file (gunzipping when it starts
 * with the gzip magic), split it into lines and JSON.parse each one, nothing else.
 * Prints the number of parsed objects so the bench can check it did the work.
 */
async function parseEveryLine(file: string): Promise<number> {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  let stream: Readable = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (magic[0] === 0x1f && magic[1] === 0x8b) stream = stream.pipe(zlib.createGunzip());
  let count = 0;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl > start && JSON.parse(buf.toString('utf8', start, nl)) !== null) count++;
      start = nl + 1;
    }
    rest = buf.subarray(start);
  }
  if (rest.length && JSON.parse(rest.toString('utf8')) !== null) count++;
  return count;
}

let total = 0;
for (const file of process.argv.slice(2)) total += await parseEveryLine(file);
process.stdout.write(`${total}\n`);

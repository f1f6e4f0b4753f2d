import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { gunzip, GzipError } from '../../../src/input/gzip.js';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** What gunzip yields before it ends, and the error it ends with. */
async function inflate(bytes: Buffer, size = 1 << 16): Promise<{ text: string; error?: string }> {
  const parts: Buffer[] = [];
  try {
    for await (const b of gunzip(chunked(bytes, size))) parts.push(b);
    return { text: Buffer.concat(parts).toString() };
  } catch (err) {
    assert.ok(err instanceof GzipError || (err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR', String(err));
    return { text: Buffer.concat(parts).toString(), error: (err as Error).message };
  }
}

const text = Array.from({ length: 2000 }, (_, i) => `{"n":${i}}`).join('\n') + '\n';

test('members, chunk sizes and header fields: the whole content', async () => {
  const two = Buffer.concat([zlib.gzipSync(text.slice(0, 5000)), zlib.gzipSync(text.slice(5000))]);
  for (const size of [1, 3, 100, 1 << 20]) assert.deepEqual(await inflate(two, size), { text }, `chunks of ${size}`);
  // FNAME and FCOMMENT set: the header runs on past 10 bytes.
  const plain = zlib.gzipSync(text);
  const named = Buffer.concat([plain.subarray(0, 3), Buffer.from([0x18]), plain.subarray(4, 10), Buffer.from('a.ndjson\0comment\0'), plain.subarray(10)]);
  assert.deepEqual(await inflate(named, 5), { text });
});

test('a bad CRC, trailing data or a truncated tail keeps everything before it', async () => {
  const gz = zlib.gzipSync(text);
  const crc = Buffer.from(gz);
  crc[crc.length - 6]! ^= 1;
  assert.deepEqual(await inflate(crc), { text, error: 'gzip member 1: CRC or length check failed (data may be corrupt)' });
  assert.deepEqual(await inflate(Buffer.concat([gz, Buffer.from('junk')])), { text, error: 'trailing data after the gzip stream (ignored)' });
  assert.deepEqual(await inflate(Buffer.concat([gz, Buffer.alloc(100)])), { text }, 'zero padding is not an error');
  const cut = await inflate(gz.subarray(0, gz.length - 4));
  assert.equal(cut.error, 'truncated gzip stream');
  assert.equal(cut.text, text);
  const half = await inflate(gz.subarray(0, gz.length >> 1));
  assert.equal(half.error, 'truncated gzip stream');
  assert.ok(half.text.length > 0 && text.startsWith(half.text), 'the part before the cut is kept');
});

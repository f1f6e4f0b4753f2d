import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, runCli } from '../helpers/run-cli.js';

/**
 * Opens the HTML report for samples/ in headless Chromium (Debian's `chromium`, or
 * $LOLHUNT_CHROMIUM): the DOM Chromium builds must hold the timeline and every alert, and a
 * screenshot must show a page with content. Skipped, with a notice, when Chromium is absent.
 */
const CHROMIUM = process.env.LOLHUNT_CHROMIUM ?? '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
if (!present) process.stderr.write(`notice: ${CHROMIUM} not found; the HTML report browser test is skipped (apt-get install chromium)\n`);

function chromium(dir: string, args: string[]): string {
  const profile = fs.mkdtempSync(path.join(dir, 'profile-'));
  const run = spawnSync(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args,
  ], { encoding: 'utf8', timeout: 60_000 });
  fs.rmSync(profile, { recursive: true, force: true });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('the HTML report for samples/ renders in headless Chromium with its timeline and alerts', { skip: !present && `${CHROMIUM} not found` }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-html-'));
  const report = path.join(dir, 'report.html');
  const run = await runCli(['scan', 'samples/', '-q', '-o', report]);
  assert.equal(run.code, 1, run.stderr);
  const expected = parseNdjson((await runCli(['scan', 'samples/', '--format', 'ndjson'])).stdout).length;
  assert.ok(expected > 0);

  const html = fs.readFileSync(report, 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  assert.doesNotMatch(html, /\ssrc=|<script|<link/i, 'nothing is loaded from anywhere');
  for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1]!, /^#alert-\d+$/);

  const dom = chromium(dir, ['--dump-dom', `file://${report}`]);
  assert.match(dom, /<svg id="timeline"/);
  assert.equal([...dom.matchAll(/<circle class="dot"/g)].length, expected, 'one dot per alert on the timeline');
  assert.equal([...dom.matchAll(/<section class="alert" id="alert-\d+"/g)].length, expected, 'one section per alert');
  assert.match(dom, new RegExp(`id="total-alerts"><b>${expected}</b>alerts`));
  assert.match(dom, /samples\/network-connection-via-certutil\/positive\.ndjson:3/, 'file:line of an event');
  assert.match(dom, /<code>process\.name<\/code> = <code>certutil\.exe<\/code>/, 'a matched field');

  const shot = path.join(dir, 'report.png');
  chromium(dir, ['--window-size=1280,900', `--screenshot=${shot}`, `file://${report}`]);
  assert.deepEqual(pngSize(shot), { width: 1280, height: 900 });
  // A blank page at the same size compresses to almost nothing; the report must not.
  fs.writeFileSync(path.join(dir, 'blank.html'), '<!DOCTYPE html><html><body></body></html>');
  const blank = path.join(dir, 'blank.png');
  chromium(dir, ['--window-size=1280,900', `--screenshot=${blank}`, `file://${path.join(dir, 'blank.html')}`]);
  assert.ok(fs.statSync(shot).size > 10 * fs.statSync(blank).size, `screenshot ${fs.statSync(shot).size} B vs blank ${fs.statSync(blank).size} B`);
  process.stderr.write(`html report screenshot: ${shot}\n`);
});

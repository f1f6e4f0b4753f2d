import fs from 'node:fs';
import path from 'node:path';
import { buildPrefilter } from '../src/engine/filter/prefilter.js';
import type { LineTags } from '../src/input/index.js';
import { builtinRulesDir, loadRuleFile } from '../src/rules/index.js';

/**
 * `node dist/bench/prefilter.js FILE [RULES_DIR]`: the prefilter's raw-line search alone, over
 * whole 1 MiB buffers (what lolhunt does) against one call per line, in CPU milliseconds.
 */
const [file, rulesDir = builtinRulesDir()] = process.argv.slice(2);
if (!file) throw new Error('usage: node dist/bench/prefilter.js FILE.ndjson [RULES_DIR]');
const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.toml') ? [path.join(d, e.name)] : []);
const queries = walk(rulesDir).sort().flatMap((f) => {
  const o = loadRuleFile(f);
  return 'rule' in o ? [o.rule.compiled] : [];
});
const pf = buildPrefilter(queries, { timestampField: '@timestamp' });
if (!pf.filter) throw new Error(`no prefilter: ${pf.unfiltered.length} rules have a step without literals`);
const filter = pf.filter;
const data = fs.readFileSync(file);
const CHUNK = 1 << 20;

function lines(buf: Buffer): { starts: Int32Array; ends: Int32Array; n: number } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let s = 0; s < buf.length;) {
    let nl = buf.indexOf(10, s);
    if (nl === -1) nl = buf.length;
    starts.push(s);
    ends.push(nl);
    s = nl + 1;
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends), n: starts.length };
}
const chunks: ReturnType<typeof lines>[] = [];
const bufs: Buffer[] = [];
for (let off = 0; off < data.length;) {
  let end = data.lastIndexOf(10, Math.min(data.length, off + CHUNK) - 1) + 1;
  if (end <= off) end = data.length;
  bufs.push(data.subarray(off, end - 1));
  chunks.push(lines(data.subarray(off, end - 1)));
  off = end;
}
const out: (LineTags | null | undefined)[] = [];
const one = { s: new Int32Array(1), e: new Int32Array(1) };
const cpu = (f: () => number) => {
  const t = process.cpuUsage();
  const kept = f();
  const u = process.cpuUsage(t);
  return { ms: (u.user + u.system) / 1000, kept };
};
for (let round = 0; round < 3; round++) {
  const whole = cpu(() => {
    let kept = 0;
    chunks.forEach((c, i) => {
      filter.select(bufs[i]!, c.starts, c.ends, c.n, out);
      for (let j = 0; j < c.n; j++) if (out[j] !== null) kept++;
    });
    return kept;
  });
  const perLine = cpu(() => {
    let kept = 0;
    chunks.forEach((c, i) => {
      for (let j = 0; j < c.n; j++) {
        one.s[0] = c.starts[j]!;
        one.e[0] = c.ends[j]!;
        filter.select(bufs[i]!, one.s, one.e, 1, out);
        if (out[0] !== null) kept++;
      }
    });
    return kept;
  });
  const mb = data.length / 1e6;
  console.log(`${queries.length} rules, ${pf.literals.length} literals, ${mb.toFixed(0)} MB: whole buffers ${whole.ms.toFixed(0)} ms CPU (${(mb / whole.ms * 1000).toFixed(0)} MB/s, ${whole.kept} lines kept); per line ${perLine.ms.toFixed(0)} ms CPU (${(mb / perLine.ms * 1000).toFixed(0)} MB/s, ${perLine.kept} kept)`);
}

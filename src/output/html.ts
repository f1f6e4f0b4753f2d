import type { Alert, ScanSummary } from '../engine/index.js';
import type { ProcessInfo, ProcessTree } from '../tree/index.js';
import { escapeControl } from './escape.js';
import { alertFacts, bySeverity, firedRules, matchedFields, ruleLabel, techniquesSeen } from './fields.js';
import { reportWriter, type KeptAlerts } from './record.js';
import { formatBytes } from './summary.js';
import { displayTime } from './time.js';
import { eventKinds, processFacts } from './tree.js';
import type { ReportedAlert, ResultWriter, Sink, WriterOptions } from './types.js';

/** Alerts shown with their events; past this the report lists counts only (it stays openable). */
const MAX_DETAILED = 1000;
const COLOURS: Record<string, string> = { critical: '#7b1fa2', high: '#d32f2f', medium: '#f57c00', low: '#1976d2' };

/** Text from the logs, inert in HTML (elements, attributes) and on screen (control characters). */
export function esc(text: string): string {
  return escapeControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * One self-contained HTML file: inline CSS and SVG, no script, and a Content-Security-Policy
 * that forbids every fetch, so opening a report never touches the network.
 */
export function htmlWriter(out: Sink, opts: WriterOptions): ResultWriter {
  const tally = new Tally(opts.lookup);
  return reportWriter(out, MAX_DETAILED, (summary, alerts) => render(summary, alerts, tally, opts), (a) => tally.add(a));
}

/**
 * What the report says of every alert, kept as they pass (bounded: a count per host, the
 * rule names, the time range): the timeline's lanes and axis span every alert, its dots
 * are the alerts shown in full (each links to its section).
 */
class Tally {
  readonly hosts = new Map<string, number>();
  /** Alerts per lane (rule). */
  readonly lanes = new Map<string, number>();
  lo = Infinity;
  hi = -Infinity;
  constructor(private readonly lookup: WriterOptions['lookup']) {}
  add(a: Alert): void {
    const h = alertFacts(a, this.lookup).host || '(none)';
    this.hosts.set(h, (this.hosts.get(h) ?? 0) + 1);
    const lane = ruleLabel(a.rule);
    this.lanes.set(lane, (this.lanes.get(lane) ?? 0) + 1);
    // Only times a Date can show (an event may claim 1e300 ms).
    const t = Date.parse(a.timestamp);
    if (Number.isFinite(t) && Math.abs(t) <= 8.64e15) {
      if (t < this.lo) this.lo = t;
      if (t > this.hi) this.hi = t;
    }
  }
  byHost(): { key: string; count: number }[] {
    return [...this.hosts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  }
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{margin:0 0 4px}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right}
.meta{color:#555}.cards{display:flex;gap:12px;margin:12px 0}.card{border:1px solid #ccc;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:22px}.sev{color:#fff;border-radius:3px;padding:0 6px;font-size:12px}
.alert{border:1px solid #ddd;border-radius:6px;padding:6px 12px;margin:10px 0}.alert h3{margin:4px 0;font-size:15px}
code{font-size:12px;word-break:break-all}.tree ul{list-style:none;padding-left:18px;margin:2px 0}.tree summary{cursor:pointer}.grid{display:flex;gap:32px;flex-wrap:wrap}svg text{font:11px system-ui,sans-serif}`;

function badge(severity: string): string {
  return `<span class="sev" style="background:${COLOURS[severity] ?? '#555'}">${esc(severity || 'query')}</span>`;
}

function countTable(title: string, rows: { label: string; count: number }[]): string {
  if (rows.length === 0) return '';
  const body = rows.map((r) => `<tr><td>${r.label}</td><td class="num">${r.count}</td></tr>`).join('');
  return `<div><h3>${title}</h3><table><tr><th>${title.replace(/^By /, '')}</th><th>alerts</th></tr>${body}</table></div>`;
}

function render(s: ScanSummary, alerts: KeptAlerts, tally: Tally, opts: WriterOptions): string {
  const tz = opts.timeZone;
  const fired = firedRules(s);
  const silent = s.alertsByRule.length - fired.length;
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>lolhunt report</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>lolhunt report</h1><p class="meta">lolhunt ${esc(opts.run?.version ?? '')} · inputs: ${esc((opts.run?.inputs ?? []).join(' '))}` +
    `${opts.run?.ruleSet ? ` · rules: ${esc(opts.run.ruleSet.paths.join(' '))}` : ''} · times in ${esc(tz ?? 'UTC')}</p>`);
  parts.push(`<div class="cards"><div class="card" id="total-alerts"><b>${s.alerts}</b>alerts</div><div class="card"><b>${s.events}</b>events</div>` +
    `<div class="card"><b>${s.files}</b>files (${esc(formatBytes(s.bytes))})</div><div class="card"><b>${s.badLines}</b>bad lines</div>` +
    `<div class="card"><b>${s.fileErrors}</b>file errors</div></div>`);
  parts.push('<h2>Summary</h2><div class="grid">');
  parts.push(countTable('By rule', fired.map((r) => ({ label: `${badge(r.severity)} ${esc(ruleLabel(r.rule, r.name))}`, count: r.count }))));
  parts.push(countTable('By severity', bySeverity(s).map((r) => ({ label: badge(r.severity), count: r.count }))));
  parts.push(countTable('By host', tally.byHost().map((r) => ({ label: esc(r.key), count: r.count }))));
  parts.push('</div>');
  if (silent) parts.push(`<p class="meta">${silent} other rule${silent === 1 ? '' : 's'} ran without alerts.</p>`);
  const techniques = techniquesSeen(s);
  if (techniques.length) parts.push(`<p>ATT&amp;CK techniques seen: ${techniques.map(esc).join('; ')}</p>`);
  if (alerts.total) parts.push('<h2>Timeline</h2>', timeline(alerts.first, tally, tz));
  parts.push(`<h2>Alerts</h2>`);
  if (alerts.total === 0) parts.push('<p>No alerts.</p>');
  alerts.first.forEach((a, i) => parts.push(alertSection(a, i, opts)));
  if (alerts.total > MAX_DETAILED) parts.push(`<p>… and ${alerts.total - MAX_DETAILED} more alerts (see the json or ndjson output).</p>`);
  if (s.problems.length) {
    parts.push('<h2>Input problems</h2><ul>');
    for (const p of s.problems) parts.push(`<li><code>${esc(p.line === undefined ? p.file : `${p.file}:${p.line}`)}</code>: ${esc(p.reason)}</li>`);
    parts.push('</ul>');
  }
  parts.push('</body></html>\n');
  return parts.join('\n');
}

function alertSection(a: ReportedAlert, i: number, opts: WriterOptions): string {
  const f = alertFacts(a, opts.lookup);
  const rows = a.events.map((e, n) => {
    if (e.missing) return `<tr><td>${n + 1}</td><td colspan="3"><i>missing event (no event of this step occurred)</i></td></tr>`;
    const fields = matchedFields(a, e.source, opts.lookup).map(([k, v]) => `<code>${esc(k)}</code> = <code>${esc(v)}</code>`).join('<br>');
    return `<tr><td>${n + 1}</td><td>${esc(displayTime(e.timestamp, opts.timeZone))}</td><td><code>${esc(`${e.file}:${e.line}`)}</code></td><td>${fields}</td></tr>`;
  });
  return `<section class="alert" id="alert-${i + 1}"><h3>#${i + 1} ${badge(a.rule?.severity ?? '')} ${esc(ruleLabel(a.rule))}</h3>` +
    `<p class="meta">${esc(displayTime(a.timestamp, opts.timeZone))} · host ${esc(f.host || '(none)')} · ${esc(f.process)}` +
    `${f.destination ? ` → ${esc(f.destination)}` : ''}${f.user ? ` · user ${esc(f.user)}` : ''}</p>` +
    (f.commandLine ? `<p class="meta">command line <code>${esc(f.commandLine)}</code></p>` : '') +
    (f.parent ? `<p class="meta">parent <code>${esc(f.parent)}</code></p>` : '') +
    `<table><tr><th>#</th><th>time</th><th>file:line</th><th>fields the rule reads</th></tr>${rows.join('')}</table>` +
    `${a.processTree ? processTreeHtml(a.processTree) : ''}</section>`;
}

/** One process as a summary line: name (pid), the facts, the start event's file:line; its command line below. */
function processHtml(p: ProcessInfo, mark = ''): string {
  const f = processFacts(p);
  return `<summary>${esc(f.name)}${mark}${f.details.length ? ` <span class="meta">· ${f.details.map(esc).join(' · ')}</span>` : ''}` +
    `${f.where ? ` <code>${esc(f.where)}</code>` : ''}</summary>${p.commandLine ? `<code>${esc(p.commandLine)}</code>` : ''}`;
}

/**
 * The alert's process tree, collapsible without script: a `<details>` per process, the root
 * outermost, down to the alert's process (open), with its events per kind and its children.
 */
function processTreeHtml(tree: ProcessTree): string {
  const events = eventKinds(tree.process.events).map(([kind, t]) =>
    `<li><details><summary>${esc(kind)} events: ${t.count}</summary><ul>${t.first.map((e) =>
      `<li>${esc(e.timestamp)} <code>${esc(e.target)}</code> <code>${esc(`${e.file}:${e.line}`)}</code></li>`).join('')}` +
    `${t.count > t.first.length ? `<li>… ${t.count - t.first.length} more</li>` : ''}</ul></details></li>`);
  const children = tree.children.map((c) => `<li><details>${processHtml(c)}</details></li>`);
  if (tree.moreChildren) children.push(`<li>… ${tree.moreChildren} more children</li>`);
  let html = `<details open class="alert-process">${processHtml(tree.process, ' <b>◀ this alert</b>')}` +
    `${events.length ? `<ul>${events.join('')}</ul>` : ''}${children.length ? `<p class="meta">children</p><ul>${children.join('')}</ul>` : ''}</details>`;
  for (const p of tree.ancestry) html = `<details open>${processHtml(p)}<ul><li>${html}</li></ul></details>`;
  const notes = tree.unresolved.map((u) => `<li>${esc(u)}</li>`).join('');
  return `<details class="tree"><summary>Process tree (${tree.ancestry.length} parent${tree.ancestry.length === 1 ? '' : 's'}, ` +
    `${tree.children.length + tree.moreChildren} child${tree.children.length + tree.moreChildren === 1 ? '' : 'ren'})</summary>` +
    `<ul><li>${html}</li></ul>${notes ? `<p class="meta">unresolved:</p><ul class="meta">${notes}</ul>` : ''}</details>`;
}

/** Lanes drawn at most; past this the rules with the fewest alerts share one "+N more rules" lane. */
const MAX_LANES = 12;

/**
 * The alerts shown in full as dots on a time axis spanning every alert, one lane per rule (the
 * MAX_LANES - 1 rules with most alerts, the rest in one lane), linked to their details.
 */
function timeline(alerts: Alert[], tally: Tally, tz: string | undefined): string {
  const byCount = [...tally.lanes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  const own = byCount.length > MAX_LANES ? byCount.slice(0, MAX_LANES - 1) : byCount;
  const rest = byCount.length - own.length;
  const lanes = rest ? [...own, `+${rest} more rules`] : own;
  const laneOf = new Map(own.map((name, i) => [name, i]));
  let { lo, hi } = tally;
  if (lo > hi) return '<p>No alert time can be drawn.</p>';
  if (hi - lo < 60_000) { lo -= 30_000; hi += 30_000; }
  const left = 300, width = 960, plot = width - left - 20, top = 24, lane = 24;
  const height = top + lanes.length * lane + 44;
  const x = (t: number) => left + ((t - lo) / (hi - lo)) * plot;
  const out: string[] = [`<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="alerts over time">`];
  lanes.forEach((name, i) => {
    const y = top + i * lane + lane / 2;
    out.push(`<line x1="${left}" x2="${left + plot}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${esc(name.length > 46 ? `${name.slice(0, 45)}…` : name)}</text>`);
  });
  const axis = top + lanes.length * lane;
  out.push(`<line x1="${left}" x2="${left + plot}" y1="${axis}" y2="${axis}" stroke="#888"/>`);
  // Within one day the ticks show the time only; the date range is in the caption.
  const day = (t: number) => displayTime(new Date(t).toISOString(), tz).slice(0, 10);
  const sameDay = day(lo) === day(hi);
  for (let k = 0; k <= 4; k++) {
    const t = lo + ((hi - lo) * k) / 4;
    const shown = displayTime(new Date(t).toISOString(), tz).slice(0, 19).replace('T', ' ');
    out.push(`<text x="${x(t)}" y="${axis + 16}" text-anchor="${k === 0 ? 'start' : k === 4 ? 'end' : 'middle'}">${esc(sameDay ? shown.slice(11) : shown)}</text>`);
  }
  const caption = `${day(lo)}${sameDay ? '' : ` to ${day(hi)}`} (${tz ?? 'UTC'})`;
  out.push(`<text x="${left}" y="${axis + 32}">${esc(caption)}</text>`);
  // Dots that would overlap in a lane are stacked a little above and below, never past the lane's edges.
  const taken = new Map<string, number>();
  alerts.forEach((a, i) => {
    const t = Date.parse(a.timestamp);
    if (Number.isNaN(t)) return;
    const laneIndex = laneOf.get(ruleLabel(a.rule)) ?? lanes.length - 1;
    const cx = x(t);
    const slot = `${laneIndex}:${Math.round(cx / 8)}`;
    const n = taken.get(slot) ?? 0;
    taken.set(slot, n + 1);
    const y = top + laneIndex * lane + lane / 2 + (n % 3 === 0 ? 0 : n % 3 === 1 ? -6 : 6);
    const colour = COLOURS[a.rule?.severity ?? ''] ?? '#555';
    out.push(`<a href="#alert-${i + 1}"><circle class="dot" cx="${cx.toFixed(1)}" cy="${y}" r="5" fill="${colour}" fill-opacity="0.8" stroke="#fff">` +
      `<title>#${i + 1} ${esc(displayTime(a.timestamp, tz))} ${esc(ruleLabel(a.rule))}</title></circle></a>`);
  });
  out.push('</svg>');
  return out.join('');
}

/**
 * Reads python-evtx's XML rendering of event records (`evtx_dump.py`, one `<Event>` per
 * record: ../shared/realdata/evtx-attack-samples) and gives each record in the JSON shape of
 * the Rust evtx crate's `evtx_dump -o jsonl` (`Event.System`, `Event.EventData` with named
 * data as keys, unnamed `<Data>` as `Data.#text`, `Event.UserData.<element>`), so tests can
 * feed real records to the evtx-dump mapping. Small and test-only: entities, attributes,
 * nested elements and text; no CDATA, comments or namespaces beyond ignoring them.
 */

interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e] ?? m);

/** Every top-level `<Event>` element of a python-evtx XML document. */
export function parseEvents(xml: string): XmlElement[] {
  const events: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const tag = /<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (stack.length) stack[stack.length - 1]!.text += decode(xml.slice(last, m.index));
    last = tag.lastIndex;
    if (!m[2]) continue;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const el = stack.pop();
      if (el && stack.length === 0 && el.name === 'Event') events.push(el);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    if (selfClose) {
      if (stack.length === 0 && name === 'Event') events.push(el);
    } else if (name === 'Event' || stack.length) stack.push(el);
  }
  return events;
}

/**
 * evtx_dump writes typed integers as numbers (a plain decimal of up to 9 digits stands for one
 * here) and hex integers unpadded ("0x3e7", where python-evtx writes "0x00000000000003e7").
 */
const typed = (s: string): string | number =>
  /^(0|[1-9]\d{0,8})$/.test(s) ? Number(s) : /^0x[0-9a-f]+$/i.test(s) ? `0x${s.slice(2).replace(/^0+(?=.)/, '')}` : s;
/** python-evtx's "2019-02-16 10:01:46.884037" → evtx_dump's "2019-02-16T10:01:46.884037Z". */
const isoTime = (s: string) => (/^\d{4}-\d\d-\d\d \d/.test(s) ? `${s.replace(' ', 'T')}Z` : s);

function attributes(attrs: Record<string, string>, time = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'xmlns' || v === '') continue;
    out[k] = time && k === 'SystemTime' ? isoTime(v) : typed(v);
  }
  return out;
}

/** A System child: text, attributes only, or both (evtx_dump's `#attributes` and `#text`). */
function systemValue(el: XmlElement): unknown {
  const attrs = attributes(el.attrs, el.name === 'TimeCreated');
  const text = el.text.trim();
  const hasAttrs = Object.keys(attrs).length > 0;
  if (!hasAttrs) return text === '' ? null : typed(text);
  return text === '' ? { '#attributes': attrs } : { '#attributes': attrs, '#text': typed(text) };
}

function plain(el: XmlElement): unknown {
  if (el.children.length === 0) return el.text.trim() === '' ? null : typed(el.text.trim());
  const out: Record<string, unknown> = {};
  for (const c of el.children) out[c.name] = plain(c);
  return out;
}

/** One record in evtx_dump's JSON shape. */
export function toEvtxDump(event: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of event.children) {
    if (part.name === 'System') {
      const system: Record<string, unknown> = {};
      for (const c of part.children) system[c.name] = systemValue(c);
      out.System = system;
    } else if (part.name === 'EventData') {
      const data: Record<string, unknown> = {};
      const unnamed: unknown[] = [];
      for (const c of part.children) {
        const value = c.children.length ? plain(c) : c.text === '' ? null : typed(c.text);
        if (c.name === 'Data' && c.attrs.Name) data[c.attrs.Name] = value;
        else if (c.name === 'Data' && /^<string>/.test(c.text)) {
          // python-evtx's rendering of several unnamed values: <string>a</string><string>b</string>.
          for (const m of c.text.matchAll(/<string>([\s\S]*?)<\/string>/g)) unnamed.push(m[1]);
        } else if (c.name === 'Data') unnamed.push(value);
        else data[c.name] = value;
      }
      if (unnamed.length) data.Data = { '#text': unnamed.length === 1 ? unnamed[0] : unnamed };
      out.EventData = Object.keys(data).length ? data : null;
    } else if (part.name === 'UserData') {
      const inner: Record<string, unknown> = {};
      for (const c of part.children) inner[c.name] = plain(c);
      out.UserData = inner;
    }
  }
  return { Event: out };
}

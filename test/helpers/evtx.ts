import fs from 'node:fs';
import path from 'node:path';
import { readItems, type InputItem } from '../../src/input/index.js';
import { ROOT } from './run-cli.js';

/** ../shared beside the checkout: SigmaHQ's regression cases and real captures (used by path, never copied). */
export const SHARED = path.resolve(ROOT, '../shared');
export const SIGMA_REGRESSION = path.join(SHARED, 'sigma', 'regression');
export const ATTACK_SAMPLES = path.join(SHARED, 'realdata', 'evtx-attack-samples');

/** Files under `dir` whose names end in `ext`, sorted; none when `dir` is absent. */
export function filesUnder(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext)).sort().map((f) => path.join(dir, f));
}

/** Every item lolhunt's reader yields for a file. */
export async function readAll(file: string): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const batch of readItems({ index: 0, path: file }, { maxLineBytes: 16 * 1024 * 1024 })) out.push(...batch);
  return out;
}

/** Concatenated (pretty-printed) JSON documents, as evtx_dump -o json writes them. */
export function parseConcatenated(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  return docs;
}

/** One record of python-evtx's XML: its id, SystemTime and the text of its EventData / UserData leaves. */
export interface PyRecord {
  id: number;
  systemTime: string;
  /** `Name` (Data elements) or element path → text, entities decoded. */
  data: [string, string][];
}

const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, e: string) =>
  e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));

/**
 * A minimal reader of python-evtx's `evtx_dump.py` output: one `<Event>` per record. Only
 * what the comparison needs: EventRecordID, TimeCreated/@SystemTime, and the leaves under
 * EventData (by their Name attribute) or UserData (by their element path).
 */
export function parsePythonEvtxXml(xml: string): PyRecord[] {
  const out: PyRecord[] = [];
  for (const m of xml.matchAll(/<Event[ >][\s\S]*?<\/Event>(?=\s*(?:<Event[ >]|<\/Events>))/g)) {
    const ev = m[0];
    const id = Number(/<EventRecordID>(\d+)<\/EventRecordID>/.exec(ev)?.[1]);
    const systemTime = /<TimeCreated SystemTime="([^"]*)"/.exec(ev)?.[1] ?? '';
    const data: [string, string][] = [];
    const body = /<\/System>([\s\S]*)<\/Event>$/.exec(ev)?.[1] ?? '';
    leaves(body, [], data);
    out.push({ id, systemTime, data });
  }
  return out;
}

/** Leaf elements of an XML fragment as [name or path, text]; `<Data Name="X">` is named X. */
function leaves(xml: string, at: string[], out: [string, string][]): void {
  const re = /<([A-Za-z_][\w.:-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((re.lastIndex = pos, m = re.exec(xml))) {
    const [tag, name, attrs, empty] = m as unknown as [string, string, string, string];
    const after = m.index + tag.length;
    const dataName = name === 'Data' ? /\sName="([^"]*)"/.exec(attrs)?.[1] : undefined;
    const key = dataName !== undefined ? decode(dataName) : [...at, name].join('/');
    if (empty) {
      out.push([key, '']);
      pos = after;
      continue;
    }
    const close = findClose(xml, name, after);
    const inner = xml.slice(after, close);
    if (/<[A-Za-z_]/.test(inner)) leaves(inner, dataName !== undefined ? [dataName] : [...at, name], out);
    else out.push([key, decode(inner)]);
    pos = close + name.length + 3;
  }
}

function findClose(xml: string, name: string, from: number): number {
  let depth = 1;
  const re = new RegExp(`<(/?)${name.replace(/[.]/g, '\\.')}(?:[\\s>/])`, 'g');
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    if (m[1]) {
      if (--depth === 0) return m.index;
    } else if (!xml.slice(m.index, xml.indexOf('>', m.index) + 1).endsWith('/>')) depth++;
  }
  return xml.length;
}

import type { DocumentBuilder } from './document.js';
import type { ChunkTables } from './tables.js';
import { EvtxFormatError, NestedBinXml, NULL, sizedValue, tokenValue, type EvtxValue } from './values.js';

/**
 * BinXML tokens (MS-EVEN6 2.2.12; the Rust evtx crate's `BinXMLRawToken`), read into a short
 * program once per template and chunk, then run for every record that instantiates it.
 */
const enum T {
  EndOfStream = 0x00,
  OpenStartElement = 0x01,
  CloseStartElement = 0x02,
  CloseEmptyElement = 0x03,
  CloseElement = 0x04,
  Value = 0x05,
  Attribute = 0x06,
  CDataSection = 0x07,
  CharRef = 0x08,
  EntityRef = 0x09,
  PITarget = 0x0a,
  PIData = 0x0b,
  TemplateInstance = 0x0c,
  NormalSubstitution = 0x0d,
  OptionalSubstitution = 0x0e,
  FragmentHeader = 0x0f,
}

/** What a program does, one step per token that matters. */
export const enum Op {
  Open,
  Attribute,
  Value,
  Substitution,
  CloseStart,
  CloseEmpty,
  Close,
  Template,
}

export type Step =
  | { op: Op.Open; name: string }
  | { op: Op.Attribute; name: string }
  | { op: Op.Value; value: EvtxValue }
  | { op: Op.Substitution; index: number }
  | { op: Op.CloseStart | Op.CloseEmpty | Op.Close }
  | { op: Op.Template; steps: Step[]; values: EvtxValue[] };

/** Shared by every element without attributes: never written to. */
const NO_ATTRIBUTES: [string, EvtxValue][] = [];
const CLOSE_START: Step = { op: Op.CloseStart };
const CLOSE_EMPTY: Step = { op: Op.CloseEmpty };
const CLOSE: Step = { op: Op.Close };

/** Nesting allowed for templates in templates and BinXML in substitutions (crafted input could loop). */
export const MAX_DEPTH = 16;
/**
 * Steps one record may run: templates and BinXML values can be referenced many times over, so
 * a crafted chunk could make a record expand without end. Real records run well under 1,000.
 */
export const MAX_STEPS = 200_000;

/** What one record may still spend (see MAX_STEPS). */
export interface Budget {
  steps: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Reads the tokens of buf[start, end) into steps. `inTemplate`: element starts carry a
 * 16-bit dependency identifier (template definitions do; records and BinXML substitution
 * values do not). Template instances read their substitution values here.
 */
export function compile(tables: ChunkTables, start: number, end: number, inTemplate: boolean, depth: number): Step[] {
  if (depth > MAX_DEPTH) throw new EvtxFormatError('templates nested too deeply');
  const buf = tables.buf;
  const steps: Step[] = [];
  let at = start;
  const need = (n: number) => {
    if (at + n > end) throw new EvtxFormatError(`BinXML runs past its end at offset 0x${at.toString(16)}`);
  };
  /** A name reference; its string follows inline when it points just past itself. */
  const name = (): string => {
    need(4);
    const offset = buf.readUInt32LE(at);
    at += 4;
    if (offset === at) {
      need(8);
      const count = buf.readUInt16LE(at + 6);
      at += 10 + 2 * count;
    }
    return tables.name(offset);
  };
  const utf16Text = (): string => {
    need(2);
    const count = buf.readUInt16LE(at);
    need(2 + 2 * count);
    const s = buf.toString('utf16le', at + 2, at + 2 + 2 * count);
    at += 2 + 2 * count;
    return s;
  };
  // Hot: the byte reads below (`buf[…]!`) lie before `end`, by the loop test or need(), and
  // the chunk holds buf[start, end).
  while (at < end) {
    const token = buf[at]!;
    at++;
    switch (token & 0xbf) {
      case T.EndOfStream:
        return steps;
      case T.FragmentHeader:
        need(3);
        at += 3;
        break;
      case T.OpenStartElement:
        need(inTemplate ? 6 : 4);
        at += inTemplate ? 6 : 4; // dependency id, data size
        steps.push({ op: Op.Open, name: name() });
        if (token & 0x40) {
          need(4);
          at += 4; // attribute list size
        }
        break;
      case T.CloseStartElement:
        steps.push(CLOSE_START);
        break;
      case T.CloseEmptyElement:
        steps.push(CLOSE_EMPTY);
        break;
      case T.CloseElement:
        steps.push(CLOSE);
        break;
      case T.Value: {
        need(1);
        const { value, next } = tokenValue(buf[at]!, buf, at + 1, end);
        at = next;
        steps.push({ op: Op.Value, value });
        break;
      }
      case T.Attribute:
        steps.push({ op: Op.Attribute, name: name() });
        break;
      case T.CDataSection:
        steps.push({ op: Op.Value, value: utf16Text() });
        break;
      case T.CharRef:
        need(2);
        steps.push({ op: Op.Value, value: String.fromCharCode(buf.readUInt16LE(at)) });
        at += 2;
        break;
      case T.EntityRef: {
        const entity = name();
        steps.push({ op: Op.Value, value: ENTITIES[entity] ?? `&${entity};` });
        break;
      }
      case T.PITarget:
        name();
        break;
      case T.PIData:
        utf16Text();
        break;
      case T.TemplateInstance: {
        const r = templateInstance(tables, at, end, depth);
        at = r.next;
        steps.push(r.step);
        break;
      }
      case T.NormalSubstitution:
      case T.OptionalSubstitution: {
        need(3);
        const index = buf.readUInt16LE(at);
        const type = buf[at + 2]!;
        at += 3;
        // An optional substitution declared null is left out (as evtx_dump does).
        if (!((token & 0xbf) === T.OptionalSubstitution && type === NULL)) steps.push({ op: Op.Substitution, index });
        break;
      }
      default:
        throw new EvtxFormatError(`unknown BinXML token 0x${token.toString(16)} at offset 0x${(at - 1).toString(16)}`);
    }
  }
  return steps;
}

/** A template instance at `at` (after its token): the template's steps and this instance's values. */
export function templateInstance(tables: ChunkTables, at: number, end: number, depth: number): { step: Extract<Step, { op: Op.Template }>; next: number } {
  const buf = tables.buf;
  if (at + 9 > end) throw new EvtxFormatError('truncated template instance');
  const defOffset = buf.readUInt32LE(at + 5);
  at += 9;
  // The definition follows inline the first time a chunk uses the template.
  if (defOffset === at) {
    if (at + 24 > end) throw new EvtxFormatError('truncated template definition');
    at += 24 + buf.readUInt32LE(at + 20);
  }
  if (at + 4 > end) throw new EvtxFormatError('truncated template instance');
  const count = buf.readUInt32LE(at);
  at += 4;
  if (count > (end - at) / 4) throw new EvtxFormatError(`template instance claims ${count} values`);
  const values: EvtxValue[] = new Array(count);
  let v = at + 4 * count;
  for (let i = 0; i < count; i++) {
    const size = buf.readUInt16LE(at + 4 * i);
    const type = buf[at + 4 * i + 2]!; // inside the count * 4 bytes checked above
    if (v + size > end) throw new EvtxFormatError(`substitution ${i} runs past the record`);
    values[i] = sizedValue(type, buf, v, v + size);
    v += size;
  }
  return { step: { op: Op.Template, steps: tables.template(defOffset, depth + 1), values }, next: v };
}

/** A BinXML value's steps, read once however often its substitution is used. */
function nestedSteps(tables: ChunkTables, value: NestedBinXml, depth: number): Step[] {
  value.steps ??= compile(tables, value.start, value.end, false, depth);
  return value.steps as Step[];
}

/**
 * Runs steps into a document: `values` fill the substitutions, BinXML values are expanded
 * where they stand. As evtx_dump: an attribute takes the first value after its name, and a
 * value with no attribute name pending inside a start tag is dropped.
 */
export function run(tables: ChunkTables, steps: Step[], values: EvtxValue[], out: DocumentBuilder, depth: number, budget: Budget): void {
  budget.steps -= steps.length;
  if (budget.steps < 0) throw new EvtxFormatError(`record expands to more than ${MAX_STEPS} XML steps`);
  let open: string | null = null;
  let attrs: [string, EvtxValue][] = NO_ATTRIBUTES;
  let attr: string | null = null;
  for (const step of steps) {
    switch (step.op) {
      case Op.Open:
        open = step.name;
        attrs = NO_ATTRIBUTES;
        attr = null;
        break;
      case Op.Attribute:
        if (open !== null) attr = step.name;
        break;
      case Op.Value:
      case Op.Substitution: {
        const value = step.op === Op.Value ? step.value : (values[step.index] ?? null);
        if (open !== null) {
          if (attr !== null && !(value instanceof NestedBinXml)) {
            if (attrs === NO_ATTRIBUTES) attrs = [];
            attrs.push([attr, value]);
            attr = null;
          }
        } else if (value instanceof NestedBinXml) {
          if (depth >= MAX_DEPTH) throw new EvtxFormatError('BinXML values nested too deeply');
          run(tables, nestedSteps(tables, value, depth + 1), [], out, depth + 1, budget);
        } else {
          out.text(value);
        }
        break;
      }
      case Op.CloseStart:
      case Op.CloseEmpty:
        if (open === null) throw new EvtxFormatError('end of a start tag without one');
        out.open(open, attrs);
        if (step.op === Op.CloseEmpty) out.close();
        open = null;
        break;
      case Op.Close:
        out.close();
        break;
      case Op.Template:
        run(tables, step.steps, step.values, out, depth + 1, budget);
        break;
    }
  }
}

import type { EventView, Expr, Query } from '../eql/index.js';
import type { EpochUnit, ShapeName } from '../normalize/index.js';
import { getField, parseDate } from '../normalize/index.js';
import type { InputCoverage, RuleWarning } from './types.js';

/**
 * Field groups a query step cannot match without: each group must have some field that
 * occurs. Negations, `!= null` tests and optional fields need nothing (a missing value
 * makes a negated test true); an `or` needs one field of either side.
 */
export function requiredFields(query: Query, categoryField: string): string[][][] {
  const steps = query.type === 'event' ? [{ filter: query.filter, missing: false }] : query.steps;
  return steps.filter((s) => !s.missing).map((s) => [
    ...(s.filter.category === null ? [] : [[categoryField]]),
    ...needs(s.filter.condition),
  ]);
}

function needs(e: Expr): string[][] {
  switch (e.type) {
    case 'Logical': {
      const [l, r] = [needs(e.left), needs(e.right)];
      if (e.op === 'and') return [...l, ...r];
      return l.length && r.length ? [[...new Set([...l.flat(), ...r.flat()])]] : [];
    }
    case 'Not':
      return [];
    case 'In':
      return e.negated ? [] : fieldsOf(e.operand);
    case 'Compare':
      if ([e.left, e.right].some((x) => x.type === 'Literal' && x.value === null)) return [];
      return [...fieldsOf(e.left), ...fieldsOf(e.right)];
    default:
      return fieldsOf(e);
  }
}

function fieldsOf(e: Expr): string[][] {
  switch (e.type) {
    case 'Field': return e.optional ? [] : [[e.path]];
    case 'Literal': return [];
    case 'Not': case 'Negate': return fieldsOf(e.operand);
    case 'Match': return fieldsOf(e.operand);
    case 'In': return [...fieldsOf(e.operand), ...e.list.flatMap(fieldsOf)];
    case 'Call': return e.args.flatMap(fieldsOf);
    default: return [...fieldsOf(e.left), ...fieldsOf(e.right)];
  }
}

interface FileTally extends InputCoverage {
  sawRuleField: boolean;
  sawCategory: boolean;
  missingTimestamp: number;
  /** A document without the timestamp field, to say what it has instead. */
  example?: object;
}

/**
 * Counts what was scanned, per input and per shape, and which fields the queries read
 * never occurred, so the summary can tell "no alert" from "could not have fired".
 */
export class Coverage {
  private readonly files: FileTally[];
  private readonly shapes: Partial<Record<ShapeName, number>> = {};
  private readonly ruleFields: string[];
  private readonly unseen: Set<string>;
  private readonly needs: { name: string; steps: string[][][] }[];
  /** Do the queries have `process where`-style steps (which need the category field)? */
  private readonly usesCategory: boolean;

  constructor(files: string[], queries: { name: string; ast: Query; fields: string[] }[], private readonly categoryField: string) {
    this.files = files.map((file) => ({ file, events: 0, badLines: 0, shapes: {}, sawRuleField: false, sawCategory: false, missingTimestamp: 0 }));
    this.ruleFields = [...new Set(queries.flatMap((q) => q.fields))];
    this.needs = queries.map((q) => ({ name: q.name, steps: requiredFields(q.ast, categoryField) }));
    this.unseen = new Set(this.needs.flatMap((n) => n.steps.flat(2)));
    this.usesCategory = this.needs.some((n) => n.steps.some((groups) => groups.some((g) => g.length === 1 && g[0] === categoryField)));
  }

  event(fileIndex: number, shape: ShapeName, view: EventView): void {
    const f = this.files[fileIndex]!;
    f.events++;
    f.shapes[shape] = (f.shapes[shape] ?? 0) + 1;
    this.shapes[shape] = (this.shapes[shape] ?? 0) + 1;
    if (!f.sawRuleField) f.sawRuleField = this.ruleFields.some((p) => view.get(p) !== undefined);
    if (!f.sawCategory) f.sawCategory = view.get(this.categoryField) !== undefined;
    for (const p of this.unseen) if (view.get(p) !== undefined) this.unseen.delete(p);
  }

  badLine(fileIndex: number | undefined): void {
    if (fileIndex !== undefined) this.files[fileIndex]!.badLines++;
  }

  missingTimestamp(fileIndex: number, doc: object): void {
    const f = this.files[fileIndex]!;
    f.missingTimestamp++;
    f.example ??= doc;
  }

  epoch(fileIndex: number, unit: EpochUnit): void {
    const f = this.files[fileIndex]!;
    if (!f.epoch?.includes(unit)) f.epoch = [...(f.epoch ?? []), unit];
  }

  finish(timestampField: string): { inputs: InputCoverage[]; shapes: Partial<Record<ShapeName, number>>; warnings: string[]; ruleWarnings: RuleWarning[] } {
    const warnings: string[] = [];
    for (const f of this.files) {
      const docs = f.events + f.missingTimestamp;
      if (f.missingTimestamp > 0 && f.missingTimestamp * 2 >= docs) {
        const has = f.example ? timeLikeFields(f.example) : [];
        warnings.push(`${f.file}: ${f.missingTimestamp} of ${docs} documents have no usable ${timestampField}` +
          (has.length ? `; they have ${has.join(', ')} (try --timestamp-field ${has[0]})` : ''));
      }
      if (f.events > 0 && !f.sawRuleField && this.ruleFields.length > 0) {
        warnings.push(`${f.file}: none of its ${f.events} events has any field the rules read (${this.ruleFields.slice(0, 4).join(', ')}, …); shape ${Object.keys(f.shapes).join(', ')}`);
      } else if (f.events > 0 && !f.sawCategory && this.usesCategory) {
        warnings.push(`${f.file}: none of its ${f.events} events has ${this.categoryField}, so no category step (\`process where\` ...) can match them; shape ${Object.keys(f.shapes).join(', ')}`);
      }
    }
    const total = this.files.reduce((n, f) => n + f.events, 0);
    const ruleWarnings: RuleWarning[] = [];
    if (total > 0) {
      for (const n of this.needs) {
        const group = n.steps.flat().find((g) => g.every((p) => this.unseen.has(p)));
        if (group) ruleWarnings.push({ rule: n.name, fields: group });
      }
    }
    const inputs = this.files.map(({ file, events, badLines, shapes, epoch }) => ({ file, events, badLines, shapes, ...(epoch ? { epoch } : {}) }));
    return { inputs, shapes: this.shapes, warnings, ruleWarnings };
  }
}

const TIME_NAME = /time|date|created|timestamp/i;
/** Names that hold the event's own time in UTC, preferred over receive times and local times. */
const EVENT_TIME = /utc|systemtime|timestamp/i;

/** Paths (up to 5 levels) whose name sounds like a time and whose value parses as a date, event times first. */
function timeLikeFields(doc: object): string[] {
  const out: string[] = [];
  const visit = (node: object, prefix: string, depth: number) => {
    for (const [k, v] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        if (depth < 5) visit(v, path, depth + 1);
      } else if (TIME_NAME.test(k) && typeof v === 'string' && parseDate(getField(node, k)) !== null) out.push(path);
    }
  };
  visit(doc, '', 0);
  const rank = (p: string) => (EVENT_TIME.test(p.slice(p.lastIndexOf('.') + 1)) ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b)).slice(0, 3);
}

import { elements, type EventQuery, type EventView, type Expr, type Query } from '../../eql/index.js';
import type { EpochUnit, ShapeName } from '../../normalize/index.js';
import { getField, parseDate } from '../../normalize/index.js';
import type { InputCoverage, RuleWarning } from '../types.js';
import { UnseenFields } from './unseen.js';

/** The filters of the steps a query must match (an event query's one; not missing events). */
function requiredFilters(query: Query): EventQuery['filter'][] {
  return query.type === 'event' ? [query.filter] : query.steps.filter((s) => !s.missing).map((s) => s.filter);
}

/** The categories a query cannot match without (`any` needs none). */
function requiredCategories(query: Query): string[] {
  return [...new Set(requiredFilters(query).flatMap((f) => (f.category === null ? [] : [f.category])))];
}

/**
 * Field groups a query step cannot match without: each group must have some field that
 * occurs. Negations, `!= null` tests and optional fields need nothing (a missing value
 * makes a negated test true); an `or` needs one field of either side.
 */
export function requiredFieldGroups(query: Query, categoryField: string): string[][][] {
  return requiredFilters(query).map((f) => [
    ...(f.category === null ? [] : [[categoryField]]),
    ...needs(f.condition),
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

/** The fields the coverage checks look for, from the queries: the same on every thread. */
export interface CoverageFields {
  categoryField: string;
  /** Every field the queries read. */
  ruleFields: string[];
  /** Fields of the required groups (requiredFieldGroups), tracked until each is seen. */
  tracked: string[];
  /** Categories the queries' steps require (requiredCategories), tracked until each is seen. */
  categories: string[];
}

export function coverageFields(queries: { ast: Query; fields: string[] }[], categoryField: string): CoverageFields {
  return {
    categoryField,
    ruleFields: [...new Set(queries.flatMap((q) => q.fields))],
    tracked: [...new Set(queries.flatMap((q) => requiredFieldGroups(q.ast, categoryField).flat(2)))],
    categories: [...new Set(queries.flatMap((q) => requiredCategories(q.ast)))],
  };
}

/** What one unit of work (a file or a byte range of one) saw: plain data, it crosses threads. */
export interface UnitCoverage {
  shapes: Record<string, number>;
  epoch: EpochUnit[];
  sawRuleField: boolean;
  sawCategory: boolean;
  /** Tracked fields that occurred. */
  seen: string[];
  /** Tracked categories that occurred. */
  seenCategories: string[];
  /** Documents without a usable timestamp, and the time-like fields the first of them has. */
  missingTimestamp: number;
  timeFields: string[];
}

/** Counts, on the thread that reads a unit, what the summary's coverage needs. */
export class UnitTally {
  private readonly data: UnitCoverage = { shapes: {}, epoch: [], sawRuleField: false, sawCategory: false, seen: [], seenCategories: [], missingTimestamp: 0, timeFields: [] };
  private readonly unseen: UnseenFields;
  private readonly unseenCategories: Set<string>;

  constructor(private readonly fields: CoverageFields) {
    this.unseen = new UnseenFields(fields.tracked);
    this.unseenCategories = new Set(fields.categories);
  }

  event(shape: ShapeName, view: EventView): void {
    const d = this.data;
    d.shapes[shape] = (d.shapes[shape] ?? 0) + 1;
    if (!d.sawRuleField) d.sawRuleField = this.fields.ruleFields.some((p) => view.get(p) !== undefined);
    if (!d.sawCategory) d.sawCategory = view.get(this.fields.categoryField) !== undefined;
    for (const p of this.unseen.observe(view)) d.seen.push(p);
    if (this.unseenCategories.size === 0) return;
    for (const c of elements(view.get(this.fields.categoryField) ?? null)) {
      if (typeof c === 'string' && this.unseenCategories.delete(c)) d.seenCategories.push(c);
    }
  }

  epoch(unit: EpochUnit): void {
    if (!this.data.epoch.includes(unit)) this.data.epoch.push(unit);
  }

  missingTimestamp(doc: object): void {
    if (this.data.missingTimestamp++ === 0) this.data.timeFields = timeLikeFields(doc);
  }

  result(): UnitCoverage {
    return this.data;
  }
}

interface FileTally extends InputCoverage {
  sawRuleField: boolean;
  sawCategory: boolean;
  missingTimestamp: number;
  timeFields: string[];
}

/**
 * Gathers what the units saw, per input and per shape, and which fields the queries need
 * never occurred, so the summary can tell "no alert" from "could not have fired".
 */
export class Coverage {
  private readonly files: FileTally[];
  private readonly shapes: Partial<Record<ShapeName, number>> = {};
  private readonly fields: CoverageFields;
  private readonly unseen: Set<string>;
  private readonly unseenCategories: Set<string>;
  private readonly needs: { name: string; steps: string[][][]; categories: string[] }[];
  /** Do the queries have `process where`-style steps (which need the category field)? */
  private readonly usesCategory: boolean;

  constructor(files: string[], queries: { name: string; ast: Query; fields: string[]; rule?: boolean }[], categoryField: string) {
    this.files = files.map((file) => ({ file, events: 0, badLines: 0, shapes: {}, sawRuleField: false, sawCategory: false, missingTimestamp: 0, timeFields: [] }));
    this.fields = coverageFields(queries, categoryField);
    this.needs = queries.filter((q) => q.rule !== false).map((q) => ({ name: q.name, steps: requiredFieldGroups(q.ast, categoryField), categories: requiredCategories(q.ast) }));
    this.unseen = new Set(this.fields.tracked);
    this.unseenCategories = new Set(this.fields.categories);
    this.usesCategory = this.needs.some((n) => n.steps.some((groups) => groups.some((g) => g.length === 1 && g[0] === categoryField)));
  }

  unit(fileIndex: number, u: UnitCoverage): void {
    const f = this.file(fileIndex);
    for (const [shape, n] of Object.entries(u.shapes)) {
      f.events += n;
      f.shapes[shape] = (f.shapes[shape] ?? 0) + n;
      this.shapes[shape as ShapeName] = (this.shapes[shape as ShapeName] ?? 0) + n;
    }
    for (const e of u.epoch) if (!f.epoch?.includes(e)) f.epoch = [...(f.epoch ?? []), e];
    f.sawRuleField ||= u.sawRuleField;
    f.sawCategory ||= u.sawCategory;
    for (const p of u.seen) this.unseen.delete(p);
    for (const c of u.seenCategories) this.unseenCategories.delete(c);
    if (f.missingTimestamp === 0) f.timeFields = u.timeFields;
    f.missingTimestamp += u.missingTimestamp;
  }

  badLine(fileIndex: number): void {
    this.file(fileIndex).badLines++;
  }

  private file(fileIndex: number): FileTally {
    const f = this.files[fileIndex];
    if (f === undefined) throw new RangeError(`no input file ${fileIndex}`);
    return f;
  }

  finish(timestampField: string): { inputs: InputCoverage[]; shapes: Partial<Record<ShapeName, number>>; warnings: string[]; warningDetails: string[]; ruleWarnings: RuleWarning[] } {
    const { ruleFields, categoryField } = this.fields;
    // One line per kind of problem, not per file: a folder of 75 files gives one line with a
    // count, the files' own lines behind --verbose (warningDetails) (issue #26).
    const kinds: { folded: (files: number, events: number) => string; files: string[]; events: number }[] = [];
    const fold = (kind: number, folded: (files: number, events: number) => string, line: string, events: number) => {
      const k = (kinds[kind] ??= { folded, files: [], events: 0 });
      k.files.push(line);
      k.events += events;
    };
    for (const f of this.files) {
      const docs = f.events + f.missingTimestamp;
      if (f.missingTimestamp > 0 && f.missingTimestamp * 2 >= docs) {
        const has = f.timeFields;
        fold(0, (n) => `${n} files: most of their documents have no usable ${timestampField}${has.length ? ` (try --timestamp-field ${has[0]})` : ''}`,
          `${f.file}: ${f.missingTimestamp} of ${docs} documents have no usable ${timestampField}` +
          (has.length ? `; they have ${has.join(', ')} (try --timestamp-field ${has[0]})` : ''), f.missingTimestamp);
      }
      if (f.events > 0 && !f.sawRuleField && ruleFields.length > 0) {
        fold(1, (n, e) => `${n} files: none of their ${e} events has any field the rules read (${ruleFields.slice(0, 4).join(', ')}, …)`,
          `${f.file}: none of its ${f.events} events has any field the rules read (${ruleFields.slice(0, 4).join(', ')}, …); shape ${Object.keys(f.shapes).join(', ')}`, f.events);
      } else if (f.events > 0 && !f.sawCategory && this.usesCategory) {
        fold(2, (n, e) => `${n} files: none of their ${e} events has ${categoryField}, so no category step (\`process where\` ...) can match them`,
          `${f.file}: none of its ${f.events} events has ${categoryField}, so no category step (\`process where\` ...) can match them; shape ${Object.keys(f.shapes).join(', ')}`, f.events);
      }
    }
    const warnings: string[] = [];
    const warningDetails: string[] = [];
    for (const k of kinds) {
      if (!k) continue;
      if (k.files.length <= FOLD_AFTER) warnings.push(...k.files);
      else {
        warnings.push(`${k.folded(k.files.length, k.events)} (--verbose names them)`);
        warningDetails.push(...k.files);
      }
    }
    const total = this.files.reduce((n, f) => n + f.events, 0);
    const ruleWarnings: RuleWarning[] = [];
    if (total > 0) {
      for (const n of this.needs) {
        const group = n.steps.flat().find((g) => g.every((p) => this.unseen.has(p)));
        const category = n.categories.find((c) => this.unseenCategories.has(c));
        if (group) ruleWarnings.push({ rule: n.name, fields: group });
        else if (category !== undefined) ruleWarnings.push({ rule: n.name, category });
      }
    }
    const inputs = this.files.map(({ file, events, badLines, shapes, epoch }) => ({ file, events, badLines, shapes, ...(epoch ? { epoch } : {}) }));
    return { inputs, shapes: this.shapes, warnings, warningDetails, ruleWarnings };
  }
}

/** Files with the same coverage problem named one line each; past this, one line with a count. */
const FOLD_AFTER = 3;

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

import type * as A from './ast.js';
import { EqlSyntaxError } from './errors.js';
import { FUNCTIONS, isCidr } from './functions.js';
import { checkRegex } from './regex.js';

/** Rejects what parses but cannot run: unknown functions, arity, bad constants. */
export function check(node: A.Query | A.Expr, source: string): void {
  const fail = (msg: string, at: number): never => { throw new EqlSyntaxError(msg, source, at); };
  const visitExpr = (e: A.Expr): void => {
    switch (e.type) {
      case 'Literal':
      case 'Field':
        return;
      case 'Not':
      case 'Negate':
        return visitExpr(e.operand);
      case 'Logical':
      case 'Compare':
      case 'Arith':
        visitExpr(e.left);
        visitExpr(e.right);
        if (e.type === 'Arith') {
          for (const side of [e.left, e.right]) {
            if (side.type === 'Literal' && typeof side.value !== 'number' && side.value !== null) {
              fail(`arithmetic '${e.op}' needs numbers, found ${JSON.stringify(side.value)}`, side.start);
            }
          }
        }
        return;
      case 'Match':
        visitExpr(e.operand);
        if (e.kind === 'regex') {
          for (const p of e.patterns) {
            const err = checkRegex(String(p.value));
            if (err) fail(err, p.start);
          }
        }
        return;
      case 'In':
        visitExpr(e.operand);
        e.list.forEach(visitExpr);
        return;
      case 'Call':
        return visitCall(e);
    }
  };
  const visitCall = (e: A.Call): void => {
    const spec = FUNCTIONS.get(e.name.toLowerCase());
    if (!spec) return fail(`unknown function '${e.name}'`, e.start);
    if (e.caseInsensitive && !spec.tilde) fail(`function '${spec.name}' has no case-insensitive ~ form`, e.start);
    const n = e.args.length;
    if (n < spec.minArgs || n > spec.maxArgs) {
      const want = spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      fail(`function '${spec.name}' takes ${want} argument${want === '1' ? '' : 's'}, found ${n}`, e.start);
    }
    const TYPES: Record<string, string> = { s: 'string', n: 'number', b: 'boolean' };
    e.args.forEach((a, i) => {
      // The last parameter letter repeats.
      const want = TYPES[spec.params.charAt(Math.min(i, spec.params.length - 1))];
      if (want && a.type === 'Literal' && a.value !== null && typeof a.value !== want) {
        fail(`argument ${i + 1} of '${spec.name}' must be a ${want}, found ${JSON.stringify(a.value)}`, a.start);
      }
    });
    if (spec.name === 'cidrMatch') {
      for (const a of e.args.slice(1)) {
        if (a.type !== 'Literal' || typeof a.value !== 'string') return fail('cidrMatch ranges must be string constants', a.start);
        if (!isCidr(a.value)) fail(`invalid CIDR range ${JSON.stringify(a.value)}`, a.start);
      }
    }
    e.args.forEach(visitExpr);
  };
  const visitStep = (s: A.Step) => {
    visitExpr(s.filter.condition);
    s.by.forEach(visitExpr);
  };
  switch (node.type) {
    case 'event':
      return visitExpr(node.filter.condition);
    case 'sequence':
    case 'sample':
      node.by.forEach(visitExpr);
      node.steps.forEach(visitStep);
      if (node.type === 'sequence' && node.until) visitStep(node.until);
      return;
    default:
      return visitExpr(node);
  }
}

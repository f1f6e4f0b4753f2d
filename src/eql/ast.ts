/** The EQL abstract syntax tree: plain data; `start`/`end` are offsets into the query text. */

export type LiteralValue = string | number | boolean | null;

interface Node {
  start: number;
  end: number;
}

export interface Literal extends Node { type: 'Literal'; value: LiteralValue; isFloat?: boolean }
export interface Field extends Node { type: 'Field'; path: string; optional: boolean }
export interface Not extends Node { type: 'Not'; operand: Expr }
export interface Logical extends Node { type: 'Logical'; op: 'and' | 'or'; left: Expr; right: Expr }
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export interface Compare extends Node { type: 'Compare'; op: CompareOp; left: Expr; right: Expr }
export type ArithOp = '+' | '-' | '*' | '/' | '%';
export interface Arith extends Node { type: 'Arith'; op: ArithOp; left: Expr; right: Expr }
export interface Negate extends Node { type: 'Negate'; operand: Expr }
/** `x : "a*"`, `x like~ ("a", "b")`, `x regex "..."`: patterns are string literals. */
export interface Match extends Node {
  type: 'Match';
  kind: 'wildcard' | 'like' | 'regex';
  caseInsensitive: boolean;
  operand: Expr;
  patterns: Literal[];
}
export interface In extends Node { type: 'In'; operand: Expr; list: Expr[]; caseInsensitive: boolean; negated: boolean }
export interface Call extends Node { type: 'Call'; name: string; caseInsensitive: boolean; args: Expr[] }

export type Expr = Literal | Field | Not | Logical | Compare | Arith | Negate | Match | In | Call;

/** `process where ...`; category null means `any`. */
export interface EventFilter extends Node { category: string | null; condition: Expr }

export interface Step extends Node {
  filter: EventFilter;
  /** Join keys of this step (sequence/sample-level keys are not repeated here). */
  by: Expr[];
  /** `with runs=N`: the step repeats N times. */
  runs: number;
  /** `![...]`: no matching event may occur at this position. */
  missing: boolean;
}

export interface Pipe extends Node { kind: 'head' | 'tail'; count: number }

export interface EventQuery extends Node { type: 'event'; filter: EventFilter; pipes: Pipe[] }
export interface SequenceQuery extends Node {
  type: 'sequence';
  by: Expr[];
  /** Milliseconds, or null when unbounded. */
  maxspan: number | null;
  steps: Step[];
  until: Step | null;
  pipes: Pipe[];
}
export interface SampleQuery extends Node { type: 'sample'; by: Expr[]; steps: Step[]; pipes: Pipe[] }

export type Query = EventQuery | SequenceQuery | SampleQuery;

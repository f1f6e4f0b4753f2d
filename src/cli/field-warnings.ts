import { requiredFields } from '../eql/index.js';
import type { AbsentField, ScanQuery } from '../engine/index.js';
import { safe } from '../output/index.js';

/** Which fields the queries need, to warn about the ones no scanned event holds. */
export interface FieldCheck {
  fields: string[];
  /** Field → names of the queries using it. */
  users: Map<string, string[]>;
  /**
   * Warn only when a field that does occur is close (a likely typo): a rule set reads many
   * fields a given export lacks, an ad-hoc query only the ones its author typed.
   */
  typosOnly: boolean;
}

export function fieldCheck(queries: ScanQuery[], categoryField: string, typosOnly: boolean): FieldCheck {
  const users = new Map<string, string[]>();
  for (const q of queries) {
    for (const f of requiredFields(q.compiled.ast, categoryField)) {
      const names = users.get(f);
      if (names) names.push(q.name);
      else users.set(f, [q.name]);
    }
  }
  return { fields: [...users.keys()], users, typosOnly };
}

/** Field warnings shown before "… and N more" (all with --verbose): the summary stays short. */
const SHOWN = 5;

/** One warning line per needed field that no event held (none when no event was read). */
export function fieldWarnings(check: FieldCheck, absent: AbsentField[], events: number, verbose = false): string[] {
  if (events === 0) return [];
  const lines = absent.flatMap(({ field, closest }) => {
    if (check.typosOnly && closest === null) return [];
    const names = check.users.get(field) ?? [];
    const listed = names.slice(0, 2).map((n) => safe`'${n}'`).join(', ') + (names.length > 2 ? ` and ${names.length - 2} more rules` : '');
    const users = check.typosOnly ? `, used by ${listed},` : '';
    return [safe`lolhunt: warning: field '${field}'` + `${users} occurs in none of the ${events} events read${closest ? safe` (did you mean '${closest}'?)` : ''}`];
  });
  if (verbose || lines.length <= SHOWN) return lines;
  return [...lines.slice(0, SHOWN), `lolhunt: warning: … and ${lines.length - SHOWN} more fields that occur in no event read (--verbose lists them)`];
}

import type { Parameters } from 'fast-check';

/**
 * fast-check settings for the property tests: a fixed seed per property keeps `npm test`
 * reproducible; `FC_RUNS=n` and `FC_SEED=s` (or `FC_SEED=random`) explore further by hand.
 * A failing seed found that way becomes a fixed `issue-16 ...` case beside the property.
 */
export function params(numRuns: number, seed: number): Parameters<unknown> {
  const runs = process.env.FC_RUNS === undefined ? numRuns : Number(process.env.FC_RUNS);
  const s = process.env.FC_SEED;
  return { numRuns: runs, ...(s === 'random' ? {} : { seed: s === undefined ? seed : Number(s) }) };
}

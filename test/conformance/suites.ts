/** The Elasticsearch QA query tables and the data set each runs over (suite README, 3.6). */
export const QUERY_SUITES = [
  { file: 'test_queries.toml', dataset: 'endgame' },
  { file: 'additional_test_queries.toml', dataset: 'endgame' },
  { file: 'test_queries_date.toml', dataset: 'endgame' },
  { file: 'test_queries_date_nanos.toml', dataset: 'endgame-nanos' },
  { file: 'test_extra.toml', dataset: 'extra' },
  { file: 'test_missing_events.toml', dataset: 'missing-events' },
  { file: 'test_sample.toml', dataset: 'sample' },
  { file: 'test_sample_multi.toml', dataset: 'sample-multi' },
] as const;

/** Expression tables, evaluated as constants (Elasticsearch's TomlFoldTests). */
export const FOLD_SUITES = ['src-test/test_folding.toml', 'src-test/test_string_functions.toml'] as const;

/** Expressions Elasticsearch's fold runner leaves out (Endgame-only behaviour). */
export const UNSUPPORTED_SUITE = 'src-test/test_unsupported.toml';

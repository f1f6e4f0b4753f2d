import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTimeBound } from '../../../src/cli/window.js';

test('--from/--to: spans count back from the newest event, now-spans from now, ISO-8601 is absolute', () => {
  const now = () => Date.UTC(2024, 4, 14, 12, 0, 0);
  assert.deepEqual(parseTimeBound('24h', now), { beforeNewest: 86_400_000 });
  assert.deepEqual(parseTimeBound('7d', now), { beforeNewest: 7 * 86_400_000 });
  assert.deepEqual(parseTimeBound('90s', now), { beforeNewest: 90_000 });
  assert.deepEqual(parseTimeBound('1.5h', now), { beforeNewest: 5_400_000 });
  assert.deepEqual(parseTimeBound('2w', now), { beforeNewest: 14 * 86_400_000 });
  assert.deepEqual(parseTimeBound('now-30m', now), { at: now() - 1_800_000 });
  assert.deepEqual(parseTimeBound('2024-05-14T09:00:00Z', now), { at: Date.UTC(2024, 4, 14, 9) });
  assert.deepEqual(parseTimeBound('2024-05-14T11:00:00+02:00', now), { at: Date.UTC(2024, 4, 14, 9) });
  assert.deepEqual(parseTimeBound('2024-05-14', now), { at: Date.UTC(2024, 4, 14) });
  for (const bad of ['yesterday', '24', '1715680000000', '24x', 'now', '-1h']) assert.throws(() => parseTimeBound(bad, now), /ISO-8601/, bad);
});

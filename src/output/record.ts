import type { Alert } from '../engine/index.js';

/** The documented shape of one result in ndjson/json output; key order is part of the contract. */
export function alertRecord(alert: Alert): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (alert.rule) {
    const r = alert.rule;
    record.rule = { id: r.id, name: r.name, severity: r.severity, risk_score: r.riskScore, threat: r.threat };
  }
  record.join_keys = alert.joinKeys;
  record['@timestamp'] = alert.timestamp;
  record.events = alert.events.map((e) =>
    e.missing ? { missing: true } : { file: e.file, line: e.line, '@timestamp': e.timestamp, source: e.source },
  );
  return record;
}

/** Resolves when everything written so far has been flushed. */
export function flushed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write('', (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

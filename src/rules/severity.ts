/** Severity levels of Elastic detection rules, lowest first (`--fail-on` compares by this order). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export type Severity = (typeof SEVERITIES)[number];

export const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);

import type { Threat } from '../types.js';

/**
 * Sigma's ATT&CK tags (`attack.<tactic-name>`, `attack.t1218.011`) → Elastic's threat shape.
 * Source: MITRE ATT&CK Enterprise tactics (attack.mitre.org/tactics/enterprise), with the
 * tag spellings of the Sigma specification's tags appendix (SigmaHQ/sigma-specification).
 */
export const TACTICS: Record<string, { id: string; name: string }> = {
  reconnaissance: { id: 'TA0043', name: 'Reconnaissance' },
  'resource-development': { id: 'TA0042', name: 'Resource Development' },
  'initial-access': { id: 'TA0001', name: 'Initial Access' },
  execution: { id: 'TA0002', name: 'Execution' },
  persistence: { id: 'TA0003', name: 'Persistence' },
  'privilege-escalation': { id: 'TA0004', name: 'Privilege Escalation' },
  'defense-evasion': { id: 'TA0005', name: 'Defense Evasion' },
  'credential-access': { id: 'TA0006', name: 'Credential Access' },
  discovery: { id: 'TA0007', name: 'Discovery' },
  'lateral-movement': { id: 'TA0008', name: 'Lateral Movement' },
  collection: { id: 'TA0009', name: 'Collection' },
  'command-and-control': { id: 'TA0011', name: 'Command and Control' },
  exfiltration: { id: 'TA0010', name: 'Exfiltration' },
  impact: { id: 'TA0040', name: 'Impact' },
};

const REFERENCE = 'https://attack.mitre.org';

/**
 * One threat entry per tactic tag, each with every technique the rule is tagged with (Sigma
 * does not say which technique serves which tactic); techniques without a tactic tag go
 * under an entry whose tactic is empty. Technique names are their ids: Sigma tags carry no names.
 */
export function threatOf(tags: string[]): Threat[] {
  const tactics: { id: string; name: string }[] = [];
  const techniques = new Map<string, Set<string>>();
  for (const tag of tags) {
    const t = tag.toLowerCase();
    if (!t.startsWith('attack.')) continue;
    const rest = t.slice('attack.'.length);
    const tactic = TACTICS[rest];
    if (tactic) {
      if (!tactics.includes(tactic)) tactics.push(tactic);
      continue;
    }
    const m = /^t(\d{4})(?:\.(\d{3}))?$/.exec(rest);
    if (!m) continue;
    const id = `T${m[1]}`;
    const subs = techniques.get(id) ?? new Set<string>();
    if (m[2]) subs.add(`${id}.${m[2]}`);
    techniques.set(id, subs);
  }
  const technique = [...techniques].map(([id, subs]) => ({
    id, name: id, reference: `${REFERENCE}/techniques/${id}/`,
    ...(subs.size ? { subtechnique: [...subs].map((s) => ({ id: s, name: s, reference: `${REFERENCE}/techniques/${s.replace('.', '/')}/` })) } : {}),
  }));
  if (tactics.length === 0) return technique.length ? [{ framework: 'MITRE ATT&CK', tactic: { id: '', name: '' }, technique }] : [];
  return tactics.map((tactic) => ({
    framework: 'MITRE ATT&CK',
    tactic: { ...tactic, reference: `${REFERENCE}/tactics/${tactic.id}/` },
    ...(technique.length ? { technique } : {}),
  }));
}

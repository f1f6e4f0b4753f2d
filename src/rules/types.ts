import type { Severity } from './severity.js';

export type { Severity };

export interface ThreatTechnique {
  id: string;
  name: string;
  reference?: string;
  subtechnique?: { id: string; name: string; reference?: string }[];
}

export interface Threat {
  framework: string;
  tactic: { id: string; name: string; reference?: string };
  technique?: ThreatTechnique[];
}

/** Rule metadata carried into every alert. */
export interface RuleMeta {
  id: string;
  name: string;
  severity: Severity;
  riskScore: number;
  threat: Threat[];
}

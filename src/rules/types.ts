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
  /** `[rule] tags`, e.g. "OS: Windows", "Tactic: Defense Evasion". */
  tags: string[];
  /** `[metadata] maturity` ("production", "development", "deprecated"), '' when absent. */
  maturity: string;
  /**
   * `[rule] building_block_type` set (Elastic's building-block rules, whose alerts Kibana hides
   * by default): left out of a run unless --building-blocks, and marked in every format.
   */
  buildingBlock?: true;
}

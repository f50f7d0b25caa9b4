import type { Logger } from 'pino';
import type { RuleSet } from '../rules/ruleset.js';
import type { Db } from '../store/index.js';
import type { EServiceClient, KirClient, PlanClient, SsbtekLookupClient } from '../registers/types.js';

/** Everything the pipeline touches, passed in: the pure core never sees any of it. */
export interface RobotDeps {
  db: Db;
  rules: RuleSet;
  ssbtek: SsbtekLookupClient;
  kir: KirClient;
  plan: PlanClient;
  eservice: EServiceClient;
  logger: Logger;
  /** The robot's own account: actor in the audit log and handläggare towards SSBTEK. */
  identity: string;
  /** Key for the audit log's pseudonymous person references. */
  pseudonymSecret: string;
  clock: () => Date;
  planTiming: PlanTiming;
  /**
   * SCB code whose caseworkers get applications for a municipality not served (or none);
   * default the first served code. Must be one of rules.municipalityCodes().
   */
  catchAllMunicipality?: string;
  hooks?: PipelineHooks;
}

export interface PlanTiming {
  /** How long to wait before asking the plan module again when it said "pending". */
  recheckDelayMs: number;
  /** From intake: after this a still-pending plan goes to a caseworker (PLAN_ASSESSMENT_PENDING). */
  pendingDeadlineMs: number;
}

/** Where metrics listen in; every argument is from a fixed set, never personal data. */
export interface PipelineHooks {
  lookup?(register: string, result: 'ok' | 'failed'): void;
  caseProcessed?(outcome: string, seconds: number): void;
  /** `kind`: the error's kind in the catalogue (domain/errors.ts errorKind), never its message. */
  jobFailed?(queue: string, kind: string): void;
}

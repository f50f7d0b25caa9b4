import { appendAuditBatch, pseudonymFor } from '../store/index.js';
import type { RobotDeps } from './deps.js';

export type Register = 'ssbtek' | 'kir' | 'plan';

/** Why the robot reads a register: the purpose in the audit log and in SSBTEK's request. */
export const LOOKUP_PURPOSE = 'Utredning av rätt till ekonomiskt bistånd (SoL 4 kap. 1 §)';

/**
 * Reads one register for several persons of a case. Every look-up is written to the audit log
 * before it is made ("started") and again with its result before the reply is used. If the
 * log cannot be written the look-up is not made: the error propagates and the job retries.
 */
export async function auditedLookups<T>(
  deps: RobotDeps,
  caseId: string,
  register: Register,
  personalNumbers: readonly string[],
  lookup: (personalNumber: string) => Promise<T>,
): Promise<T[]> {
  const entry = (personalNumber: string, result: 'started' | 'ok' | 'unavailable') => ({
    actor: deps.identity,
    action: `${register}.lookup`,
    caseId,
    subjectRef: pseudonymFor(personalNumber, deps.pseudonymSecret),
    purpose: LOOKUP_PURPOSE,
    result,
  });
  await appendAuditBatch(deps.db, personalNumbers.map((pn) => entry(pn, 'started')));
  let replies: T[];
  try {
    replies = await Promise.all(personalNumbers.map(lookup));
  } catch (error) {
    deps.hooks?.lookup?.(register, 'failed');
    // Best effort: the failure itself is the important part and is rethrown regardless.
    await appendAuditBatch(deps.db, personalNumbers.map((pn) => entry(pn, 'unavailable'))).catch(() => undefined);
    throw error;
  }
  await appendAuditBatch(deps.db, personalNumbers.map((pn) => entry(pn, 'ok')));
  deps.hooks?.lookup?.(register, 'ok');
  return replies;
}

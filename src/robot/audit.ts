import { auditRows, insertAuditRows, pseudonymFor, type Db, type NewAuditEntry } from '../store/index.js';
import { stockholmDate } from '../domain/dates.js';
import { batchPerTurn, perDb } from './coalesce.js';
import type { RobotDeps } from './deps.js';
import { lookupPurpose } from './purposes.js';

export type Register = 'ssbtek' | 'kir' | 'plan';


/**
 * Group commit for the audit log. Every caller still waits until its own entries are stored;
 * entries that arrive while a write is in flight go together in the next statement, so many
 * cases looking people up at once cost one round trip per batch instead of one per look-up.
 * An entry that fails the personal-data check is refused for its own caller only, before it
 * joins a batch; when a batch's statement fails, each caller's rows are written again alone, so
 * a refusal (a look-up for a case not in handling) fails only its own caller (the job retries).
 */
const auditBatch = perDb((db: Db) =>
  batchPerTurn(
    async (rowsPerCaller: readonly unknown[][][]): Promise<(Error | undefined)[]> => {
      try {
        await insertAuditRows(db, rowsPerCaller.flat());
        return rowsPerCaller.map(() => undefined);
      } catch (error) {
        if (rowsPerCaller.length === 1) throw error;
        // One caller's rows may be what the database refused (a look-up for a case no longer in
        // handling, migration 0014): each caller is written alone, so only that one fails.
        const failures: (Error | undefined)[] = [];
        for (const rows of rowsPerCaller) failures.push(await insertAuditRows(db, rows).then(() => undefined, (e: unknown) => e as Error));
        return failures;
      }
    },
    { oneAtATime: true },
  ),
);

function auditWriter(db: Db): { write(entries: readonly NewAuditEntry[]): Promise<void> } {
  const batch = auditBatch(db);
  return {
    write(entries) {
      if (entries.length === 0) return Promise.resolve();
      let rows: unknown[][];
      try {
        rows = auditRows(entries);
      } catch (error) {
        return Promise.reject(error);
      }
      return batch(rows).then((failure) => {
        if (failure) throw failure;
      });
    },
  };
}

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
  const log = auditWriter(deps.db);
  const subjects = personalNumbers.map((pn) => pseudonymFor(pn, deps.pseudonymSecret));
  const purpose = lookupPurpose(stockholmDate(deps.clock()));
  const entries = (result: 'started' | 'ok' | 'unavailable'): NewAuditEntry[] =>
    subjects.map((subjectRef) => ({
      actor: deps.identity,
      action: `${register}.lookup`,
      caseId,
      subjectRef,
      purpose,
      result,
    }));
  await log.write(entries('started'));
  let replies: T[];
  try {
    replies = await Promise.all(personalNumbers.map(lookup));
  } catch (error) {
    deps.hooks?.lookup?.(register, 'failed');
    // Best effort: the failure itself is the important part and is rethrown regardless.
    await log.write(entries('unavailable')).catch(() => undefined);
    throw error;
  }
  await log.write(entries('ok'));
  deps.hooks?.lookup?.(register, 'ok');
  return replies;
}

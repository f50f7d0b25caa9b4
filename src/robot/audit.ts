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

/** One register's part of a case's look-ups: whom to ask about, and how (one call or several). */
export interface LookupPlan<T> {
  register: Register;
  personalNumbers: readonly string[];
  /** The answers for `personalNumbers`, in their order. */
  ask(personalNumbers: readonly string[]): Promise<T[]>;
}

type Answers<P extends readonly LookupPlan<unknown>[]> = { -readonly [K in keyof P]: P[K] extends LookupPlan<infer T> ? T[] : never };

/**
 * Reads the registers of one case, all at once. Every look-up (register and person) is
 * written to the audit log before any is made ("started", one write for all of them) and
 * again with its result ("ok" or "unavailable") before any reply is used. If the log cannot
 * be written no look-up is made, or no reply used: the error propagates and the job retries.
 * When a register fails, the first failing one in `plans`' order is thrown (so the case names
 * the same register whatever answered first), after the others have been recorded.
 * Each person's pseudonym is computed once per case, however many registers ask about them.
 */
export async function auditedLookups<P extends readonly LookupPlan<unknown>[]>(deps: RobotDeps, caseId: string, plans: P): Promise<Answers<P>> {
  const log = auditWriter(deps.db);
  const pseudonyms = new Map<string, string>();
  const subjectOf = (pn: string) => {
    let ref = pseudonyms.get(pn);
    if (ref === undefined) pseudonyms.set(pn, (ref = pseudonymFor(pn, deps.pseudonymSecret)));
    return ref;
  };
  const purpose = lookupPurpose(stockholmDate(deps.clock()));
  const entries = (plan: LookupPlan<unknown>, result: 'started' | 'ok' | 'unavailable'): NewAuditEntry[] =>
    plan.personalNumbers.map((pn) => ({
      actor: deps.identity,
      action: `${plan.register}.lookup`,
      caseId,
      subjectRef: subjectOf(pn),
      purpose,
      result,
    }));
  await log.write(plans.flatMap((plan) => entries(plan, 'started')));
  const settled = await Promise.allSettled(plans.map((plan) => plan.ask(plan.personalNumbers)));
  const failed = settled.findIndex((s) => s.status === 'rejected');
  const outcomes = plans.flatMap((plan, i) => entries(plan, settled[i]!.status === 'fulfilled' ? 'ok' : 'unavailable'));
  plans.forEach((plan, i) => deps.hooks?.lookup?.(plan.register, settled[i]!.status === 'fulfilled' ? 'ok' : 'failed'));
  if (failed >= 0) {
    // Best effort: the failure itself is the important part and is rethrown regardless.
    await log.write(outcomes).catch(() => undefined);
    throw (settled[failed] as PromiseRejectedResult).reason;
  }
  await log.write(outcomes);
  return settled.map((s) => (s as PromiseFulfilledResult<unknown[]>).value) as Answers<P>;
}

/** One call per person, for a register that answers about one person at a time. */
export function onePerCall<T>(ask: (personalNumber: string) => Promise<T>): (personalNumbers: readonly string[]) => Promise<T[]> {
  return (personalNumbers) => Promise.all(personalNumbers.map(ask));
}

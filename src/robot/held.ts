import { caseIdsInMunicipalities, listIntakeCases, type Db } from '../store/index.js';
import type { Queues } from './queues.js';

/**
 * Intake held per municipality. The e-service feed and the intake queue are shared by the
 * municipalities, so an admin of one cannot pause the queue; instead the municipality is
 * marked held (queues.holdMunicipality): intake still fetches and stores its applications and
 * cases (nothing is lost, the cursor moves on), but they get no job, so no register is asked,
 * until it is released. The case sweep leaves them alone meanwhile (recovery.ts). Cases that
 * were already in the queue when it was held run on.
 */

/**
 * Intake's enqueue: the cases of `caseIds` (ids, as intake stored them) whose municipality is
 * not held get their first job. One set read from Redis, and one query only when something is held.
 */
export async function enqueueUnlessHeld(db: Db, queues: Queues, caseIds: readonly string[]): Promise<void> {
  const held = await queues.heldMunicipalities();
  if (held.size === 0 || caseIds.length === 0) return queues.enqueueCases(caseIds);
  const kept = await caseIdsInMunicipalities(db, caseIds, [...held]);
  return queues.enqueueCases(caseIds.filter((id) => !kept.has(id)));
}

/**
 * Releases `municipality` and gives its cases still as intake left them (RECEIVED)
 * their first job, as intake would have: the job id is intake's `case-<id>`, so a case that
 * has one already stays one job. Returns how many cases were handed to the queue.
 */
export async function releaseHeld(db: Db, queues: Queues, municipality: string): Promise<number> {
  await queues.releaseMunicipality(municipality);
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await listIntakeCases(db, municipality, { limit: 500, after });
    if (page.length === 0) return count;
    await queues.enqueueCases(page);
    count += page.length;
    after = page.at(-1);
  }
}

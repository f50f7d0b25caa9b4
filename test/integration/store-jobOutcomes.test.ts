import { expect, it } from 'vitest';
import { listJobOutcomesForCase, recordJobOutcome } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { makeCase } from '../support/storeFixtures.js';

forEachBackend('job outcomes', (backend) => {
  const db = useDatabase(backend);

  it('records how each job ended', async () => {
    const c = await makeCase(db());
    await recordJobOutcome(db(), { jobId: `case:${c.id}`, caseId: c.id, queue: 'cases', outcome: 'retrying', errorClass: 'SystemException', attempts: 1 });
    await recordJobOutcome(db(), { jobId: `case:${c.id}`, caseId: c.id, queue: 'cases', outcome: 'completed', attempts: 2 });
    const outcomes = await listJobOutcomesForCase(db(), c.id);
    expect(outcomes.map((o) => [o.outcome, o.errorClass, o.attempts])).toEqual([
      ['retrying', 'SystemException', 1],
      ['completed', null, 2],
    ]);
    expect(outcomes[0]?.at).toBeInstanceOf(Date);
  });

  it('refuses a job id that carries a personal number', async () => {
    await expect(
      recordJobOutcome(db(), { jobId: 'lookup:198507099805', queue: 'cases', outcome: 'failed', attempts: 1 }),
    ).rejects.toThrow(/\$\.jobId looks like a personal number/);
  });
});

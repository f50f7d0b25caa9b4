import { expect, it } from 'vitest';
import { getApplication, saveApplication } from '../../src/store/index.js';
import { forEachBackend, uniqueId, useDatabase } from '../support/backends.js';

forEachBackend('applications', (backend) => {
  const db = useDatabase(backend);

  it('the same application stored twice is one row, and the first version is kept', async () => {
    const id = uniqueId();
    const raw = { application: { id, costs: [{ type: 'rent', amount: '6900' }] } };
    const first = await saveApplication(db(), { id, municipality: '1287', receivedAt: new Date('2026-03-02T08:15:00Z'), raw });
    expect(first.created).toBe(true);
    const second = await saveApplication(db(), { id, municipality: '1287', receivedAt: new Date(), raw: { other: true } });
    expect(second.created).toBe(false);
    expect(second.application.raw).toEqual(raw);
    expect(second.application.receivedAt.toISOString()).toBe('2026-03-02T08:15:00.000Z');
  });

  it('an invalid application is kept with its errors', async () => {
    const id = uniqueId();
    const errors = [{ field: 'application.month', message: 'saknas' }];
    await saveApplication(db(), { id, municipality: '1263', receivedAt: '2026-03-02T09:15:00+01:00', raw: 'not even an object', validationErrors: errors });
    const read = await getApplication(db(), id);
    expect(read?.validationErrors).toEqual(errors);
    expect(read?.raw).toBe('not even an object');
    expect(await getApplication(db(), 'missing')).toBeUndefined();
  });
});

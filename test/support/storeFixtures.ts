import type { Db } from '../../src/store/index.js';
import { createCase, saveApplication, type CaseRecord } from '../../src/store/index.js';
import { uniqueId } from './backends.js';

export const ROBOT = 'robot:test';

/** An application and its case, RECEIVED unless told otherwise (MANUAL: invalid at intake). */
export async function makeCase(db: Db, state: 'RECEIVED' | 'MANUAL' = 'RECEIVED'): Promise<CaseRecord> {
  const id = uniqueId();
  await saveApplication(db, {
    id,
    municipality: '1287',
    receivedAt: '2026-03-02T09:15:00+01:00',
    raw: { application: { id, month: '2026-03' } },
  });
  const { case: record } = await createCase(db, { id, municipality: '1287', month: '2026-03', state, ...(state === 'MANUAL' ? { reason: 'INVALID_APPLICATION' } : {}), actor: ROBOT });
  return record;
}

import { DEV_USERS } from '../web/auth/devUsers.js';
import { appendAudit, listDeclarations, recordDeclaration, type Db } from '../store/index.js';

/**
 * The sandbox (`npm start`) records an SSBTEK declaration for every development user (except
 * `hl-trelleborg-2`, who shows what a user without one sees) and for the robot's account, so
 * that the case pages show SSBTEK's facts. Only where the user has none yet; audit-logged as any
 * declaration. Never used in production.
 */
export const SANDBOX_UNDECLARED_USER = 'hl-trelleborg-2';

export async function seedSandboxDeclarations(db: Db, robotIdentity: string, signedOn: string): Promise<number> {
  const people = DEV_USERS.filter((u) => u.id !== SANDBOX_UNDECLARED_USER).map((u) => ({ id: u.id, municipalities: u.municipalities }));
  const all = [...new Set(DEV_USERS.flatMap((u) => u.municipalities))];
  const existing = await listDeclarations(db, all);
  let made = 0;
  for (const person of [...people, { id: robotIdentity, municipalities: all }]) {
    for (const municipality of person.municipalities) {
      if (existing.some((d) => d.userId === person.id && d.municipality === municipality)) continue;
      const d = await recordDeclaration(db, { userId: person.id, municipality, signedOn, receivedBy: 'Sandlådan', documentRef: 'SANDLÅDA-1', recordedBy: 'sandbox' });
      await appendAudit(db, { actor: 'sandbox', action: 'declaration.record', purpose: 'Sandlådans testanvändare', result: 'ok', details: { declarationId: d.id, userId: d.userId, municipality, signedOn } });
      made += 1;
    }
  }
  return made;
}

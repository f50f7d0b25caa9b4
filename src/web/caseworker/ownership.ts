import { technicalErrorWords } from '../../domain/errors.js';
import { isOwnKey, ownValue } from '../../domain/ownKey.js';
import { REASON_TITLES } from '../../domain/reasons.js';
import { appendAudit, changeOwner, getCase, OWNABLE_STATES, OWNER_REASONS, type CaseRecord, type Db } from '../../store/index.js';
import { DEV_USERS } from '../auth/devUsers.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { AUDIT_PURPOSE, signerName } from './service.js';
import { historyReasonText } from '../../domain/reasons.js';

/**
 * Claiming, handing back and reassigning cases (the workbench's "who owns it"). Each change is a
 * compare-and-set in the store (two claims at once: one wins), a line in the case history and an
 * audit entry, in one transaction.
 */
export type OwnershipOutcome = { ok: true } | { ok: false; message: string };

/** Whether the case is in a state where it can be owned (the review queue's states, not closed). */
export function ownable(c: Pick<CaseRecord, 'state' | 'closedAt'>): boolean {
  return (OWNABLE_STATES as readonly string[]).includes(c.state) && c.closedAt === null;
}

/**
 * The people a case can be given to: caseworkers and team leads of the user's organisation who
 * see the case's municipality. The sandbox's users (DEV_USERS) are the only directory there is;
 * with OpenID Connect a directory of the municipality's staff takes their place.
 */
export function assignees(c: Pick<CaseRecord, 'municipality'>, user: WebUser): WebUser[] {
  return DEV_USERS.filter((u) => u.organisation === user.organisation && u.municipalities.includes(c.municipality) && may(u, 'case.claim'));
}

async function change(db: Db, user: WebUser, c: CaseRecord, to: string | null, reason: string, action: string): Promise<OwnershipOutcome> {
  const moved = await db.transaction(async (tx) => {
    const done = await changeOwner(tx, { caseId: c.id, expectedOwner: c.owner, newOwner: to, actor: user.id, reason });
    if (done) {
      await appendAudit(tx, { actor: user.id, action, caseId: c.id, purpose: AUDIT_PURPOSE, result: 'ok', details: { from: c.owner, to } });
    }
    return done;
  });
  if (moved) return { ok: true };
  const now = await getCase(db, c.id);
  if (now?.owner && now.owner !== c.owner) return { ok: false, message: `${signerName(now.owner)} har redan tagit ärendet. Ladda om sidan.` };
  return { ok: false, message: `Ärendet kan inte tas eller lämnas nu (status: ${now?.state ?? 'okänd'}). Ladda om sidan.` };
}

/** "Jag tar ärendet": an unowned case becomes the user's. */
export async function claimCase(db: Db, user: WebUser, c: CaseRecord): Promise<OwnershipOutcome> {
  if (c.owner === user.id) return { ok: true };
  if (c.owner) return { ok: false, message: `${signerName(c.owner)} har redan tagit ärendet.` };
  return change(db, user, c, user.id, OWNER_REASONS.claimed, 'case.claim');
}

/** The owner hands the case back to the shared queue. */
export async function releaseCase(db: Db, user: WebUser, c: CaseRecord): Promise<OwnershipOutcome> {
  if (c.owner !== user.id) return { ok: false, message: 'Bara den som har ärendet kan lämna tillbaka det.' };
  return change(db, user, c, null, OWNER_REASONS.released, 'case.release');
}

/** A team lead gives the case to `to` (one of `assignees`), or back to the queue (null). */
export async function reassignCase(db: Db, user: WebUser, c: CaseRecord, to: string | null): Promise<OwnershipOutcome> {
  if (to !== null && !assignees(c, user).some((u) => u.id === to)) return { ok: false, message: 'Välj en handläggare i listan.' };
  if (to === c.owner) return { ok: true };
  return change(db, user, c, to, `${OWNER_REASONS.reassigned}:${to ?? '-'}`, 'case.reassign');
}

/** A history reason in words (domain/reasons.ts historyReasonText), people by name. */
export function historyReasonWords(reason: string | null): string {
  return historyReasonText(reason, signerName);
}

import { stateInText } from './view.js';
import { technicalErrorWords } from '../../domain/errors.js';
import { isOwnKey, ownValue } from '../../domain/ownKey.js';
import { REASON_TITLES } from '../../domain/reasons.js';
import { appendAudit, carryOutStop, changeOwner, currentDecision, getCase, getStaffMember, OWNABLE_STATES, OWNER_REASONS, restartCarryOut, type CaseRecord, type Db } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { handOverRefusal, staffName, type StaffDirectory } from '../staff.js';
import { AUDIT_PURPOSE } from './service.js';
import { ssbtekAccess } from '../ssbtekAccess.js';
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
  if (now?.owner && now.owner !== c.owner) return { ok: false, message: `${await staffName(db, now.owner)} har redan tagit ärendet. Ladda om sidan.` };
  return { ok: false, message: `Ärendet kan inte tas eller lämnas nu (${now ? `nu: ${stateInText(now.state)}` : 'ärendet finns inte'}). Ladda om sidan.` };
}

/** "Jag tar ärendet": an unowned case becomes the user's. */
export async function claimCase(db: Db, user: WebUser, c: CaseRecord): Promise<OwnershipOutcome> {
  if (c.owner === user.id) return { ok: true };
  if (c.owner) return { ok: false, message: `${await staffName(db, c.owner)} har redan tagit ärendet.` };
  return change(db, user, c, user.id, OWNER_REASONS.claimed, 'case.claim');
}

/** The owner hands the case back to the shared queue. */
export async function releaseCase(db: Db, user: WebUser, c: CaseRecord): Promise<OwnershipOutcome> {
  if (c.owner !== user.id) return { ok: false, message: 'Bara den som har ärendet kan lämna tillbaka det.' };
  return change(db, user, c, null, OWNER_REASONS.released, 'case.release');
}

/**
 * A team lead gives the case to `to`, or back to the queue (null). `to` must be in the staff
 * directory and may be given the case (staff.ts mayBeGiven: same organisation, may claim, the
 * case in scope at the last login); checked here, not only by the page's list. A refusal is
 * audit-logged with the problem, never with the posted text.
 */
export async function reassignCase(db: Db, user: WebUser, c: CaseRecord, to: string | null, now: Date): Promise<OwnershipOutcome> {
  if (to !== null) {
    const member = await getStaffMember(db, to);
    // SSBTEK's terms: the case's register facts are only for someone with a declaration that holds today.
    const refusal =
      handOverRefusal(to, member, c, user) ??
      (member && !(await ssbtekAccess(db, to, c.municipality, now)).visible
        ? `Fördela ärendet till: ${member.displayName} har ingen giltig försäkran för SSBTEK i ärendets kommun i dag och får inte se ärendets registeruppgifter. Välj en annan handläggare, eller be en administratör registrera försäkran.`
        : undefined);
    if (refusal) {
      await appendAudit(db, { actor: user.id, action: 'case.reassign', caseId: c.id, purpose: AUDIT_PURPOSE, result: 'refused', details: { problem: 'not-an-assignee' } });
      return { ok: false, message: refusal };
    }
  }
  if (to === c.owner) return { ok: true };
  return change(db, user, c, to, `${OWNER_REASONS.reassigned}:${to ?? '-'}`, 'case.reassign');
}

/**
 * The owner starts a stopped carry-out again once the fault is mended: MANUAL -> SIGNED (store
 * restartCarryOut) with an audit entry; the caller hands the decision to the outbound queue.
 * Steps already done stay done (decision_steps), so nothing is written back or paid twice.
 * Refused for a possible återkrav, which the robot never acts on.
 */
export async function carryOutAgain(db: Db, user: WebUser, c: CaseRecord): Promise<{ ok: true; decisionId: string } | { ok: false; message: string }> {
  if (c.owner !== user.id) return { ok: false, message: 'Ta ärendet först: bara den som har ärendet kan starta verkställigheten igen.' };
  const decision = await currentDecision(db, c.id);
  if (!decision) return { ok: false, message: 'Ärendet har inget beslut att verkställa.' };
  const restarted = await db.transaction(async (tx) => {
    const done = await restartCarryOut(tx, { caseId: c.id, owner: user.id, actor: user.id });
    if (done) await appendAudit(tx, { actor: user.id, action: 'case.carry-out-again', caseId: c.id, purpose: AUDIT_PURPOSE, result: 'ok', details: { decisionId: decision.id } });
    return done;
  });
  if (restarted) return { ok: true, decisionId: decision.id };
  if ((await carryOutStop(db, c.id)) === 'POSSIBLE_RECLAIM') {
    return { ok: false, message: 'Ett möjligt återkrav verkställs inte av roboten. Pröva det, fatta i så fall ett särskilt beslut i verksamhetssystemet och avsluta sedan ärendet här.' };
  }
  const now = await getCase(db, c.id);
  return { ok: false, message: `Verkställigheten kan inte startas igen nu (${now ? `nu: ${stateInText(now.state)}` : 'ärendet finns inte'}). Ladda om sidan.` };
}

/** A history reason in words (domain/reasons.ts historyReasonText), people by name from `staff`. */
export function historyReasonWords(reason: string | null, staff: StaffDirectory): string {
  return historyReasonText(reason, (id) => staff.nameOf(id));
}

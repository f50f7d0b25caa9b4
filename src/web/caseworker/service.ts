import type { Proposal } from '../../domain/proposal.js';
import {
  appendAudit,
  CaseTransitionError,
  changeOwner,
  closeManualCase,
  OWNER_REASONS,
  currentDecision,
  DecisionConflictError,
  getApplication,
  getBooking,
  getCase,
  getProposalForCase,
  getSnapshot,
  getStateHistory,
  insertDecision,
  latestSnapshotForCase,
  listCaseScreenshotMeta,
  listDecisionsForCase,
  transitionCase,
  type BookingRecord,
  type CaseRecord,
  type CaseScreenshotMeta,
  type Db,
  type DecisionRecord,
  type ProposalRecord,
  type Queryable,
  type SnapshotRecord,
  type StateChange,
} from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { applicantOf } from '../../decisions/content.js';
import { contentAsProposed, contentEdited, type DecisionContent, type SignContext } from './decision.js';
import { contentSettled, pointsOf, settle, type RecomputeBasis, type SettleErrors, type SettleInput } from './manualDecision.js';
import { validateSnapshot } from '../../domain/snapshot.js';
import type { RuleSet } from '../../rules/ruleset.js';
import { personalNumberInFreeText } from '../../domain/personalNumberInText.js';
import { loadStaffDirectory, signerOf, type StaffDirectory } from '../staff.js';
import { formatDateTime, stateInText, type MunicipalityNames } from './view.js';

/** Everything the case page shows, read in one go. */
export interface CaseView {
  case: CaseRecord;
  receivedAt: Date | null;
  validationErrors: { field: string; message: string }[];
  /** What intake kept of an application it could not take as it came (robot/intake.ts). */
  intake: { eserviceId: string | null; duplicateOf: string | null; escaped: string | null; truncated: boolean; raw: unknown };
  proposalRecord?: ProposalRecord;
  proposal?: Proposal;
  snapshot?: SnapshotRecord;
  history: StateChange[];
  decisions: DecisionRecord[];
  /** What the RPA robot saw when the case system failed it (the images are served one by one). */
  screenshots: CaseScreenshotMeta[];
  /** The first meeting, for a first application in a municipality where the robot books it. */
  booking?: BookingRecord;
  /** The rules this process computes with (to settle an income on the workbench), when the caller gave them. */
  rules?: RuleSet;
  /** The staff directory: signers, owners and the colleagues the case can be handed to, by name. */
  staff: StaffDirectory;
}

export const AUDIT_PURPOSE = 'handläggning av ekonomiskt bistånd';

export async function loadCaseView(db: Queryable, c: CaseRecord, rules?: RuleSet): Promise<CaseView> {
  const [application, proposalRecord, history, decisions, screenshots, booking, staff] = await Promise.all([
    getApplication(db, c.id),
    getProposalForCase(db, c.id),
    getStateHistory(db, c.id),
    listDecisionsForCase(db, c.id),
    listCaseScreenshotMeta(db, c.id),
    getBooking(db, c.id),
    loadStaffDirectory(db),
  ]);
  const snapshot = proposalRecord ? await getSnapshot(db, proposalRecord.snapshotId) : await latestSnapshotForCase(db, c.id);
  return {
    case: c,
    receivedAt: application?.receivedAt ?? null,
    validationErrors: application?.validationErrors ?? [],
    intake: intakeKept(application),
    ...(proposalRecord ? { proposalRecord, proposal: proposalRecord.proposal as Proposal } : {}),
    ...(snapshot ? { snapshot } : {}),
    history,
    decisions,
    screenshots,
    ...(booking ? { booking } : {}),
    ...(rules ? { rules } : {}),
    staff,
  };
}

/**
 * What a manual case's incomes are recomputed from: its proposal's stored snapshot (validated
 * again) and the rules; undefined when either is missing.
 */
export function recomputeBasis(snapshot: SnapshotRecord | undefined, rules: RuleSet | undefined): RecomputeBasis | undefined {
  if (!snapshot || !rules) return undefined;
  const checked = validateSnapshot(snapshot.snapshot);
  return checked.ok ? { snapshot: checked.snapshot, rules } : undefined;
}

function intakeKept(application: Awaited<ReturnType<typeof getApplication>>): CaseView['intake'] {
  const kept = (application?.raw as { unstorable?: { escaped?: unknown; truncated?: unknown } } | null | undefined)?.unstorable;
  return {
    eserviceId: application?.eserviceId ?? null,
    duplicateOf: application?.duplicateOf ?? null,
    escaped: typeof kept?.escaped === 'string' ? kept.escaped : null,
    truncated: kept?.truncated === true,
    // The application as it came: the case page reads who applied and for when from it.
    raw: application?.raw ?? null,
  };
}

export async function auditCaseRead(
  db: Queryable,
  user: WebUser,
  caseId: string,
  action: 'case.read' | 'letter.read' | 'screenshot.read' = 'case.read',
  details: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(db, { actor: user.id, action, caseId, purpose: AUDIT_PURPOSE, result: 'ok', details: { role: user.role, municipalities: [...user.municipalities], ...details } });
}

export type SignOutcome =
  | { ok: true; decision: DecisionRecord }
  | { ok: false; status: 400 | 409; message: string };

export interface SignRequest {
  caseId: string;
  /** The proposal the caseworker saw; signing a different one is refused. */
  proposalId: string | undefined;
  edit?: { amounts: ReadonlyMap<number, string>; motivation: string };
  /** A motivation for the letter when signing as proposed (stored and hashed with the decision). */
  motivation?: string;
}

/**
 * Signs the case's proposal as it stands or edited, in one transaction: the case moves
 * PROPOSED -> SIGNED by compare-and-set (a second signer loses here), the decision is stored
 * (a unique index refuses a second first decision), and the signature is audit-logged.
 */
export async function signCase(db: Db, user: WebUser, req: SignRequest, now = new Date()): Promise<SignOutcome> {
  try {
    return await db.transaction(async (tx) => {
      const record = await getProposalForCase(tx, req.caseId);
      if (!record) return { ok: false, status: 409, message: 'Ärendet har inget förslag att signera.' } as SignOutcome;
      if (req.proposalId !== undefined && req.proposalId !== record.id) {
        return { ok: false, status: 409, message: 'Förslaget har ändrats sedan sidan visades. Ladda om sidan och granska igen.' } as SignOutcome;
      }
      const proposal = record.proposal as Proposal;
      if (proposal.outcome === 'MANUAL') {
        return { ok: false, status: 409, message: 'Ärendet ska handläggas manuellt; det finns inget förslag att signera.' } as SignOutcome;
      }
      const ctx = await signContext(tx, record, user, now);
      let content: DecisionContent;
      if (req.edit) {
        const edited = contentEdited(proposal, ctx, req.edit.amounts, req.edit.motivation);
        if ('noChange' in edited) {
          return { ok: false, status: 400, message: 'Inget belopp ändrades. Signera förslaget som det står, eller ändra ett belopp.' } as SignOutcome;
        }
        content = edited;
      } else {
        content = contentAsProposed(proposal, ctx, req.motivation);
      }
      const decision = await recordSignature(tx, user, { caseId: req.caseId, from: 'PROPOSED', reason: req.edit ? 'SIGNED_EDITED' : 'SIGNED', proposalId: record.id, kind: req.edit ? 'edited' : 'as-proposed', content, now });
      return { ok: true, decision } as SignOutcome;
    });
  } catch (error) {
    if (error instanceof DecisionConflictError) return refusedAlready(db, user, req.caseId);
    if (error instanceof CaseTransitionError && error.problem === 'stale') return refusedAlready(db, user, req.caseId);
    throw error;
  }
}

/** Why a signature lost (someone signed first, the robot decided, the case moved on), in words. */
async function refusedAlready(db: Queryable, user: WebUser, caseId: string): Promise<Extract<SignOutcome, { ok: false }>> {
  const existing = await currentDecision(db, caseId);
  const current = await getCase(db, caseId);
  if (existing?.delegationReference) {
    return { ok: false, status: 409, message: 'Ärendet är redan beslutat automatiskt enligt kommunens delegationsordning. Ett beslut kan inte signeras igen.' };
  }
  if (existing) {
    const who = existing.signedBy === user.id ? 'dig' : signerOf(existing, await loadStaffDirectory(db));
    return {
      ok: false,
      status: 409,
      message: `Ärendet är redan signerat av ${who} (${formatDateTime(existing.signedAt)}). Ett signerat beslut kan inte signeras igen.`,
    };
  }
  return {
    ok: false,
    status: 409,
    message: `Ärendet väntar inte längre på signering (nu: ${current ? stateInText(current.state) : 'okänt'}). Ladda om sidan för att se vad som hänt.`,
  };
}

/**
 * Why a case offers nothing to sign, in words for the page: signed already (by whom, when),
 * decided automatically, or in another state; "Ärendet har inget förslag att signera." for a
 * case that is PROPOSED without a proposal to sign (a MANUAL one).
 */
export async function nothingToSignWords(db: Queryable, user: WebUser, caseId: string): Promise<string> {
  const c = await getCase(db, caseId);
  if (c?.state === 'PROPOSED') return 'Ärendet har inget förslag att signera.';
  return (await refusedAlready(db, user, caseId)).message;
}

async function signContext(tx: Queryable, record: ProposalRecord, user: WebUser, now: Date): Promise<SignContext> {
  const snapshot = await getSnapshot(tx, record.snapshotId);
  return {
    proposalId: record.id,
    snapshotId: record.snapshotId,
    applicantPersonalNumber: applicantOf(snapshot?.snapshot),
    signedBy: user.id,
    signedByName: user.displayName,
    signedAt: now,
  };
}

/**
 * The one path every signature takes: the case moves `from` -> SIGNED by compare-and-set (a
 * second signer loses here), the decision is stored with its hash (a unique index refuses a
 * second first decision), and the signature is audit-logged. Inside the caller's transaction.
 */
async function recordSignature(
  tx: Queryable,
  user: WebUser,
  s: { caseId: string; from: 'PROPOSED' | 'MANUAL'; reason: string; proposalId: string; kind: 'as-proposed' | 'edited'; content: DecisionContent; now: Date },
): Promise<DecisionRecord> {
  await transitionCase(tx, { caseId: s.caseId, from: s.from, to: 'SIGNED', actor: user.id, reason: s.reason });
  const decision = await insertDecision(tx, {
    caseId: s.caseId,
    proposalId: s.proposalId,
    kind: s.kind,
    outcome: s.content.outcome,
    amount: s.content.amount,
    content: s.content as unknown as Record<string, unknown>,
    motivation: s.content.motivation,
    signedBy: user.id,
    signedAt: s.now,
  });
  await appendAudit(tx, {
    actor: user.id,
    action: 'decision.sign',
    caseId: s.caseId,
    purpose: AUDIT_PURPOSE,
    result: 'ok',
    details: { decisionId: decision.id, kind: decision.kind, outcome: decision.outcome, contentHash: decision.contentHash, ...(s.from === 'MANUAL' ? { manual: true } : {}) },
  });
  return decision;
}

export interface ManualSignRequest {
  caseId: string;
  /** The proposal the caseworker settled; a newer one (rules entered meanwhile) is refused. */
  proposalId: string | undefined;
  input: SettleInput;
  /** The rules of this process: an income with a discrepancy is recomputed under them (same version as the proposal only). */
  rules?: RuleSet;
  /** The municipalities' names from the rules (view.ts municipalityNames), for the points' facts. */
  names: MunicipalityNames;
}

export type ManualSignOutcome = SignOutcome | { ok: false; status: 400; message: string; errors: SettleErrors };

/** The checks of a manual signature and the decision they give, without signing: for the confirmation page and for signManualCase. */
type SettledContent = { ok: true; record: NonNullable<Awaited<ReturnType<typeof getProposalForCase>>>; content: DecisionContent } | Exclude<ManualSignOutcome, { ok: true }>;

async function settledContent(tx: Queryable, user: WebUser, req: ManualSignRequest, now: Date): Promise<SettledContent> {
  const c = await getCase(tx, req.caseId);
  if (!c || c.state !== 'MANUAL' || c.closedAt) return refusedAlready(tx, user, req.caseId);
  if (c.owner !== user.id) return { ok: false, status: 409, message: 'Ta ärendet först: bara den som har ärendet kan avgöra det.' };
  if (await currentDecision(tx, req.caseId)) return refusedAlready(tx, user, req.caseId);
  const record = await getProposalForCase(tx, req.caseId);
  if (!record || (record.proposal as Proposal).outcome !== 'MANUAL') {
    return { ok: false, status: 409, message: 'Ärendet har inget underlag att avgöra här. Ladda om sidan.' };
  }
  if (req.proposalId !== undefined && req.proposalId !== record.id) {
    return { ok: false, status: 409, message: 'Underlaget har räknats om sedan sidan visades. Ladda om sidan och gå igenom punkterna igen.' };
  }
  const proposal = record.proposal as Proposal;
  const basis = recomputeBasis((await getSnapshot(tx, record.snapshotId)) ?? undefined, req.rules);
  const { points, unsupported } = pointsOf(proposal, req.names, basis);
  if (unsupported.length > 0) {
    return { ok: false, status: 409, message: 'Ärendet har skäl som inte kan avgöras här. Handlägg det i verksamhetssystemet och avsluta det här.' };
  }
  const settled = settle(points, req.input);
  if (!settled.ok) return { ok: false, status: 400, message: 'Rätta det som står vid punkterna:', errors: settled.errors };
  const content = contentSettled(proposal, await signContext(tx, record, user, now), points, settled.settlements, basis);
  return { ok: true, record, content };
}

/**
 * What signing the settled points would decide (outcome, amount, the whole content), computed
 * exactly as signManualCase stores it, for the confirmation step (POST /arenden/:id/avgora/bekrafta).
 * Signs nothing; the same refusals as signManualCase.
 */
export async function previewManualCase(db: Db, user: WebUser, req: ManualSignRequest, now = new Date()): Promise<SettledContent> {
  return settledContent(db, user, req, now);
}

/**
 * Signs the decision of a MANUAL case its owner has settled point by point (manualDecision.ts):
 * MANUAL -> SIGNED through the same path as a proposal (recordSignature: hash, audit; the
 * outbound sweep carries it out). Only the owner, only a case without a decision, not closed.
 * The decision is of kind 'edited' (a person's amounts, a motivation required).
 */
export async function signManualCase(db: Db, user: WebUser, req: ManualSignRequest, now = new Date()): Promise<ManualSignOutcome> {
  try {
    return await db.transaction(async (tx): Promise<ManualSignOutcome> => {
      const found = await settledContent(tx, user, req, now);
      if (!found.ok) return found;
      const { record, content } = found;
      const decision = await recordSignature(tx, user, { caseId: req.caseId, from: 'MANUAL', reason: 'SIGNED_MANUAL', proposalId: record.id, kind: 'edited', content, now });
      return { ok: true, decision };
    });
  } catch (error) {
    if (error instanceof DecisionConflictError) return refusedAlready(db, user, req.caseId);
    if (error instanceof CaseTransitionError && error.problem === 'stale') return refusedAlready(db, user, req.caseId);
    throw error;
  }
}

/**
 * Closes the owner's MANUAL case as handled entirely in the case system, with a reason (their
 * words, kept on the case; the audit entry records the act, not the words). It leaves the inbox.
 * Also a decided case whose carry-out stopped: the caseworker finishes it in the case system.
 */
export async function closeCase(db: Db, user: WebUser, caseId: string, reason: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const text = reason.trim();
  if (text.length === 0) return { ok: false, message: 'Skriv varför ärendet avslutas här och handläggs i verksamhetssystemet.' };
  if (text.length > 2000) return { ok: false, message: 'Skälet får vara högst 2 000 tecken.' };
  // Shown on the case and kept in its history: the case already says whom it is about.
  if (personalNumberInFreeText(text)) return { ok: false, message: 'Skälet får inte innehålla ett personnummer: ärendet anger redan vem det gäller.' };
  const closed = await db.transaction(async (tx) => {
    const done = await closeManualCase(tx, { caseId, owner: user.id, reason: text, actor: user.id });
    if (done) await appendAudit(tx, { actor: user.id, action: 'case.close', caseId, purpose: AUDIT_PURPOSE, result: 'ok', details: { role: user.role } });
    return done;
  });
  if (closed) return { ok: true };
  const c = await getCase(db, caseId);
  if (c?.owner !== user.id) return { ok: false, message: 'Ta ärendet först: bara den som har ärendet kan avsluta det.' };
  return { ok: false, message: `Ärendet kan inte avslutas här (nu: ${stateInText(c.state)}${c.closedAt ? ', redan avslutat' : ''}; bara ett ärende i manuell handläggning avslutas). Ladda om sidan.` };
}

/** Takes a case over for manual handling: PROPOSED or TECHNICAL_ERROR -> MANUAL, claimed by the user if unclaimed, audit-logged. */
export async function takeOver(db: Db, user: WebUser, caseId: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const c = await getCase(db, caseId);
  if (!c || (c.state !== 'PROPOSED' && c.state !== 'TECHNICAL_ERROR')) {
    return { ok: false, message: `Ärendet kan inte tas över nu (${c ? `nu: ${stateInText(c.state)}` : 'ärendet finns inte'}). Ladda om sidan.` };
  }
  try {
    await db.transaction(async (tx) => {
      await transitionCase(tx, { caseId, from: c.state, to: 'MANUAL', actor: user.id, reason: 'TAKEN_OVER' });
      // Taking over is taking: an unclaimed case becomes the user's (a claimed one keeps its owner).
      await changeOwner(tx, { caseId, expectedOwner: null, newOwner: user.id, actor: user.id, reason: OWNER_REASONS.claimed });
      await appendAudit(tx, { actor: user.id, action: 'case.takeover', caseId, purpose: AUDIT_PURPOSE, result: 'ok', details: { from: c.state } });
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof CaseTransitionError && error.problem === 'stale') {
      return { ok: false, message: 'Någon annan hann ändra ärendet. Ladda om sidan.' };
    }
    throw error;
  }
}

export { currentDecision };

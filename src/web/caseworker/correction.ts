import { paidByChain, settle, UnknownPaymentError } from '../../appeals/settlement.js';
import { appealDeadline, cameInTime, type AppealDeadline } from '../../appeals/deadline.js';
import { isIsoDate, stockholmDate } from '../../domain/dates.js';
import { kronor } from '../../domain/labels.js';
import { personalNumberInFreeText } from '../../domain/personalNumberInText.js';
import type { RuleSet } from '../../rules/ruleset.js';
import {
  APPEAL_CHANNELS,
  APPEAL_TEXT_MAX,
  appealOpen,
  appendAudit,
  AppealEventConflictError,
  CaseTransitionError,
  currentDecision,
  DecisionConflictError,
  getAppeal,
  getCase,
  getDecisionSteps,
  insertAppeal,
  insertAppealEvent,
  insertDecision,
  listChainBefore,
  notifiedOnOf,
  transitionCase,
  type AppealChannel,
  type AppealRecord,
  type Db,
  type DecisionRecord,
  type Queryable,
} from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { contentChanged, type DecisionContent } from './decision.js';
import { AUDIT_PURPOSE } from './service.js';
import { stateInText } from './view.js';

/**
 * Changing a signed decision (ändring, or omprövning of an appeal) and recording what happens to
 * an appeal. A change is a new decision that supersedes the one in force; the case goes back to
 * SIGNED (reason CORRECTED) and the outbound sweep carries it out for the difference
 * (src/robot/outbound.ts). Every action is audit-logged with the case id.
 */
export type ActionOutcome<T> = { ok: true; value: T } | { ok: false; status: 400 | 409; message: string };

const refuse = (status: 400 | 409, message: string) => ({ ok: false, status, message }) as const;

/** Why the decision in force cannot be changed now, or undefined when it can. */
export async function changeBlocker(db: Queryable, caseId: string): Promise<string | undefined> {
  const c = await getCase(db, caseId);
  const current = await currentDecision(db, caseId);
  if (!c || !current) return 'Ärendet har inget signerat beslut att ändra.';
  if (c.state === 'SIGNED') return 'Beslutet verkställs just nu. Vänta tills utbetalning och meddelande är klara och ladda om sidan.';
  if (c.state !== 'COMPLETED' && c.state !== 'MANUAL') return `Beslutet kan inte ändras nu (ärendet: ${stateInText(c.state)}).`;
  const chain = await listChainBefore(db, current.id);
  const own = await getDecisionSteps(db, current.id);
  const pay = own.get('payment');
  try {
    paidByChain([
      ...chain.map((d) => ({ decisionId: d.decisionId, decisionAmount: d.amount, writtenBack: d.writtenBack, ...(d.payment ? { payment: d.payment } : {}) })),
      { decisionId: current.id, decisionAmount: current.amount, writtenBack: own.has('write-back'), ...(pay ? { payment: { outcome: pay.outcome, amount: pay.amount } } : {}) },
    ]);
  } catch (error) {
    if (error instanceof UnknownPaymentError) {
      return 'Det är okänt om det gällande beslutet har betalats ut (utbetalningen bekräftades aldrig). Kontrollera utbetalningen i verksamhetssystemet innan beslutet ändras.';
    }
    throw error;
  }
  return undefined;
}

export interface ChangeRequest {
  caseId: string;
  /** The decision the caseworker saw; a change of any other is refused as stale. */
  basedOn: string | undefined;
  amounts: ReadonlyMap<number, string>;
  motivation: string;
  /** The appeal this omprövning answers, if any. */
  appealId?: string;
  /** The change gives the applicant what the appeal asked for (the appeal lapses). */
  resolvesAppeal?: boolean;
}

/**
 * Signs a decision that supersedes the one in force, in one transaction: the case moves
 * COMPLETED|MANUAL -> SIGNED by compare-and-set, the decision is stored (one successor per
 * decision, by the database), an appeal it answers gets its 'changed' event, and it is audit-logged.
 */
export async function changeDecision(db: Db, user: WebUser, req: ChangeRequest, now = new Date()): Promise<ActionOutcome<DecisionRecord>> {
  const blocker = await changeBlocker(db, req.caseId);
  if (blocker) return refuse(409, blocker);
  try {
    return await db.transaction(async (tx) => {
      const c = (await getCase(tx, req.caseId))!;
      const current = (await currentDecision(tx, req.caseId))!;
      if (req.basedOn !== undefined && req.basedOn !== current.id) {
        return refuse(409, 'Beslutet har ändrats sedan sidan visades. Ladda om sidan och granska igen.');
      }
      let appeal: AppealRecord | undefined;
      if (req.appealId !== undefined) {
        appeal = await getAppeal(tx, req.caseId, req.appealId);
        if (!appeal || !appealOpen(appeal) || appeal.events.some((e) => e.kind === 'kept' || e.kind === 'changed')) {
          return refuse(409, 'Överklagandet är redan omprövat eller avslutat.');
        }
      }
      const content = contentChanged(
        current.content as unknown as DecisionContent,
        current.contentHash,
        { previousId: current.id, appealId: appeal?.id ?? null, signedBy: user.id, signedByName: user.displayName, signedAt: now },
        req.amounts,
        req.motivation,
      );
      if ('noChange' in content) return refuse(400, 'Inget belopp ändrades. Ändra minst ett belopp, eller behåll beslutet.');
      await transitionCase(tx, { caseId: req.caseId, from: c.state, to: 'SIGNED', actor: user.id, reason: 'CORRECTED' });
      const decision = await insertDecision(tx, {
        caseId: req.caseId,
        proposalId: current.proposalId,
        kind: 'edited',
        outcome: content.outcome,
        amount: content.amount,
        content: content as unknown as Record<string, unknown>,
        motivation: content.motivation,
        signedBy: user.id,
        signedAt: now,
        supersedes: current.id,
      });
      if (appeal) {
        await insertAppealEvent(tx, { appealId: appeal.id, caseId: req.caseId, kind: 'changed', decisionId: decision.id, resolved: req.resolvesAppeal === true, onDate: stockholmDate(now), actor: user.id });
      }
      await appendAudit(tx, {
        actor: user.id,
        action: 'decision.change',
        caseId: req.caseId,
        purpose: AUDIT_PURPOSE,
        result: 'ok',
        details: { decisionId: decision.id, supersedes: current.id, change: content.change!.kind, outcome: decision.outcome, contentHash: decision.contentHash, ...(appeal ? { appealId: appeal.id } : {}) },
      });
      return { ok: true, value: decision } as const;
    });
  } catch (error) {
    if (error instanceof DecisionConflictError || (error instanceof CaseTransitionError && error.problem === 'stale') || error instanceof AppealEventConflictError) {
      return refuse(409, 'Någon annan hann ändra beslutet. Ladda om sidan.');
    }
    throw error;
  }
}

/** An appeal with its deadline worked out (undefined when the notification day is unknown). */
export interface AppealView {
  appeal: AppealRecord;
  deadline?: AppealDeadline;
  inTime?: boolean;
}

export function viewAppeal(appeal: AppealRecord, rules: RuleSet): AppealView {
  if (!appeal.notifiedOn) return { appeal };
  const closed = rules.closedBankDaysAt(appeal.notifiedOn)?.value ?? [];
  const deadline = appealDeadline(appeal.notifiedOn, closed);
  return { appeal, deadline, inTime: cameInTime(appeal.receivedOn, deadline) };
}

export interface AppealForm {
  receivedOn?: string;
  channel?: string;
  concerns?: string;
  notifiedOn?: string;
}

/**
 * A date field that is not a date: the format asked for, or, when the format is right, that the
 * day does not exist (found by trying the pages: 2026-02-30 was told to use ÅÅÅÅ-MM-DD).
 */
function dateProblem(label: string, typed: string, optional = false): string {
  const orEmpty = optional ? ' eller lämna tomt' : '';
  return /^\d{4}-\d{2}-\d{2}$/.test(typed) ? `${label}: ${typed} finns inte i kalendern; ange ett annat datum${orEmpty}.` : `${label}: ange datumet som ÅÅÅÅ-MM-DD${orEmpty}.`;
}

/** The form's fields checked; each error names its field in Swedish. */
export function parseAppealForm(form: AppealForm, today: string): { ok: true; value: { receivedOn: string; channel: AppealChannel; concerns: string; notifiedOn?: string } } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const receivedOn = (form.receivedOn ?? '').trim();
  const notifiedOn = (form.notifiedOn ?? '').trim();
  const concerns = (form.concerns ?? '').trim();
  if (!isIsoDate(receivedOn)) errors.push(dateProblem('Inkom', receivedOn));
  else if (receivedOn > today) errors.push('Inkom: datumet kan inte vara senare än i dag.');
  if (!(APPEAL_CHANNELS as readonly string[]).includes(form.channel ?? '')) errors.push('Kanal: välj hur överklagandet kom in.');
  if (concerns.length === 0) errors.push('Vad överklagandet gäller: skriv kort vad sökanden vill ändra.');
  else if (concerns.length > APPEAL_TEXT_MAX) errors.push(`Vad överklagandet gäller: högst ${kronor(String(APPEAL_TEXT_MAX))} tecken.`);
  // Printed in the covering letter to förvaltningsrätten: the letter already names the applicant.
  else if (personalNumberInFreeText(concerns)) errors.push('Vad överklagandet gäller: skriv inte personnummer i texten; överklagandet gäller redan ärendet och den sökande.');
  if (notifiedOn !== '' && !isIsoDate(notifiedOn)) errors.push(dateProblem('Sökanden fick beslutet', notifiedOn, true));
  else if (notifiedOn !== '' && isIsoDate(receivedOn) && notifiedOn > receivedOn) {
    errors.push('Sökanden fick beslutet: datumet kan inte vara senare än dagen överklagandet kom in.');
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { receivedOn, channel: form.channel as AppealChannel, concerns, ...(notifiedOn ? { notifiedOn } : {}) } };
}

/**
 * Records an appeal against the decision in force. The day the applicant got the decision is the
 * caseworker's date when given (they know of a later delivery), else the day the notify step
 * told the applicant in "Mina ärenden" (done_at, Stockholm date), else unknown.
 */
export async function recordAppeal(db: Db, user: WebUser, caseId: string, input: { receivedOn: string; channel: AppealChannel; concerns: string; notifiedOn?: string }): Promise<ActionOutcome<AppealRecord>> {
  const current = await currentDecision(db, caseId);
  if (!current) return refuse(409, 'Ärendet har inget beslut att överklaga.');
  const fromStep = await notifiedOnOf(db, current.id);
  const notifiedOn = input.notifiedOn ?? fromStep;
  // Nobody gets, or appeals, a decision before it is made: such a date is a typing error, and
  // taken as it stands it would judge the appeal late (or in time) on a day that cannot be.
  const decidedOn = stockholmDate(current.signedAt);
  if (input.receivedOn < decidedOn) return refuse(400, `Inkom: ${input.receivedOn} är före beslutsdagen ${decidedOn}. Kontrollera datumet.`);
  if (input.notifiedOn !== undefined && input.notifiedOn < decidedOn) {
    return refuse(400, `Sökanden fick beslutet: ${input.notifiedOn} är före beslutsdagen ${decidedOn}. Kontrollera datumet.`);
  }
  return db.transaction(async (tx) => {
    const appeal = await insertAppeal(tx, {
      caseId,
      decisionId: current.id,
      receivedOn: input.receivedOn,
      channel: input.channel,
      concerns: input.concerns,
      notifiedOn,
      notifiedFrom: input.notifiedOn ? 'caseworker' : fromStep ? 'notify-step' : 'unknown',
      recordedBy: user.id,
    });
    await appendAudit(tx, {
      actor: user.id,
      action: 'appeal.record',
      caseId,
      purpose: AUDIT_PURPOSE,
      result: 'ok',
      details: { appealId: appeal.id, decisionId: current.id, channel: input.channel, receivedOn: input.receivedOn, notifiedFrom: appeal.notifiedFrom },
    });
    return { ok: true, value: appeal } as const;
  });
}

const EVENT_WORDS = { kept: 'behållet', dismissed: 'avvisat', forwarded: 'överlämnat' } as const;

/** Longest reason for keeping a decision (characters). */
export const APPEAL_NOTE_MAX = 2_000;

/** What stops "Behåll beslutet": no reason, one too long or with a personal number, or no tick that it stands. Never quotes the text. */
export function keepProblem(note: string, confirmed: boolean): string | undefined {
  const text = note.trim();
  if (text.length === 0) return 'Varför står beslutet fast: skriv kort varför, innan omprövningen sparas.';
  if (text.length > APPEAL_NOTE_MAX) return `Varför står beslutet fast: högst ${kronor(String(APPEAL_NOTE_MAX))} tecken.`;
  if (personalNumberInFreeText(text)) return 'Varför står beslutet fast: skriv inte personnummer i texten.';
  if (!confirmed) return 'Bekräfta att beslutet står fast: kryssa i rutan. Omprövningen går inte att ångra.';
  return undefined;
}

/**
 * One of the appeal's later steps: 'kept' (omprövning, the decision stands), 'dismissed'
 * (avvisat: only an appeal that came in too late, FL 45 §), 'forwarded' (to förvaltningsrätten,
 * after omprövning). Each once; the order is checked here. Audit-logged. Keeping the decision
 * needs a reason (`note`) and `confirmed` (keepProblem); the others take an optional note.
 */
export async function appealStep(db: Db, user: WebUser, caseId: string, appealId: string, kind: 'kept' | 'dismissed' | 'forwarded', rules: RuleSet, now = new Date(), note?: string, confirmed = false): Promise<ActionOutcome<AppealRecord>> {
  const appeal = await getAppeal(db, caseId, appealId);
  if (!appeal) return refuse(409, 'Överklagandet finns inte i ärendet.');
  if (!appealOpen(appeal)) return refuse(409, 'Överklagandet är redan avslutat.');
  const view = viewAppeal(appeal, rules);
  const reconsidered = appeal.events.some((e) => e.kind === 'kept' || e.kind === 'changed');
  if (kind === 'kept' && reconsidered) return refuse(409, 'Överklagandet är redan omprövat.');
  if (kind === 'kept') {
    const why = keepProblem(note ?? '', confirmed);
    if (why) return refuse(400, why);
  }
  if (kind === 'dismissed' && view.inTime !== false) return refuse(409, 'Bara ett överklagande som kommit in för sent kan avvisas.');
  if (kind === 'forwarded' && !reconsidered) return refuse(409, 'Ompröva beslutet först (behåll eller ändra det), sedan överlämnas överklagandet.');
  try {
    await db.transaction(async (tx) => {
      await insertAppealEvent(tx, { appealId, caseId, kind, onDate: stockholmDate(now), note: note?.trim() || null, actor: user.id });
      await appendAudit(tx, { actor: user.id, action: `appeal.${kind}`, caseId, purpose: AUDIT_PURPOSE, result: 'ok', details: { appealId, decisionId: appeal.decisionId } });
    });
  } catch (error) {
    if (error instanceof AppealEventConflictError) return refuse(409, `Överklagandet är redan ${EVENT_WORDS[kind]}.`);
    throw error;
  }
  return { ok: true, value: (await getAppeal(db, caseId, appealId))! };
}

/**
 * Kronor the decision in force and the earlier decisions of its chain have paid out: what a
 * change of it is settled against (robot/outbound.ts settlementOf). After a lower change that
 * left a possible återkrav this is more than the decision in force grants. Undefined when a
 * payment of the chain is unknown (changeBlocker refuses the change then).
 */
export async function paidUnderDecision(db: Queryable, decision: Pick<DecisionRecord, 'id' | 'amount'>): Promise<string | undefined> {
  const steps = await getDecisionSteps(db, decision.id);
  const payment = steps.get('payment');
  const own = { decisionId: decision.id, amount: decision.amount, writtenBack: steps.has('write-back'), ...(payment ? { payment: { outcome: payment.outcome, amount: payment.amount } } : {}) };
  const chain = [...(await listChainBefore(db, decision.id)), own];
  try {
    return paidByChain(chain.map((d) => ({ decisionId: d.decisionId, decisionAmount: d.amount, writtenBack: d.writtenBack, ...(d.payment ? { payment: d.payment } : {}) }))).toFixed(0);
  } catch (error) {
    if (error instanceof UnknownPaymentError) return undefined;
    throw error;
  }
}

/**
 * The återkrav point of a case the carry-out of a lower correction left with a caseworker
 * (MANUAL, reason POSSIBLE_RECLAIM): what was paid, what the decision in force grants, the
 * difference. Undefined for any other case. `stop`: the case's carry-out stop as the caller
 * read it (workbenchView carryOutStopIn: the move into MANUAL, not the last history line, so
 * claiming the case does not hide the point).
 */
export async function reclaimPoint(db: Queryable, caseId: string, stop: string | undefined): Promise<{ paid: string; granted: string; difference: string } | undefined> {
  if (stop !== 'POSSIBLE_RECLAIM') return undefined;
  const current = await currentDecision(db, caseId);
  if (!current) return undefined;
  const chain = await listChainBefore(db, current.id);
  const paid = paidByChain(chain.map((d) => ({ decisionId: d.decisionId, decisionAmount: d.amount, writtenBack: d.writtenBack, ...(d.payment ? { payment: d.payment } : {}) })));
  const s = settle(current.outcome === 'GRANT' ? current.amount : '0', paid);
  return s.kind === 'reclaim' ? { paid: s.paid, granted: s.granted, difference: s.difference } : undefined;
}

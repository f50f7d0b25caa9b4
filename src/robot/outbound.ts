import { randomUUID } from 'node:crypto';
import type { CaseSystemAdapter, DecisionToCarryOut, Notifier, PaymentAdapter } from '../casesystem/types.js';
import type { TraceLine } from '../domain/proposal.js';
import { stockholmDate } from '../domain/dates.js';
import { BusinessException, SystemException } from '../domain/errors.js';
import { paymentDayAfterSigning } from '../norm/paymentDay.js';
import { nextWorkingDay } from '../appeals/deadline.js';
import { paidByChain, settle, UnknownPaymentError, type Settlement } from '../appeals/settlement.js';
import {
  appendAudit,
  CaseTransitionError,
  countRecoveriesInState,
  recordRecovery,
  getDecisionForCarryOut,
  getDecisionSteps,
  listChainBefore,
  listDecisionsToCarryOut,
  recordDecisionStep,
  releaseLease,
  takeLease,
  storeCaseScreenshot,
  transitionCase,
  OUTBOUND_STEPS,
  type DecisionForCarryOut,
  type OutboundStep,
} from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { outboundPurpose } from './purposes.js';
import { outboundJobId, type Queues } from './queues.js';
import { QUEUE_DEFAULTS } from '../config.js';

/**
 * Carrying out a signed decision (DESIGN.md, step 7): write the decision to the case system,
 * order the payment, tell the applicant. One job per decision runs the three steps in order.
 *
 * Exactly once, even when a worker is killed anywhere:
 *  - a step is written down in decision_steps (decision id + step, primary key) as soon as the
 *    outside system has answered; a retry reads the table and resumes after the last step done,
 *    so a step that is written down is never asked for again;
 *  - between the outside system's answer and the row there is a window (a kill, a lost reply):
 *    every adapter is idempotent by decision id (it asks first whether the effect exists, and
 *    the decision id is the outside system's idempotency key), so the retry gets the first
 *    reference back instead of a second effect;
 *  - the case moves SIGNED -> COMPLETED (or -> MANUAL) by compare-and-set, once.
 * A correction (a decision that supersedes another: ändring, omprövning) runs the same steps; its
 * payment is the difference between what it grants and what the earlier decisions of the chain
 * paid (their payment rows, src/appeals/settlement.ts), ordered under the new decision's id, so
 * a retry finds the same difference and the payment system the same idempotency key. When it
 * grants less than was paid, nothing is paid and the case goes to a caseworker as
 * POSSIBLE_RECLAIM with the figures: the robot never reclaims (SoL 33 kap.).
 * Every step is audit-logged with the robot's identity before the call and when it is done.
 */

export interface OutboundAdapters {
  /** The case-system adapter of a municipality (configuration: CASESYSTEM_ADAPTER_<code>), or one for all. */
  caseSystem: CaseSystemAdapter | ((municipality: string) => CaseSystemAdapter);
  payment: PaymentAdapter;
  notifier: Notifier;
}

export type OutboundResult = 'COMPLETED' | 'MANUAL' | 'ALREADY_DONE' | 'UNKNOWN_DECISION' | 'SUPERSEDED' | 'BUSY';

export interface OutboundRun {
  /** True on the job's last attempt: a system exception then routes the case instead of retrying. */
  lastAttempt: boolean;
}

/** What a failing step is called in the case's history. */
const STEP_LABEL: Record<OutboundStep, string> = {
  'write-back': 'write-back (case system)',
  payment: 'payment',
  notify: 'notify (Mina ärenden)',
};

/** An error that brought what the RPA robot saw (src/casesystem/rpa.ts): kept with the case. */
function screenshotOf(error: unknown): Uint8Array | undefined {
  const shot = (error as { screenshot?: unknown } | null)?.screenshot;
  return shot instanceof Uint8Array && shot.length > 0 ? shot : undefined;
}

export function caseSystemFor(adapters: OutboundAdapters, municipality: string): CaseSystemAdapter {
  return typeof adapters.caseSystem === 'function' ? adapters.caseSystem(municipality) : adapters.caseSystem;
}

/** The signed content as the adapters see it. */
export function toCarryOut(decision: DecisionForCarryOut): DecisionToCarryOut {
  const content = decision.content as { month?: unknown; calculation?: { lines?: unknown } };
  if (typeof content.month !== 'string') throw new SystemException('database', `decision ${decision.id}: the signed content has no month`);
  const lines = Array.isArray(content.calculation?.lines) ? (content.calculation.lines as TraceLine[]) : [];
  return {
    decisionId: decision.id,
    caseId: decision.caseId,
    municipality: decision.municipality,
    month: content.month,
    outcome: decision.outcome,
    amount: decision.amount,
    lines,
    signedBy: decision.signedBy,
    signedAt: decision.signedAt.toISOString(),
    hash: decision.contentHash,
    ...(decision.supersedes ? { supersedes: decision.supersedes } : {}),
  };
}

/** Whether a decision pays anything: a grant of more than 0 kronor. */
export function paysOut(decision: Pick<DecisionToCarryOut, 'outcome' | 'amount'>): boolean {
  return decision.outcome === 'GRANT' && Number(decision.amount) > 0 && /[1-9]/.test(decision.amount);
}

/**
 * The payment day of the decision's month by the municipality's rule, or the first banking day
 * after the signing day when the decision was signed after it (a payment day is never in the
 * past). Depends on the signature's Stockholm date, not on the clock, so a retry gets the same
 * day. A missing rule is for a caseworker.
 */
export function payDayFor(deps: Pick<RobotDeps, 'rules'>, decision: DecisionToCarryOut): string {
  const rule = deps.rules.municipality(decision.municipality)?.paymentDay(`${decision.month}-01`);
  if (!rule) {
    throw new BusinessException('RULES_MISSING', `kommun ${decision.municipality}: ingen regel för utbetalningsdag ${decision.month} (rules/municipalities)`);
  }
  const closed = deps.rules.closedBankDaysAt(`${decision.month}-01`);
  if (!closed) {
    throw new BusinessException('RULES_MISSING', `ingen regel för bankdagar ${decision.month} (rules/bankdays.yaml)`);
  }
  return paymentDayAfterSigning(rule.value, decision.month, closed.value, stockholmDate(new Date(decision.signedAt))).payDay;
}

/**
 * The pay day of a correction's extra payment: the month's payment day, or, once that has
 * passed, the first banking day from today (Stockholm): money owed is not held back a month.
 */
export function correctionPayDay(deps: Pick<RobotDeps, 'rules'>, decision: DecisionToCarryOut, now: Date): string {
  const regular = payDayFor(deps, decision);
  const today = stockholmDate(now);
  if (regular >= today) return regular;
  const closed = deps.rules.closedBankDaysAt(today);
  if (!closed) throw new BusinessException('RULES_MISSING', `ingen regel för bankdagar ${today} (rules/bankdays.yaml)`);
  return nextWorkingDay(today, closed.value).day;
}

/** A correction's settlement against what its chain paid; undefined for a first decision. */
async function settlementOf(deps: RobotDeps, decision: DecisionForCarryOut): Promise<Settlement | undefined> {
  if (!decision.supersedes) return undefined;
  const chain = await listChainBefore(deps.db, decision.id);
  try {
    const paid = paidByChain(chain.map((d) => ({ decisionId: d.decisionId, decisionAmount: d.amount, writtenBack: d.writtenBack, ...(d.payment ? { payment: d.payment } : {}) })));
    return settle(decision.outcome === 'GRANT' ? decision.amount : '0', paid);
  } catch (error) {
    if (error instanceof UnknownPaymentError) {
      throw new BusinessException('TECHNICAL_ERROR', `beslut ${error.decisionId}: okänt om utbetalningen gjordes; ändringen kan inte räknas mot den`);
    }
    throw error;
  }
}

/**
 * How long a run holds a decision (ms). Renewed before every step; a step is at most a few
 * HTTP attempts (REGISTER_TIMEOUT_MS x REGISTER_ATTEMPTS, 40 s by default) or one RPA session,
 * so only a run that is dead or frozen loses it. A killed worker's decision waits this long.
 */
export const CARRY_OUT_LEASE_MS = 120_000;

/**
 * Carries a decision out, holding its lease in the database (store/repositories/leases.ts) so
 * that two runs never work on it at once, even when Redis lost the job and the sweep gave the
 * decision a second one. 'BUSY': another run holds it; the caller tries again later without
 * counting an attempt.
 */
export async function carryOutDecision(deps: RobotDeps, adapters: OutboundAdapters, decisionId: string, run: OutboundRun): Promise<OutboundResult> {
  if (!/^[0-9]{1,18}$/.test(decisionId)) return 'UNKNOWN_DECISION';
  const key = `decision:${decisionId}`;
  const holder = `${deps.identity}:${randomUUID()}`;
  const renew = () => takeLease(deps.db, key, holder, CARRY_OUT_LEASE_MS);
  if (!(await renew())) return 'BUSY';
  try {
    return await carryOutHeld(deps, adapters, decisionId, run, renew);
  } finally {
    await releaseLease(deps.db, key, holder).catch(() => undefined);
  }
}

async function carryOutHeld(deps: RobotDeps, adapters: OutboundAdapters, decisionId: string, run: OutboundRun, renew: () => Promise<boolean>): Promise<OutboundResult> {
  const decision = await getDecisionForCarryOut(deps.db, decisionId);
  if (!decision) return 'UNKNOWN_DECISION';
  if (decision.caseState !== 'SIGNED') return 'ALREADY_DONE';
  if (decision.superseded) return 'SUPERSEDED';
  const caseId = decision.caseId;
  const order = toCarryOut(decision);
  const done = await getDecisionSteps(deps.db, decisionId);
  const purpose = outboundPurpose(stockholmDate(deps.clock()));
  const audit = (action: string, result: 'started' | 'ok' | 'error', details: Record<string, unknown>) =>
    ({ actor: deps.identity, action, caseId, purpose, result, details: { decisionId, ...details } }) as const;

  let current: OutboundStep = OUTBOUND_STEPS[0];
  try {
    // Computed from immutable rows (the chain and its finished steps), so every retry agrees.
    const settlement = await settlementOf(deps, decision);
    const payNothing = settlement ? settlement.kind !== 'pay' : !paysOut(order);
    for (const step of OUTBOUND_STEPS) {
      current = step;
      if (done.has(step)) continue;
      // Still ours before anything reaches the outside world; a run that lost it stops here.
      if (!(await renew())) throw new SystemException('database', `decision ${decisionId}: another run holds the carry-out lease`);
      if (step === 'payment' && payNothing) {
        await deps.db.transaction(async (tx) => {
          const { created } = await recordDecisionStep(tx, { decisionId, step, outcome: 'skipped', reference: null, actor: deps.identity });
          if (created) await appendAudit(tx, audit(`decision.${step}`, 'ok', { step, outcome: 'skipped' }));
        });
        continue;
      }
      await appendAudit(deps.db, audit(`decision.${step}`, 'started', { step }));
      let reference: string;
      let amount: string | null = null;
      if (step === 'write-back') {
        reference = (await caseSystemFor(adapters, order.municipality).writeDecision(order)).confirmation;
      } else if (step === 'payment') {
        const payDay = settlement ? correctionPayDay(deps, order, deps.clock()) : payDayFor(deps, order);
        amount = settlement?.kind === 'pay' ? settlement.amount : order.amount;
        reference = (await adapters.payment.orderPayment({ decisionId, caseId, municipality: order.municipality, amount, payDay })).reference;
      } else {
        // The message names the payment day (never in the past), not the amount.
        const payDay = paysOut(order) ? payDayFor(deps, order) : undefined;
        reference = (await adapters.notifier.notifyDecisionReady({ decisionId, caseId, ...(payDay ? { payDay } : {}) })).reference;
      }
      await deps.db.transaction(async (tx) => {
        const { created, step: stored } = await recordDecisionStep(tx, { decisionId, step, outcome: 'done', reference, actor: deps.identity, amount });
        if (!created && stored.reference !== reference) {
          // Another run recorded this step first: its reference stands. The outside system
          // answered both with one effect (idempotent by decision id), so the two should agree.
          deps.logger.warn({ caseId, decisionId, step }, 'step already recorded with another reference');
        }
        await appendAudit(tx, audit(`decision.${step}`, 'ok', { step, reference: stored.reference, repeated: !created }));
      });
    }
    if (settlement?.kind === 'reclaim') {
      // Written down, never acted on: återkrav needs a caseworker's judgement (SoL 33 kap.).
      const { paid, granted, difference } = settlement;
      await moveCase(deps, caseId, 'MANUAL', 'POSSIBLE_RECLAIM', audit('decision.possible-reclaim', 'ok', { paid, granted, difference }));
      return 'MANUAL';
    }
    await moveCase(deps, caseId, 'COMPLETED', 'CARRIED_OUT', audit('decision.carried-out', 'ok', {}));
    return 'COMPLETED';
  } catch (error) {
    if (error instanceof BusinessException) {
      await moveCase(deps, caseId, 'MANUAL', `${error.reason}: ${current}`, audit(`decision.${current}`, 'error', { step: current, reason: error.reason }));
      return 'MANUAL';
    }
    if (!run.lastAttempt) throw error;
    // Retries are spent: a caseworker finishes the decision, told which step failed (and what
    // the RPA robot saw, if it brought a screenshot). Steps already done stay done.
    const component = error instanceof SystemException ? error.component : 'robot';
    const shot = screenshotOf(error);
    let screenshotId: string | undefined;
    if (shot) screenshotId = (await storeCaseScreenshot(deps.db, { caseId, decisionId, step: current, image: shot })).id;
    const message = error instanceof Error ? error.message.slice(0, 200) : 'okänt fel';
    // The one line an operator on call sees: the retries are spent and a person must act.
    deps.logger.error({ caseId, decisionId, step: current, component }, 'carry-out stopped after its retries: the case is with a caseworker (MANUAL)');
    await moveCase(
      deps,
      caseId,
      'MANUAL',
      `TECHNICAL_ERROR: ${STEP_LABEL[current]}`,
      audit(`decision.${current}`, 'error', { step: current, component, error: error instanceof Error ? error.name : 'unknown', message, ...(screenshotId ? { screenshotId } : {}) }),
    );
    return 'MANUAL';
  }
}

/** SIGNED -> COMPLETED | MANUAL with its audit line, in one transaction; losing the race is not an error. */
async function moveCase(deps: Pick<RobotDeps, 'db' | 'identity' | 'logger'>, caseId: string, to: 'COMPLETED' | 'MANUAL', reason: string, entry: Parameters<typeof appendAudit>[1]): Promise<void> {
  try {
    await deps.db.transaction(async (tx) => {
      await transitionCase(tx, { caseId, from: 'SIGNED', to, actor: deps.identity, reason });
      try {
        await appendAudit(tx, entry);
      } catch (error) {
        // An error text the audit log refuses must not keep the case from moving: log it without the text.
        if ((error as Error).message?.startsWith('audit entry refused')) {
          await appendAudit(tx, { ...entry, details: { ...entry.details, message: '(utelämnat)' } });
        } else throw error;
      }
    });
  } catch (error) {
    if (!(error instanceof CaseTransitionError) || error.problem !== 'stale') throw error;
    deps.logger.info({ caseId, to }, 'case already moved on by another run');
  }
}

/**
 * The sweep: finds every signed decision whose carry-out is not finished and makes sure it
 * has a job. A job already waiting, delayed or running stays one job (same job id); a missing
 * one (Redis lost its data) is added again. A job that finished while its case is still SIGNED
 * (BullMQ failed it after its worker died twice, or it failed for good before it could route
 * the case, say, because the database was down too) is replaced and counted as a recovery of
 * the case (its history says so); after `maxRecoveries` of them the case goes to a caseworker
 * (SIGNED -> MANUAL, TECHNICAL_ERROR naming the carry-out), steps already done staying done.
 * Runs on a schedule in the worker (one per cluster); it alone guarantees that every signed
 * decision is carried out or handed to a person, whatever happened to the processes in between.
 */
export async function sweepOutbound(
  deps: Pick<RobotDeps, 'db' | 'logger' | 'identity' | 'clock'>,
  queues: Queues,
  options: { maxRecoveries?: number; limit?: number } = {},
): Promise<{ pending: number; requeued: number; routed: number }> {
  const startedAt = Date.now();
  const maxRecoveries = options.maxRecoveries ?? QUEUE_DEFAULTS.maxRecoveries;
  const pending = await listDecisionsToCarryOut(deps.db, options.limit ?? 500);
  if (pending.length === 0) return { pending: 0, requeued: 0, routed: 0 };
  await queues.enqueueDecisions(pending);
  let requeued = 0;
  let routed = 0;
  for (const p of pending) {
    const jobId = outboundJobId(p.decisionId);
    const job = await queues.outbound.getJob(jobId);
    if (!job || job.finishedOn === undefined || job.finishedOn > startedAt) continue;
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed') continue;
    const earlier = await countRecoveriesInState(deps.db, p.caseId, 'SIGNED');
    if (earlier >= maxRecoveries) {
      const reason = `TECHNICAL_ERROR: carry-out — verkställigheten avbröts ${earlier + 1} gånger (arbetsprocessen dog eller jobbet misslyckades); en handläggare slutför beslutet`;
      await moveCase(deps, p.caseId, 'MANUAL', reason, {
        actor: deps.identity,
        action: 'decision.recoveries-spent',
        caseId: p.caseId,
        purpose: outboundPurpose(stockholmDate(deps.clock())),
        result: 'error',
        details: { decisionId: p.decisionId, recoveries: earlier },
      });
      routed++;
      continue;
    }
    try {
      await job.remove();
    } catch {
      continue; // taken by a worker meanwhile: it is running again
    }
    const count = await recordRecovery(deps.db, { caseId: p.caseId, state: 'SIGNED', jobId, actor: deps.identity, reason: `RECOVERED: verkställighetens jobb ${state === 'failed' ? 'avbröts' : 'avslutades utan att ärendet gick vidare'}` });
    if (count === undefined) continue; // the case left SIGNED meanwhile
    await queues.enqueueDecisions([p]);
    requeued++;
  }
  if (requeued + routed > 0) deps.logger.warn({ requeued, routed }, 'outbound sweep requeued finished jobs of decisions still signed');
  return { pending: pending.length, requeued, routed };
}

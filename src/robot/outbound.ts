import type { CaseSystemAdapter, DecisionToCarryOut, Notifier, PaymentAdapter } from '../casesystem/types.js';
import type { TraceLine } from '../domain/proposal.js';
import { BusinessException, SystemException } from '../domain/errors.js';
import { paymentDay } from '../norm/paymentDay.js';
import {
  appendAudit,
  CaseTransitionError,
  getDecisionForCarryOut,
  getDecisionSteps,
  listDecisionsToCarryOut,
  recordDecisionStep,
  storeCaseScreenshot,
  transitionCase,
  OUTBOUND_STEPS,
  type DecisionForCarryOut,
  type OutboundStep,
} from '../store/index.js';
import type { RobotDeps } from './deps.js';
import type { Queue } from 'bullmq';
import { ensureJobs, outboundJobId, type Queues } from './queues.js';

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
 * Every step is audit-logged with the robot's identity before the call and when it is done.
 */

export interface OutboundAdapters {
  /** The case-system adapter of a municipality (configuration: CASESYSTEM_ADAPTER_<code>), or one for all. */
  caseSystem: CaseSystemAdapter | ((municipality: string) => CaseSystemAdapter);
  payment: PaymentAdapter;
  notifier: Notifier;
}

export type OutboundResult = 'COMPLETED' | 'MANUAL' | 'ALREADY_DONE' | 'UNKNOWN_DECISION' | 'SUPERSEDED';

export interface OutboundRun {
  /** True on the job's last attempt: a system exception then routes the case instead of retrying. */
  lastAttempt: boolean;
}

export const OUTBOUND_PURPOSE = 'Verkställighet av beslut om ekonomiskt bistånd (SoL 4 kap. 1 §)';

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
  };
}

/** Whether a decision pays anything: a grant of more than 0 kronor. */
export function paysOut(decision: Pick<DecisionToCarryOut, 'outcome' | 'amount'>): boolean {
  return decision.outcome === 'GRANT' && Number(decision.amount) > 0 && /[1-9]/.test(decision.amount);
}

/** The payment day of the decision's month by the municipality's rule; a missing rule is for a caseworker. */
export function payDayFor(deps: Pick<RobotDeps, 'rules'>, decision: DecisionToCarryOut): string {
  const rule = deps.rules.municipality(decision.municipality)?.paymentDay(`${decision.month}-01`);
  if (!rule) {
    throw new BusinessException('RULES_MISSING', `kommun ${decision.municipality}: ingen regel för utbetalningsdag ${decision.month} (rules/municipalities)`);
  }
  const closed = deps.rules.closedBankDaysAt(`${decision.month}-01`);
  if (!closed) {
    throw new BusinessException('RULES_MISSING', `ingen regel för bankdagar ${decision.month} (rules/bankdays.yaml)`);
  }
  return paymentDay(rule.value, decision.month, closed.value);
}

export async function carryOutDecision(deps: RobotDeps, adapters: OutboundAdapters, decisionId: string, run: OutboundRun): Promise<OutboundResult> {
  const decision = await getDecisionForCarryOut(deps.db, decisionId);
  if (!decision) return 'UNKNOWN_DECISION';
  if (decision.caseState !== 'SIGNED') return 'ALREADY_DONE';
  if (decision.superseded) return 'SUPERSEDED';
  const caseId = decision.caseId;
  const order = toCarryOut(decision);
  const done = await getDecisionSteps(deps.db, decisionId);
  const audit = (action: string, result: 'started' | 'ok' | 'error', details: Record<string, unknown>) =>
    ({ actor: deps.identity, action, caseId, purpose: OUTBOUND_PURPOSE, result, details: { decisionId, ...details } }) as const;

  let current: OutboundStep = OUTBOUND_STEPS[0];
  try {
    for (const step of OUTBOUND_STEPS) {
      current = step;
      if (done.has(step)) continue;
      if (step === 'payment' && !paysOut(order)) {
        await deps.db.transaction(async (tx) => {
          const { created } = await recordDecisionStep(tx, { decisionId, step, outcome: 'skipped', reference: null, actor: deps.identity });
          if (created) await appendAudit(tx, audit(`decision.${step}`, 'ok', { step, outcome: 'skipped' }));
        });
        continue;
      }
      await appendAudit(deps.db, audit(`decision.${step}`, 'started', { step }));
      let reference: string;
      if (step === 'write-back') {
        reference = (await caseSystemFor(adapters, order.municipality).writeDecision(order)).confirmation;
      } else if (step === 'payment') {
        const payDay = payDayFor(deps, order);
        reference = (await adapters.payment.orderPayment({ decisionId, caseId, municipality: order.municipality, amount: order.amount, payDay })).reference;
      } else {
        reference = (await adapters.notifier.notifyDecisionReady({ decisionId, caseId })).reference;
      }
      await deps.db.transaction(async (tx) => {
        const { created, step: stored } = await recordDecisionStep(tx, { decisionId, step, outcome: 'done', reference, actor: deps.identity });
        if (!created && stored.reference !== reference) {
          // Another run recorded this step first: its reference stands. The outside system
          // answered both with one effect (idempotent by decision id), so the two should agree.
          deps.logger.warn({ caseId, decisionId, step }, 'step already recorded with another reference');
        }
        await appendAudit(tx, audit(`decision.${step}`, 'ok', { step, reference: stored.reference, repeated: !created }));
      });
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
async function moveCase(deps: RobotDeps, caseId: string, to: 'COMPLETED' | 'MANUAL', reason: string, entry: Parameters<typeof appendAudit>[1]): Promise<void> {
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
 * has a job. A job already waiting, delayed or running stays one job (same job id). A job that
 * finished while its case is still SIGNED (it failed for good before it could route the case,
 * say, because the database was down too) is replaced, so nothing signed is ever left behind.
 * Runs on a schedule in the worker (one per cluster); it alone guarantees that every signed
 * decision is carried out, whatever happened to the processes in between.
 */
export async function sweepOutbound(deps: Pick<RobotDeps, 'db' | 'logger'>, queues: Queues, limit = 500): Promise<{ pending: number; requeued: number }> {
  const startedAt = Date.now();
  const pending = await listDecisionsToCarryOut(deps.db, limit);
  if (pending.length === 0) return { pending: 0, requeued: 0 };
  const requeued = await ensureJobs(queues.outbound as Queue, pending, (p) => outboundJobId(p.decisionId), queues.enqueueDecisions, startedAt);
  if (requeued > 0) deps.logger.warn({ requeued }, 'outbound sweep requeued finished jobs of decisions still signed');
  return { pending: pending.length, requeued };
}

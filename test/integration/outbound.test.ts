import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpCaseSystemAdapter } from '../../src/casesystem/http.js';
import { RpaCaseSystemAdapter } from '../../src/casesystem/rpa.js';
import { DEFAULT_LEGACY_USERS, start as startLegacyCaseSystem } from '../../src/sandbox/legacyCaseSystem.js';
import { createNotifyClient } from '../../src/casesystem/notify.js';
import { createPaymentClient } from '../../src/casesystem/payment.js';
import type { CaseSystemAdapter } from '../../src/casesystem/types.js';
import { SystemException } from '../../src/domain/errors.js';
import { carryOutDecision, paysOut, type OutboundAdapters } from '../../src/robot/outbound.js';
import { startRobot, type Robot } from '../../src/robot/worker.js';
import { start as startCaseSystemApi, type CaseSystemApiSandbox } from '../../src/sandbox/caseSystemApi.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import { start as startPayments, type PaymentSandbox } from '../../src/sandbox/payments.js';
import {
  getCase,
  getDecisionSteps,
  getProposalForCase,
  getStateHistory,
  IN_MEMORY,
  listAuditForCase,
  listCaseScreenshots,
  openDatabase,
  type Db,
} from '../../src/store/index.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { REDIS_URL, startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * Carrying out signed decisions in one process (PGlite, real Redis, the sandboxes): the three
 * steps in order, progress per step, resumption after a failure without repeating an effect,
 * TECHNICAL_ERROR naming the step (with the RPA screenshot kept), and the sweep.
 */
let db: Db;
let h: PipelineHarness;
let caseSystem: CaseSystemApiSandbox;
let payments: PaymentSandbox;
let messages: NotificationSandbox;
let adapters: OutboundAdapters;
let dir: string;
let caseIds: string[];
const fast = { timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } };
const robots: Robot[] = [];

beforeAll(async () => {
  db = await openDatabase({ dataDir: IN_MEMORY });
  dir = mkdtempSync(join(tmpdir(), 'robot-outbound-'));
  h = await startPipeline(db, { sandbox: { fixtures: { applicationsDir: dir }, generate: { count: 10, seed: 5151, month: '2021-06' } } });
  await h.robot.pollNow();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM cases ORDER BY id');
  const states = await h.settle(rows.map((r) => r.id), ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'], 60_000);
  caseIds = [...states].filter(([, s]) => s === 'PROPOSED').map(([id]) => id);
  caseSystem = await startCaseSystemApi();
  payments = await startPayments({ dedupe: false });
  messages = await startNotifications({ dedupe: false });
  adapters = {
    caseSystem: createHttpCaseSystemAdapter({ baseUrl: caseSystem.url, ...fast }),
    payment: createPaymentClient({ url: payments.url, ...fast }),
    notifier: createNotifyClient({ url: messages.url, ...fast }),
  };
}, 120_000);

afterAll(async () => {
  for (const r of robots) await r.close();
  await h?.stop();
  await Promise.all([caseSystem?.stop(), payments?.stop(), messages?.stop()]);
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Signed in June 2021 before the payment day unless a time is given. */
async function sign(caseId: string, at = new Date('2021-06-10T10:00:00+02:00')): Promise<string> {
  const c = await getCase(db, caseId);
  const user = DEV_USERS.find((u) => u.role === 'caseworker' && u.municipalities.includes(c!.municipality))!;
  const outcome = await signCase(db, user, { caseId, proposalId: undefined }, at);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.decision.id;
}

/** Whether signing the case as proposed gives a payment (a grant of more than 0 kr). */
async function paysWhenSigned(caseId: string): Promise<boolean> {
  const proposal = (await getProposalForCase(db, caseId))!;
  return paysOut({ outcome: proposal.outcome === 'PROPOSE_GRANT' ? 'GRANT' : 'REJECT', amount: proposal.amount ?? '0' });
}

function nextCase(): string {
  const id = caseIds.shift();
  if (!id) throw new Error('no proposed case left for this test');
  return id;
}

describe('carrying out a signed decision', () => {
  it('writes back, orders the payment on the payment day, notifies, and completes the case, audit-logged as the robot', async () => {
    const caseId = nextCase();
    const decisionId = await sign(caseId);
    expect(await carryOutDecision(h.deps, adapters, decisionId, { lastAttempt: false })).toBe('COMPLETED');

    expect(caseSystem.decisions().filter((d) => d.decisionId === decisionId)).toHaveLength(1);
    const paid = payments.byDecision().get(decisionId) ?? [];
    const steps = await getDecisionSteps(db, decisionId);
    expect([...steps.keys()].sort()).toEqual(['notify', 'payment', 'write-back']);
    if (steps.get('payment')!.outcome === 'done') {
      expect(paid).toHaveLength(1);
      // 2021-06-27 is a Sunday: Trelleborg's rule says Friday the 25th, but that was
      // Midsommarafton, when banks are closed: the Thursday before.
      expect(paid[0]!.body.payDay).toBe('2021-06-24');
    } else expect(paid).toHaveLength(0);
    expect(messages.byDecision().get(decisionId)).toHaveLength(1);
    const told = messages.byDecision().get(decisionId)![0]!.body;
    if (paid.length > 0) {
      expect(Object.keys(told).sort()).toEqual(['caseId', 'decisionId', 'payDay', 'template']);
      expect(told.payDay).toBe(paid[0]!.body.payDay);
    } else expect(Object.keys(told).sort()).toEqual(['caseId', 'decisionId', 'template']);
    expect((await getCase(db, caseId))!.state).toBe('COMPLETED');
    const audit = (await listAuditForCase(db, caseId)).filter((a) => a.action.startsWith('decision.') && a.action !== 'decision.sign');
    expect(audit.every((a) => a.actor === h.deps.identity)).toBe(true);
    expect(audit.map((a) => `${a.action}:${a.result}`)).toContain('decision.carried-out:ok');
    // A decision for 2021 carried out today: under the law of today, SoL (2025:400).
    expect(new Set(audit.map((a) => a.purpose))).toEqual(new Set(['Verkställighet av beslut om ekonomiskt bistånd enligt 12 kap. 1 § socialtjänstlagen (2025:400)']));

    // Again: nothing more happens anywhere.
    expect(await carryOutDecision(h.deps, adapters, decisionId, { lastAttempt: false })).toBe('ALREADY_DONE');
    expect(caseSystem.posts(decisionId)).toBe(1);
    expect(payments.byDecision().get(decisionId)?.length ?? 0).toBe(paid.length);
    expect(messages.byDecision().get(decisionId)).toHaveLength(1);
  });

  it('a decision signed on the 28th, after the payment day, is paid the next banking day and the message says so', async () => {
    let caseId = nextCase();
    // A grant: skip cases that would not pay (the fixtures hold rejections too).
    while ((await getCase(db, caseId))!.municipality !== '1287' || !(await paysWhenSigned(caseId))) caseId = nextCase();
    const decisionId = await sign(caseId, new Date('2021-06-28T14:00:00+02:00'));
    expect(await carryOutDecision(h.deps, adapters, decisionId, { lastAttempt: false })).toBe('COMPLETED');
    const paid = payments.byDecision().get(decisionId) ?? [];
    expect(paid).toHaveLength(1);
    // The rule's day was Thursday 2021-06-24; signed Monday the 28th: paid Tuesday the 29th.
    expect(paid[0]!.body.payDay).toBe('2021-06-29');
    expect(messages.byDecision().get(decisionId)![0]!.body.payDay).toBe('2021-06-29');
  });

  it('a failing step is retried; the retry resumes after the last completed step and repeats no effect', async () => {
    const caseId = nextCase();
    const decisionId = await sign(caseId);
    messages.setFaults({ failNext: 100 });
    await expect(carryOutDecision(h.deps, adapters, decisionId, { lastAttempt: false })).rejects.toBeInstanceOf(SystemException);
    expect((await getCase(db, caseId))!.state).toBe('SIGNED');
    expect([...(await getDecisionSteps(db, decisionId)).keys()].sort()).toEqual(['payment', 'write-back']);
    messages.clearFaults();
    // The payment system's reply is lost after it acted, once: the client finds the order instead of placing another.
    payments.setLostReplies({ next: 1 });
    expect(await carryOutDecision(h.deps, adapters, decisionId, { lastAttempt: false })).toBe('COMPLETED');
    expect(caseSystem.posts(decisionId)).toBe(1);
    expect(payments.byDecision().get(decisionId)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(messages.byDecision().get(decisionId)).toHaveLength(1);
    payments.setLostReplies({ next: 0 });
  });

  it('a lost reply after the payment system acted: the retry finds the order and does not pay twice', async () => {
    const caseId = nextCase();
    const decisionId = await sign(caseId);
    payments.setLostReplies({ next: 1 });
    expect(await carryOutDecision(h.deps, adapters, decisionId, { lastAttempt: false })).toBe('COMPLETED');
    const steps = await getDecisionSteps(db, decisionId);
    if (steps.get('payment')!.outcome === 'done') {
      expect(payments.byDecision().get(decisionId)).toHaveLength(1);
      expect(steps.get('payment')!.reference).toBe(payments.byDecision().get(decisionId)![0]!.reference);
    }
    payments.setLostReplies({ next: 0 });
  });

  it('retries spent: the case goes SIGNED -> MANUAL as TECHNICAL_ERROR naming the step, with the RPA screenshot kept', async () => {
    const caseId = nextCase();
    const decisionId = await sign(caseId);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const broken: CaseSystemAdapter = {
      kind: 'rpa',
      writeDecision: async () => {
        throw Object.assign(new SystemException('casesystem', 'case system UI changed: the calculation form was not found'), { screenshot: Buffer.from(png) });
      },
    };
    const result = await carryOutDecision(h.deps, { ...adapters, caseSystem: () => broken }, decisionId, { lastAttempt: true });
    expect(result).toBe('MANUAL');
    const last = (await getStateHistory(db, caseId)).at(-1)!;
    expect(last).toMatchObject({ fromState: 'SIGNED', toState: 'MANUAL', actor: h.deps.identity });
    expect(last.reason).toMatch(/^TECHNICAL_ERROR: write-back/);
    const shots = await listCaseScreenshots(db, caseId);
    expect(shots).toHaveLength(1);
    expect(shots[0]!.step).toBe('write-back');
    expect([...shots[0]!.image]).toEqual([...png]);
    expect(payments.byDecision().has(decisionId)).toBe(false);
    const failed = (await listAuditForCase(db, caseId)).find((a) => a.action === 'decision.write-back' && a.result === 'error');
    expect(failed?.details).toMatchObject({ step: 'write-back', component: 'casesystem' });
  });

  it('through the real RPA adapter: a changed selector in the legacy UI sends the case to MANUAL with its screenshot stored', async () => {
    const caseId = nextCase();
    const decisionId = await sign(caseId);
    const legacy = await startLegacyCaseSystem({ port: 0, cases: [caseId], rowsPerPage: 10 });
    const rpa = new RpaCaseSystemAdapter({ baseUrl: legacy.url, username: 'robot', password: DEFAULT_LEGACY_USERS.robot!, elementTimeoutMs: 1500 });
    try {
      legacy.rename('id="btnSpara"', 'id="btnSparaBeslut"');
      const result = await carryOutDecision(h.deps, { ...adapters, caseSystem: () => rpa }, decisionId, { lastAttempt: true });
      expect(result).toBe('MANUAL');
      const last = (await getStateHistory(db, caseId)).at(-1)!;
      expect(last.reason).toMatch(/^TECHNICAL_ERROR: write-back/);
      const shots = await listCaseScreenshots(db, caseId);
      expect(shots).toHaveLength(1);
      expect(Buffer.from(shots[0]!.image).subarray(0, 4).toString('latin1')).toBe('\x89PNG');
      expect(legacy.entriesFor(decisionId)).toHaveLength(0);
      expect(payments.byDecision().has(decisionId)).toBe(false);
    } finally {
      await rpa.close();
      await legacy.stop();
    }
  }, 60_000);

  it('the sweep gives every signed decision a job, and the worker carries it out', async () => {
    const caseId = nextCase();
    const decisionId = await sign(caseId);
    const url = new URL(REDIS_URL);
    const robot = await startRobot(h.deps, {
      connection: { host: url.hostname, port: Number(url.port || 6379) },
      redisUrl: REDIS_URL,
      concurrency: 2,
      pollIntervalMs: 3_600_000,
      schedulePolling: false,
      outbound: adapters,
      scheduleOutboundSweep: false,
      outboundJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
    });
    robots.push(robot);
    const swept = await robot.sweepOutboundNow();
    expect(swept.pending).toBeGreaterThanOrEqual(1);
    await h.settle([caseId], ['COMPLETED'], 30_000);
    expect(caseSystem.decisions().filter((d) => d.decisionId === decisionId)).toHaveLength(1);
    expect(messages.byDecision().get(decisionId)).toHaveLength(1);
    // A second sweep finds nothing left to do for it.
    await robot.sweepOutboundNow();
    expect(caseSystem.posts(decisionId)).toBe(1);
  });
});

describe('paysOut', () => {
  it('pays a grant of more than 0 kronor only', () => {
    expect(paysOut({ outcome: 'GRANT', amount: '1' })).toBe(true);
    expect(paysOut({ outcome: 'GRANT', amount: '0' })).toBe(false);
    expect(paysOut({ outcome: 'GRANT', amount: '0.00' })).toBe(false);
    expect(paysOut({ outcome: 'REJECT', amount: '500' })).toBe(false);
  });
});

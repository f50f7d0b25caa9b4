import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpCaseSystemAdapter } from '../../src/casesystem/http.js';
import { createNotifyClient } from '../../src/casesystem/notify.js';
import { createPaymentClient } from '../../src/casesystem/payment.js';
import type { DecisionContent } from '../../src/decisions/content.js';
import type { Proposal } from '../../src/domain/proposal.js';
import { decideAutomatically } from '../../src/robot/automatedDecision.js';
import { processCase, type CaseRun } from '../../src/robot/processCase.js';
import { start as startCaseSystemApi, type CaseSystemApiSandbox } from '../../src/sandbox/caseSystemApi.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import { start as startPayments, type PaymentSandbox } from '../../src/sandbox/payments.js';
import {
  getCase,
  getDecisionSteps,
  getProposalForCase,
  getStateHistory,
  listAuditForCase,
  listDecisionsForCase,
  type CaseState,
} from '../../src/store/index.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { rulesWithDelegation, TEST_DELEGATED_BY, TEST_REFERENCE } from '../support/automationRules.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * Automated decisions through the whole pipeline, on real Redis and both databases, with the
 * demo applications: Trelleborg's rules file delegates grants (status official, as the
 * municipality would set it once the delegation order's point is filled in); Svedala's does not.
 * The robot decides a clean Trelleborg renewal itself and carries it out; everything else waits
 * for a signature exactly as before.
 */
const CLEAN_TRELLEBORG = 'A-2021-000101';
const REJECTION = 'A-2021-000105'; // INCOME_EXCEEDS_NORM
const SVEDALA_GRANT = 'A-2026-000210';
const NEW_APPLICATION = 'A-2026-000213';
const SVEDALA_COPY = 'A-2021-900101';
const FINAL: readonly CaseState[] = ['COMPLETED', 'PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'];
const fast = { timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } };
const noRecheck: CaseRun = { lastAttempt: false, recheckLater: async () => undefined };

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'applications', '2021-single-adult-renewal.json'), 'utf8')) as {
  application: Record<string, unknown> & { applicant: { personalNumber: string } };
  history: unknown;
};

forEachBackend('automated decisions', (backend) => {
  const db = useDatabase(backend);
  let harness: PipelineHarness;
  let caseSystem: CaseSystemApiSandbox;
  let payments: PaymentSandbox;
  let messages: NotificationSandbox;
  let states: Map<string, CaseState>;

  beforeAll(async () => {
    [caseSystem, payments, messages] = await Promise.all([startCaseSystemApi(), startPayments({ dedupe: false }), startNotifications({ dedupe: false })]);
    harness = await startPipeline(db(), {
      rules: rulesWithDelegation({ grant: true }),
      outbound: {
        caseSystem: createHttpCaseSystemAdapter({ baseUrl: caseSystem.url, ...fast }),
        payment: createPaymentClient({ url: payments.url, ...fast }),
        notifier: createNotifyClient({ url: messages.url, ...fast }),
      },
    });
    await harness.robot.pollNow();
    const { rows } = await db().query<{ id: string }>('SELECT id FROM cases');
    states = await harness.settle(rows.map((r) => r.id), FINAL, 60_000);
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await Promise.all([caseSystem?.stop(), payments?.stop(), messages?.stop()]);
  });

  it('Trelleborg, grants delegated: a clean renewal is decided without a signature, recorded as automated with the reference, and carried out', async () => {
    expect(states.get(CLEAN_TRELLEBORG)).toBe('COMPLETED');
    const decisions = await listDecisionsForCase(db(), CLEAN_TRELLEBORG);
    expect(decisions).toHaveLength(1);
    const decision = decisions[0]!;
    const proposal = (await getProposalForCase(db(), CLEAN_TRELLEBORG))!;
    expect(decision.delegationReference).toBe(TEST_REFERENCE);
    expect(decision.signedBy).toBe(harness.deps.identity);
    expect(decision.kind).toBe('as-proposed');
    expect([decision.outcome, decision.amount]).toEqual(['GRANT', proposal.amount]);
    const content = decision.content as unknown as DecisionContent;
    expect(content.automated).toMatchObject({ reference: TEST_REFERENCE, delegatedBy: TEST_DELEGATED_BY, rule: 'municipality.1287.automatedDecisions.grant' });
    expect(content.applicantPersonalNumber).toBe(fixture.application.applicant.personalNumber);

    const history = await getStateHistory(db(), CLEAN_TRELLEBORG);
    expect(history.map((h) => `${h.fromState}->${h.toState}`)).toEqual(['null->RECEIVED', 'RECEIVED->GATHERING', 'GATHERING->PROPOSED', 'PROPOSED->SIGNED', 'SIGNED->COMPLETED']);
    expect(history.find((h) => h.toState === 'SIGNED')).toMatchObject({ actor: harness.deps.identity, reason: 'DECIDED_AUTOMATICALLY' });
    const audit = await listAuditForCase(db(), CLEAN_TRELLEBORG);
    expect(audit.filter((a) => a.action === 'decision.automated')).toHaveLength(1);
    expect(audit.some((a) => a.action === 'decision.sign')).toBe(false);
    expect(audit.every((a) => a.actor === harness.deps.identity)).toBe(true);

    // Carried out once: write-back, payment, message.
    expect([...(await getDecisionSteps(db(), decision.id)).keys()].sort()).toEqual(['notify', 'payment', 'write-back']);
    expect(caseSystem.decisions().filter((d) => d.decisionId === decision.id)).toHaveLength(1);
    expect(caseSystem.decisions().find((d) => d.decisionId === decision.id)!.body.signedBy).toBe(harness.deps.identity);
    expect(messages.byDecision().get(decision.id)).toHaveLength(1);

    // A caseworker can no longer sign it; the refusal says why.
    const caseworker = DEV_USERS.find((u) => u.role === 'caseworker' && u.municipalities.includes('1287'))!;
    const again = await signCase(db(), caseworker, { caseId: CLEAN_TRELLEBORG, proposalId: undefined });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(!again.ok && again.message).toContain('beslutat automatiskt');
  });

  it('only clean renewals: every case with a reason, a warning or a first application waits, and every automated one had none', async () => {
    const { rows } = await db().query<{ id: string }>('SELECT id FROM cases');
    let automated = 0;
    let waiting = 0;
    for (const { id } of rows) {
      const record = await getProposalForCase(db(), id);
      const decisions = await listDecisionsForCase(db(), id);
      const proposal = record?.proposal as Proposal | undefined;
      const clean = record?.outcome === 'PROPOSE_GRANT' && proposal!.reasons.length === 0 && proposal!.warnings.length === 0;
      const trelleborgRenewal = (await getCase(db(), id))!.municipality === '1287';
      if (clean && trelleborgRenewal) {
        automated++;
        expect(decisions.map((d) => d.delegationReference), id).toEqual([TEST_REFERENCE]);
      } else {
        if (record && record.outcome !== 'MANUAL') waiting++;
        expect(decisions, id).toEqual([]);
        expect(['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'], id).toContain(states.get(id));
      }
    }
    // Neither half of the table is empty, or the test proves nothing.
    expect(automated).toBeGreaterThanOrEqual(5);
    expect(waiting).toBeGreaterThanOrEqual(3);
    expect(states.get(REJECTION)).toBe('PROPOSED');
    expect(states.get(NEW_APPLICATION)).toBe('MANUAL');
    // Svedala's own demo grant: Svedala reads Trelleborg's guidelines, never its delegation.
    expect(states.get(SVEDALA_GRANT)).toBe('PROPOSED');
  });

  it("Svedala: the same household's same renewal waits for a caseworker's signature", async () => {
    const person = fixture.application.applicant.personalNumber;
    // The household has moved to Svedala: KIR now registers it there.
    harness.sandbox.kir.add([{ personalNumber: person, municipality: '1263', protectedIdentity: false }]);
    harness.sandbox.eservice.add({ application: { ...fixture.application, id: SVEDALA_COPY, municipality: '1263' }, history: fixture.history }, SVEDALA_COPY);
    await harness.robot.pollNow();
    const settled = await harness.settle([SVEDALA_COPY], FINAL, 30_000);
    expect(settled.get(SVEDALA_COPY)).toBe('PROPOSED');
    const svedala = (await getProposalForCase(db(), SVEDALA_COPY))!;
    const trelleborg = (await getProposalForCase(db(), CLEAN_TRELLEBORG))!;
    expect([svedala.outcome, svedala.amount, svedala.reasons]).toEqual([trelleborg.outcome, trelleborg.amount, trelleborg.reasons]);
    expect(await listDecisionsForCase(db(), SVEDALA_COPY)).toEqual([]);
    // Run again: still waiting.
    expect(await processCase(harness.deps, SVEDALA_COPY, noRecheck)).toBe('ALREADY_DONE');
    expect((await getCase(db(), SVEDALA_COPY))!.state).toBe('PROPOSED');
  });

  it('a rejection is never decided automatically unless the setting names reject; then once, however many runs at once', async () => {
    expect(await decideAutomatically(harness.deps, REJECTION)).toBeUndefined();
    expect((await getCase(db(), REJECTION))!.state).toBe('PROPOSED');

    const rejecting = { ...harness.deps, rules: rulesWithDelegation({ grant: true, reject: true }) };
    const enqueued: string[] = [];
    const run: CaseRun = { ...noRecheck, decided: async (id) => void enqueued.push(id) };
    // Two workers pick up the case job at once (a retry after the proposal was stored), then a third run.
    const results = await Promise.all([processCase(rejecting, REJECTION, run), processCase(rejecting, REJECTION, run)]);
    expect([...results].sort()).toEqual(['ALREADY_DONE', 'DECIDED_AUTOMATICALLY']);
    expect(await processCase(rejecting, REJECTION, run)).toBe('ALREADY_DONE');
    expect(await decideAutomatically(rejecting, REJECTION)).toBeUndefined();
    const decisions = await listDecisionsForCase(db(), REJECTION);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ outcome: 'REJECT', amount: '0', delegationReference: TEST_REFERENCE });
    expect(enqueued).toEqual([decisions[0]!.id]);
    expect((await getCase(db(), REJECTION))!.state).toBe('SIGNED');
    expect((await listAuditForCase(db(), REJECTION)).filter((a) => a.action === 'decision.automated')).toHaveLength(1);
    // Svedala's waiting case stays waiting under the same rules: its file delegates nothing.
    expect(await decideAutomatically(rejecting, SVEDALA_COPY)).toBeUndefined();
  });
});

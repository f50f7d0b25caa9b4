import { addMonths, firstDayOf, lastDayOf } from '../../src/domain/dates.js';
import { SystemException } from '../../src/domain/errors.js';
import { createEServiceClient } from '../../src/registers/eservice.js';
import { createKirClient } from '../../src/registers/kir.js';
import { createPlanClient } from '../../src/registers/plan.js';
import { createSsbtekClient } from '../../src/registers/ssbtek/client.js';
import type { Sandbox } from '../../src/sandbox/index.js';

/**
 * A test-only stand-in for the pipeline's gather step: every household member asked in
 * SSBTEK and KIR, the applicant in the plan module, a register that gives up written as
 * "unavailable". Enough to turn a fixture application into a case snapshot.
 */

const FAST = { timeoutMs: 2000, retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } };

export function clientsFor(sandbox: Sandbox, fetchImpl?: typeof fetch) {
  const extra = fetchImpl ? { fetch: fetchImpl } : {};
  return {
    ssbtek: createSsbtekClient({
      url: sandbox.urls.ssbtek,
      ingivare: { organisationsnummer: '162120001165', namn: 'Trelleborgs kommun', handlaggare: 'bistandsrobot' },
      fkAktorsId: 'sandlada-aktor',
      ...FAST,
      ...extra,
    }),
    kir: createKirClient({ url: sandbox.urls.kir, ...FAST, ...extra }),
    plan: createPlanClient({ url: sandbox.urls.plan, ...FAST, ...extra }),
    eservice: createEServiceClient({ url: sandbox.urls.eservice, ...FAST, ...extra }),
  };
}

type Clients = ReturnType<typeof clientsFor>;

interface RawApplication {
  id: string;
  municipality: string;
  month: string;
  applicant: { personalNumber: string };
  coApplicant?: { personalNumber: string } | null;
  children?: Array<{ personalNumber: string }>;
}

async function orUnavailable<T>(register: string, personalNumber: string | undefined, ask: () => Promise<T>) {
  try {
    return await ask();
  } catch (error) {
    if (!(error instanceof SystemException)) throw error;
    return { status: 'unavailable' as const, register, ...(personalNumber ? { personalNumber } : {}) };
  }
}

/** The snapshot input for one payload (not validated here: that is the test's job). */
export async function snapshotFor(clients: Clients, payload: { application: unknown; history?: unknown }) {
  const app = payload.application as RawApplication;
  const members = [app.applicant, ...(app.coApplicant ? [app.coApplicant] : []), ...(app.children ?? [])].map((m) => m.personalNumber);
  const context = { caseId: app.id, municipality: app.municipality };
  const previous = addMonths(app.month, -1);
  const period = { from: firstDayOf(previous), tom: lastDayOf(previous) };
  const ssbtek = await Promise.all(
    members.map((personalNumber) =>
      orUnavailable('ssbtek', personalNumber, () => clients.ssbtek.fetchAnswer({ caseId: app.id, personalNumber, period })),
    ),
  );
  const kir = await Promise.all(members.map((pn) => orUnavailable('kir', pn, () => clients.kir.lookup(pn, context))));
  const plan = await orUnavailable('plan', undefined, () => clients.plan.assessment(app.applicant.personalNumber, context));
  return { application: payload.application, registers: { ssbtek, kir, plan }, history: payload.history };
}

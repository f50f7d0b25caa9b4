import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { parsePersonalNumber } from '../../src/domain/personalNumber.js';
import { validateApplicationPayload, validateSnapshot } from '../../src/domain/snapshot.js';
import { loadRules } from '../../src/rules/load.js';
import { loadApplicationFixtures, type ApplicationFixture } from '../../src/sandbox/eservice.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { loadKirFixtures } from '../../src/sandbox/kir.js';
import { loadPlanFixtures } from '../../src/sandbox/plan.js';
import { spyingFetch } from '../support/netSpy.js';
import { clientsFor, snapshotFor } from '../support/gather.js';

/**
 * Each fixture application, read from the e-service and joined with what the KIR, plan and
 * SSBTEK simulators answer for its people, is a snapshot that validates (or, for the two
 * INVALID fixtures, does not) and gets the outcome its file promises.
 */

let sandbox: Sandbox;
let fixtures: ApplicationFixture[];
const urls: string[] = [];
const snapshots = new Map<string, unknown>();

beforeAll(async () => {
  sandbox = await startSandbox();
  fixtures = await loadApplicationFixtures();
  const clients = clientsFor(sandbox, spyingFetch(urls));
  // Through the feed, as intake would see them.
  const page = await clients.eservice.fetchNew(null, 1000);
  expect(page.items).toHaveLength(fixtures.length);
  for (const item of page.items) snapshots.set(item.id, await snapshotFor(clients, item.payload as { application: unknown }));
});
afterAll(async () => {
  await sandbox.stop();
});

const idOf = (f: ApplicationFixture) => (f.payload.application as { id: string }).id;
const people = (f: ApplicationFixture): string[] => {
  const a = f.payload.application as { applicant: { personalNumber: string }; coApplicant: { personalNumber: string } | null; children: Array<{ personalNumber: string }> };
  return [a.applicant.personalNumber, ...(a.coApplicant ? [a.coApplicant.personalNumber] : []), ...a.children.map((c) => c.personalNumber)];
};

describe('fixture applications', () => {
  it('cover every kind of household and reason the brief lists, in 2021 and 2026', async () => {
    const all = await loadApplicationFixtures();
    expect(all.filter((f) => !f.expected.valid).map((f) => f.name).sort()).toEqual(['invalid-bad-amount', 'invalid-child-aged-23']);
    const months = new Set(all.map((f) => (f.payload.application as { month: string }).month.slice(0, 4)));
    expect(months).toEqual(new Set(['2021', '2026']));
    const outcomes = new Set(all.map((f) => f.expected.outcome).filter(Boolean));
    expect(outcomes).toEqual(new Set(['PROPOSE_GRANT', 'PROPOSE_REJECT', 'MANUAL']));
    const reasons = new Set(all.flatMap((f) => f.expected.reasons ?? []));
    for (const code of [
      'EXPENSE_ABOVE_GUIDELINE', 'EXPENSE_NEEDS_ASSESSMENT', 'INCOME_NEEDS_ASSESSMENT', 'UNDECLARED_INCOME', 'INCOME_DISCREPANCY',
      'VEHICLE_OWNED', 'PROTECTED_IDENTITY', 'NOT_RESIDENT', 'NEW_APPLICATION', 'PLAN_ASSESSMENT_PENDING', 'NOT_ACTIVE_JOBSEEKER',
      'INCOME_EXCEEDS_NORM', 'REGISTER_INCOMPLETE',
    ]) {
      expect(reasons, code).toContain(code);
    }
    expect(all.some((f) => (f.payload.application as { municipality: string }).municipality === '1263')).toBe(true);
  });

  it('use synthetic personal numbers with valid check digits, each person in one household', () => {
    const seen = new Set<string>();
    for (const f of fixtures) {
      for (const pn of people(f)) {
        expect(parsePersonalNumber(pn, '2026-01-01').ok, `${f.name}`).toBe(true);
        expect(seen.has(pn), `${f.name} reuses a person`).toBe(false);
        seen.add(pn);
      }
    }
  });

  it('have every member in KIR and every applicant in the plan module', async () => {
    const kir = new Set((await loadKirFixtures()).map((p) => p.personalNumber));
    const plan = new Set((await loadPlanFixtures()).map((p) => p.personalNumber));
    for (const f of fixtures) {
      for (const pn of people(f)) expect(kir.has(pn), f.name).toBe(true);
      expect(plan.has(people(f)[0]!), f.name).toBe(true);
    }
  });

  it('validate as snapshots with their register answers: the INVALID ones fail, the others pass', () => {
    for (const f of fixtures) {
      const result = validateSnapshot(snapshots.get(idOf(f)));
      expect(result.ok, `${f.name}: ${result.ok ? '' : JSON.stringify(result.errors)}`).toBe(f.expected.valid);
      expect(validateApplicationPayload(f.payload).ok, f.name).toBe(f.expected.valid);
    }
  });

  it('name the bad field in the invalid ones', () => {
    const errors = (name: string) => {
      const f = fixtures.find((x) => x.name === name)!;
      const result = validateSnapshot(snapshots.get(idOf(f)));
      return result.ok ? [] : result.errors.map((e) => e.field);
    };
    expect(errors('invalid-bad-amount')).toEqual(['application.costs[0].amount']);
    expect(errors('invalid-child-aged-23')).toEqual(['application.children[0].personalNumber']);
  });

  it('get the outcome and reasons their files promise', () => {
    const rules = loadRules();
    for (const f of fixtures.filter((x) => x.expected.valid)) {
      const result = validateSnapshot(snapshots.get(idOf(f)));
      if (!result.ok) throw new Error(`${f.name} is invalid`);
      const proposal = assess(result.snapshot, rules);
      expect({ name: f.name, outcome: proposal.outcome, reasons: [...proposal.reasons].sort() }).toEqual({
        name: f.name,
        outcome: f.expected.outcome,
        reasons: [...(f.expected.reasons ?? [])].sort(),
      });
    }
  });

  it('include 2021 renewals that end in PROPOSE_GRANT (official rules, nothing provisional)', () => {
    const grants2021 = fixtures.filter((f) => f.name.startsWith('2021-') && f.expected.outcome === 'PROPOSE_GRANT');
    expect(grants2021.length).toBeGreaterThanOrEqual(3);
  });

  it('were gathered without a personal number in any URL', () => {
    expect(urls.length).toBeGreaterThan(fixtures.length * 3);
    for (const url of urls) expect(url).not.toMatch(/\d{10}/);
  });
});

import {
  createCase,
  insertDecision,
  insertProposalIfAbsent,
  insertSnapshot,
  saveApplication,
  type Db,
  type DecisionRecord,
} from '../../src/store/index.js';
import { uniqueId } from './backends.js';
import { personalNumber } from './snapshots.js';

/**
 * Cases with signed decisions straight into the store (no queue, no registers), for the
 * statistics tests: an application, its case, a stored snapshot with the household, a proposal
 * made from it, and a chain of decisions where each one supersedes the one before.
 */
export interface SeedDecision {
  outcome: 'GRANT' | 'REJECT';
  amount: string;
  signedAt: string;
}

export interface SeedCase {
  municipality: '1287' | '1263';
  month: string;
  /** The unit that handles the case: Trelleborg handles Svedala's. */
  organisation?: string;
  applicant: string;
  coApplicant?: string | null;
  children?: string[];
  decisions: SeedDecision[];
}

export interface SeededCase {
  caseId: string;
  proposalId: string;
  decisions: DecisionRecord[];
}

export async function seedCase(db: Db, spec: SeedCase): Promise<SeededCase> {
  const caseId = uniqueId('S');
  const application = {
    id: caseId,
    municipality: spec.municipality,
    receivedAt: `${spec.month}-01T09:15:00+01:00`,
    month: spec.month,
    kind: 'renewal',
    applicant: { personalNumber: spec.applicant },
    coApplicant: spec.coApplicant ? { personalNumber: spec.coApplicant } : null,
    children: (spec.children ?? []).map((pn) => ({ personalNumber: pn, lunchAtHome: false })),
    otherAdults: 0,
    costs: [{ type: 'rent', amount: '6900' }],
    incomes: [],
    assets: [],
  };
  const adults = [spec.applicant, ...(spec.coApplicant ? [spec.coApplicant] : [])];
  const snapshot = {
    application,
    registers: {
      ssbtek: adults.map((pn) => ({ personalNumber: pn, status: 'answered', agencyErrors: [], payments: [], vehicles: [] })),
      kir: adults.map((pn) => ({ personalNumber: pn, municipality: spec.municipality, protectedIdentity: false })),
      plan: { status: 'active' },
    },
    history: { monthsWithAssistanceInRow: 2, jobStimulusStart: null },
  };
  await saveApplication(db, { id: caseId, municipality: spec.municipality, receivedAt: application.receivedAt, raw: { application, history: snapshot.history } });
  await createCase(db, { id: caseId, municipality: spec.municipality, organisation: spec.organisation ?? null, month: spec.month, actor: 'robot:test' });
  const stored = await insertSnapshot(db, { caseId, snapshot, rulesVersion: 'test' });
  const first = spec.decisions[0];
  const { proposal } = await insertProposalIfAbsent(db, {
    caseId,
    snapshotId: stored.id,
    outcome: first?.outcome === 'REJECT' ? 'PROPOSE_REJECT' : 'PROPOSE_GRANT',
    amount: first?.amount ?? '0',
    reasons: [],
    proposal: { caseId, month: spec.month },
  });
  const seeded: SeededCase = { caseId, proposalId: proposal.id, decisions: [] };
  for (const d of spec.decisions) await addDecision(db, seeded, d);
  return seeded;
}

/** A further signed decision for the case, superseding the one in force. */
export async function addDecision(db: Db, seeded: SeededCase, d: SeedDecision): Promise<DecisionRecord> {
  const previous = seeded.decisions[seeded.decisions.length - 1];
  const decision = await insertDecision(db, {
    caseId: seeded.caseId,
    proposalId: seeded.proposalId,
    kind: previous ? 'edited' : 'as-proposed',
    outcome: d.outcome,
    amount: d.amount,
    content: { caseId: seeded.caseId, outcome: d.outcome, amount: d.amount },
    motivation: previous ? 'Rättat belopp' : null,
    signedBy: 'handlaggare-1',
    signedAt: new Date(d.signedAt),
    supersedes: previous?.id ?? null,
  });
  seeded.decisions.push(decision);
  return decision;
}

/** The people of the statistics scenario (synthetic test numbers; serial digit 3 odd = man). */
export const PEOPLE = {
  // Trelleborg 1287
  p1: personalNumber('1990-03-20', '248'),
  p1child: personalNumber('2012-06-30', '262'),
  p1adultChild: personalNumber('2007-03-03', '382'),
  p2: personalNumber('1985-07-09', '231'),
  p3: personalNumber('1988-11-30', '442'),
  p2child: personalNumber('2020-02-29', '273'),
  p4: personalNumber('1979-02-28', '391', true),
  p5: personalNumber('1995-05-05', '268'),
  p6: personalNumber('1970-01-15', '235'),
  p7: personalNumber('1960-12-24', '264'),
  p8: personalNumber('1999-09-09', '219'),
  // Svedala 1263, handled by Trelleborg
  q1: personalNumber('1982-04-14', '286'),
  q2: personalNumber('1975-08-08', '297'),
  q3: personalNumber('1977-01-01', '228'),
} as const;

export const SVEDALA_PEOPLE = [PEOPLE.q1, PEOPLE.q2, PEOPLE.q3];

/** Every written form of a number that must never turn up in output. */
export function writtenForms(pn: string): string[] {
  return [pn, `${pn.slice(0, 8)}-${pn.slice(8)}`, pn.slice(2), `${pn.slice(2, 8)}-${pn.slice(8)}`];
}

/**
 * Trelleborg's October: a single mother (8245,50 → 8246), a man with two cases in the month
 * (3000,40 + 2000,40 → 5001, the later one with a partner and a child), a corrected decision
 * (5000 superseded by 4200,50 → 4201), a rejection, a grant withdrawn by a rejection, a grant of
 * 0 kr; September: one man. Svedala's October, handled by Trelleborg: two households.
 */
export async function seedScenario(db: Db): Promise<Record<string, SeededCase>> {
  const p = PEOPLE;
  const oct = '2026-10';
  return {
    p1: await seedCase(db, { municipality: '1287', month: oct, applicant: p.p1, children: [p.p1child, p.p1adultChild], decisions: [{ outcome: 'GRANT', amount: '8245.50', signedAt: '2026-10-01T08:00:00Z' }] }),
    p2a: await seedCase(db, { municipality: '1287', month: oct, applicant: p.p2, decisions: [{ outcome: 'GRANT', amount: '3000.40', signedAt: '2026-10-02T08:00:00Z' }] }),
    p2b: await seedCase(db, { municipality: '1287', month: oct, applicant: p.p2, coApplicant: p.p3, children: [p.p2child], decisions: [{ outcome: 'GRANT', amount: '2000.40', signedAt: '2026-10-20T08:00:00Z' }] }),
    p4: await seedCase(db, {
      municipality: '1287',
      month: oct,
      applicant: p.p4,
      decisions: [
        { outcome: 'GRANT', amount: '5000', signedAt: '2026-10-01T08:00:00Z' },
        { outcome: 'GRANT', amount: '4200.50', signedAt: '2026-10-03T08:00:00Z' },
      ],
    }),
    p5: await seedCase(db, { municipality: '1287', month: oct, applicant: p.p5, decisions: [{ outcome: 'REJECT', amount: '0', signedAt: '2026-10-01T08:00:00Z' }] }),
    p6: await seedCase(db, {
      municipality: '1287',
      month: oct,
      applicant: p.p6,
      decisions: [
        { outcome: 'GRANT', amount: '6000', signedAt: '2026-10-01T08:00:00Z' },
        { outcome: 'REJECT', amount: '0', signedAt: '2026-10-04T08:00:00Z' },
      ],
    }),
    p7: await seedCase(db, { municipality: '1287', month: oct, applicant: p.p7, decisions: [{ outcome: 'GRANT', amount: '0', signedAt: '2026-10-01T08:00:00Z' }] }),
    p8: await seedCase(db, { municipality: '1287', month: '2026-09', applicant: p.p8, decisions: [{ outcome: 'GRANT', amount: '1500', signedAt: '2026-09-01T08:00:00Z' }] }),
    q1: await seedCase(db, { municipality: '1263', organisation: 'trelleborg', month: oct, applicant: p.q1, decisions: [{ outcome: 'GRANT', amount: '6100', signedAt: '2026-10-01T08:00:00Z' }] }),
    q2: await seedCase(db, {
      municipality: '1263',
      organisation: 'trelleborg',
      month: oct,
      applicant: p.q2,
      coApplicant: p.q3,
      decisions: [{ outcome: 'GRANT', amount: '9000.75', signedAt: '2026-10-01T08:00:00Z' }],
    }),
  };
}

/** The files the scenario must give, byte for byte. */
export const EXPECTED = {
  trelleborgOctober: [
    `2026\t10\t1287\t\t3\t0\t0\t4201\t${PEOPLE.p4}\t1\t47\t\t\t\r\n`,
    `2026\t10\t1287\t\t8\t1\t1\t5001\t${PEOPLE.p2}\t1\t41\t${PEOPLE.p3}\t2\t38\r\n`,
    `2026\t10\t1287\t\t6\t1\t1\t8246\t${PEOPLE.p1}\t2\t36\t\t\t\r\n`,
  ].join(''),
  trelleborgSeptember: `2026\t09\t1287\t\t3\t0\t0\t1500\t${PEOPLE.p8}\t1\t27\t\t\t\r\n`,
  svedalaOctober: [
    `2026\t10\t1263\t\t7\t0\t0\t9001\t${PEOPLE.q2}\t1\t51\t${PEOPLE.q3}\t2\t49\r\n`,
    `2026\t10\t1263\t\t5\t0\t0\t6100\t${PEOPLE.q1}\t2\t44\t\t\t\r\n`,
  ].join(''),
};

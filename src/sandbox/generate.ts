import { addMonths, daysInMonth, MONTH_PATTERN } from '../domain/dates.js';
import { luhnCheckDigit } from '../domain/personalNumber.js';
import type { KirPerson } from './kir.js';
import type { PlanPerson } from './plan.js';
import type { SsbtekFixture } from './ssbtekFixtures.js';

/**
 * Deterministic synthetic households for benchmarks and load tests: the same (count, seed,
 * options) always gives the same applications and the same register data, and every person
 * generated is known to KIR, the plan module and SSBTEK, so a generated case goes through the
 * whole pipeline without a technical error. Applications are valid and sit inside Trelleborg's
 * guideline caps; the outcome then depends only on the month's rules.
 */

export interface GenerateOptions {
  /** Assistance month, default 2026-03. */
  month?: string;
  /** SCB code, default 1287 (Trelleborg). Everyone generated is registered there in KIR. */
  municipality?: string;
  /** Personal numbers already in use (fixtures, earlier batches); never generated again. */
  taken?: ReadonlySet<string>;
  /** The kind of every application generated (default renewal; new: first applications). */
  kind?: 'new' | 'renewal';
  /**
   * When the applications came in: each at a (seeded) instant in [from, to]. Default: early in
   * `month` (its 1st-9th), as for benchmarks. The demo passes the hours before now (demo.ts).
   */
  receivedWithin?: { from: Date; to: Date };
}

export interface GeneratedPayload {
  application: {
    id: string;
    municipality: string;
    receivedAt: string;
    month: string;
    kind: 'new' | 'renewal';
    applicant: { personalNumber: string };
    coApplicant: { personalNumber: string } | null;
    children: Array<{ personalNumber: string; lunchAtHome?: boolean; daysAtHome: number }>;
    otherAdults: number;
    costs: Array<{ type: string; amount: string }>;
    incomes: Array<{ person: string; type: string; amount: string }>;
    assets: Array<{ type: string; amount: string }>;
  };
  history: { monthsWithAssistanceInRow: number; jobStimulusStart: string | null };
}

export interface GeneratedHousehold {
  id: string;
  payload: GeneratedPayload;
  kir: KirPerson[];
  plan: PlanPerson;
  ssbtek: SsbtekFixture[];
}

/** mulberry32: a tiny PRNG with a 32-bit state, good enough for test data and fully repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Trelleborg's rent caps (rules/municipalities/1287-trelleborg.yaml), which Svedala shares.
const RENT_CAP = { single: 3901, couple: 5852, children1to2: 7803, children3plus: 8778 };
const CHILD_ALLOWANCE = 1250;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Generated ids carry the seed in base 36, so no id holds a ten-digit run (isSafeCaseId would
 * refuse it as a possible personal number).
 */
export const generatedId = (seed: number, index: number) => `G${(seed >>> 0).toString(36)}-${pad(index + 1, 6)}`;

export function generateHouseholds(count: number, seed: number, options: GenerateOptions = {}): GeneratedHousehold[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count ska vara ett heltal >= 0');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError('seed ska vara ett heltal 0–4294967295');
  const month = options.month ?? '2026-03';
  if (!MONTH_PATTERN.test(month)) throw new RangeError('month ska vara ÅÅÅÅ-MM');
  const municipality = options.municipality ?? '1287';
  const year = Number(month.slice(0, 4));
  const previous = addMonths(month, -1);

  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const used = new Set(options.taken ?? []);

  /** A fresh personal number born in `birthYear` (day <= 28, so every date exists). */
  const person = (birthYear: number): string => {
    for (;;) {
      const date = `${birthYear}${pad(int(1, 12))}${pad(int(1, 28))}`;
      const serial = pad(int(0, 999), 3);
      const pn = `${date}${serial}${luhnCheckDigit(date.slice(2) + serial)}`;
      if (!used.has(pn)) {
        used.add(pn);
        return pn;
      }
    }
  };

  const within = options.receivedWithin;
  const received = () => {
    if (!within) return `${month}-${pad(int(1, 9))}T${pad(int(8, 16))}:${pad(int(0, 59))}:00+01:00`;
    const from = within.from.getTime();
    // Whole seconds, UTC ("Z" is a time zone too).
    return new Date(Math.floor((from + random() * (within.to.getTime() - from)) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  };

  const households: GeneratedHousehold[] = [];
  for (let index = 0; index < count; index++) {
    const id = generatedId(seed, index);
    const applicant = person(year - int(21, 64));
    const couple = random() < 0.35;
    const coApplicant = couple ? person(year - int(21, 64)) : null;
    const childCount = random() < 0.5 ? 0 : int(1, 4);
    const children = Array.from({ length: childCount }, () => {
      // Born k years before the month's year: 0-17 years old on its first day.
      const age = int(1, 17);
      const personalNumber = person(year - age);
      // With lunch at home: "without lunch" amounts are missing for some years (2026).
      return age <= 7 ? { personalNumber, lunchAtHome: true, daysAtHome: daysInMonth(month) } : { personalNumber, daysAtHome: daysInMonth(month) };
    });

    const cap =
      childCount >= 3 ? RENT_CAP.children3plus : childCount >= 1 ? RENT_CAP.children1to2 : couple ? RENT_CAP.couple : RENT_CAP.single;
    const costs = [
      { type: 'rent', amount: String(Math.round((cap * (0.6 + random() * 0.38)) / 10) * 10) },
      { type: 'electricity', amount: String(int(20, 60) * 10) },
    ];
    if (random() < 0.5) costs.push({ type: 'homeInsurance', amount: String(int(10, 25) * 10) });

    const incomes: GeneratedPayload['application']['incomes'] = [];
    const ssbtek: SsbtekFixture[] = [];
    if (childCount > 0) {
      const amount = String(CHILD_ALLOWANCE * childCount);
      incomes.push({ person: 'applicant', type: 'childAllowance', amount });
      // Registered as declared, paid in M-1: "registered beats declared" then agrees.
      ssbtek.push({
        personalNumber: applicant,
        description: `Genererad (${id}): barnbidrag`,
        agencies: { FK: { payments: [{ benefit: 'Allmänt barnbidrag', paidOn: `${previous}-20`, net: amount }] } },
      });
    }
    if (random() < 0.3) incomes.push({ person: 'applicant', type: 'salary', amount: String(int(20, 90) * 100) });

    const members = [applicant, ...(coApplicant ? [coApplicant] : []), ...children.map((c) => c.personalNumber)];
    households.push({
      id,
      payload: {
        application: {
          id,
          municipality,
          receivedAt: received(),
          month,
          kind: options.kind ?? 'renewal',
          applicant: { personalNumber: applicant },
          coApplicant: coApplicant ? { personalNumber: coApplicant } : null,
          children,
          otherAdults: 0,
          costs,
          incomes,
          assets: [],
        },
        history: { monthsWithAssistanceInRow: int(1, 24), jobStimulusStart: null },
      },
      kir: members.map((personalNumber) => ({ personalNumber, municipality, protectedIdentity: false })),
      plan: { personalNumber: applicant, status: 'active' },
      ssbtek,
    });
  }
  return households;
}


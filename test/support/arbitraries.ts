import fc from 'fast-check';
import { buildSnapshot, type CaseSpec } from './snapshots.js';

/** fast-check generators of varied, valid case descriptions (and so snapshots). */

const amount = fc
  .integer({ min: 0, max: 3_000_000 })
  .map((ore) => (ore % 100 === 0 ? String(ore / 100) : `${Math.floor(ore / 100)}.${String(ore % 100).padStart(2, '0')}`));

const smallAmount = fc
  .integer({ min: 0, max: 1_200_000 })
  .map((ore) => `${Math.floor(ore / 100)}.${String(ore % 100).padStart(2, '0')}`);

/** Mostly months with a riksnorm table, sometimes one without. */
export const month = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('2014-05', '2015-12', '2019-01', '2019-07', '2021-03', '2021-11', '2023-02', '2023-09', '2026-01', '2026-03', '2026-02', '2026-12') },
  { weight: 1, arbitrary: fc.constantFrom('2020-06', '2024-04', '2025-10', '2017-02') },
);

const child = fc.record(
  {
    age: fc.integer({ min: 0, max: 20 }),
    lunchAtHome: fc.boolean(),
    daysAtHome: fc.option(fc.integer({ min: 0, max: 28 }), { nil: undefined }),
    inSchool: fc.constantFrom(true, undefined),
  },
  { requiredKeys: ['age', 'lunchAtHome'] },
);

const costType = fc.constantFrom('rent', 'rent', 'electricity', 'homeInsurance', 'workTravel', 'unionFee', 'unemploymentFund', 'childcare', 'medical', 'medicine', 'dental', 'glasses', 'other');
const incomeType = fc.constantFrom('salary', 'salary', 'childAllowance', 'housingAllowance', 'maintenanceSupport', 'sicknessBenefit', 'unemploymentBenefit', 'activitySupport', 'pension', 'other', 'studentFinance');
const benefit = fc.constantFrom(
  ['FK', 'Allmänt barnbidrag'],
  ['FK', 'Bostadsbidrag'],
  ['FK', 'Sjukpenning'],
  ['FK', 'Handikappersättning'],
  ['SO', 'Arbetslöshetsersättning'],
  ['AF', 'Aktivitetsstöd'],
  ['CSN', 'Studiemedel'],
);

/**
 * Children per household. `stress` spreads 0-7 evenly (large households, many lines: what the
 * property tests want); `typical` leans towards few children, as caseloads do.
 */
const childrenBy = {
  stress: fc.array(child, { maxLength: 7 }),
  typical: fc.oneof(
    { weight: 45, arbitrary: fc.array(child, { maxLength: 0 }) },
    { weight: 20, arbitrary: fc.array(child, { minLength: 1, maxLength: 1 }) },
    { weight: 15, arbitrary: fc.array(child, { minLength: 2, maxLength: 2 }) },
    { weight: 10, arbitrary: fc.array(child, { minLength: 3, maxLength: 3 }) },
    { weight: 10, arbitrary: fc.array(child, { minLength: 4, maxLength: 7 }) },
  ),
};

export const caseSpecOf = (mix: keyof typeof childrenBy): fc.Arbitrary<CaseSpec> => fc
  .record({
    month,
    municipality: fc.constantFrom('1287', '1263'),
    kind: fc.constantFrom<'new' | 'renewal'>('renewal', 'renewal', 'renewal', 'new'),
    coApplicant: fc.boolean(),
    children: childrenBy[mix],
    otherAdults: fc.integer({ min: 0, max: 3 }),
    costs: fc.array(fc.record({ type: costType, amount: smallAmount }), { maxLength: 5 }),
    incomes: fc.array(fc.record({ type: incomeType, amount: smallAmount, person: fc.constantFrom('applicant', 'coApplicant') }), { maxLength: 4 }),
    payments: fc.array(fc.tuple(benefit, smallAmount, fc.integer({ min: -2, max: 0 })), { maxLength: 3 }),
    assets: fc.array(fc.record({ type: fc.constantFrom('bankBalance', 'cash'), amount: smallAmount }), { maxLength: 2 }),
    plan: fc.constantFrom<'active' | 'notActive' | 'pending'>('active', 'active', 'active', 'notActive', 'pending'),
    history: fc.record({
      monthsWithAssistanceInRow: fc.integer({ min: 0, max: 40 }),
      jobStimulusStart: fc.constantFrom(null, null, '2012-01', '2025-06'),
    }),
  })
  .map((r) => {
    const incomes = r.incomes.map((i) => ({ ...i, person: r.coApplicant ? i.person : 'applicant' }));
    const previous = (offset: number) => {
      const [y, m] = r.month.split('-').map(Number) as [number, number];
      const index = y * 12 + (m - 1) + offset;
      return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-10`;
    };
    const history = { ...r.history, jobStimulusStart: r.history.jobStimulusStart !== null && r.history.jobStimulusStart > r.month ? null : r.history.jobStimulusStart };
    return {
      ...r,
      history,
      incomes,
      children: r.children.map((c) => ({ ...c, daysAtHome: c.daysAtHome, inSchool: c.age >= 19 ? true : c.inSchool })),
      payments: r.payments.map(([[agency, name], net, offset]) => ({ agency, benefit: name, net, paidOn: previous(offset - 1) })),
    } satisfies CaseSpec;
  });

export const caseSpec = caseSpecOf('stress');
export const snapshotInput = caseSpec.map(buildSnapshot);
export const typicalSnapshotInput = caseSpecOf('typical').map(buildSnapshot);
export { amount };

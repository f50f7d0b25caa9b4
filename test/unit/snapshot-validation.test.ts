import { describe, expect, it } from 'vitest';
import { completeSnapshot, validateApplicationPayload, validateSnapshot } from '../../src/domain/snapshot.js';
import { buildSnapshot, personalNumber } from '../support/snapshots.js';

type Json = Record<string, any>;
const base = (): Json => buildSnapshot({ month: '2026-03', children: [{ age: 4, lunchAtHome: true }], incomes: [{ type: 'salary', amount: '100' }] });

function errorsOf(mutate: (s: Json) => void): Array<{ field: string; message: string }> {
  const s = base();
  mutate(s);
  const v = validateSnapshot(s);
  return v.ok ? [] : v.errors;
}

/** Each bad field and where its error must point. */
const table: Array<{ why: string; mutate: (s: Json) => void; field: string; message: RegExp }> = [
  { why: 'money as a JSON number', mutate: (s) => (s.application.costs = [{ type: 'rent', amount: 6500 }]), field: 'application.costs[0].amount', message: /belopp/ },
  { why: 'money with three decimals', mutate: (s) => (s.application.costs = [{ type: 'rent', amount: '65.001' }]), field: 'application.costs[0].amount', message: /två decimaler/ },
  { why: 'a negative amount', mutate: (s) => (s.application.incomes[0].amount = '-5'), field: 'application.incomes[0].amount', message: /minustecken/ },
  { why: 'a decimal comma', mutate: (s) => (s.application.incomes[0].amount = '100,50'), field: 'application.incomes[0].amount', message: /belopp/ },
  { why: 'a month that does not exist', mutate: (s) => (s.application.month = '2026-13'), field: 'application.month', message: /ÅÅÅÅ-MM/ },
  { why: 'a wrong check digit', mutate: (s) => (s.application.applicant.personalNumber = s.application.applicant.personalNumber.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10))), field: 'application.applicant.personalNumber', message: /kontrollsiffran/ },
  { why: 'an unknown kind', mutate: (s) => (s.application.kind = 'renew'), field: 'application.kind', message: /new.*renewal/ },
  { why: 'a missing applicant', mutate: (s) => delete s.application.applicant, field: 'application.applicant', message: /saknas/ },
  { why: 'a receivedAt without time zone', mutate: (s) => (s.application.receivedAt = '2026-03-02T09:15:00'), field: 'application.receivedAt', message: /tidszon/ },
  { why: 'more days at home than the month has', mutate: (s) => (s.application.children[0].daysAtHome = 32), field: 'application.children[0].daysAtHome', message: /31 dagar/ },
  { why: 'lunchAtHome missing for a child of 4', mutate: (s) => delete s.application.children[0].lunchAtHome, field: 'application.children[0].lunchAtHome', message: /0–6 år/ },
  { why: 'a child of 21', mutate: (s) => (s.application.children[0].personalNumber = personalNumber('2004-06-15', '246')), field: 'application.children[0].personalNumber', message: /21 år.*otherAdults/ },
  { why: 'a 19-year-old not in school', mutate: (s) => (s.application.children[0] = { personalNumber: personalNumber('2006-06-15', '246'), inSchool: false }), field: 'application.children[0].inSchool', message: /skolan/ },
  { why: 'an 18-year-old not in school', mutate: (s) => (s.application.children[0] = { personalNumber: personalNumber('2007-06-15', '246'), inSchool: false }), field: 'application.children[0].inSchool', message: /18–20 år.*skolan/ },
  { why: 'a child born after the month', mutate: (s) => (s.application.children[0].personalNumber = personalNumber('2026-04-02', '246')), field: 'application.children[0].personalNumber', message: /fött efter/ },
  { why: 'an applicant under 18', mutate: (s) => (s.application.applicant.personalNumber = personalNumber('2010-01-01', '980')), field: 'application.applicant.personalNumber', message: /under 18/ },
  { why: 'the same person twice', mutate: (s) => (s.application.coApplicant = { personalNumber: s.application.applicant.personalNumber }), field: 'application.coApplicant', message: /samma person/ },
  { why: 'an income for a co-applicant who is not there', mutate: (s) => (s.application.incomes[0].person = 'coApplicant'), field: 'application.incomes[0].person', message: /ingen medsökande/ },
  { why: 'an income for a child who is not there', mutate: (s) => (s.application.incomes[0].person = 'child:3'), field: 'application.incomes[0].person', message: /inget barn/ },
  { why: 'a payment date that does not exist', mutate: (s) => (s.registers.ssbtek[0].payments = [{ agency: 'FK', benefit: 'x', paidOn: '2026-02-30', net: '1' }]), field: 'registers.ssbtek[0].payments[0].paidOn', message: /datum/ },
  { why: 'an unknown agency', mutate: (s) => (s.registers.ssbtek[0].agencyErrors = ['XYZ']), field: 'registers.ssbtek[0].agencyErrors[0]', message: /FK, CSN/ },
  { why: 'an unknown plan status', mutate: (s) => (s.registers.plan = { status: 'maybe' }), field: 'registers.plan.status', message: /active/ },
  { why: 'a KIR answer with a wrong check digit', mutate: (s) => (s.registers.kir[0].personalNumber = s.registers.kir[0].personalNumber.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10))), field: 'registers.kir[0].personalNumber', message: /kontrollsiffran/ },
  { why: 'no register answers at all', mutate: (s) => delete s.registers, field: 'registers', message: /saknas/ },
  { why: 'a jobbstimulans period that starts after the month', mutate: (s) => (s.history.jobStimulusStart = '2026-04'), field: 'history.jobStimulusStart', message: /efter/ },
];

describe('validateSnapshot', () => {
  it('accepts the base case and normalises 10-digit personal numbers to 12 digits', () => {
    const s = base();
    const twelve = s.application.applicant.personalNumber as string;
    s.application.applicant.personalNumber = `${twelve.slice(2, 8)}-${twelve.slice(8)}`;
    s.registers.kir[0].personalNumber = twelve.slice(2);
    const v = validateSnapshot(s);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.snapshot.application.applicant.personalNumber).toBe(twelve);
    const kir = v.snapshot.registers.kir as Array<{ personalNumber: string }>;
    expect(kir[0]!.personalNumber).toBe(twelve);
  });

  it('leaves its input untouched (the raw application is stored as it came)', () => {
    const s = base();
    const twelve = s.application.applicant.personalNumber as string;
    s.application.applicant.personalNumber = `${twelve.slice(2, 8)}-${twelve.slice(8)}`;
    const before = structuredClone(s);
    expect(validateSnapshot(s).ok).toBe(true);
    expect(s).toEqual(before);
  });

  it('ignores fields it does not know (the contract may grow)', () => {
    const s = base();
    s.application.channel = 'e-tjänst';
    s.extra = { anything: 1 };
    expect(validateSnapshot(s).ok).toBe(true);
  });


  for (const row of table) {
    it(`names the field: ${row.why}`, () => {
      const errors = errorsOf(row.mutate);
      const hit = errors.find((e) => e.field === row.field);
      expect(hit, JSON.stringify(errors)).toBeDefined();
      expect(hit!.message).toMatch(row.message);
    });
  }

  it('reports every bad field at once', () => {
    const errors = errorsOf((s) => {
      s.application.month = 'mars';
      s.application.costs = [{ type: 'rent', amount: 1 }];
      s.registers.plan = {};
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['application.costs[0].amount', 'application.month', 'registers.plan.status']);
  });

  it('never repeats a personal number or an amount in a message', () => {
    const s = base();
    const pn = s.application.applicant.personalNumber as string;
    s.application.applicant.personalNumber = pn.slice(0, 11) + String((Number(pn[11]) + 1) % 10);
    s.application.costs = [{ type: 'rent', amount: '12345.678' }];
    const v = validateSnapshot(s);
    expect(v.ok).toBe(false);
    const text = JSON.stringify(v);
    expect(text).not.toContain(pn.slice(0, 8));
    expect(text).not.toContain(pn.slice(2, 8));
    expect(text).not.toContain('12345');
  });

  it('says what is wrong with input that is not an object at all', () => {
    for (const input of [null, 42, 'text', []]) {
      const v = validateSnapshot(input);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.errors.length).toBeGreaterThan(0);
    }
  });
});

/**
 * The case job reads its application first (validateApplicationPayload) and completes the
 * snapshot with the register answers later (completeSnapshot): the two steps must answer as
 * validateSnapshot does on the whole, valid or not.
 */
describe('completeSnapshot', () => {
  const variants: Array<{ why: string; mutate: (s: Json) => void }> = [
    { why: 'the base case', mutate: () => undefined },
    { why: 'a KIR answer in ten digits', mutate: (s) => (s.registers.kir[0].personalNumber = s.registers.kir[0].personalNumber.slice(2)) },
    { why: 'a register unavailable', mutate: (s) => (s.registers.kir = { status: 'unavailable', register: 'kir' }) },
    { why: 'registers that are not an object', mutate: (s) => (s.registers = 'x') },
    ...table,
  ];
  for (const { why, mutate } of variants) {
    it(`answers as validateSnapshot: ${why}`, () => {
      const s = base();
      mutate(s);
      const read = validateApplicationPayload(structuredClone(s));
      if (!read.ok) return expect(validateSnapshot(s).ok).toBe(false);
      expect(completeSnapshot(read.payload, structuredClone(s.registers))).toEqual(validateSnapshot(structuredClone(s)));
    });
  }

  it('is given registers by the rows above that reach it, valid and not', () => {
    const reached = variants.filter(({ mutate }) => {
      const s = base();
      mutate(s);
      return validateApplicationPayload(s).ok;
    });
    expect(reached.length).toBeGreaterThanOrEqual(9);
  });
});

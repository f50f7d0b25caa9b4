import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit, luhnCheckDigit, parsePersonalNumber, tenDigitForm } from '../../src/domain/personalNumber.js';

// Synthetic numbers with valid check digits; the reference date is the day the number was written.
const cases: Array<{ input: string; on: string; normalized: string; birthDate: string; coordination?: boolean; sex: 'male' | 'female'; why: string }> = [
  { input: '198507099805', on: '2026-03-02', normalized: '198507099805', birthDate: '1985-07-09', sex: 'female', why: '12 siffror' },
  { input: '19850709-9805', on: '2026-03-02', normalized: '198507099805', birthDate: '1985-07-09', sex: 'female', why: '12 siffror med bindestreck' },
  { input: '850709-9805', on: '2026-03-02', normalized: '198507099805', birthDate: '1985-07-09', sex: 'female', why: '10 siffror med bindestreck' },
  { input: '8507099805', on: '2026-03-02', normalized: '198507099805', birthDate: '1985-07-09', sex: 'female', why: '10 siffror utan tecken' },
  { input: '190505-2385', on: '2026-03-02', normalized: '201905052385', birthDate: '2019-05-05', sex: 'female', why: 'barn född på 2000-talet' },
  { input: '190505+2385', on: '2026-03-02', normalized: '191905052385', birthDate: '1919-05-05', sex: 'female', why: 'plustecken: 100 år eller äldre' },
  { input: '260301-2382', on: '2026-03-02', normalized: '202603012382', birthDate: '2026-03-01', sex: 'female', why: 'född dagen före referensdagen' },
  { input: '260303-2380', on: '2026-03-02', normalized: '192603032380', birthDate: '1926-03-03', sex: 'female', why: 'född dagen efter referensdagen: förra seklet' },
  { input: '250820+2344', on: '2025-03-10', normalized: '192508202344', birthDate: '1925-08-20', sex: 'female', why: 'plustecken från årets början det år personen fyller 100, före födelsedagen' },
  { input: '261231+2385', on: '2026-03-02', normalized: '192612312385', birthDate: '1926-12-31', sex: 'female', why: 'plustecken den 2 mars för den som fyller 100 på nyårsafton' },
  { input: '250820+2344', on: '2024-12-31', normalized: '182508202344', birthDate: '1825-08-20', sex: 'female', why: 'plustecken året innan: född ett sekel tidigare' },
  { input: '250820-2344', on: '2025-03-10', normalized: '192508202344', birthDate: '1925-08-20', sex: 'female', why: 'minustecken från före årsskiftet: 2025-08-20 är inte fött än, alltså 1925' },
  { input: '850769-9802', on: '2026-03-02', normalized: '198507699802', birthDate: '1985-07-09', coordination: true, sex: 'female', why: 'samordningsnummer: dag + 60' },
  { input: '200002299816', on: '2026-03-02', normalized: '200002299816', birthDate: '2000-02-29', sex: 'male', why: 'skottdag' },
];

describe('parsePersonalNumber', () => {
  for (const c of cases) {
    it(`${c.why}`, () => {
      const result = parsePersonalNumber(c.input, c.on);
      expect(result).toEqual({
        ok: true,
        value: { normalized: c.normalized, birthDate: c.birthDate, coordinationNumber: c.coordination ?? false, legalSex: c.sex },
      });
    });
  }

  const bad: Array<{ input: string; problem: RegExp; why: string }> = [
    { input: '198507099806', problem: /kontrollsiffran/, why: 'fel kontrollsiffra' },
    { input: '198502309808', problem: /födelsedatum finns inte/, why: '30 februari' },
    { input: '190102299805', problem: /födelsedatum finns inte/, why: '29 februari ett år utan skottdag' },
    { input: '198513099805', problem: /födelsedatum finns inte/, why: 'månad 13' },
    { input: '198507929805', problem: /samordningsnummer/, why: 'samordningsnummer med dag 32' },
    { input: '85070998', problem: /format/, why: 'för kort' },
    { input: '19850709+9805', problem: /format/, why: 'plustecken i 12-siffrig form' },
    { input: 'abcdefghijkl', problem: /format/, why: 'bokstäver' },
  ];
  for (const b of bad) {
    it(`avvisar: ${b.why}, utan att upprepa numret`, () => {
      const result = parsePersonalNumber(b.input, '2026-03-02');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problem).toMatch(b.problem);
      const digits = b.input.replace(/\D/g, '');
      if (digits.length >= 6) expect(result.problem).not.toContain(digits.slice(0, 6));
      expect(result.problem).not.toContain(b.input);
    });
  }

  it('checks the check digit of any written form exactly as the Luhn digit says', () => {
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }).map((d) => d.join(''));
    fc.assert(
      fc.property(digits, fc.constantFrom('', '19', '20'), fc.constantFrom('', '-', '+'), (ten, century, sign) => {
        const written = `${century}${ten.slice(0, 6)}${sign}${ten.slice(6)}`;
        expect(hasValidCheckDigit(written)).toBe(luhnCheckDigit(ten.slice(0, 9)) === Number(ten[9]));
      }),
      { numRuns: 5000 },
    );
  });

  it('computes the Luhn check digit over YYMMDDNNN', () => {
    expect(luhnCheckDigit('850709980')).toBe(5);
    expect(luhnCheckDigit('190505238')).toBe(5);
    expect(luhnCheckDigit('000000000')).toBe(0);
  });

  it('writes the ten-digit form with + from 1 January of the year the person turns 100', () => {
    const pn = parsePersonalNumber('191905052385', '2026-03-02');
    if (!pn.ok) throw new Error(pn.problem);
    expect(tenDigitForm(pn.value, '2018-12-31')).toBe('190505-2385');
    expect(tenDigitForm(pn.value, '2019-01-01')).toBe('190505+2385');
    expect(tenDigitForm(pn.value, '2019-05-04')).toBe('190505+2385');
  });

  it('reads back every ten-digit form it writes, on any day (round trip)', () => {
    const day = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2099, 11, 31) }).map((t) => new Date(t).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (birth, on) => {
        fc.pre(birth <= on);
        const nine = `${birth.slice(2, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}238`;
        const twelve = `${birth.slice(0, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}238${luhnCheckDigit(nine)}`;
        const pn = parsePersonalNumber(twelve, on);
        if (!pn.ok) throw new Error(pn.problem);
        const back = parsePersonalNumber(tenDigitForm(pn.value, on), on);
        expect(back.ok && back.value.normalized).toBe(twelve);
      }),
      { numRuns: 3000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { periodProblem } from '../../src/logfollowup/run.js';

/** The period of a log follow-up made on demand: dates, order, length, and over before it is reported on. */
describe('periodProblem', () => {
  const today = '2026-11-29';
  it.each([
    ['2026-10-01', '2026-10-31', undefined],
    ['2026-11-01', '2026-11-28', undefined],
    ['2026-11-01', '2026-11-29', 'Till och med: perioden är inte slut. Välj ett slutdatum senast i går (2026-11-28), så täcker rapporten hela perioden.'],
    ['2027-01-01', '2027-01-31', 'Till och med: perioden är inte slut. Välj ett slutdatum senast i går (2026-11-28), så täcker rapporten hela perioden.'],
    ['2026-10-31', '2026-10-01', 'Till och med: kan inte vara före från-datumet.'],
    ['2026-13-01', '2026-10-01', 'Från: ange ett datum som ÅÅÅÅ-MM-DD.'],
    ['2026-10-01', '31/10', 'Till och med: ange ett datum som ÅÅÅÅ-MM-DD.'],
  ])('%s – %s', (from, to, expected) => {
    expect(periodProblem(from, to, today)).toBe(expected);
  });

  it('yesterday across a month and a year', () => {
    expect(periodProblem('2025-12-01', '2026-01-01', '2026-01-01')).toContain('(2025-12-31)');
    expect(periodProblem('2026-02-01', '2026-03-01', '2026-03-01')).toContain('(2026-02-28)');
  });
});

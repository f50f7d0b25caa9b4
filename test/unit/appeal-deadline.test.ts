import { describe, expect, it } from 'vitest';
import { appealDeadline, cameInTime } from '../../src/appeals/deadline.js';
import { paidByChain, settle, UnknownPaymentError } from '../../src/appeals/settlement.js';
import { loadRules } from '../../src/rules/load.js';

/**
 * The appeal deadline (FL 44 §: three weeks from the day the applicant got the decision; lag
 * 1930:173: a last day on a Saturday, Sunday or holiday moves to the next weekday) as worked cases.
 */
const rules = loadRules();
const closed = (date: string) => rules.closedBankDaysAt(date)!.value;

describe('appeal deadline, worked cases', () => {
  // Notified Monday 2026-03-02: day 21 is Monday 2026-03-23.
  it.each([
    ['2026-03-02', '2026-03-22', 20, true],
    ['2026-03-02', '2026-03-23', 21, true],
    ['2026-03-02', '2026-03-24', 22, false],
    ['2026-03-02', '2026-03-25', 23, false],
  ])('notified %s, received %s (day %i): in time %s', (notified, received, day, inTime) => {
    const d = appealDeadline(notified, closed(notified));
    expect(d.lastDay).toBe('2026-03-23');
    expect(d.movedBecause).toBeUndefined();
    expect((Date.parse(received) - Date.parse(notified)) / 86_400_000).toBe(day);
    expect(cameInTime(received, d)).toBe(inTime);
  });

  it.each([
    // notified, nominal day 21, last day, why
    ['2026-03-07', '2026-03-28', '2026-03-30', 'lördag'], // Saturday -> Monday
    ['2026-03-08', '2026-03-29', '2026-03-30', 'söndag'], // Sunday -> Monday
    ['2026-03-13', '2026-04-03', '2026-04-07', 'Långfredagen'], // Good Friday, then the weekend and Easter Monday
    ['2026-05-29', '2026-06-19', '2026-06-22', 'Midsommarafton'], // treated as a holiday (lag 1930:173 2 §)
    ['2026-12-03', '2026-12-24', '2026-12-28', 'Julafton'], // Christmas Eve, Christmas, Boxing Day -> Monday 28th
    ['2026-12-10', '2026-12-31', '2027-01-04', 'Nyårsafton'], // across the new year: Jan 1 closed, then the weekend
  ])('notified %s: three weeks is %s, the last day %s (%s)', (notified, nominal, last, why) => {
    const d = appealDeadline(notified, closed(notified));
    expect(d.nominalLastDay).toBe(nominal);
    expect(d.lastDay).toBe(last);
    expect(d.movedBecause).toBe(why);
    expect(cameInTime(last, d)).toBe(true);
  });

  it('refuses a date that is not a calendar date', () => {
    expect(() => appealDeadline('2026-02-30', [])).toThrow();
  });
});

describe('settling a correction against what its chain paid', () => {
  it.each([
    // granted, paid by the chain, settlement
    ['9000', [{ amount: '8000', pay: 'done' as const }], { kind: 'pay', amount: '1000' }],
    ['8000', [{ amount: '8000', pay: 'done' as const }], { kind: 'nothing' }],
    ['7000', [{ amount: '8000', pay: 'done' as const }], { kind: 'reclaim', paid: '8000', granted: '7000', difference: '1000' }],
    ['0', [{ amount: '8000', pay: 'done' as const }], { kind: 'reclaim', paid: '8000', granted: '0', difference: '8000' }],
    ['7000', [{ amount: '8000', pay: undefined }], { kind: 'pay', amount: '7000' }],
    ['9500', [{ amount: '8000', pay: 'done' as const }, { amount: '9000', pay: 'done' as const, ordered: '1000' }], { kind: 'pay', amount: '500' }],
    ['8500', [{ amount: '0', pay: 'skipped' as const }, { amount: '9000', pay: 'done' as const, ordered: '9000' }], { kind: 'reclaim', paid: '9000', granted: '8500', difference: '500' }],
  ])('grants %s after %j: %j', (granted, chain, expected) => {
    const paid = paidByChain(
      chain.map((c, i) => ({
        decisionId: String(i + 1),
        decisionAmount: c.amount,
        writtenBack: c.pay !== undefined,
        ...(c.pay ? { payment: { outcome: c.pay, amount: 'ordered' in c ? (c.ordered ?? null) : null } } : {}),
      })),
    );
    expect(settle(granted, paid)).toEqual(expected);
  });

  it('a decision written back without a recorded payment step: what was paid is unknown', () => {
    expect(() => paidByChain([{ decisionId: '7', decisionAmount: '8000', writtenBack: true }])).toThrow(UnknownPaymentError);
  });
});

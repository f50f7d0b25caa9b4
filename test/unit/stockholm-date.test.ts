import { describe, expect, it } from 'vitest';
import { stockholmDate } from '../../src/domain/dates.js';

/**
 * stockholmDate remembers its answers by the UTC hour they were asked about. Asked in any
 * order, across midnight and the daylight-saving changes, it must answer as the calendar does.
 */
const CASES: ReadonlyArray<readonly [instant: string, date: string]> = [
  ['2026-03-01T22:59:59.999Z', '2026-03-01'], // winter, UTC+1: a millisecond before midnight
  ['2026-03-01T23:00:00.000Z', '2026-03-02'], // midnight in Stockholm
  ['2026-03-01T22:59:00.000Z', '2026-03-01'], // back to the minute before
  ['2026-03-28T23:30:00.000Z', '2026-03-29'], // the night summer time begins (29 March 2026)
  ['2026-03-29T21:59:59.000Z', '2026-03-29'], // summer, UTC+2
  ['2026-03-29T22:00:00.000Z', '2026-03-30'],
  ['2026-10-24T21:59:59.000Z', '2026-10-24'], // the night winter time returns (25 October 2026)
  ['2026-10-24T22:00:00.000Z', '2026-10-25'],
  ['2026-10-25T22:59:59.000Z', '2026-10-25'], // winter again, UTC+1
  ['2026-10-25T23:00:00.000Z', '2026-10-26'],
  ['2026-12-31T23:00:00.000Z', '2027-01-01'], // a new year
  ['2026-12-31T22:59:30.000Z', '2026-12-31'],
];

describe('stockholmDate', () => {
  it.each(CASES)('%s is %s in Stockholm', (instant, date) => {
    expect(stockholmDate(new Date(instant))).toBe(date);
  });

  it('answers the same asked in any order, one after the other', () => {
    const order = [...CASES.keys()];
    for (let round = 0; round < 20; round++) {
      // A fixed shuffle per round: reversed, then rotated.
      const asked = round % 2 === 0 ? [...order].reverse() : order.map((_, k) => order[(k + round) % order.length]!);
      for (const k of asked) expect(stockholmDate(new Date(CASES[k]![0])), CASES[k]![0]).toBe(CASES[k]![1]);
    }
  });

  it('refuses an invalid date, as before', () => {
    expect(() => stockholmDate(new Date('not a date'))).toThrow(RangeError);
  });
});

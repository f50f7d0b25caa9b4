import { isIsoDate, type IsoDate } from '../domain/dates.js';
import { closedDaysOf, isBankDay } from '../norm/paymentDay.js';
import type { ClosedDay } from '../rules/ruleset.js';

/**
 * When an appeal must have reached the municipality (pure: no clock).
 *
 * Förvaltningslagen (2017:900) 44 §: an appeal must have come in within three weeks from the day
 * the party got the decision (the day is counted from, not in: delivered on a Monday, the last
 * day is the Monday three weeks later). Lag (1930:173) om beräkning av lagstadgad tid: a time
 * limit whose last day is a Saturday, a Sunday or a public holiday (midsommarafton, julafton and
 * nyårsafton count as holidays, 2 §) ends on the next weekday instead. Those are exactly the days
 * in rules/bankdays.yaml besides weekends, so the same data serves both rules.
 * (The three-week limit is from general knowledge: law-2025.md marks FL 44 § as not verified.)
 *
 * Worked cases in test/unit/appeal-deadline.test.ts.
 */
export const APPEAL_WEEKS = 3;

export interface AppealDeadline {
  /** The day the applicant got the decision (day 0). */
  notifiedOn: IsoDate;
  /** The last day the appeal may come in, after moving off a weekend or holiday. */
  lastDay: IsoDate;
  /** Three weeks after notifiedOn, before any move; equal to lastDay when nothing moved. */
  nominalLastDay: IsoDate;
  /** Why it moved (e.g. "lördag", "Midsommarafton"), when it did. */
  movedBecause?: string;
}

function shift(date: IsoDate, days: number): IsoDate {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The first day on or after `date` that is neither a weekend nor a closed day (lag 1930:173). */
export function nextWorkingDay(date: IsoDate, closed: readonly ClosedDay[]): { day: IsoDate; skipped: string | undefined } {
  let day = date;
  let skipped: string | undefined;
  for (let i = 0; i < 14; i++) {
    const shut = closedDaysOf(Number(day.slice(0, 4)), closed);
    if (isBankDay(day, shut)) return { day, skipped };
    if (skipped === undefined) {
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      skipped = shut.get(day) ?? (weekday === 6 ? 'lördag' : 'söndag');
    }
    day = shift(day, 1);
  }
  throw new Error(`nextWorkingDay: no working day within two weeks of ${date}`);
}

/**
 * The appeal deadline for a decision the applicant got on `notifiedOn` (YYYY-MM-DD, Stockholm).
 * @throws Error when notifiedOn is not a calendar date.
 */
export function appealDeadline(notifiedOn: IsoDate, closed: readonly ClosedDay[]): AppealDeadline {
  if (!isIsoDate(notifiedOn)) throw new Error('appealDeadline: notifiedOn must be YYYY-MM-DD');
  const nominal = shift(notifiedOn, APPEAL_WEEKS * 7);
  const { day, skipped } = nextWorkingDay(nominal, closed);
  return { notifiedOn, lastDay: day, nominalLastDay: nominal, ...(skipped ? { movedBecause: skipped } : {}) };
}

/** In time when it came in on or before the last day (FL 45 §: one that came later is avvisat). */
export function cameInTime(receivedOn: IsoDate, deadline: Pick<AppealDeadline, 'lastDay'>): boolean {
  return receivedOn <= deadline.lastDay;
}

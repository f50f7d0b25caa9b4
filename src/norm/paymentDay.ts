import { MONTH_PATTERN, type IsoDate, type YearMonth } from '../domain/dates.js';
import type { ClosedDay, PaymentDayRule } from '../rules/ruleset.js';

/**
 * The municipality's payment day for a month, from its rule (rules/municipalities/*.yaml,
 * `paymentDay`): `day` of the month, moved to `ifSaturday` when that day is a Saturday and to
 * `ifSunday` when it is a Sunday. Trelleborg: 27, 26, 25 (the Friday before a weekend).
 * With the days banks are closed (rules/bankdays.yaml), a day that lands on one of them (the
 * 26th of December, say) moves to the banking day before it: never later than the rule says.
 *
 * Pure: a calendar date's weekday does not depend on the time zone, so it is computed on the
 * proleptic Gregorian calendar in UTC.
 */
export function paymentDay(rule: PaymentDayRule, month: YearMonth, closed: readonly ClosedDay[] = []): IsoDate {
  if (!MONTH_PATTERN.test(month)) throw new Error('paymentDay: month must be YYYY-MM');
  const weekday = weekdayOf(`${month}-${String(rule.day).padStart(2, '0')}`);
  let day = weekday === 6 ? rule.ifSaturday : weekday === 0 ? rule.ifSunday : rule.day;
  const shut = closedDaysOf(Number(month.slice(0, 4)), closed);
  const dateOf = (d: number) => `${month}-${String(d).padStart(2, '0')}`;
  while (day > 1 && !isBankDay(dateOf(day), shut)) day -= 1;
  return dateOf(day);
}

/**
 * The day a signed decision is paid: the month's payment day (paymentDay above), unless the
 * decision was signed after it; then the first banking day after the signing day, since a
 * payment day is never in the past. `signedOn` is the Stockholm calendar date of the signature
 * (passed in: this module has no clock). Returns the day and whether it was moved.
 */
export function paymentDayAfterSigning(
  rule: PaymentDayRule,
  month: YearMonth,
  closed: readonly ClosedDay[],
  signedOn: IsoDate,
): { payDay: IsoDate; movedFrom: IsoDate | null } {
  const planned = paymentDay(rule, month, closed);
  if (signedOn <= planned) return { payDay: planned, movedFrom: null };
  return { payDay: nextBankDayAfter(signedOn, closed), movedFrom: planned };
}

/** The first banking day strictly after `date` (across a month or year end). */
export function nextBankDayAfter(date: IsoDate, closed: readonly ClosedDay[]): IsoDate {
  let day = shiftDays(date, 1);
  let shut = closedDaysOf(Number(day.slice(0, 4)), closed);
  while (!isBankDay(day, shut)) {
    day = shiftDays(day, 1);
    if (day.endsWith('-01-01')) shut = closedDaysOf(Number(day.slice(0, 4)), closed);
  }
  return day;
}

/** A weekday that is not one of `shut` (from closedDaysOf). */
export function isBankDay(date: IsoDate, shut: ReadonlyMap<IsoDate, string>): boolean {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6 && !shut.has(date);
}

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function shiftDays(date: IsoDate, days: number): IsoDate {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The closed days of a year by date, each with its name. */
export function closedDaysOf(year: number, closed: readonly ClosedDay[]): Map<IsoDate, string> {
  const y = String(year).padStart(4, '0');
  const out = new Map<IsoDate, string>();
  for (const c of closed) {
    if ('date' in c) out.set(`${y}-${c.date}`, c.name);
    else if ('easterOffset' in c) out.set(shiftDays(easterSunday(year), c.easterOffset), c.name);
    else {
      for (let d = `${y}-${c.fridayBetween[0]}`; d <= `${y}-${c.fridayBetween[1]}`; d = shiftDays(d, 1)) {
        if (weekdayOf(d) === 5) out.set(d, c.name);
      }
    }
  }
  return out;
}

/** Weekday of a calendar date, 0 = Sunday ... 6 = Saturday (for tests and messages). */
export function weekdayOf(date: IsoDate): number {
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))).getUTCDay();
}

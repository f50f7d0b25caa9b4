import { stockholmDate, type IsoDate } from '../domain/dates.js';
import { closedDaysOf } from '../norm/paymentDay.js';
import type { ClosedDay } from '../rules/ruleset.js';

/**
 * Office hours for the log follow-up (check 'view-outside-office-hours'): Monday to Friday
 * between the configured times, Stockholm wall clock, except the days the office is closed.
 * Those are the days of rules/bankdays.yaml: the public holidays of lag (1989:253) om allmänna
 * helgdagar that fall on a weekday, and midsommarafton, julafton and nyårsafton, which lag
 * (1930:173) 2 § treats as holidays (the same data as the appeal deadline, appeals/deadline.ts).
 *
 * The closed days are passed in as the rule's dated values (RuleSet.closedBankDayRules), so this
 * stays pure. A day no value covers (a year outside the file) has no known holidays: a weekday
 * view within the hours on such a day is not counted as office hours, since it could be a holiday
 * and counting it would hide it; it is reported as undecidable instead ('unknown-calendar'). A
 * view on a weekend or outside the hours is outside whatever the rules say, and reported so.
 */

/** One dated value of rule `bankdays`: the closed days that hold from `from` to `to` (inclusive; null = until further notice). */
export interface ClosedDaysInForce {
  from: IsoDate;
  to: IsoDate | null;
  value: readonly ClosedDay[];
}

export interface OfficeHours {
  /** Stockholm wall clock "HH:MM", start inclusive, end exclusive. */
  officeStart: string;
  officeEnd: string;
}

/** Whether an instant is in office hours, and if not, why. */
export type OfficeTime =
  | { inside: true }
  | { inside: false; why: 'weekend'; day: 'lördag' | 'söndag' }
  | { inside: false; why: 'closed-day'; name: string }
  | { inside: false; why: 'hours' }
  | { inside: false; why: 'unknown-calendar'; date: IsoDate };

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The name of the closed day on `date` ("Juldagen"), null on an ordinary day, undefined when no value of the rule covers the date. */
export function closedDayOn(date: IsoDate, closedDays: readonly ClosedDaysInForce[]): string | null | undefined {
  const inForce = closedDays.find((c) => c.from <= date && (c.to === null || date <= c.to));
  if (!inForce) return undefined;
  return closedDaysOf(Number(date.slice(0, 4)), inForce.value).get(date) ?? null;
}

/**
 * Where an instant falls. A weekend comes first, then a closed day (its name is the better reason
 * even late in the evening), then the hours; a weekday in the hours on a day the rules do not
 * cover is 'unknown-calendar', never inside.
 */
export function officeTime(at: Date, hours: OfficeHours, closedDays: readonly ClosedDaysInForce[]): OfficeTime {
  const parts = Object.fromEntries(clock.formatToParts(at).map((p) => [p.type, p.value]));
  if (parts.weekday === 'Sat') return { inside: false, why: 'weekend', day: 'lördag' };
  if (parts.weekday === 'Sun') return { inside: false, why: 'weekend', day: 'söndag' };
  const date = stockholmDate(at);
  const closed = closedDayOn(date, closedDays);
  if (closed) return { inside: false, why: 'closed-day', name: closed };
  const hhmm = `${parts.hour}:${parts.minute}`;
  if (hhmm < hours.officeStart || hhmm >= hours.officeEnd) return { inside: false, why: 'hours' };
  if (closed === undefined) return { inside: false, why: 'unknown-calendar', date };
  return { inside: true };
}

/** Whether an instant falls in office hours (see officeTime). */
export function inOfficeHours(at: Date, hours: OfficeHours, closedDays: readonly ClosedDaysInForce[]): boolean {
  return officeTime(at, hours, closedDays).inside;
}

// Proper nouns keep their capital in running text ("Sveriges nationaldag", "Kristi himmelsfärdsdag").
const KEEPS_CAPITAL = /^(Sveriges|Kristi)\s/;

/**
 * A closed day's name as Swedish writes it inside a sentence: the rules file capitalises the
 * names as list items ("Juldagen"); in running text holidays are written in lower case ("på
 * juldagen"), proper nouns excepted.
 */
export function holidayInText(name: string): string {
  return KEEPS_CAPITAL.test(name) ? name : name.charAt(0).toLocaleLowerCase('sv-SE') + name.slice(1);
}

/** The office hours in words, for the finding and the report page. */
export function officeHoursWords(hours: OfficeHours): string {
  return `${hours.officeStart}–${hours.officeEnd} måndag–fredag utom helgdagar och midsommar-, jul- och nyårsafton`;
}

const swedishTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * The finding's words for a view outside office hours, e.g. "Öppnat på juldagen kl. 10:00,
 * utanför kontorstid (07:00–18:00 måndag–fredag utom helgdagar och midsommar-, jul- och
 * nyårsafton)". No personal data.
 */
export function outsideOfficeWords(at: Date, time: Exclude<OfficeTime, { inside: true }>, hours: OfficeHours): string {
  const clockWords = `kl. ${swedishTime.format(at)}`;
  const office = `kontorstid (${officeHoursWords(hours)})`;
  switch (time.why) {
    case 'weekend':
      return `Öppnat en ${time.day} ${clockWords}, utanför ${office}`;
    case 'closed-day':
      return `Öppnat på ${holidayInText(time.name)} ${clockWords}, utanför ${office}`;
    case 'hours':
      return `Öppnat ${clockWords}, utanför ${office}`;
    case 'unknown-calendar':
      return `Öppnat ${time.date} ${clockWords}; regelverket (rules/bankdays.yaml) saknar helgdagar för den dagen, så det går inte att avgöra om det var ${office}`;
  }
}

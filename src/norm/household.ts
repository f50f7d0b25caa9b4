import { ageOn, daysInMonth, firstDayOf } from '../domain/dates.js';
import { birthDateOfNormalized } from '../domain/personalNumber.js';
import type { CaseSnapshot } from '../domain/snapshot.js';
import type { ChildBand } from '../rules/schema.js';

/** The application household as RULES.md 2 sees it, derived from a validated snapshot. */
export interface HouseholdChild {
  index: number;
  role: string;
  personalNumber: string;
  age: number;
  band: ChildBand;
  /** Ages 0-6 eating lunch outside the home five days a week use the lower amount. */
  withoutLunch: boolean;
  daysAtHome: number;
  inSchool: boolean | undefined;
}

export interface Household {
  month: string;
  monthStart: string;
  daysInMonth: number;
  adults: 1 | 2;
  children: HouseholdChild[];
  /** Members of the application household: adults + children. */
  members: number;
  otherAdults: number;
  /** Everyone sharing the dwelling: members + otherAdults. */
  size: number;
  /** Personal number (12 digits) -> role, for matching register answers. */
  roles: Map<string, string>;
}

export function ageBand(age: number): ChildBand {
  if (age <= 0) return '0';
  if (age <= 2) return '1-2';
  if (age === 3) return '3';
  if (age <= 6) return '4-6';
  if (age <= 10) return '7-10';
  if (age <= 14) return '11-14';
  if (age <= 18) return '15-18';
  return '19-20';
}

export function householdOf(snapshot: CaseSnapshot): Household {
  const app = snapshot.application;
  const monthStart = firstDayOf(app.month);
  const days = daysInMonth(app.month);
  const roles = new Map<string, string>([[app.applicant.personalNumber, 'applicant']]);
  if (app.coApplicant) roles.set(app.coApplicant.personalNumber, 'coApplicant');
  const children = app.children.map((child, index): HouseholdChild => {
    const age = Math.max(0, ageOn(birthDateOfNormalized(child.personalNumber), monthStart));
    roles.set(child.personalNumber, `child:${index}`);
    return {
      index,
      role: `child:${index}`,
      personalNumber: child.personalNumber,
      age,
      band: ageBand(age),
      withoutLunch: age <= 6 && child.lunchAtHome === false,
      daysAtHome: child.daysAtHome ?? days,
      inSchool: child.inSchool,
    };
  });
  const adults = app.coApplicant ? 2 : 1;
  const members = adults + children.length;
  return {
    month: app.month,
    monthStart,
    daysInMonth: days,
    adults,
    children,
    members,
    otherAdults: app.otherAdults,
    size: members + app.otherAdults,
    roles,
  };
}

import { isValidDate, type IsoDate } from './dates.js';

/**
 * Swedish personal identity numbers (personnummer, SFS 1991:481 18 §) and
 * coordination numbers (samordningsnummer: birth day + 60).
 */
export interface PersonalNumber {
  /** YYYYMMDDNNNC, the only form kept after input. */
  normalized: string;
  birthDate: IsoDate;
  coordinationNumber: boolean;
  /** From the ninth digit: odd for men, even for women (Socialstyrelsen's statistics need it). */
  legalSex: 'male' | 'female';
}

export type PersonalNumberResult =
  | { ok: true; value: PersonalNumber }
  | { ok: false; problem: string };

const TWELVE = /^(\d{4})(\d{2})(\d{2})-?(\d{3})(\d)$/;
const TEN = /^(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

/** Luhn over the ten-digit form YYMMDDNNN, giving the check digit C. */
export function luhnCheckDigit(nineDigits: string): number {
  let total = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let d = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    total += d;
  }
  return (10 - (total % 10)) % 10;
}

/**
 * Parses a personal or coordination number in any common written form. A ten-digit form
 * gets its century from `reference` (the day it was written down; a function is only called
 * for a ten-digit form): `-` or no sign means the person turns at most 99 in that calendar
 * year, `+` means they turn 100 or more in it (the sign changes on 1 January of the year of
 * the 100th birthday, not on the birthday: folkbokföringslagen 1991:481 18 §).
 * Problems are described without repeating the number, so they are safe to log.
 */
export function parsePersonalNumber(input: string, reference: IsoDate | (() => IsoDate)): PersonalNumberResult {
  const text = input.trim();
  let year: number;
  let monthPart: string;
  let dayPart: string;
  let serial: string;
  let check: string;

  const twelve = TWELVE.exec(text);
  const ten = twelve ? null : TEN.exec(text);
  if (twelve) {
    const [, y, m, d, s, c] = twelve as unknown as [string, string, string, string, string, string];
    year = Number(y);
    monthPart = m;
    dayPart = d;
    serial = s;
    check = c;
  } else if (ten) {
    const [, yy, m, d, sign, s, c] = ten as unknown as [string, string, string, string, string, string, string];
    monthPart = m;
    dayPart = d;
    serial = s;
    check = c;
    const calendarDay = coordinationAdjusted(Number(d));
    const referenceDate = typeof reference === 'function' ? reference() : reference;
    const refYear = Number(referenceDate.slice(0, 4));
    const refMonthDay = referenceDate.slice(5);
    // The latest year ending in yy that is not after `upTo`.
    const latestUpTo = (upTo: number) => upTo - ((((upTo - Number(yy)) % 100) + 100) % 100);
    if (sign === '+') {
      // Folkbokföringslagen 18 §: the plus is written from the start of the calendar year in
      // which the person turns 100, so the birth year is at most the reference year − 100.
      year = latestUpTo(refYear - 100);
    } else {
      year = latestUpTo(refYear);
      // Born later this year than the reference day means not yet born: the minus was written
      // before the sign changed at the turn of the year, so the person is of the century before.
      const monthDay = `${m}-${String(calendarDay).padStart(2, '0')}`;
      if (year === refYear && monthDay > refMonthDay) year -= 100;
    }
  } else {
    return {
      ok: false,
      problem: 'ogiltigt format: ange 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN',
    };
  }

  const month = Number(monthPart);
  const rawDay = Number(dayPart);
  const coordinationNumber = rawDay > 60;
  const day = coordinationAdjusted(rawDay);
  if (!isValidDate(year, month, day)) {
    return {
      ok: false,
      problem: coordinationNumber
        ? 'ogiltigt samordningsnummer: födelsedatum (dag − 60) finns inte'
        : 'ogiltigt personnummer: födelsedatum finns inte',
    };
  }
  const nine = `${String(year).slice(2)}${monthPart}${dayPart}${serial}`;
  if (luhnCheckDigit(nine) !== Number(check)) {
    return { ok: false, problem: 'ogiltigt personnummer: kontrollsiffran stämmer inte' };
  }
  const birthDate = `${String(year).padStart(4, '0')}-${monthPart}-${String(day).padStart(2, '0')}`;
  return {
    ok: true,
    value: {
      normalized: `${String(year).padStart(4, '0')}${monthPart}${dayPart}${serial}${check}`,
      birthDate,
      coordinationNumber,
      legalSex: Number(serial[2]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

/**
 * The birth date of an already normalised (12-digit) number: the century is explicit, so no
 * reference date is needed. Cheap enough for every calculation.
 */
export function birthDateOfNormalized(normalized: string): IsoDate {
  const day = Number(normalized.slice(6, 8));
  return `${normalized.slice(0, 4)}-${normalized.slice(4, 6)}-${String(day > 60 ? day - 60 : day).padStart(2, '0')}`;
}

/** The Luhn check over the last ten digits of any written form. */
export function hasValidCheckDigit(text: string): boolean {
  // The last ten digits, skipping a - or + (the only non-digits the format allows).
  let total = 0;
  let seen = 0;
  for (let i = text.length - 1; i >= 0 && seen < 10; i--) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) continue;
    if (seen > 0) {
      // Weights from the left of the ten: 2,1,2,...; from the right, the 9th digit is weighted 2.
      let d = code * (seen % 2 === 1 ? 2 : 1);
      if (d > 9) d -= 9;
      total += d;
    } else {
      total += code;
    }
    seen++;
  }
  return seen === 10 && total % 10 === 0;
}

function coordinationAdjusted(day: number): number {
  return day > 60 ? day - 60 : day;
}

/**
 * The ten-digit written form with the sign that was right on `on`: `+` from 1 January of the
 * calendar year in which the person turns 100 (folkbokföringslagen 18 §), `-` before.
 */
export function tenDigitForm(pn: PersonalNumber, on: IsoDate): string {
  const sign = Number(on.slice(0, 4)) - Number(pn.birthDate.slice(0, 4)) >= 100 ? '+' : '-';
  return `${pn.normalized.slice(2, 8)}${sign}${pn.normalized.slice(8)}`;
}

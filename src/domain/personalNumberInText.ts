import { luhnCheckDigit } from './personalNumber.js';

/**
 * Whether free text holds something that reads as a personal or coordination number: ten or
 * twelve digits in a row, or YYMMDD-NNNC / YYYYMMDD-NNNC (also with '+'), with a plausible
 * month and day (day + 60 for samordningsnummer) and a Luhn check digit that fits. Exact run
 * lengths and the check digit keep opaque ids and timestamps (13 digits of epoch milliseconds)
 * from tripping it. Digests (32+ hex characters) and UUIDs are opaque tokens: a run of digits
 * inside one is not a number anyone wrote down, and refusing it would fail a signature or a
 * gallring run at random.
 *
 * One detector for every last line of defence: the audit log and job outcomes (store), URLs
 * sent to the registers, search fields and OIDC claims. It runs on every audit row, so the
 * common case (no six digits in a row, which every written form starts with) costs one test.
 */
export function looksLikePersonalNumber(text: string): boolean {
  if (!SIX_DIGITS.test(text)) return false;
  // Only text long enough to hold a digest or a UUID needs them taken out first.
  const plain = text.length >= 32 ? text.replace(DIGEST, ' ').replace(UUID, ' ') : text;
  for (const m of plain.matchAll(CANDIDATE)) {
    const [, yy, mm, dd, serial, check] = m as unknown as [string, string, string, string, string, string];
    const month = Number(mm);
    const day = Number(dd);
    const dayOk = (day >= 1 && day <= 31) || (day >= 61 && day <= 91);
    if (month < 1 || month > 12 || !dayOk) continue;
    if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) === Number(check)) return true;
  }
  return false;
}

const SIX_DIGITS = /\d{6}/;
const CANDIDATE = /(?<!\d)(?:\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)(?!\d)/g;
const DIGEST = /(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])/g;
const UUID = /(?<![0-9A-Za-z-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z-])/g;

/**
 * For free text a person writes that is shown on a case or printed in a letter (motivations,
 * the reason for closing a case, what an appeal concerns): looksLikePersonalNumber, or a written
 * form YYMMDD-NNNN / YYYYMMDD-NNNN (also with '+') with a plausible month and day whatever its
 * check digit. A mistyped number is still someone's number to the reader. Ten or twelve digits
 * run together still need the check digit, so an OCR or account number is let through.
 */
export function personalNumberInFreeText(text: string): boolean {
  if (looksLikePersonalNumber(text)) return true;
  for (const m of text.matchAll(WRITTEN)) {
    const month = Number(m[1]);
    const day = Number(m[2]);
    if (month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91))) return true;
  }
  return false;
}

const WRITTEN = /(?<!\d)(?:\d{2})?\d{2}(\d{2})(\d{2})[-+]\d{4}(?!\d)/g;

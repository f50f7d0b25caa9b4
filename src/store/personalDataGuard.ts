import { luhnCheckDigit } from '../domain/personalNumber.js';

/**
 * A last line of defence for the audit log and job outcomes: text that looks like a
 * personal number (a plausible birth date or coordination day, and a check digit that
 * fits) is refused before it is written. Callers are meant to pass pseudonyms and case
 * ids only; this catches the mistake, it is not the design.
 */
const CANDIDATE = /(?<!\d)(?:\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)(?!\d)/g;

/**
 * Digests (a SHA-256 in hex, a pseudonym) are opaque tokens: a run of digits inside one is
 * not a number anyone wrote down, and refusing it would fail a signature at random.
 */
const DIGEST = /(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])/g;

/**
 * A UUID (run ids of gallring, session ids) is as opaque: its first two groups can read as
 * "YYYYMMDD-NNNC" by chance, and refusing one would fail a run at random.
 */
const UUID = /(?<![0-9A-Za-z-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z-])/g;

export function looksLikePersonalNumber(text: string): boolean {
  for (const m of text.replace(DIGEST, ' ').replace(UUID, ' ').matchAll(CANDIDATE)) {
    const [, yy, mm, dd, serial, check] = m as unknown as [string, string, string, string, string, string];
    const month = Number(mm);
    const day = Number(dd);
    const dayOk = (day >= 1 && day <= 31) || (day >= 61 && day <= 91);
    if (month < 1 || month > 12 || !dayOk) continue;
    if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) === Number(check)) return true;
  }
  return false;
}

/** Every string and number inside `value`, keys included, checked; the path is named, not the value. */
export function findPersonalNumber(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return looksLikePersonalNumber(String(value)) ? path : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findPersonalNumber(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (looksLikePersonalNumber(key)) return `${path} (a key)`;
      const hit = findPersonalNumber(inner, `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

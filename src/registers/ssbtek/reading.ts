import type { Agency, SsbtekAnswer } from '../../domain/snapshot.js';

/**
 * What one agency's part of the answer says. A failed reading carries a problem in our own
 * words, safe to log: it never repeats register text, which may name the person.
 */
export type Payment = SsbtekAnswer['payments'][number];
export type AgencyReading =
  | { ok: true; payments: Payment[]; vehicles: unknown[] }
  | { ok: false; problem: string };

export function read(payments: Payment[] = [], vehicles: unknown[] = []): AgencyReading {
  return { ok: true, payments, vehicles };
}

export function fail(problem: string): AgencyReading {
  return { ok: false, problem };
}

export type AgencyReader = (data: unknown, personalNumber: string, agency: Agency) => AgencyReading;

/**
 * Agencies echo the person they answered about, in 10 or 12 digits. A different person is a
 * mix-up somewhere upstream: the answer must not be used.
 */
export function samePerson(reported: string | undefined, personalNumber: string): boolean {
  if (reported === undefined) return true;
  const digits = reported.replace(/\D/g, '');
  if (digits.length === 12) return digits === personalNumber;
  if (digits.length === 10) return digits === personalNumber.slice(2);
  return false;
}

/** A register code fit to log: short, plain, and never something that looks like an identity. */
export function safeCode(raw: string | undefined): string {
  const code = (raw ?? '').trim();
  if (!code) return '-';
  if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(code) || /\d{6,}/.test(code)) return '(dold)';
  return code;
}

/** base64 → UTF-8 text, or null when it is not base64 at all. */
export function decodeBase64(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const compact = raw.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) return null;
  return Buffer.from(compact, 'base64').toString('utf8');
}

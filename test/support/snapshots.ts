import { addMonths, firstDayOf } from '../../src/domain/dates.js';
import { luhnCheckDigit } from '../../src/domain/personalNumber.js';

/**
 * Builds case snapshots from short, readable case descriptions, so the worked-case tables can
 * say "a single adult, a child of 5 without lunch at home" rather than spell out JSON.
 * Personal numbers are synthetic, with valid check digits; they exist only in tests.
 */

export function personalNumber(birthDate: string, serial = '238', coordination = false): string {
  const [y, m, d] = birthDate.split('-') as [string, string, string];
  const day = coordination ? String(Number(d) + 60) : d;
  const nine = `${y.slice(2)}${m}${day}${serial}`;
  return `${y}${m}${day}${serial}${luhnCheckDigit(nine)}`;
}

/** A birth date that gives `age` whole years on the first day of `month`. */
export function birthDateForAge(month: string, age: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  // The 15th of the assistance month: not yet reached on the 1st, so age is exactly `age`.
  return `${String(y - age - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-15`;
}

export interface ChildSpec {
  /** A given personal number (12 digits) instead of one made from age or birthDate. */
  personalNumber?: string;
  age?: number;
  birthDate?: string;
  lunchAtHome?: boolean;
  daysAtHome?: number;
  inSchool?: boolean;
}

export interface PaymentSpec {
  person?: string;
  agency: string;
  benefit: string;
  net: string;
  /** Defaults to the 20th of the month before the assistance month. */
  paidOn?: string;
}

export interface CaseSpec {
  month: string;
  /** Defaults to the first of the month, 09:00 Swedish time. */
  receivedAt?: string;
  /**
   * The applicant's number as written in the application (e.g. ten digits with `+`) and as the
   * registers answer it (twelve digits); defaults to a made-up 40-year-old.
   */
  applicant?: { written: string; registered: string };
  municipality?: string;
  kind?: 'new' | 'renewal';
  coApplicant?: boolean;
  children?: ChildSpec[];
  otherAdults?: number;
  costs?: Array<{ type: string; amount: string }>;
  incomes?: Array<{ person?: string; type: string; amount: string }>;
  assets?: Array<{ type: string; amount: string }>;
  payments?: PaymentSpec[];
  agencyErrors?: Record<string, string[]>;
  vehicles?: Record<string, number>;
  /** Roles whose SSBTEK answer is missing from the snapshot. */
  ssbtekMissing?: string[];
  ssbtekUnavailable?: boolean;
  kirUnavailable?: boolean;
  planUnavailable?: boolean;
  kirMunicipality?: string;
  protectedIdentity?: string[];
  plan?: 'active' | 'notActive' | 'pending';
  /** What the plan module gives with its assessment. */
  planRecord?: { assessedOn?: string; recorded?: string };
  history?: { monthsWithAssistanceInRow?: number; jobStimulusStart?: string | null };
}

export function buildSnapshot(spec: CaseSpec): Record<string, unknown> {
  const municipality = spec.municipality ?? '1287';
  const applicant = spec.applicant?.registered ?? personalNumber(birthDateForAge(spec.month, 40), '980');
  const coApplicant = spec.coApplicant ? personalNumber(birthDateForAge(spec.month, 38), '982') : null;
  const children = (spec.children ?? []).map((c, i) => {
    const birth = c.birthDate ?? birthDateForAge(spec.month, c.age ?? 10);
    return {
      personalNumber: c.personalNumber ?? personalNumber(birth, String(240 + i * 2).padStart(3, '0')),
      ...(c.lunchAtHome !== undefined ? { lunchAtHome: c.lunchAtHome } : (c.age ?? 10) <= 6 ? { lunchAtHome: true } : {}),
      ...(c.daysAtHome !== undefined ? { daysAtHome: c.daysAtHome } : {}),
      ...(c.inSchool !== undefined ? { inSchool: c.inSchool } : {}),
    };
  });
  const pnOf = (role: string): string => {
    if (role === 'applicant') return applicant;
    if (role === 'coApplicant') return coApplicant!;
    return children[Number(role.split(':')[1])]!.personalNumber;
  };
  const adults = coApplicant ? ['applicant', 'coApplicant'] : ['applicant'];
  const paidOnDefault = `${addMonths(spec.month, -1)}-20`;
  const ssbtekRoles = [...adults, ...(spec.payments ?? []).map((p) => p.person ?? 'applicant')];
  const ssbtek = [...new Set(ssbtekRoles)]
    .filter((role) => !(spec.ssbtekMissing ?? []).includes(role))
    .map((role) => ({
      personalNumber: pnOf(role),
      status: 'answered',
      agencyErrors: spec.agencyErrors?.[role] ?? [],
      payments: (spec.payments ?? [])
        .filter((p) => (p.person ?? 'applicant') === role)
        .map((p) => ({ agency: p.agency, benefit: p.benefit, paidOn: p.paidOn ?? paidOnDefault, net: p.net })),
      vehicles: Array.from({ length: spec.vehicles?.[role] ?? 0 }, () => ({ fordonsslag: 'PERSONBIL' })),
    }));
  const kirRoles = [...adults, ...(spec.protectedIdentity ?? []).filter((r) => !adults.includes(r))];
  const kir = kirRoles.map((role) => ({
    personalNumber: pnOf(role),
    municipality: role === 'applicant' ? (spec.kirMunicipality ?? municipality) : municipality,
    protectedIdentity: (spec.protectedIdentity ?? []).includes(role),
  }));
  return {
    application: {
      id: 'A-TEST-000001',
      municipality,
      receivedAt: spec.receivedAt ?? `${firstDayOf(spec.month)}T09:00:00+01:00`,
      month: spec.month,
      kind: spec.kind ?? 'renewal',
      applicant: { personalNumber: spec.applicant?.written ?? applicant },
      coApplicant: coApplicant ? { personalNumber: coApplicant } : null,
      children,
      otherAdults: spec.otherAdults ?? 0,
      costs: spec.costs ?? [],
      incomes: (spec.incomes ?? []).map((i) => ({ person: i.person ?? 'applicant', type: i.type, amount: i.amount })),
      assets: spec.assets ?? [],
    },
    registers: {
      ssbtek: spec.ssbtekUnavailable ? { status: 'unavailable', register: 'ssbtek' } : ssbtek,
      kir: spec.kirUnavailable ? { status: 'unavailable', register: 'kir' } : kir,
      plan: spec.planUnavailable ? { status: 'unavailable', register: 'plan' } : { status: spec.plan ?? 'active', ...(spec.planRecord ?? {}) },
    },
    history: {
      monthsWithAssistanceInRow: spec.history?.monthsWithAssistanceInRow ?? 3,
      jobStimulusStart: spec.history?.jobStimulusStart ?? null,
    },
  };
}

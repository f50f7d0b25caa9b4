import { createHash } from 'node:crypto';
import type { YearMonth } from '../../domain/dates.js';
import { Decimal, type Money } from '../../domain/money.js';
import { compareRows } from './build.js';
import { describeParseError, parseStatisticsFile, type StatisticsRow } from './layout.js';
import { periodContains, periodLabel, periodMonths, type StatisticsPeriod } from './period.js';

/**
 * Does a statistics file say what the decisions say? The file is parsed (strictly) and compared
 * with reference figures that the caller must compute by ANOTHER way than the file builder, in
 * practice an SQL aggregate over the decisions (statisticsReference in the store): the check
 * then catches a builder bug, a tampered file, and a decision signed after the file was made.
 *
 * Messages are Swedish and name months, line numbers and case ids; never a personal number,
 * and no amount tied to one household (an admin reads them, and an admin reads no case content).
 */

/** One household as the reference sees it. `applicant` is only used to find its row. */
export interface ReferenceHousehold {
  month: YearMonth;
  /** The applicant's personal number, 12 digits, as stored in the snapshot. */
  applicant: string;
  /** Whole kronor, as a string. */
  sbel: string;
  /** 1, or 2 with a co-applicant. */
  adults: number;
  caseIds: string[];
}

export interface ReferenceMonth {
  month: YearMonth;
  households: number;
  /** Adults (applicants and co-applicants): the personal numbers the file should hold. */
  persons: number;
  /** Whole kronor, as a string. */
  total: string;
}

export interface StatisticsReference {
  municipality: string;
  period: StatisticsPeriod;
  /** Months without households may be left out. */
  months: ReferenceMonth[];
  households: ReferenceHousehold[];
}

export interface FileSummary {
  rows: number;
  persons: number;
  /** Sum of Sbel, whole kronor. */
  total: string;
  sha256: string;
  bytes: number;
}

export interface ValidationResult {
  ok: boolean;
  /** Each mismatch in words; empty when ok. */
  mismatches: string[];
  /** What the file holds (of the rows that could be read). */
  summary: FileSummary;
}

/** Mismatches listed before the rest are only counted. */
const MAX_MISMATCHES = 200;

export function summarise(text: string, rows: readonly StatisticsRow[]): FileSummary {
  let total: Money = new Decimal(0);
  let persons = 0;
  for (const row of rows) {
    total = total.plus(row.Sbel);
    persons += row.Personnr2 === null ? 1 : 2;
  }
  return {
    rows: rows.length,
    persons,
    total: total.toFixed(0),
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    bytes: Buffer.byteLength(text, 'utf8'),
  };
}

export function validateStatisticsFile(text: string, reference: StatisticsReference): ValidationResult {
  const parsed = parseStatisticsFile(text);
  const summary = summarise(text, parsed.rows);
  const mismatches: string[] = [];
  if (parsed.errors.length > 0) {
    mismatches.push(...parsed.errors.map(describeParseError));
    if (parsed.moreErrors > 0) mismatches.push(`… och ${parsed.moreErrors} fel till`);
    return { ok: false, mismatches, summary };
  }

  const { municipality, period } = reference;
  const label = periodLabel(period);
  const monthOf = (row: StatisticsRow) => `${row.Ar}-${row.Manad}`;

  // Each row on its own: the right municipality and period, in order, once.
  const byHousehold = new Map<string, number>();
  for (let i = 0; i < parsed.rows.length; i++) {
    const row = parsed.rows[i]!;
    const line = parsed.lines[i]!;
    if (row.Kommun !== municipality) mismatches.push(`rad ${line}: kommunkoden är ${row.Kommun}, filen gäller kommun ${municipality}`);
    if (!periodContains(period, monthOf(row))) mismatches.push(`rad ${line}: månaden ${monthOf(row)} ligger utanför perioden ${label}`);
    const previous = parsed.rows[i - 1];
    if (previous && compareRows(previous, row) > 0) mismatches.push(`rad ${line}: raderna ska vara ordnade efter månad och Personnr1; raden kommer för sent`);
    const key = `${monthOf(row)}\u0000${row.Personnr1}`;
    const earlier = byHousehold.get(key);
    if (earlier !== undefined) mismatches.push(`rad ${line}: samma hushåll (månad och registerledare) som rad ${parsed.lines[earlier]}`);
    else byHousehold.set(key, i);
  }

  // Month by month: households, persons, money.
  const fileMonths = new Map<string, { households: number; persons: number; total: Money }>();
  for (const row of parsed.rows) {
    const m = fileMonths.get(monthOf(row)) ?? { households: 0, persons: 0, total: new Decimal(0) };
    m.households++;
    m.persons += row.Personnr2 === null ? 1 : 2;
    m.total = m.total.plus(row.Sbel);
    fileMonths.set(monthOf(row), m);
  }
  const referenceMonths = new Map(reference.months.map((m) => [m.month, m]));
  const months = [...new Set([...periodMonths(period), ...fileMonths.keys(), ...referenceMonths.keys()])].sort();
  for (const month of months) {
    const inFile = fileMonths.get(month) ?? { households: 0, persons: 0, total: new Decimal(0) };
    const expected = referenceMonths.get(month) ?? { households: 0, persons: 0, total: '0' };
    if (inFile.households !== expected.households) mismatches.push(`${month}: filen har ${inFile.households} hushåll, besluten ger ${expected.households}`);
    if (inFile.persons !== expected.persons) mismatches.push(`${month}: filen har ${inFile.persons} personer (sökande och medsökande), besluten ger ${expected.persons}`);
    if (!inFile.total.eq(expected.total)) mismatches.push(`${month}: filens summa Sbel är ${inFile.total.toFixed(0)} kr, besluten ger ${expected.total} kr`);
  }

  // Household by household: every case's household is in the file, with its money and adults.
  const referenceByHousehold = new Map(reference.households.map((h) => [`${h.month}\u0000${h.applicant}`, h]));
  for (let i = 0; i < parsed.rows.length; i++) {
    const row = parsed.rows[i]!;
    const line = parsed.lines[i]!;
    const expected = referenceByHousehold.get(`${monthOf(row)}\u0000${row.Personnr1}`);
    if (!expected) {
      mismatches.push(`rad ${line}: hushållet har inget beviljat beslut för ${monthOf(row)} i kommun ${municipality}`);
      continue;
    }
    const cases = `ärende ${expected.caseIds.join(', ')}`;
    if (!new Decimal(row.Sbel).eq(expected.sbel)) mismatches.push(`rad ${line}: Sbel stämmer inte med besluten i ${cases}`);
    const adults = row.Personnr2 === null ? 1 : 2;
    if (adults !== expected.adults) mismatches.push(`rad ${line}: antalet vuxna (${adults}) stämmer inte med ${cases} (${expected.adults})`);
  }
  for (const expected of reference.households) {
    if (!byHousehold.has(`${expected.month}\u0000${expected.applicant}`)) {
      mismatches.push(`${expected.month}: hushållet i ärende ${expected.caseIds.join(', ')} saknas i filen`);
    }
  }

  const shown = mismatches.slice(0, MAX_MISMATCHES);
  if (mismatches.length > MAX_MISMATCHES) shown.push(`… och ${mismatches.length - MAX_MISMATCHES} avvikelser till`);
  return { ok: mismatches.length === 0, mismatches: shown, summary };
}

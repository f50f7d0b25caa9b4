import { ageOn, firstDayOf, isIsoDate, lastDayOf, MONTH_PATTERN, stockholmDate, type IsoDate, type YearMonth } from '../../domain/dates.js';
import { Decimal, MONEY_PATTERN, roundToKrona, type Money } from '../../domain/money.js';
import { parsePersonalNumber, type PersonalNumber } from '../../domain/personalNumber.js';
import { ageAtYearEnd, householdTypeOf, sexCode, type HouseholdType, type StatisticsRow } from './layout.js';
import { periodContains, type StatisticsPeriod } from './period.js';

/**
 * From a municipality's signed decisions to the rows of the statistics file. Pure: the caller
 * reads the cases (src/store/repositories/statistics.ts) and hands them in.
 *
 * What counts, and why:
 *   * only the EFFECTIVE decision of a case (the one no other decision supersedes): a corrected
 *     decision replaces the old one, it does not add to it;
 *   * only a grant of more than 0 kr: a rejection, or a grant of nothing, is not bistånd paid;
 *   * only cases of the municipality asked for (cases.municipality): Trelleborg handles
 *     Svedala's cases, but Svedala reports them;
 *   * the month the support concerns (cases.month), not when it was decided or paid.
 * A household is its registerledare (the applicant): several cases of the same applicant in
 * the same month are one row, the amounts summed and rounded to kronor once (so öre from two
 * cases are not rounded away twice), and the household composition taken from the case whose
 * effective decision was signed last (the latest word on who lives there).
 */

export interface StatisticsDecision {
  id: string;
  outcome: 'GRANT' | 'REJECT';
  /** Kronor as the database returns NUMERIC: a string, e.g. "1250.50". */
  amount: string;
  signedAt: Date;
  supersedes: string | null;
}

export interface StatisticsCase {
  caseId: string;
  /** cases.municipality: whose case it is, whoever handles it. */
  municipality: string;
  /** cases.month: the month the support concerns. */
  month: string | null;
  /**
   * The `application` part of the snapshot the case's proposal was made from, as stored (only
   * applicant, coApplicant, children and receivedAt are read).
   */
  application: unknown;
  /** Every decision of the case, superseded ones included. */
  decisions: readonly StatisticsDecision[];
}

export interface BuiltRow {
  row: StatisticsRow;
  /** The cases summed into the row (not written to the file; for checks and messages). */
  caseIds: string[];
}

export interface BuildResult {
  /** Ordered by month, then Personnr1. */
  rows: BuiltRow[];
  /**
   * What stopped a case from being reported as it should: the file is then incomplete and must
   * not be sent. Swedish, naming case ids and never personal data.
   */
  problems: string[];
  /** Worth a look, but the file is right as far as the records go. */
  warnings: string[];
  /** Cases handed in that are not the file's (another municipality or month); none are expected. */
  skipped: { otherMunicipality: number; outsidePeriod: number };
}

interface Household {
  applicant: PersonalNumber;
  coApplicant: PersonalNumber | null;
  children: PersonalNumber[];
  /** Part of the composition could not be read: Hushallstyp 9 (okänd). */
  unknown: boolean;
}

interface Counted {
  caseId: string;
  month: YearMonth;
  decision: StatisticsDecision;
  amount: Money;
  household: Household;
}

export function buildStatisticsRows(input: {
  municipality: string;
  period: StatisticsPeriod;
  cases: Iterable<StatisticsCase>;
}): BuildResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const skipped = { otherMunicipality: 0, outsidePeriod: 0 };
  const groups = new Map<string, Counted[]>();

  for (const c of input.cases) {
    if (c.municipality !== input.municipality) {
      skipped.otherMunicipality++;
      continue;
    }
    if (c.month === null || !MONTH_PATTERN.test(c.month) || !periodContains(input.period, c.month)) {
      skipped.outsidePeriod++;
      continue;
    }
    const effective = effectiveDecision(c, problems);
    if (!effective || effective.outcome !== 'GRANT') continue;
    if (!MONEY_PATTERN.test(effective.amount)) {
      problems.push(`ärende ${c.caseId}: beslutets belopp går inte att läsa som kronor`);
      continue;
    }
    const amount = new Decimal(effective.amount);
    if (amount.lte(0)) continue;
    const household = readHousehold(c.application, c.month);
    if (typeof household === 'string') {
      problems.push(`ärende ${c.caseId}: ${household}; hushållet kan inte rapporteras`);
      continue;
    }
    const key = `${c.month}\u0000${household.applicant.normalized}`;
    const counted: Counted = { caseId: c.caseId, month: c.month, decision: effective, amount, household };
    const group = groups.get(key);
    if (group) group.push(counted);
    else groups.set(key, [counted]);
  }

  const rows: BuiltRow[] = [];
  for (const group of groups.values()) rows.push(householdRow(input.municipality, group));
  rows.sort((a, b) => compareRows(a.row, b.row));
  warnings.push(...peopleInTwoHouseholds(rows));
  return { rows, problems, warnings, skipped };
}

/** Month, then Personnr1: the order of the file. */
export function compareRows(a: StatisticsRow, b: StatisticsRow): number {
  const ka = `${a.Ar}-${a.Manad}`;
  const kb = `${b.Ar}-${b.Manad}`;
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.Personnr1 < b.Personnr1 ? -1 : a.Personnr1 > b.Personnr1 ? 1 : 0;
}

/**
 * The decision in force: the one no other decision of the case supersedes. The database keeps
 * the chain from forking; should it fork anyway, nothing is guessed and the case is named.
 */
function effectiveDecision(c: StatisticsCase, problems: string[]): StatisticsDecision | undefined {
  if (c.decisions.length === 0) return undefined;
  const superseded = new Set(c.decisions.map((d) => d.supersedes).filter((s): s is string => s !== null));
  const inForce = c.decisions.filter((d) => !superseded.has(d.id));
  if (inForce.length !== 1) {
    problems.push(`ärende ${c.caseId}: ${inForce.length} beslut gäller samtidigt (kedjan av ersättande beslut är inte entydig)`);
    return undefined;
  }
  return inForce[0];
}

/** Numeric ids as decimal strings, compared without passing through a JS number. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function householdRow(municipality: string, group: readonly Counted[]): BuiltRow {
  // The composition comes from the latest signed decision; equal times fall back to the later decision.
  let latest = group[0]!;
  for (const counted of group) {
    const t = counted.decision.signedAt.getTime() - latest.decision.signedAt.getTime();
    if (t > 0 || (t === 0 && compareIds(counted.decision.id, latest.decision.id) > 0)) latest = counted;
  }
  const total = group.reduce<Money>((sum, c) => sum.plus(c.amount), new Decimal(0));
  const month = latest.month;
  const year = month.slice(0, 4);
  const { applicant, coApplicant } = latest.household;
  const { under18, upTo15 } = countChildren(latest.household.children, month);
  const applicantSex = sexCode(applicant);
  const type: HouseholdType = latest.household.unknown ? 9 : householdTypeOf({ coApplicant: coApplicant !== null, children: under18, applicantSex });
  return {
    row: {
      Ar: year,
      Manad: month.slice(5, 7),
      Kommun: municipality,
      Distrikt: '',
      Hushallstyp: type,
      Barn: under18,
      Barn15: upTo15,
      Sbel: roundToKrona(total).toFixed(0),
      Personnr1: applicant.normalized,
      Kon1: applicantSex,
      Alder1: ageAtYearEnd(year, applicant),
      Personnr2: coApplicant?.normalized ?? null,
      Kon2: coApplicant ? sexCode(coApplicant) : null,
      Alder2: coApplicant ? ageAtYearEnd(year, coApplicant) : null,
    },
    caseIds: group.map((c) => c.caseId).sort(),
  };
}

/**
 * Barn: under 18 on the first day of the month (the day the norm calculation counts ages on).
 * Barn15: 15 or younger at some point of the statistics year, i.e. born in Ar − 15 or later.
 * A child born after the month is not yet in the household that month.
 */
function countChildren(children: readonly PersonalNumber[], month: YearMonth): { under18: number; upTo15: number } {
  const first = firstDayOf(month);
  const last = lastDayOf(month);
  const youngestBirthYear = Number(month.slice(0, 4)) - 15;
  let under18 = 0;
  let upTo15 = 0;
  for (const child of children) {
    if (child.birthDate > last) continue;
    if (ageOn(child.birthDate, first) >= 18) continue;
    under18++;
    if (Number(child.birthDate.slice(0, 4)) >= youngestBirthYear) upTo15++;
  }
  return { under18, upTo15 };
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function numberOf(person: unknown): string | undefined {
  const text = objectOf(person)?.personalNumber;
  return typeof text === 'string' ? text : undefined;
}

/**
 * Who is in the household, from the stored application. The snapshot is stored normalised (12
 * digits), but an older one may hold a ten-digit form: its century comes from the receipt date,
 * as at intake. Without a readable applicant there is no row to write (a string problem, no
 * personal data in it); an unreadable co-applicant or child makes the household type 9.
 */
function readHousehold(application: unknown, month: YearMonth): Household | string {
  const app = objectOf(application);
  if (!app) return 'underlaget saknar ansökan';
  const reference = (): IsoDate => {
    const received = typeof app.receivedAt === 'string' ? new Date(app.receivedAt) : undefined;
    const day = received && !Number.isNaN(received.getTime()) ? stockholmDate(received) : undefined;
    return day && isIsoDate(day) ? day : firstDayOf(month);
  };
  const read = (text: string | undefined): PersonalNumber | undefined => {
    if (text === undefined) return undefined;
    const parsed = parsePersonalNumber(text, reference);
    return parsed.ok ? parsed.value : undefined;
  };

  const applicant = read(numberOf(app.applicant));
  if (!applicant) return 'sökandens personnummer saknas eller går inte att läsa i underlaget';
  let unknown = false;
  let coApplicant: PersonalNumber | null = null;
  if (app.coApplicant !== null && app.coApplicant !== undefined) {
    coApplicant = read(numberOf(app.coApplicant)) ?? null;
    if (!coApplicant) unknown = true;
  }
  const children: PersonalNumber[] = [];
  if (Array.isArray(app.children)) {
    for (const child of app.children) {
      const pn = read(numberOf(child));
      if (pn) children.push(pn);
      else unknown = true;
    }
  } else if (app.children !== undefined) {
    unknown = true;
  }
  return { applicant, coApplicant, children, unknown };
}

/**
 * The same person in two rows of one month (say, applicant in one case and co-applicant in a
 * partner's case): each row is right by its own decisions, but Socialstyrelsen would count the
 * person twice. Named by case ids, for a caseworker to look at.
 */
function peopleInTwoHouseholds(rows: readonly BuiltRow[]): string[] {
  const seen = new Map<string, number>();
  const warnings: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { row } = rows[i]!;
    for (const person of [row.Personnr1, row.Personnr2]) {
      if (person === null) continue;
      const key = `${row.Ar}-${row.Manad}\u0000${person}`;
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, i);
      } else if (earlier !== i) {
        warnings.push(
          `${row.Ar}-${row.Manad}: samma person finns i två hushåll (ärende ${rows[earlier]!.caseIds.join(', ')} och ärende ${rows[i]!.caseIds.join(', ')})`,
        );
      }
    }
  }
  return warnings;
}

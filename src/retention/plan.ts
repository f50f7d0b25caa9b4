import { addYears, type IsoDate } from '../domain/dates.js';

/**
 * Which cases are due for gallring on a given day: a pure function of the facts, the rule and
 * "today" (no clock, no database). The runner (run.ts) gathers the facts and carries out.
 *
 * The law counts from the last entry in a person's FILE (personakt), not in one case: while a
 * person keeps applying, their earlier months stay. A file is per municipality (each nämnd
 * keeps its own) and per adult (applicant, co-applicant); a joint case belongs to the files of
 * both adults, so it is due only when both files are. Children are part of a parent's file.
 *
 * A case is kept, and listed in the report, when
 *   - it is still open in the robot (not MANUAL or COMPLETED): something is unfinished;
 *   - the municipality is in the research sample (every file kept), or an adult in it is born
 *     on one of the rule's days (research exception);
 *   - an adult in it cannot be identified (an invalid application): neither the file nor the
 *     research exception can be judged, so a person decides.
 */

export interface RetentionRuleAt {
  yearsAfterLastEntry: number;
  keepBornOnDays: readonly number[];
  /** Counties (two-digit code) and municipalities (four digits) where every file is kept. */
  keepWholeCounties?: readonly string[];
  keepWholeMunicipalities?: readonly string[];
}

/** Whether the research sample keeps every file of the municipality (SoF 2025:468 13 kap. 1 §). */
export function keepsWholeMunicipality(rule: RetentionRuleAt, municipality: string): boolean {
  return (rule.keepWholeMunicipalities ?? []).includes(municipality) || (rule.keepWholeCounties ?? []).includes(municipality.slice(0, 2));
}

export interface RetentionPerson {
  /** Identifies the person within one run (a digest, never the number itself). */
  key: string;
  /** Day of the month of birth (samordningsnummer already adjusted), or undefined when unknown. */
  bornOnDay: number | undefined;
}

export interface RetentionCaseFacts {
  caseId: string;
  municipality: string;
  month: string | null;
  /** MANUAL or COMPLETED: the robot has nothing more to do with the case. */
  closed: boolean;
  /** Stockholm calendar date of the case's last entry. */
  lastEntryOn: IsoDate;
  /** The adults of the application; null when the application names none that can be read. */
  adults: RetentionPerson[] | null;
}

export const RETENTION_VERDICTS = ['destroy', 'keep-research', 'keep-unknown-person', 'keep-open', 'not-due'] as const;
export type RetentionVerdict = (typeof RETENTION_VERDICTS)[number];

export interface RetentionItem {
  caseId: string;
  municipality: string;
  month: string | null;
  verdict: RetentionVerdict;
  /** The last entry in any file the case belongs to. */
  lastEntryOn: IsoDate;
  /** The day the duty to destroy arises. */
  dueFrom: IsoDate;
  /** The last day the destruction may be finished: 31 December of the following year. */
  deadline: IsoDate;
  /** Due, not destroyed, and past the deadline. */
  overdue: boolean;
}

export interface RetentionPlan {
  today: IsoDate;
  /** Every case that is due (verdict other than not-due), by case id. */
  due: RetentionItem[];
  counts: Record<RetentionVerdict, number>;
}

const laterOf = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b);

export function dueFromOf(lastEntryOn: IsoDate, rule: RetentionRuleAt): IsoDate {
  return addYears(lastEntryOn, rule.yearsAfterLastEntry);
}

export function deadlineOf(dueFrom: IsoDate): IsoDate {
  return `${String(Number(dueFrom.slice(0, 4)) + 1).padStart(4, '0')}-12-31`;
}

/** Due, not kept for research, and past the last day the destruction may be finished. */
export function isOverdue(item: Pick<RetentionItem, 'verdict' | 'deadline'>, today: IsoDate): boolean {
  return item.verdict !== 'keep-research' && item.verdict !== 'not-due' && today > item.deadline;
}

export function planRetention(facts: readonly RetentionCaseFacts[], rule: RetentionRuleAt, today: IsoDate): RetentionPlan {
  // The last entry of each file: (municipality, person).
  const fileLast = new Map<string, IsoDate>();
  const fileKey = (municipality: string, person: RetentionPerson) => `${municipality}\u0000${person.key}`;
  for (const f of facts) {
    for (const person of f.adults ?? []) {
      const key = fileKey(f.municipality, person);
      const seen = fileLast.get(key);
      fileLast.set(key, seen ? laterOf(seen, f.lastEntryOn) : f.lastEntryOn);
    }
  }

  const counts = Object.fromEntries(RETENTION_VERDICTS.map((v) => [v, 0])) as Record<RetentionVerdict, number>;
  const due: RetentionItem[] = [];
  for (const f of facts) {
    let lastEntryOn = f.lastEntryOn;
    for (const person of f.adults ?? []) lastEntryOn = laterOf(lastEntryOn, fileLast.get(fileKey(f.municipality, person))!);
    const dueFrom = dueFromOf(lastEntryOn, rule);
    const deadline = deadlineOf(dueFrom);
    let verdict: RetentionVerdict;
    if (today < dueFrom) verdict = 'not-due';
    else if (!f.closed) verdict = 'keep-open';
    else if (keepsWholeMunicipality(rule, f.municipality)) verdict = 'keep-research';
    else if (f.adults === null || f.adults.length === 0 || f.adults.some((p) => p.bornOnDay === undefined)) verdict = 'keep-unknown-person';
    else if (f.adults.some((p) => rule.keepBornOnDays.includes(p.bornOnDay!))) verdict = 'keep-research';
    else verdict = 'destroy';
    counts[verdict]++;
    if (verdict !== 'not-due') {
      due.push({ caseId: f.caseId, municipality: f.municipality, month: f.month, verdict, lastEntryOn, dueFrom, deadline, overdue: isOverdue({ verdict, deadline }, today) });
    }
  }
  due.sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  return { today, due, counts };
}

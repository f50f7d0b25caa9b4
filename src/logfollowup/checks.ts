import { stockholmDate } from '../domain/dates.js';
import { officeTime, outsideOfficeWords, type ClosedDaysInForce } from './officeHours.js';

/**
 * Logguppföljning (issue 13): the checks an auditor runs over a period's audit log, as pure
 * functions of facts read at the edge (store/repositories/logFollowUp.ts). SSBTEK's connection
 * agreement requires that access to personal data through the service is logged "so that
 * unauthorised use can be detected" and that the logs are followed up regularly and
 * systematically; these are the questions of that follow-up. No clock, no I/O.
 *
 * A finding names the user, the case id and the time, and the audit rows behind it; never a
 * personal number (the facts carry none). Findings of one check, user, case and Stockholm day
 * are one finding with all their rows.
 */
export const CHECKS = [
  'lookup-not-in-handling',
  'lookup-without-declaration',
  'view-not-involved',
  'view-protected-identity',
  'view-outside-office-hours',
  'view-other-municipality',
  'views-above-colleagues',
  'search-by-personal-number',
] as const;
export type CheckCode = (typeof CHECKS)[number];

/** What each check asks, in Swedish (report, CSV). */
export const CHECK_WORDS: Record<CheckCode, string> = {
  'lookup-not-in-handling': 'Registeruppslag som inte hör till ett ärende under handläggning',
  'lookup-without-declaration': 'Registeruppslag av någon utan giltig försäkran för SSBTEK',
  'view-not-involved': 'Öppnade ärenden som användaren varken äger eller har gjort något i',
  'view-protected-identity': 'Öppnade ärenden med skyddade personuppgifter',
  'view-outside-office-hours': 'Öppnade ärenden utanför kontorstid',
  'view-other-municipality': 'Öppnade ärenden av en användare i en annan kommun (ska vara inga)',
  'views-above-colleagues': 'Användare som öppnat långt fler ärenden än kollegorna',
  'search-by-personal-number': 'Sökningar på personnummer och vad de ledde till',
};

export interface FollowUpSettings {
  /** Office hours, Stockholm wall-clock "HH:MM", start inclusive, end exclusive; Monday to Friday except closed days (officeHours.ts). */
  officeStart: string;
  officeEnd: string;
  /** A user's views are far above the colleagues' when more than factor × the others' median. */
  viewFactor: number;
  /** ... and at least this many (a handful of views is never "far above"). */
  viewMinimum: number;
}

/** The register look-up actions (robot/audit.ts writes `<register>.lookup`). */
export const LOOKUP_ACTIONS = ['ssbtek.lookup', 'kir.lookup', 'plan.lookup'] as const;
/** Opening a case's content (web/caseworker/service.ts auditCaseRead). */
export const VIEW_ACTIONS = ['case.read', 'letter.read', 'screenshot.read'] as const;
/**
 * A search by personal number. Shape of the audit row: actor = the user, subject_ref = the
 * pseudonym of the number searched for (never the number), details `{ hits: number, caseIds:
 * string[], municipalities: string[] }` (the cases listed, the searcher's municipalities).
 */
export const SEARCH_ACTION = 'case.search';
/** States in which the robot gathers register facts for a case (store/caseStates.ts). */
export const HANDLING_STATES = ['GATHERING', 'WAITING_FOR_PLAN'] as const;

// The facts' shapes live with the store that fills them (store -> logfollowup would be a cycle).
export type { DeclarationFact, LookupFact, SearchFact, ViewFact } from '../store/index.js';
import type { DeclarationFact, LookupFact, SearchFact, ViewFact } from '../store/index.js';

export interface FollowUpInput {
  municipality: string;
  lookups: readonly LookupFact[];
  views: readonly ViewFact[];
  searches: readonly SearchFact[];
  declarations: readonly DeclarationFact[];
  /** The closed days by period as the rules give them (rule `bankdays`, RuleSet.closedBankDayRules). */
  closedDays: readonly ClosedDaysInForce[];
}

export interface Finding {
  check: CheckCode;
  user: string;
  caseId: string | null;
  /** ISO instant of the first row behind it. */
  at: string;
  /** What was found, in Swedish, without personal data. */
  text: string;
  auditIds: string[];
}

export interface FollowUpResult {
  findings: Finding[];
  counts: { lookups: number; views: number; searches: number; findings: Record<CheckCode, number> };
}

/** The declaration rule of web/ssbtekAccess.ts, over facts: signed on or before `day`, last day not before it. */
export function declarationHolds(declarations: readonly DeclarationFact[], userId: string, municipality: string, day: string): boolean {
  return declarations.some((d) => d.userId === userId && d.municipality === municipality && d.signedOn <= day && (d.lastDay === null || d.lastDay >= day));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Collects rows into findings: one per check, user, case and Stockholm day. */
class Findings {
  private readonly byKey = new Map<string, Finding>();

  add(check: CheckCode, user: string, caseId: string | null, at: Date, auditIds: readonly string[], text: (rows: number) => string): void {
    const key = `${check}\u0000${user}\u0000${caseId ?? ''}\u0000${stockholmDate(at)}`;
    const found = this.byKey.get(key);
    if (found) {
      found.auditIds.push(...auditIds.filter((id) => !found.auditIds.includes(id)));
      if (at.toISOString() < found.at) found.at = at.toISOString();
      found.text = text(found.auditIds.length);
      return;
    }
    this.byKey.set(key, { check, user, caseId, at: at.toISOString(), text: text(auditIds.length), auditIds: [...auditIds] });
  }

  list(): Finding[] {
    const order = new Map(CHECKS.map((c, i) => [c, i]));
    return [...this.byKey.values()].sort((a, b) => order.get(a.check)! - order.get(b.check)! || a.at.localeCompare(b.at) || a.user.localeCompare(b.user));
  }
}

const rowsWord = (n: number) => (n === 1 ? '1 loggrad' : `${n} loggrader`);

/**
 * Runs every check over one municipality's facts for a period. `robotIdentity`: the robot's
 * account, left out of the comparison of users' views (it opens nothing) but checked for
 * declarations like anyone else.
 */
export function followUp(input: FollowUpInput, settings: FollowUpSettings): FollowUpResult {
  const out = new Findings();
  const m = input.municipality;

  for (const l of input.lookups) {
    const register = l.action.split('.')[0] ?? l.action;
    if (l.caseId === null || l.stateThen === null || !(HANDLING_STATES as readonly string[]).includes(l.stateThen)) {
      out.add('lookup-not-in-handling', l.actor, l.caseId, l.at, [l.auditId], (n) =>
        l.caseId === null
          ? `Uppslag i ${register} utan ärende (${rowsWord(n)}).`
          : `Uppslag i ${register} när ärendet var i läget ${l.stateThen ?? 'okänt'} (${rowsWord(n)}).`,
      );
    }
    if (!declarationHolds(input.declarations, l.actor, m, stockholmDate(l.at))) {
      out.add('lookup-without-declaration', l.actor, l.caseId, l.at, [l.auditId], (n) => `Uppslag i ${register} av ${l.actor}, som saknade giltig försäkran den dagen (${rowsWord(n)}).`);
    }
  }

  const viewsPerUser = new Map<string, ViewFact[]>();
  for (const v of input.views) {
    viewsPerUser.set(v.actor, [...(viewsPerUser.get(v.actor) ?? []), v]);
    if (v.owner !== v.actor && !v.actedOnCase) {
      out.add('view-not-involved', v.actor, v.caseId, v.at, [v.auditId], (n) => `Öppnat utan att äga ärendet eller ha gjort något i det (${rowsWord(n)}).`);
    }
    if (v.protectedIdentity) {
      out.add('view-protected-identity', v.actor, v.caseId, v.at, [v.auditId], (n) => `Ärendet gäller en person med skyddade personuppgifter (${rowsWord(n)}).`);
    }
    const time = officeTime(v.at, settings, input.closedDays);
    if (!time.inside) {
      out.add('view-outside-office-hours', v.actor, v.caseId, v.at, [v.auditId], (n) => `${outsideOfficeWords(v.at, time, settings)} (${rowsWord(n)}).`);
    }
    const theirs = v.viewerMunicipalities ?? [...new Set(input.declarations.filter((d) => d.userId === v.actor).map((d) => d.municipality))];
    if (theirs.length > 0 && !theirs.includes(v.caseMunicipality)) {
      out.add('view-other-municipality', v.actor, v.caseId, v.at, [v.auditId], (n) => `Öppnat av en användare i ${theirs.join(', ')}; ärendet hör till ${v.caseMunicipality} (${rowsWord(n)}).`);
    }
  }

  for (const [user, views] of viewsPerUser) {
    const others = [...viewsPerUser].filter(([u]) => u !== user).map(([, vs]) => vs.length);
    if (others.length === 0) continue;
    const mid = median(others);
    if (views.length >= settings.viewMinimum && views.length > settings.viewFactor * mid) {
      const first = views.reduce((a, b) => (a.at <= b.at ? a : b));
      out.add('views-above-colleagues', user, null, first.at, views.map((v) => v.auditId), () =>
        `${views.length} öppnade ärenden under perioden; kollegornas median är ${String(mid).replace('.', ',')} (gräns: ${String(settings.viewFactor).replace('.', ',')} gånger medianen).`,
      );
    }
  }

  for (const s of input.searches) {
    const until = s.at.getTime() + 24 * 3_600_000;
    const opened = input.views.filter((v) => v.actor === s.actor && s.caseIds.includes(v.caseId) && v.at >= s.at && v.at.getTime() <= until);
    const openedCases = [...new Set(opened.map((v) => v.caseId))];
    out.add('search-by-personal-number', s.actor, openedCases[0] ?? null, s.at, [s.auditId, ...opened.map((v) => v.auditId)], () =>
      `Sökning på personnummer gav ${s.hits === 1 ? '1 träff' : `${s.hits} träffar`}; ${openedCases.length === 0 ? 'inget ärende öppnades därefter' : `öppnade därefter ${openedCases.join(', ')}`}.`,
    );
  }

  const findings = out.list();
  const perCheck = Object.fromEntries(CHECKS.map((c) => [c, findings.filter((f) => f.check === c).length])) as Record<CheckCode, number>;
  return { findings, counts: { lookups: input.lookups.length, views: input.views.length, searches: input.searches.length, findings: perCheck } };
}

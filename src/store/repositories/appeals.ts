import { RobotError } from '../../domain/errors.js';
import type { Queryable } from '../db.js';
import { StoreError } from '../errors.js';
import { caseScopeSql, municipalitiesSql, queryParams, type CaseScope } from './caseScope.js';

/**
 * Appeals (överklagande) of a case's decisions: the appeal as received (never changed) and what
 * happened to it afterwards as events, one of each kind per appeal (migration 0007).
 */
export const APPEAL_CHANNELS = ['brev', 'e-post', 'e-tjänst', 'personligt besök', 'telefon', 'annat'] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];
export const APPEAL_EVENT_KINDS = ['kept', 'changed', 'dismissed', 'forwarded'] as const;
export type AppealEventKind = (typeof APPEAL_EVENT_KINDS)[number];
/** Free text is kept short: what the appeal concerns, not the appeal itself (that is in the case system). */
export const APPEAL_TEXT_MAX = 2000;

export interface AppealEvent {
  appealId: string;
  kind: AppealEventKind;
  /** The superseding decision, for 'changed'. */
  decisionId: string | null;
  /** 'changed' giving the applicant what they asked: the appeal lapses. */
  resolved: boolean;
  onDate: string;
  note: string | null;
  actor: string;
  at: Date;
}

export interface AppealRecord {
  id: string;
  caseId: string;
  decisionId: string;
  receivedOn: string;
  channel: AppealChannel;
  concerns: string;
  /** The day the applicant got the decision, or null when unknown. */
  notifiedOn: string | null;
  notifiedFrom: 'notify-step' | 'caseworker' | 'unknown';
  recordedBy: string;
  recordedAt: Date;
  events: AppealEvent[];
}

/** Open: neither forwarded to förvaltningsrätten, dismissed as too late, nor resolved by a change. */
export function appealOpen(a: Pick<AppealRecord, 'events'>): boolean {
  return !a.events.some((e) => e.kind === 'forwarded' || e.kind === 'dismissed' || (e.kind === 'changed' && e.resolved));
}

interface AppealRow {
  id: string;
  case_id: string;
  decision_id: string;
  received_on: string;
  channel: AppealChannel;
  concerns: string;
  notified_on: string | null;
  notified_from: AppealRecord['notifiedFrom'];
  recorded_by: string;
  recorded_at: Date;
}

interface EventRow {
  appeal_id: string;
  kind: AppealEventKind;
  decision_id: string | null;
  resolved: boolean;
  on_date: string;
  note: string | null;
  actor: string;
  at: Date;
}

// Dates as text: a DATE must not pass through a JS Date (time zones).
const appealColumns = (t: string) => `${t}.id, ${t}.case_id, ${t}.decision_id, to_char(${t}.received_on, 'YYYY-MM-DD') AS received_on, ${t}.channel,
  ${t}.concerns, to_char(${t}.notified_on, 'YYYY-MM-DD') AS notified_on, ${t}.notified_from, ${t}.recorded_by, ${t}.recorded_at`;
const APPEAL_COLUMNS = appealColumns('appeals');
const EVENT_COLUMNS = `appeal_id, kind, decision_id, resolved, to_char(on_date, 'YYYY-MM-DD') AS on_date, note, actor, at`;

function toEvent(r: EventRow): AppealEvent {
  return { appealId: r.appeal_id, kind: r.kind, decisionId: r.decision_id, resolved: r.resolved, onDate: r.on_date, note: r.note, actor: r.actor, at: r.at };
}

function toAppeal(r: AppealRow, events: AppealEvent[]): AppealRecord {
  return {
    id: r.id,
    caseId: r.case_id,
    decisionId: r.decision_id,
    receivedOn: r.received_on,
    channel: r.channel,
    concerns: r.concerns,
    notifiedOn: r.notified_on,
    notifiedFrom: r.notified_from,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    events,
  };
}

export interface NewAppeal {
  caseId: string;
  decisionId: string;
  receivedOn: string;
  channel: AppealChannel;
  concerns: string;
  notifiedOn: string | null;
  notifiedFrom: AppealRecord['notifiedFrom'];
  recordedBy: string;
}

export async function insertAppeal(db: Queryable, input: NewAppeal): Promise<AppealRecord> {
  const { rows } = await db.query<AppealRow>(
    `INSERT INTO appeals (case_id, decision_id, received_on, channel, concerns, notified_on, notified_from, recorded_by)
     VALUES ($1, $2, $3::date, $4, $5, $6::date, $7, $8) RETURNING ${APPEAL_COLUMNS}`,
    [input.caseId, input.decisionId, input.receivedOn, input.channel, input.concerns, input.notifiedOn, input.notifiedFrom, input.recordedBy],
  );
  return toAppeal(rows[0]!, []);
}

/** Refused because that kind of event already happened to the appeal. */
export class AppealEventConflictError extends RobotError {
  readonly kind = 'business' as const;
  constructor(readonly appealId: string, readonly event: AppealEventKind) {
    super(`appeal ${appealId}: ${event} already recorded`);
    this.name = 'AppealEventConflictError';
  }
}

export async function insertAppealEvent(
  db: Queryable,
  input: { appealId: string; caseId: string; kind: AppealEventKind; decisionId?: string | null; resolved?: boolean; onDate: string; note?: string | null; actor: string },
): Promise<AppealEvent> {
  try {
    const { rows } = await db.query<EventRow>(
      `INSERT INTO appeal_events (appeal_id, case_id, kind, decision_id, resolved, on_date, note, actor)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8) RETURNING ${EVENT_COLUMNS}`,
      [input.appealId, input.caseId, input.kind, input.decisionId ?? null, input.resolved ?? false, input.onDate, input.note ?? null, input.actor],
    );
    return toEvent(rows[0]!);
  } catch (error) {
    if (error instanceof StoreError && error.code === '23505') throw new AppealEventConflictError(input.appealId, input.kind);
    throw error;
  }
}

async function withEvents(db: Queryable, appeals: AppealRow[]): Promise<AppealRecord[]> {
  if (appeals.length === 0) return [];
  const { rows } = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM appeal_events WHERE appeal_id = ANY($1::bigint[]) ORDER BY at, kind`, [appeals.map((a) => a.id)]);
  const events = rows.map(toEvent);
  return appeals.map((a) => toAppeal(a, events.filter((e) => e.appealId === a.id)));
}

/** The appeals of a case, oldest first, with their events. */
export async function listAppealsForCase(db: Queryable, caseId: string): Promise<AppealRecord[]> {
  const { rows } = await db.query<AppealRow>(`SELECT ${APPEAL_COLUMNS} FROM appeals WHERE case_id = $1 ORDER BY id`, [caseId]);
  return withEvents(db, rows);
}

export async function getAppeal(db: Queryable, caseId: string, appealId: string): Promise<AppealRecord | undefined> {
  if (!/^[0-9]{1,18}$/.test(appealId)) return undefined;
  const { rows } = await db.query<AppealRow>(`SELECT ${APPEAL_COLUMNS} FROM appeals WHERE case_id = $1 AND id = $2::bigint`, [caseId, appealId]);
  return (await withEvents(db, rows))[0];
}

export type OpenAppeal = AppealRecord & { municipality: string; organisation: string | null };

/**
 * Appeals still to be handled (not forwarded, dismissed or resolved) of the cases in a user's
 * scope (caseScope.ts), oldest received first, at most `limit`, with the case's municipality and
 * organisation.
 */
export async function listOpenAppeals(db: Queryable, scope: CaseScope, limit = 200): Promise<OpenAppeal[]> {
  return openAppealsWhere(db, (param) => caseScopeSql(scope, param), limit);
}

/**
 * listOpenAppeals for the admins' reminders: every open appeal of the cases of `municipalities`,
 * whatever their organisation (the reminder names the case id and dates only).
 */
export async function listOpenAppealsInMunicipalities(db: Queryable, municipalities: readonly string[], limit = 200): Promise<OpenAppeal[]> {
  return openAppealsWhere(db, (param) => municipalitiesSql(municipalities, param), limit);
}

async function openAppealsWhere(db: Queryable, casesSql: (param: (value: unknown) => string) => string, limit: number): Promise<OpenAppeal[]> {
  const params = queryParams();
  const { rows } = await db.query<AppealRow & { municipality: string; organisation: string | null }>(
    `SELECT ${appealColumns('a')}, c.municipality, c.organisation
       FROM appeals a JOIN cases c ON c.id = a.case_id
      WHERE ${casesSql(params.add)}
        AND NOT EXISTS (SELECT 1 FROM appeal_events e WHERE e.appeal_id = a.id AND (e.kind IN ('forwarded', 'dismissed') OR (e.kind = 'changed' AND e.resolved)))
      ORDER BY a.received_on, a.id
      LIMIT ${params.add(limit)}`,
    params.values,
  );
  const full = await withEvents(db, rows);
  return full.map((a, i) => ({ ...a, municipality: rows[i]!.municipality, organisation: rows[i]!.organisation }));
}

/** The Stockholm date the notify step of a decision was done: the day the applicant was told. */
export async function notifiedOnOf(db: Queryable, decisionId: string): Promise<string | null> {
  const { rows } = await db.query<{ d: string }>(
    `SELECT to_char(done_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS d FROM decision_steps WHERE decision_id = $1 AND step = 'notify' AND outcome = 'done'`,
    [decisionId],
  );
  return rows[0]?.d ?? null;
}

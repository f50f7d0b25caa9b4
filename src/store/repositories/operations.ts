import { CASE_STATES, type CaseState } from '../../domain/caseStates.js';
import type { Queryable } from '../db.js';
import { LAST_MOVE_SQL } from './ownership.js';

/**
 * Read-only figures for the admin's operations pages: how many cases are where, what the
 * robot finished lately, which cases ended in TECHNICAL_ERROR. Case ids and counts only.
 */

/**
 * `municipalities` limits every figure below to cases of those municipalities (an admin of
 * some municipalities only); undefined means all, including cases of no known municipality.
 */
export type MunicipalityScope = readonly string[] | undefined;

const scopeParam = (scope: MunicipalityScope): string[] | null => (scope ? [...scope] : null);

export async function countCasesByState(db: Queryable, municipalities?: MunicipalityScope): Promise<Record<CaseState, number>> {
  const { rows } = await db.query<{ state: string; n: string | number }>(
    'SELECT state, count(*) AS n FROM cases WHERE ($1::text[] IS NULL OR municipality = ANY($1::text[])) GROUP BY state',
    [scopeParam(municipalities)],
  );
  const counts = Object.fromEntries(CASE_STATES.map((s) => [s, 0])) as Record<CaseState, number>;
  for (const row of rows) if ((CASE_STATES as readonly string[]).includes(row.state)) counts[row.state as CaseState] = Number(row.n);
  return counts;
}

/** States the robot ends a run in; counted when the robot (not a caseworker) moved the case there. */
export const FINISHED_STATES = ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

export interface ThroughputSlot {
  /** Start of the slot. */
  start: Date;
  counts: Record<FinishedState, number>;
}

/**
 * Cases the robot finished per slot of `slotMs` (5 minutes by default) from `since`, read from
 * the state history: transitions out of the robot's working states into an end state.
 * Slots are aligned to whole multiples of `slotMs` since the epoch (wall-clock five minutes).
 */
export async function throughputSince(db: Queryable, since: Date, until: Date, slotMs = 5 * 60_000, municipalities?: MunicipalityScope): Promise<ThroughputSlot[]> {
  const slotSeconds = slotMs / 1000;
  const first = Math.floor(since.getTime() / slotMs);
  const last = Math.floor((until.getTime() - 1) / slotMs);
  const { rows } = await db.query<{ to_state: string; slot: string | number; n: string | number }>(
    `SELECT to_state, floor(extract(epoch FROM at) / $3)::bigint AS slot, count(*) AS n
       FROM case_state_history
      WHERE at >= $1 AND at < $2
        AND to_state IN ('PROPOSED', 'MANUAL', 'TECHNICAL_ERROR')
        -- INVALID: histories from before migration 0015; since then an invalid application's case starts MANUAL.
        AND (from_state IN ('GATHERING', 'WAITING_FOR_PLAN', 'INVALID') OR (from_state IS NULL AND to_state = 'MANUAL'))
        AND ($4::text[] IS NULL OR case_id IN (SELECT id FROM cases WHERE municipality = ANY($4::text[])))
      GROUP BY 1, 2`,
    [new Date(first * slotMs), new Date((last + 1) * slotMs), slotSeconds, scopeParam(municipalities)],
  );
  const slots: ThroughputSlot[] = [];
  for (let s = first; s <= last; s++) slots.push({ start: new Date(s * slotMs), counts: { PROPOSED: 0, MANUAL: 0, TECHNICAL_ERROR: 0 } });
  for (const row of rows) {
    const slot = slots[Number(row.slot) - first];
    if (slot && (FINISHED_STATES as readonly string[]).includes(row.to_state)) slot.counts[row.to_state as FinishedState] += Number(row.n);
  }
  return slots;
}

export interface TechnicalErrorCase {
  caseId: string;
  since: Date;
  /** What failed, from the state history's reason ("TECHNICAL_ERROR: ssbtek" -> "ssbtek"); null if not named. */
  component: string | null;
  /** Whether a snapshot was kept (the registers answered before it failed): only then can it be computed again from it. */
  hasSnapshot: boolean;
}

/** Cases now in TECHNICAL_ERROR that went there at or after `since` (all when unset), oldest first; only `municipalities`' when given. */
export async function listTechnicalErrors(
  db: Queryable,
  options: { since?: Date | undefined; limit?: number; municipalities?: MunicipalityScope } = {},
): Promise<TechnicalErrorCase[]> {
  const { rows } = await db.query<{ id: string; state_changed_at: Date; reason: string | null; has_snapshot: boolean }>(
    `SELECT c.id, c.state_changed_at,
            (SELECT h.reason FROM case_state_history h
              WHERE h.case_id = c.id AND h.to_state = 'TECHNICAL_ERROR' ORDER BY h.id DESC LIMIT 1) AS reason,
            EXISTS (SELECT 1 FROM snapshots s WHERE s.case_id = c.id) AS has_snapshot
       FROM cases c
      WHERE c.state = 'TECHNICAL_ERROR' AND ($1::timestamptz IS NULL OR c.state_changed_at >= $1)
        AND ($3::text[] IS NULL OR c.municipality = ANY($3::text[]))
      ORDER BY c.state_changed_at, c.id
      LIMIT $2`,
    [options.since ?? null, options.limit ?? 1000, scopeParam(options.municipalities)],
  );
  return rows.map((r) => {
    // The reason is written by the robot as "TECHNICAL_ERROR: <component>", perhaps followed by
    // " — " and words (src/robot/recovery.ts); anything else is not shown.
    const match = /^TECHNICAL_ERROR: ([a-z][a-z0-9-]{0,30})(?: — .*)?$/s.exec(r.reason ?? '');
    return { caseId: r.id, since: r.state_changed_at, component: match ? match[1]! : null, hasSnapshot: r.has_snapshot };
  });
}

/** Of `caseIds`, those whose case belongs to one of `municipalities` (job lists from the queues carry case ids only). */
export async function caseIdsInMunicipalities(db: Queryable, caseIds: readonly string[], municipalities: readonly string[]): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM cases WHERE id = ANY($1::text[]) AND municipality = ANY($2::text[])', [[...caseIds], [...municipalities]]);
  return new Set(rows.map((r) => r.id));
}

export interface StoppedCarryOut {
  caseId: string;
  /** When the carry-out stopped (the case's move to MANUAL). */
  since: Date;
  /** The step that failed as the robot wrote it ("payment", "write-back", "carry-out"), or null. */
  step: string | null;
}

/**
 * Signed decisions whose carry-out stopped on a fault and that no caseworker has finished: MANUAL,
 * not closed, last moved there from SIGNED for another reason than a possible återkrav (store
 * carryOutStop). Oldest first; for the on-call admin, ids and steps only.
 */
export async function listStoppedCarryOuts(db: Queryable, options: { limit?: number; municipalities?: MunicipalityScope } = {}): Promise<StoppedCarryOut[]> {
  const { rows } = await db.query<{ id: string; state_changed_at: Date; reason: string | null }>(
    `SELECT c.id, c.state_changed_at, m.reason
       FROM cases c CROSS JOIN LATERAL ${LAST_MOVE_SQL} m
      WHERE c.state = 'MANUAL' AND c.closed_at IS NULL AND m.from_state = 'SIGNED' AND m.reason IS DISTINCT FROM 'POSSIBLE_RECLAIM'
        AND ($2::text[] IS NULL OR c.municipality = ANY($2::text[]))
      ORDER BY c.state_changed_at, c.id
      LIMIT $1`,
    [options.limit ?? 1000, scopeParam(options.municipalities)],
  );
  return rows.map((r) => {
    const match = /^[A-Z_]+: ([a-z][a-z-]{0,30})/.exec(r.reason ?? '');
    return { caseId: r.id, since: r.state_changed_at, step: match ? match[1]! : null };
  });
}

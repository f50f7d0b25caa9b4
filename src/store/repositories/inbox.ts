import { ownValue } from '../../domain/ownKey.js';
import type { Queryable } from '../db.js';
import type { CaseState } from '../../domain/caseStates.js';
import { BOOKING_POINT_SQL } from './bookings.js';
import { LAST_MOVE_SQL } from './ownership.js';
import { caseScopeSql, queryParams, type CaseScope } from './caseScope.js';

/** The caseworkers' queue: cases awaiting signature or manual handling, in the user's scope (caseScope.ts). */
export const REVIEW_STATES = ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'] as const satisfies readonly CaseState[];

export interface ReviewItem {
  caseId: string;
  municipality: string;
  organisation: string | null;
  /** A review state, or any state for a case listed only for its booking point. */
  state: CaseState;
  month: string | null;
  receivedAt: Date;
  outcome: 'PROPOSE_GRANT' | 'PROPOSE_REJECT' | 'MANUAL' | null;
  amount: string | null;
  reasons: string[];
  /** The first meeting the robot could not book (or could not tell the applicant), in words; null when none. */
  bookingPoint: string | null;
  /** The caseworker who has claimed the case; null in the shared queue. */
  owner: string | null;
}

/**
 * Whose cases: 'shared' the unclaimed queue (the default), a user id that user's own,
 * 'all' every case in scope. A closed case (handled in the case system) is never listed.
 */
export type ReviewOwner = 'shared' | 'all' | { owner: string };

/** The SQL condition on `c.owner` for `owner`, its value going in through `param`. */
function ownerFilter(owner: ReviewOwner | undefined, param: (value: unknown) => string): string {
  if (owner === undefined || owner === 'shared') return 'c.owner IS NULL';
  if (owner === 'all') return 'TRUE';
  return `c.owner = ${param(owner.owner)}`;
}

/** Sort keys, each a fixed SQL expression: nothing from the query string reaches SQL. */
export const REVIEW_SORTS = {
  mottagen: 'a.received_at',
  arende: 'c.id',
  status: 'c.state',
  belopp: 'p.amount',
  kommun: 'c.municipality',
} as const;
export type ReviewSort = keyof typeof REVIEW_SORTS;

export interface ReviewQuery extends CaseScope {
  /** Default: the oldest first. */
  sort?: ReviewSort;
  descending?: boolean;
  limit?: number;
  owner?: ReviewOwner;
}

export async function listReviewQueue(db: Queryable, q: ReviewQuery): Promise<ReviewItem[]> {
  // Own keys only: an inherited one ("constructor") would put a function's text into the SQL.
  const column = ownValue(REVIEW_SORTS, q.sort ?? 'mottagen') ?? REVIEW_SORTS.mottagen;
  const direction = q.descending ? 'DESC' : 'ASC';
  const params = queryParams();
  const scope = caseScopeSql(q, params.add);
  const states = params.add(JSON.stringify(REVIEW_STATES));
  const owner = ownerFilter(q.owner, params.add);
  const limit = params.add(q.limit ?? 500);
  const { rows } = await db.query<{
    id: string;
    municipality: string;
    organisation: string | null;
    state: ReviewItem['state'];
    month: string | null;
    received_at: Date;
    outcome: ReviewItem['outcome'];
    amount: string | null;
    reasons: string[] | null;
    owner: string | null;
    booking_point: string | null;
  }>(
    // An invalid application has no proposal; its reason is the application's errors, so the
    // inbox says why it is manual rather than a bare "–".
    // A decided case back in manual handling (a possible återkrav after a lower change, a
    // carry-out that stopped) is not shown with the robot's proposal: its amount is not the
    // decision's, and the proposal is not why it is manual: its reason is the stop (LAST_MOVE_SQL).
    `SELECT c.id, c.municipality, c.organisation, c.state, c.month, a.received_at,
            CASE WHEN dec.decided THEN NULL ELSE p.outcome END AS outcome,
            CASE WHEN dec.decided THEN NULL ELSE p.amount END AS amount,
            CASE WHEN dec.decided
                 THEN CASE WHEN (SELECT m.reason FROM ${LAST_MOVE_SQL} m) = 'POSSIBLE_RECLAIM' THEN '["POSSIBLE_RECLAIM"]'::jsonb ELSE '["CARRY_OUT_STOPPED"]'::jsonb END
                 ELSE COALESCE(p.reasons, CASE WHEN jsonb_array_length(a.validation_errors) > 0 THEN '["INVALID_APPLICATION"]'::jsonb END) END AS reasons, c.owner,
            CASE WHEN ${BOOKING_POINT_SQL} THEN b.failure END AS booking_point
     FROM cases c
     JOIN applications a ON a.id = c.id
     LEFT JOIN proposals p ON p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.supersedes = p.id)
     LEFT JOIN bookings b ON b.case_id = c.id
     CROSS JOIN LATERAL (SELECT c.state = 'MANUAL' AND EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id) AS decided) dec
     WHERE ${scope}
       AND (c.state IN (SELECT jsonb_array_elements_text(${states}::jsonb)) OR ${BOOKING_POINT_SQL})
       AND c.closed_at IS NULL AND ${owner}
     ORDER BY ${column} ${direction} NULLS LAST, a.received_at ASC, c.id ASC
     LIMIT ${limit}`,
    params.values,
  );
  return rows.map((r) => ({
    caseId: r.id,
    municipality: r.municipality,
    organisation: r.organisation,
    state: r.state,
    month: r.month,
    receivedAt: r.received_at,
    outcome: r.outcome,
    amount: r.amount,
    reasons: r.reasons ?? [],
    owner: r.owner,
    bookingPoint: r.booking_point,
  }));
}

/** First meetings the robot could not book or tell (points for the caseworker) of the cases in the user's scope (caseScope.ts). */
export async function countBookingPoints(db: Queryable, scope: CaseScope): Promise<number> {
  const params = queryParams();
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM bookings b JOIN cases c ON c.id = b.case_id WHERE ${caseScopeSql(scope, params.add)} AND ${BOOKING_POINT_SQL}`,
    params.values,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Counts per review state in the user's scope (caseScope.ts; not limited like the list). */
export async function countReviewQueue(db: Queryable, scope: CaseScope, whose: ReviewOwner = 'all'): Promise<Record<(typeof REVIEW_STATES)[number], number>> {
  const params = queryParams();
  const { rows } = await db.query<{ state: (typeof REVIEW_STATES)[number]; n: string }>(
    `SELECT c.state, count(*) AS n FROM cases c
     WHERE ${caseScopeSql(scope, params.add)}
       AND c.state IN (SELECT jsonb_array_elements_text(${params.add(JSON.stringify(REVIEW_STATES))}::jsonb))
       AND c.closed_at IS NULL AND ${ownerFilter(whose, params.add)}
     GROUP BY c.state`,
    params.values,
  );
  const counts = { PROPOSED: 0, MANUAL: 0, TECHNICAL_ERROR: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}

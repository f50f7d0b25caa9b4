import { ownValue } from '../../domain/ownKey.js';
import type { Queryable } from '../db.js';
import type { CaseState } from '../../domain/caseStates.js';
import { BOOKING_POINT_SQL } from './bookings.js';

/** The caseworkers' queue: cases awaiting signature or manual handling, in the user's municipalities. */
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

/** The SQL condition on `c.owner` for `owner`, its value going in as parameter `$n`. */
function ownerFilter(owner: ReviewOwner | undefined, n: number): { sql: string; value: string | null } {
  if (owner === undefined || owner === 'shared') return { sql: `c.owner IS NULL AND $${n}::text IS NULL`, value: null };
  if (owner === 'all') return { sql: `$${n}::text IS NULL`, value: null };
  return { sql: `c.owner = $${n}`, value: owner.owner };
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

export interface ReviewQuery {
  municipalities: readonly string[];
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
  const owner = ownerFilter(q.owner, 4);
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
    `SELECT c.id, c.municipality, c.organisation, c.state, c.month, a.received_at, p.outcome, p.amount, p.reasons, c.owner,
            CASE WHEN ${BOOKING_POINT_SQL} THEN b.failure END AS booking_point
     FROM cases c
     JOIN applications a ON a.id = c.id
     LEFT JOIN proposals p ON p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.supersedes = p.id)
     LEFT JOIN bookings b ON b.case_id = c.id
     WHERE c.municipality IN (SELECT jsonb_array_elements_text($1::jsonb))
       AND (c.state IN (SELECT jsonb_array_elements_text($2::jsonb)) OR ${BOOKING_POINT_SQL})
       AND c.closed_at IS NULL AND ${owner.sql}
     ORDER BY ${column} ${direction} NULLS LAST, a.received_at ASC, c.id ASC
     LIMIT $3`,
    [JSON.stringify(q.municipalities), JSON.stringify(REVIEW_STATES), q.limit ?? 500, owner.value],
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

/** First meetings the robot could not book or tell (points for the caseworker) in the user's municipalities. */
export async function countBookingPoints(db: Queryable, municipalities: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM bookings b WHERE b.municipality IN (SELECT jsonb_array_elements_text($1::jsonb)) AND ${BOOKING_POINT_SQL}`,
    [JSON.stringify(municipalities)],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Counts per review state in the user's municipalities (not limited like the list). */
export async function countReviewQueue(
  db: Queryable,
  municipalities: readonly string[],
  whose: ReviewOwner = 'all',
): Promise<Record<(typeof REVIEW_STATES)[number], number>> {
  const owner = ownerFilter(whose, 3);
  const { rows } = await db.query<{ state: (typeof REVIEW_STATES)[number]; n: string }>(
    `SELECT c.state, count(*) AS n FROM cases c
     WHERE c.municipality IN (SELECT jsonb_array_elements_text($1::jsonb))
       AND c.state IN (SELECT jsonb_array_elements_text($2::jsonb))
       AND c.closed_at IS NULL AND ${owner.sql}
     GROUP BY c.state`,
    [JSON.stringify(municipalities), JSON.stringify(REVIEW_STATES), owner.value],
  );
  const counts = { PROPOSED: 0, MANUAL: 0, TECHNICAL_ERROR: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}

import type { Queryable } from '../db.js';

/**
 * First meetings (migration 0009): one row per case that is to have one. The row is written
 * before the booking system is asked, so a kill anywhere leaves a row that says what is still
 * to do; every change is compare-and-set on the state, so two runs never both win.
 */
export const BOOKING_STATES = ['pending', 'booked', 'failed', 'handled'] as const;
export type BookingState = (typeof BOOKING_STATES)[number];

export interface BookingRecord {
  caseId: string;
  municipality: string;
  state: BookingState;
  /** The booking system's reference; set once booked. */
  reference: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  /** Whom the meeting is with, as the booking system says (e.g. "arbetsmarknadssekreterare"). */
  withTitle: string | null;
  location: string | null;
  /** Mina ärenden's reference for the message with the time; null until sent. */
  messageReference: string | null;
  /** Why a caseworker must act, in words (no personal data); null when nothing is wrong. */
  failure: string | null;
  handledBy: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  case_id: string;
  municipality: string;
  state: BookingState;
  reference: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  with_title: string | null;
  location: string | null;
  message_reference: string | null;
  failure: string | null;
  handled_by: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'case_id, municipality, state, reference, starts_at, ends_at, with_title, location, message_reference, failure, handled_by, attempts, created_at, updated_at';

function toRecord(r: Row): BookingRecord {
  return {
    caseId: r.case_id,
    municipality: r.municipality,
    state: r.state,
    reference: r.reference,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    withTitle: r.with_title,
    location: r.location,
    messageReference: r.message_reference,
    failure: r.failure,
    handledBy: r.handled_by,
    attempts: Number(r.attempts),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Whether a booking is a point on the caseworker's list: it failed, or the applicant was not told. */
export function isBookingPoint(b: Pick<BookingRecord, 'state' | 'messageReference' | 'failure'>): boolean {
  return b.state === 'failed' || (b.state === 'booked' && b.messageReference === null && b.failure !== null);
}

/** The SQL of isBookingPoint, for a bookings row aliased `b`. */
export const BOOKING_POINT_SQL = "(b.state = 'failed' OR (b.state = 'booked' AND b.message_reference IS NULL AND b.failure IS NOT NULL))";

/** Opens the case's first-meeting booking (pending), once; a second call changes nothing. */
export async function openBooking(db: Queryable, input: { caseId: string; municipality: string }): Promise<{ created: boolean }> {
  const { rows } = await db.query<{ case_id: string }>(
    `INSERT INTO bookings (case_id, municipality, state) VALUES ($1, $2, 'pending') ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
    [input.caseId, input.municipality],
  );
  return { created: rows.length > 0 };
}

export async function getBooking(db: Queryable, caseId: string): Promise<BookingRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM bookings WHERE case_id = $1`, [caseId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Counts one more try of the booking job (for the case page: "försök 3"). */
export async function countBookingAttempt(db: Queryable, caseId: string): Promise<void> {
  await db.query('UPDATE bookings SET attempts = attempts + 1, updated_at = clock_timestamp() WHERE case_id = $1', [caseId]);
}

/**
 * pending -> booked with what the booking system answered. Returns the row as it stands; when
 * another run recorded the booking first, that one stands (`changed: false`).
 */
export async function recordBooked(
  db: Queryable,
  input: { caseId: string; reference: string; startsAt: Date; endsAt: Date; withTitle: string; location: string | null },
): Promise<{ booking: BookingRecord; changed: boolean }> {
  const { rows } = await db.query<Row>(
    `UPDATE bookings SET state = 'booked', reference = $2, starts_at = $3, ends_at = $4, with_title = $5, location = $6, failure = NULL, updated_at = clock_timestamp()
      WHERE case_id = $1 AND state IN ('pending', 'failed') RETURNING ${COLUMNS}`,
    [input.caseId, input.reference, input.startsAt, input.endsAt, input.withTitle, input.location],
  );
  if (rows[0]) return { booking: toRecord(rows[0]), changed: true };
  const existing = await getBooking(db, input.caseId);
  if (!existing) throw new Error(`booking for case ${input.caseId} is missing`);
  return { booking: existing, changed: false };
}

/** Mina ärenden has the message: stores its reference, once. */
export async function recordBookingMessage(db: Queryable, caseId: string, reference: string): Promise<boolean> {
  const { rows } = await db.query<{ case_id: string }>(
    `UPDATE bookings SET message_reference = $2, failure = NULL, updated_at = clock_timestamp()
      WHERE case_id = $1 AND state = 'booked' AND message_reference IS NULL RETURNING case_id`,
    [caseId, reference],
  );
  return rows.length > 0;
}

/**
 * A point for the caseworker. Before the booking: pending -> failed. After it (the message
 * could not be sent): the booking stays booked and carries the failure.
 */
export async function recordBookingFailure(db: Queryable, caseId: string, failure: string): Promise<boolean> {
  const { rows } = await db.query<{ case_id: string }>(
    `UPDATE bookings SET
        state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,
        failure = $2, updated_at = clock_timestamp()
      WHERE case_id = $1 AND (state = 'pending' OR (state = 'booked' AND message_reference IS NULL)) RETURNING case_id`,
    [caseId, failure.slice(0, 300)],
  );
  return rows.length > 0;
}

/** The caseworker asks the robot to try again: the point is cleared and the sweep takes it up. */
export async function retryBooking(db: Queryable, caseId: string): Promise<boolean> {
  const { rows } = await db.query<{ case_id: string }>(
    `UPDATE bookings SET state = CASE WHEN state = 'failed' THEN 'pending' ELSE state END, failure = NULL, attempts = 0, updated_at = clock_timestamp()
      WHERE case_id = $1 AND ${BOOKING_POINT_SQL.replaceAll('b.', '')} RETURNING case_id`,
    [caseId],
  );
  return rows.length > 0;
}

/** The caseworker takes the point over (booked by hand, or no meeting is needed). */
export async function markBookingHandled(db: Queryable, caseId: string, actor: string): Promise<boolean> {
  const { rows } = await db.query<{ case_id: string }>(
    `UPDATE bookings SET state = 'handled', handled_by = $2, updated_at = clock_timestamp()
      WHERE case_id = $1 AND ${BOOKING_POINT_SQL.replaceAll('b.', '')} RETURNING case_id`,
    [caseId, actor],
  );
  return rows.length > 0;
}

/**
 * The sweep's list: bookings still to make, and messages still to send, of cases the robot has
 * assessed (a booking waits for the case's register facts: a protected identity is never sent
 * to the booking system). Oldest first.
 */
export async function listOpenBookings(db: Queryable, limit = 500): Promise<string[]> {
  const { rows } = await db.query<{ case_id: string }>(
    `SELECT b.case_id FROM bookings b JOIN cases c ON c.id = b.case_id
      WHERE (b.state = 'pending' OR (b.state = 'booked' AND b.message_reference IS NULL AND b.failure IS NULL))
        AND c.state IN ('PROPOSED', 'MANUAL', 'SIGNED', 'COMPLETED')
      ORDER BY b.updated_at, b.case_id
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.case_id);
}

/**
 * The first meeting (issue: "beslut i morgon"): for a first application the robot books a
 * meeting with an arbetsmarknadssekreterare in the municipality's booking system and tells the
 * applicant the time in "Mina ärenden".
 *
 * bookings: one row per case that is to have a first meeting (primary key case_id: a case has
 * one first meeting, which is what keeps a retry from booking a second one). The row is the
 * work list of the booking jobs and of the sweep that re-enqueues them, so it is written
 * *before* the booking is asked for:
 *   pending  -> the robot is to book (or is booking);
 *   booked   -> the booking system answered; `message_reference` is set once Mina ärenden
 *               has the message (NULL while it is still to be sent);
 *   failed   -> retries spent, no free slot, or a case the robot must not book (protected
 *               identity): a point on the caseworker's list, in `failure`, in words;
 *   handled  -> a caseworker took the point over (booked by hand or decided no meeting).
 * A caseworker may put a failed booking back to pending ("try again"); the sweep takes it up.
 * Rows change state, so the table is not append-only; its history is in the audit log (every
 * call and every answer). Case ids and times only: the applicant is found through the case.
 */
export const sql = /* sql */ `
CREATE TABLE bookings (
  case_id           text PRIMARY KEY REFERENCES cases (id),
  municipality      text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
  state             text NOT NULL CHECK (state IN ('pending', 'booked', 'failed', 'handled')),
  reference         text,
  starts_at         timestamptz,
  ends_at           timestamptz,
  with_title        text,
  location          text,
  message_reference text,
  failure           text,
  handled_by        text,
  attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (state <> 'booked' OR (reference IS NOT NULL AND starts_at IS NOT NULL AND ends_at IS NOT NULL))
);
-- The sweep's work: bookings to make and messages still to send.
CREATE INDEX bookings_open_idx ON bookings (updated_at)
  WHERE state = 'pending' OR (state = 'booked' AND message_reference IS NULL AND failure IS NULL);
-- The caseworkers' points.
CREATE INDEX bookings_points_idx ON bookings (municipality, updated_at)
  WHERE state = 'failed' OR (state = 'booked' AND message_reference IS NULL AND failure IS NOT NULL);
`;

import type { BookingAdapter } from '../casesystem/booking.js';
import type { Notifier } from '../casesystem/types.js';
import { stockholmDate } from '../domain/dates.js';
import { BookingNotPossibleException, SystemException } from '../domain/errors.js';
import {
  appendAudit,
  countBookingAttempt,
  getBooking,
  getCase,
  latestSnapshotForCase,
  listOpenBookings,
  openBooking,
  pseudonymFor,
  recordBooked,
  recordBookingFailure,
  recordBookingMessage,
  type NewAuditEntry,
} from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { bookingPurpose } from './purposes.js';
import type { Queues } from './queues.js';

/**
 * The first meeting (Trelleborg's "beslut i morgon": every first application is preceded by a
 * meeting with an arbetsmarknadssekreterare). For a first application (kind new) in a
 * municipality whose rules file says so (municipality.<code>.firstMeeting), the robot books the
 * meeting in the booking system and tells the applicant the time in Mina ärenden.
 *
 * Beside the case, never in its way: the case job only writes the booking down as pending
 * (before the registers are read, so a kill cannot lose it) and, once the proposal is stored,
 * hands it to its own job, `booking-<caseId>` on the booking queue. Exactly once, even when a
 * worker is killed anywhere: the bookings row (one per case) says what is done; between the
 * booking system's answer and the row, the booking adapter asks first whether the case already
 * has its booking and sends the case id as the idempotency key, so a retry gets the first
 * booking back; the message is idempotent by case id the same way. A sweep gives every open
 * booking a job. What the robot cannot do (no free slot, a protected identity, retries spent)
 * becomes a point on the caseworker's list, in words; the case goes on regardless.
 * Every call is audit-logged with the robot's identity before it is made and when answered.
 */

export interface BookingAdapters {
  booking: BookingAdapter;
  notifier: Notifier;
}

export type FirstMeetingResult = 'BOOKED' | 'ALREADY_DONE' | 'FAILED' | 'NOT_READY' | 'UNKNOWN_BOOKING';

/** Cases the robot has assessed: their register facts are known. */
const ASSESSED = new Set(['PROPOSED', 'MANUAL', 'SIGNED', 'COMPLETED']);

/**
 * Whether the municipality's rules say the robot books the first meeting of an application
 * received at `receivedAt` (the rule in force on its Stockholm date; no rule: no).
 */
export function booksFirstMeeting(deps: Pick<RobotDeps, 'rules'>, municipality: string, receivedAt: Date): boolean {
  return deps.rules.municipality(municipality)?.firstMeeting(stockholmDate(receivedAt))?.value.book === true;
}

/**
 * Called by the case job for a valid application: a first application in a municipality that
 * books gets its pending booking, once. Returns whether the case has a first meeting to book.
 */
export async function openFirstMeeting(
  deps: Pick<RobotDeps, 'db' | 'rules'>,
  application: { id: string; municipality: string; kind: string; receivedAt: string },
): Promise<boolean> {
  if (application.kind !== 'new') return false;
  if (!booksFirstMeeting(deps, application.municipality, new Date(application.receivedAt))) return false;
  await openBooking(deps.db, { caseId: application.id, municipality: application.municipality });
  return true;
}

interface SnapshotFacts {
  application?: { applicant?: { personalNumber?: unknown } };
  registers?: { kir?: unknown };
}

/** Whether KIR marked anyone in the household as protected; a KIR that did not answer counts as protected (fail closed). */
function protectedIdentity(snapshot: SnapshotFacts): boolean {
  const kir = snapshot.registers?.kir;
  if (!Array.isArray(kir)) return true;
  return kir.some((k) => (k as { status?: unknown }).status === 'unavailable' || (k as { protectedIdentity?: unknown }).protectedIdentity === true);
}

const FAILURE_WORDS: Record<BookingNotPossibleException['problem'], string> = {
  NO_FREE_SLOT: 'Bokningssystemet hade ingen ledig tid. Boka mötet med arbetsmarknadssekreterare för hand.',
  PROTECTED_IDENTITY: 'Någon i hushållet har skyddade personuppgifter (eller KIR kunde inte läsas): roboten skickar inga uppgifter till bokningssystemet. Boka mötet för hand.',
  NO_APPLICANT: 'Ansökan saknar sökandens personnummer. Boka mötet för hand.',
};

/** Books the case's first meeting and sends the message, each step at most once (see above). */
export async function bookFirstMeeting(deps: RobotDeps, adapters: BookingAdapters, caseId: string, run: { lastAttempt: boolean }): Promise<FirstMeetingResult> {
  const booking = await getBooking(deps.db, caseId);
  if (!booking) return 'UNKNOWN_BOOKING';
  if (booking.state === 'failed' || booking.state === 'handled') return 'ALREADY_DONE';
  if (booking.state === 'booked' && (booking.messageReference !== null || booking.failure !== null)) return 'ALREADY_DONE';
  const found = await getCase(deps.db, caseId);
  if (!found || !ASSESSED.has(found.state)) return 'NOT_READY';

  const municipality = booking.municipality;
  let subjectRef: string | null = null;
  const purpose = bookingPurpose(stockholmDate(deps.clock()));
  const audit = (action: string, result: 'started' | 'ok' | 'error', details: Record<string, unknown>): NewAuditEntry => ({
    actor: deps.identity,
    action,
    caseId,
    subjectRef,
    purpose,
    result,
    details: { municipality, ...details },
  });
  let step: 'booking.first-meeting' | 'booking.message' = 'booking.first-meeting';
  try {
    await countBookingAttempt(deps.db, caseId);
    let meeting = booking;
    if (booking.state === 'pending') {
      const snapshot = ((await latestSnapshotForCase(deps.db, caseId))?.snapshot ?? {}) as SnapshotFacts;
      const personalNumber = snapshot.application?.applicant?.personalNumber;
      if (typeof personalNumber !== 'string') throw new BookingNotPossibleException('NO_APPLICANT', `ärende ${caseId}: ingen sökande i underlaget`);
      subjectRef = pseudonymFor(personalNumber, deps.pseudonymSecret);
      if (protectedIdentity(snapshot)) throw new BookingNotPossibleException('PROTECTED_IDENTITY', `ärende ${caseId}: skyddade personuppgifter`);
      await appendAudit(deps.db, audit(step, 'started', {}));
      const made = await adapters.booking.bookFirstMeeting({ caseId, municipality, personalNumber, from: deps.clock() });
      meeting = await deps.db.transaction(async (tx) => {
        const { booking: stored, changed } = await recordBooked(tx, { caseId, ...made });
        if (!changed && stored.reference !== made.reference) deps.logger.warn({ caseId }, 'booking already recorded with another reference');
        await appendAudit(tx, audit(step, 'ok', { reference: stored.reference, startsAt: stored.startsAt?.toISOString(), existed: made.existed, repeated: !changed }));
        return stored;
      });
    }
    step = 'booking.message';
    await appendAudit(deps.db, audit(step, 'started', { reference: meeting.reference }));
    const message = await adapters.notifier.notifyMeetingBooked({
      caseId,
      startsAt: meeting.startsAt!,
      endsAt: meeting.endsAt!,
      withTitle: meeting.withTitle ?? 'arbetsmarknadssekreterare',
      location: meeting.location,
    });
    await deps.db.transaction(async (tx) => {
      const changed = await recordBookingMessage(tx, caseId, message.reference);
      await appendAudit(tx, audit(step, 'ok', { reference: message.reference, repeated: !changed }));
    });
    return 'BOOKED';
  } catch (error) {
    if (error instanceof BookingNotPossibleException) {
      await fail(deps, caseId, FAILURE_WORDS[error.problem], audit(step, 'error', { problem: error.problem }));
      return 'FAILED';
    }
    if (!run.lastAttempt) throw error;
    // Retries are spent: a point for the caseworker, naming what did not answer.
    const component = error instanceof SystemException ? error.component : 'robot';
    const words =
      step === 'booking.first-meeting'
        ? 'Bokningssystemet svarade inte trots flera försök. Försök igen eller boka mötet för hand.'
        : 'Mötet är bokat, men meddelandet till Mina ärenden kunde inte skickas trots flera försök. Försök igen eller meddela sökanden tiden på annat sätt.';
    await fail(deps, caseId, words, audit(step, 'error', { component, error: error instanceof Error ? error.name : 'unknown' }));
    return 'FAILED';
  }
}

async function fail(deps: RobotDeps, caseId: string, words: string, entry: NewAuditEntry): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await recordBookingFailure(tx, caseId, words);
    await appendAudit(tx, entry);
  });
  deps.logger.warn({ caseId, action: entry.action }, 'first meeting is a point for the caseworker');
}

/**
 * The sweep: every open booking of an assessed case (to book, or a message to send) gets a
 * job; a job that already finished is replaced. Runs on a schedule in the worker (one per
 * cluster), so a lost job, a job BullMQ failed, or a case job killed after its proposal never
 * leaves a first meeting unbooked.
 */
export async function sweepBookings(deps: Pick<RobotDeps, 'db' | 'logger'>, queues: Queues, limit = 500): Promise<{ open: number; requeued: number }> {
  const startedAt = Date.now();
  const open = await listOpenBookings(deps.db, limit);
  const requeued = await queues.enqueueBookings(open, startedAt);
  if (requeued > 0) deps.logger.warn({ requeued }, 'booking sweep requeued finished jobs of open bookings');
  return { open: open.length, requeued };
}
